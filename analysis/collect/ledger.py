"""The collection ledger: one SQLite file recording every input URL and what became of it.

SQLite in WAL mode, committed after every URL: a ``kill -9`` at any moment loses at most
the URL in flight, the file stays readable, and the next run picks up the rows still
``pending``. Tables:

- ``urls``: one row per input URL and source (columns in ``schema.LEDGER_COLUMNS`` and a
  few more: the source's date and title hints, validators for conditional requests);
- ``requests``: every discovery call (a GDELT slice, a feed, a Media Cloud page) with its
  outcome, so a rerun replays completed calls instead of repeating them;
- ``articles``: the text extracted from each fetched page, exported to
  ``articles.jsonl`` for ingestion.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema as S

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    source TEXT NOT NULL,
    input_url TEXT NOT NULL,
    url TEXT,
    seq INTEGER NOT NULL,
    n_listed INTEGER NOT NULL DEFAULT 1,
    outlet TEXT,
    outlet_hint TEXT,
    published_hint TEXT,
    title_hint TEXT,
    outcome TEXT NOT NULL DEFAULT 'pending',
    reason TEXT,
    status INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    final_url TEXT,
    fetched_at TEXT,
    sha256 TEXT,
    bytes INTEGER,
    warc_file TEXT,
    warc_offset INTEGER,
    doc_id TEXT,
    duplicate_of TEXT,
    archive_url TEXT,
    charset TEXT,
    language TEXT,
    etag TEXT,
    last_modified TEXT,
    PRIMARY KEY (source, input_url)
);
CREATE INDEX IF NOT EXISTS urls_by_url ON urls (url);
CREATE INDEX IF NOT EXISTS urls_by_outcome ON urls (outcome);
CREATE TABLE IF NOT EXISTS requests (
    source TEXT NOT NULL,
    request_url TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    n_results INTEGER,
    capped INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    payload TEXT,
    fetched_at TEXT,
    PRIMARY KEY (source, request_url)
);
CREATE TABLE IF NOT EXISTS articles (
    doc_id TEXT PRIMARY KEY,
    record TEXT NOT NULL
);
"""

_URL_COLUMNS = (
    *S.LEDGER_COLUMNS,
    "n_listed",
    "outlet_hint",
    "published_hint",
    "title_hint",
    "duplicate_of",
    "archive_url",
    "charset",
    "language",
    "etag",
    "last_modified",
)


@dataclass(frozen=True)
class Candidate:
    """A URL a source found, with what the source said about it."""

    source: str
    input_url: str
    outlet: str | None = None
    published: str | None = None
    title: str | None = None


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Ledger:
    """The ledger file; every write is committed at once."""

    FILE = "ledger.sqlite"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- input URLs ---------------------------------------------------------------
    def add(self, candidates: Iterable[Candidate]) -> int:
        """Record candidates (new ones as pending); return how many were new."""
        new = 0
        with self.transaction() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM urls").fetchone()[0]
            for c in candidates:
                cur = db.execute(
                    "INSERT OR IGNORE INTO urls (source, input_url, seq, outlet_hint, "
                    "published_hint, title_hint) VALUES (?, ?, ?, ?, ?, ?)",
                    (c.source, c.input_url, seq, c.outlet, c.published, c.title),
                )
                if cur.rowcount:
                    seq += 1
                    new += 1
                else:
                    db.execute(
                        "UPDATE urls SET n_listed = n_listed + 1 "
                        "WHERE source = ? AND input_url = ?",
                        (c.source, c.input_url),
                    )
        return new

    def retriage(self) -> int:
        """Send URLs skipped for a reason that depends on the config (outlets file,
        window) back to triage, so an added domain or a wider window takes effect."""
        cur = self.db.execute(
            "UPDATE urls SET outcome = 'pending', url = NULL, outlet = NULL, reason = NULL "
            "WHERE outcome IN ('unknown_outlet', 'out_of_window')"
        )
        return cur.rowcount

    def reset_listing_counts(self) -> None:
        """Listing counts are per run: a rerun lists the same URLs again."""
        self.db.execute("UPDATE urls SET n_listed = 0")

    def rows(self, where: str = "1", params: tuple = ()) -> list[sqlite3.Row]:
        return self.db.execute(f"SELECT * FROM urls WHERE {where} ORDER BY seq", params).fetchall()

    def update(self, source: str, input_url: str, **fields: Any) -> None:
        outcome = fields.get("outcome", S.COLLECT_PENDING)
        if outcome not in S.COLLECT_OUTCOMES and outcome != S.COLLECT_PENDING:
            raise ValueError(f"unknown ledger outcome {fields['outcome']!r}")
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(
            f"UPDATE urls SET {sets} WHERE source = ? AND input_url = ?",
            (*fields.values(), source, input_url),
        )

    # --- discovery calls -----------------------------------------------------------
    def request(self, source: str, request_url: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT * FROM requests WHERE source = ? AND request_url = ?", (source, request_url)
        ).fetchone()

    def record_request(
        self,
        source: str,
        request_url: str,
        *,
        outcome: str,
        status: int | None = None,
        n_results: int | None = None,
        capped: bool = False,
        reason: str | None = None,
        payload: Any = None,
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source,
                request_url,
                outcome,
                status,
                n_results,
                int(capped),
                reason,
                None if payload is None else json.dumps(payload, ensure_ascii=False),
                now(),
            ),
        )

    def requests_frame(self) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT source, request_url, outcome, status, n_results, capped, reason, fetched_at "
            "FROM requests ORDER BY source, request_url",
            self.db,
        )

    # --- extracted articles --------------------------------------------------------
    def put_article(self, doc_id: str, record: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?)",
            (doc_id, json.dumps(record, ensure_ascii=False, sort_keys=True)),
        )

    def articles(self) -> list[dict[str, Any]]:
        """Articles of URLs whose outcome is fetched, in doc_id order."""
        rows = self.db.execute(
            "SELECT a.record FROM articles a JOIN urls u ON u.doc_id = a.doc_id "
            "WHERE u.outcome IN ('fetched', 'fetched_archive') GROUP BY a.doc_id "
            "ORDER BY a.doc_id"
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    # --- the account ---------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        cols = ", ".join(_URL_COLUMNS)
        return pd.read_sql_query(f"SELECT {cols} FROM urls ORDER BY seq", self.db)

    def counts(self) -> dict[str, int]:
        """Input URLs and how many ended fetched, failed, skipped or still pending."""
        out = {"input": 0, S.COLLECT_FETCHED: 0, S.COLLECT_FAILED: 0, S.COLLECT_SKIPPED: 0}
        out[S.COLLECT_PENDING] = 0
        for outcome, n in self.db.execute("SELECT outcome, COUNT(*) FROM urls GROUP BY outcome"):
            out["input"] += n
            out[S.COLLECT_OUTCOMES.get(outcome, S.COLLECT_PENDING)] += n
        return out
