"""`framing collect`: discover URLs, fetch them politely, keep the raw responses, extract
the articles, and account for every input URL.

Steps: (1) each source's discovery calls, replayed from the ledger when already done;
(2) triage of new URLs: canonical form, duplicates, outlet by registered domain, the
study window; (3) fetching, one worker per host, with the Internet Archive as fallback
for pages that are gone; each response is appended to a WARC segment, its text
extracted in a worker process, and its ledger row committed; (4) the articles file,
the ledger as CSV and the summary, written atomically.

The ledger is committed after every URL, so a run killed at any moment resumes where it
stopped: rows still ``pending`` are fetched, nothing else.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pandas as pd
from filelock import FileLock, Timeout
from tqdm import tqdm

from analysis import schema as S
from analysis.collect.archive import WarcArchive, read_response
from analysis.collect.config import CollectConfig
from analysis.collect.extract import Extracted, extract_page
from analysis.collect.fetch import Fetcher, Response
from analysis.collect.ledger import Ledger
from analysis.collect.robots import Robots
from analysis.collect.sources import CollectError, Discovery, in_window
from analysis.collect.urls import (
    BadUrl,
    OutletMatcher,
    canonical_url,
    host_of,
    project_version,
    registered_domain,
)
from analysis.io import write_csv, write_text
from analysis.study import Study

log = logging.getLogger(__name__)

ARTICLES_FILE = "articles.jsonl"
ROBOTS_AGENT = "framing-analysis"


@dataclass
class CollectReport:
    folder: Path
    counts: dict[str, int]
    by_source: pd.DataFrame  # source × outcome counts
    requests: pd.DataFrame  # discovery calls
    n_articles: int
    top_reasons: list[dict[str, Any]] = field(default_factory=list)  # why URLs were not fetched
    seconds: dict[str, float] = field(default_factory=dict)
    extraction_seconds: float = 0.0
    pages_fetched_this_run: int = 0
    requests_made: int = 0
    repaired_segments: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.counts[S.COLLECT_PENDING] == 0


def collect(
    study: Study,
    *,
    refresh: bool = False,
    limit: int | None = None,
    progress: bool | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CollectReport:
    """Collect the study's coverage into ``<study>/<collect.output>/``."""
    cfg = study.config.collect
    if cfg is None:
        raise CollectError(
            f"{study.root / 'study.yaml'}: the study has no `collect:` section",
            hint="add one (see corpora/nk_kursk/study.yaml and the README, "
            "'Collecting coverage'), or bring your own article files under `corpus:`",
        )
    folder = study.path(cfg.output)
    folder.mkdir(parents=True, exist_ok=True)
    with _only_run(folder):
        return _collect(study, cfg, folder, refresh, limit, progress, transport)


def _collect(study, cfg, folder, refresh, limit, progress, transport) -> CollectReport:
    ledger = Ledger(folder / Ledger.FILE)
    archive = WarcArchive(folder / "warc", prefix=study.name, segment_records=cfg.segment_records)
    report_seconds: dict[str, float] = {}
    try:
        repaired = archive.repair()
        collector = _Collector(study, cfg, ledger, archive, refresh=refresh, transport=transport)
        start = time.perf_counter()
        asyncio.run(collector.run(limit=limit, progress=progress))
        report_seconds["collect"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        n_articles = export(ledger, folder)
        report_seconds["export"] = round(time.perf_counter() - start, 3)
        counts = ledger.counts()
        frame = ledger.frame()
        report = CollectReport(
            folder=folder,
            counts=counts,
            by_source=by_source(frame),
            top_reasons=top_reasons(frame),
            requests=ledger.requests_frame(),
            n_articles=n_articles,
            seconds={**collector.seconds, **report_seconds},
            extraction_seconds=round(collector.extraction_seconds, 3),
            pages_fetched_this_run=collector.fetched_this_run,
            requests_made=collector.requests_made,
            repaired_segments=repaired,
        )
    finally:
        archive.close()
        ledger.close()
    accounted = sum(counts[k] for k in (*_CATEGORIES, S.COLLECT_PENDING))
    if accounted != counts["input"] or (limit is None and counts[S.COLLECT_PENDING]):
        raise CollectError(
            f"internal error: {counts['input']} input URLs but {counts} in the ledger",
            hint="please report this with the study's collect: section",
        )
    write_text(folder / "summary.json", json.dumps(summary_dict(report), indent=2) + "\n")
    return report


_CATEGORIES = (S.COLLECT_FETCHED, S.COLLECT_FAILED, S.COLLECT_SKIPPED)
LOCK_FILE = ".collect.lock"


@contextmanager
def _only_run(folder: Path):
    """Hold the collection folder for this run: a second run would repair (close) the
    WARC segment this one is writing. The lock goes with the process, even on kill -9."""
    lock = FileLock(folder / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise CollectError(
            f"{folder}: another `framing collect` is running on this study",
            hint="wait for it to end, or stop it; a stopped or killed run lets go at once",
        ) from None
    try:
        yield
    finally:
        lock.release()


class _Collector:
    def __init__(self, study, cfg: CollectConfig, ledger, archive, *, refresh, transport):
        self.study, self.cfg, self.ledger, self.archive = study, cfg, ledger, archive
        self.refresh = refresh
        self.transport = transport
        self.outlets = _read_outlets(study)
        try:
            self.matcher = OutletMatcher(self.outlets)
        except ValueError as exc:
            raise CollectError(
                f"{study.path(study.config.outlets)}: {exc}", hint="give each domain one outlet"
            ) from None
        self.allowed_domains = self.matcher.domains | {
            registered_domain(h) for h in (cfg.allowed_hosts or [])
        }
        self.allowed_domains |= {
            registered_domain(cfg.archive.availability_url),
            registered_domain(cfg.archive.snapshot_url),
        }
        self.seconds: dict[str, float] = {}
        self.extraction_seconds = 0.0
        self.fetched_this_run = 0
        self.requests_made = 0

    def allowed(self, origin: str, target: str) -> bool:
        if self.cfg.allowed_hosts is None:
            domain = registered_domain(target)
            return domain == registered_domain(origin) or domain in self.allowed_domains
        return registered_domain(target) in self.allowed_domains

    def user_agent(self) -> str:
        if not self.cfg.contact:
            log.warning(
                "collect.contact is empty: set it to your e-mail or project page, so site "
                "operators can reach you (it is sent in the User-Agent)"
            )
        contact = self.cfg.contact or "no contact given"
        return self.cfg.user_agent.format(version=project_version(), contact=contact)

    async def run(self, *, limit: int | None, progress: bool | None) -> None:
        robots = Robots(ROBOTS_AGENT) if self.cfg.robots else None
        fetcher = Fetcher(
            self.cfg,
            self.user_agent(),
            allowed=self.allowed,
            robots=robots,
            transport=self.transport,
        )
        async with fetcher:
            t0 = time.perf_counter()
            discovery = Discovery(fetcher, self.ledger, self.cfg.window, self.refresh)
            self.ledger.reset_listing_counts()
            for source in self.cfg.sources:
                found = await discovery.run(source, self.study.path)
                new = self.ledger.add(found)
                log.info("source %s: %d URL(s), %d new", source.id, len(found), new)
            self.seconds["discover"] = round(time.perf_counter() - t0, 3)
            t0 = time.perf_counter()
            self.ledger.retriage()
            self.triage()
            self.seconds["triage"] = round(time.perf_counter() - t0, 3)
            t0 = time.perf_counter()
            await self.fetch_all(fetcher, limit, progress)
            self.seconds["fetch"] = round(time.perf_counter() - t0, 3)
            self.requests_made = fetcher.requests_made

    # --- triage ----------------------------------------------------------------------
    def triage(self) -> None:
        """Canonical URL, duplicates, outlet and window of every URL not yet triaged."""
        owners: dict[str, str] = {}
        for row in self.ledger.rows("url IS NOT NULL AND outcome != 'duplicate_url'"):
            owners.setdefault(row["url"], _key(row))
        names = self.matcher.names
        window = self.cfg.window
        with self.ledger.transaction():
            for row in self.ledger.rows("url IS NULL AND outcome = 'pending'"):
                key = (row["source"], row["input_url"])
                try:
                    url = canonical_url(row["input_url"])
                except BadUrl as exc:
                    self.ledger.update(*key, outcome="bad_url", reason=str(exc))
                    continue
                if url in owners:
                    self.ledger.update(
                        *key,
                        url=url,
                        outcome="duplicate_url",
                        duplicate_of=owners[url],
                        reason=f"same canonical URL as {owners[url]}",
                    )
                    continue
                owners[url] = _key(row)
                outlet = row["outlet_hint"]
                if outlet is not None and self.outlets is not None and outlet not in names:
                    self.ledger.update(
                        *key,
                        url=url,
                        outcome="unknown_outlet",
                        reason=f"outlet {outlet!r} given by the source is not in the outlets file",
                    )
                    continue
                if outlet is None:
                    outlet = self.matcher.match(url)
                if outlet is None:
                    self.ledger.update(
                        *key,
                        url=url,
                        outcome="unknown_outlet",
                        reason=f"no outlet lists the domain {registered_domain(url)!r} in the "
                        "`domains` column of the outlets file",
                    )
                    continue
                fields: dict[str, Any] = {"url": url, "outlet": outlet}
                if in_window(row["published_hint"], window) is False:
                    fields.update(
                        outcome="out_of_window",
                        reason=f"dated {row['published_hint']} by its source, outside "
                        f"{window.start}..{window.end}",
                    )
                self.ledger.update(*key, **fields)

    # --- fetching --------------------------------------------------------------------
    async def fetch_all(self, fetcher: Fetcher, limit: int | None, progress: bool | None) -> None:
        where = "url IS NOT NULL AND outcome = 'pending'"
        if self.refresh:
            where = "url IS NOT NULL AND outcome IN ('pending', 'fetched', 'fetched_archive')"
        todo = self.ledger.rows(where)
        if limit is not None:
            todo = todo[:limit]
        by_host: dict[str, list] = defaultdict(list)
        for row in todo:
            by_host[host_of(row["url"])].append(row)
        show = sys.stderr.isatty() if progress is None else progress
        bar = tqdm(total=len(todo), unit="page", desc="collect", disable=not show)
        tally: Counter[str] = Counter()
        executor: Executor | None = (
            ProcessPoolExecutor(max_workers=self.cfg.extract_workers)
            if self.cfg.extract_workers and todo
            else None
        )
        pending_extractions: set[asyncio.Task] = set()
        backlog = asyncio.Semaphore(max(8, 4 * (self.cfg.extract_workers or 1)))

        async def finish(row, resp: Response, archive_url: str | None) -> None:
            try:
                outcome = await self._store(row, resp, archive_url, executor)
            finally:
                backlog.release()
            tally[S.COLLECT_OUTCOMES.get(outcome, outcome)] += 1
            bar.update(1)
            bar.set_postfix(tally, refresh=False)

        async def worker(rows: list) -> None:
            for row in rows:
                resp, archive_url = await self._fetch_one(fetcher, row)
                await backlog.acquire()
                task = asyncio.create_task(finish(row, resp, archive_url))
                pending_extractions.add(task)
                task.add_done_callback(pending_extractions.discard)

        try:
            await asyncio.gather(*(worker(rows) for rows in by_host.values()))
            while pending_extractions:
                await asyncio.gather(*list(pending_extractions))
        finally:
            bar.close()
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)

    async def _fetch_one(self, fetcher: Fetcher, row) -> tuple[Response, str | None]:
        headers = {}
        if self.refresh and row["outcome"] in ("fetched", "fetched_archive"):
            if row["etag"]:
                headers["If-None-Match"] = row["etag"]
            if row["last_modified"]:
                headers["If-Modified-Since"] = row["last_modified"]
        mode = self.cfg.archive.mode
        if mode == "always":
            return await self._snapshot(fetcher, row, why=None)
        resp = await fetcher.get(row["url"], headers)
        gone = resp.gone_dns or (resp.outcome in (None, "http_error") and resp.status in (404, 410))
        if mode == "fallback" and gone:
            snap, snap_url = await self._snapshot(fetcher, row, why=resp)
            if snap.ok:
                return snap, snap_url
            resp.reason = f"{_why(resp)}; no archived copy either ({snap.reason})"
        return resp, None

    async def _snapshot(self, fetcher: Fetcher, row, why: Response | None):
        """The Internet Archive snapshot closest to the page's date."""
        cfg = self.cfg.archive
        when = row["published_hint"] or (
            self.cfg.window.start.isoformat() if self.cfg.window else ""
        )
        stamp = "".join(ch for ch in str(when)[:10] if ch.isdigit())
        query = urlencode({"url": row["url"], **({"timestamp": stamp} if stamp else {})})
        avail = await fetcher.get(
            f"{cfg.availability_url}?{query}",
            check_robots=False,
            follow_meta_refresh=False,
            stop_non_html=False,
        )
        failed = Response(url=row["url"], final_url=row["url"], outcome="http_error")
        if not avail.ok:
            failed.reason = f"archive lookup failed: {_why(avail)}"
            return failed, None
        try:
            closest = json.loads(avail.content)["archived_snapshots"]["closest"]
            stamp = str(closest["timestamp"])
            available = bool(closest.get("available", True))
        except (json.JSONDecodeError, KeyError, TypeError):
            available = False
        if not available:
            failed.reason = "the Internet Archive has no snapshot"
            return failed, None
        snapshot = f"{cfg.snapshot_url.rstrip('/')}/{stamp}id_/{row['url']}"
        resp = await fetcher.get(snapshot)
        resp.attempts += avail.attempts + (why.attempts if why else 0)
        if why is not None and resp.ok:
            resp.reason = f"{_why(why)} at the source; Internet Archive snapshot {stamp}"
        elif resp.ok:
            resp.reason = f"Internet Archive snapshot {stamp} (collect.archive.mode: always)"
        return resp, snapshot

    async def _store(self, row, resp: Response, archive_url: str | None, executor) -> str:
        """WARC record, extraction and ledger row for one response; returns the outcome."""
        key = (row["source"], row["input_url"])
        base = {"attempts": resp.attempts, "status": resp.status, "fetched_at": resp.fetched_at}
        base["final_url"] = resp.final_url
        if resp.status == 304 and resp.outcome is None:
            self.ledger.update(*key, attempts=resp.attempts, fetched_at=resp.fetched_at)
            return row["outcome"]
        if resp.outcome is None and not resp.ok:
            resp.outcome = "http_error"
            resp.reason = resp.reason or f"HTTP {resp.status} {resp.http_reason}".strip()
        if resp.outcome is not None:
            self.ledger.update(*key, outcome=resp.outcome, reason=resp.reason, **base)
            return resp.outcome
        self.fetched_this_run += 1
        warc_file, offset = self.archive.write(
            resp.final_url,
            status=resp.status,
            reason=resp.http_reason,
            http_version=resp.http_version,
            headers=resp.headers,
            request_headers=resp.request_headers,
            body=resp.raw,
        )
        content_type = resp.header("content-type")
        started = time.perf_counter()
        if executor is None:
            extracted, seconds = _timed_extract(resp.content, content_type, self.cfg.min_words)
        else:
            loop = asyncio.get_running_loop()
            extracted, seconds = await loop.run_in_executor(
                executor, _timed_extract, resp.content, content_type, self.cfg.min_words
            )
        self.extraction_seconds += (
            seconds if executor is not None else time.perf_counter() - started
        )
        fields = {
            **base,
            "sha256": hashlib.sha256(resp.raw).hexdigest(),
            "bytes": len(resp.raw),
            "warc_file": warc_file,
            "warc_offset": offset,
            "archive_url": archive_url,
            "charset": extracted.charset,
            "etag": resp.header("etag"),
            "last_modified": resp.header("last-modified"),
        }
        return record_extraction(
            self.ledger,
            row,
            extracted,
            fields,
            final_url=resp.final_url,
            fetched_at=resp.fetched_at,
            archive_reason=resp.reason if archive_url else None,
        )


_CHARSET_NOTE = "declared charset "


def record_extraction(
    ledger: Ledger,
    row,
    extracted: Extracted,
    fields: dict[str, Any],
    *,
    final_url: str,
    fetched_at: str | None,
    archive_reason: str | None,
) -> str:
    """The ledger row (and article) for one extracted page; returns its outcome."""
    key = (row["source"], row["input_url"])
    archive_url = fields.get("archive_url")
    if extracted.outcome is not None:
        ledger.update(*key, outcome=extracted.outcome, reason=extracted.reason, **fields)
        return extracted.outcome
    doc_id = "c" + hashlib.sha256(row["url"].encode()).hexdigest()[:15]
    outcome = "fetched_archive" if archive_url else "fetched"
    reason = archive_reason
    if extracted.charset_declared and extracted.charset != extracted.charset_declared:
        note = f"{_CHARSET_NOTE}{extracted.charset_declared}, read as {extracted.charset}"
        reason = f"{reason}; {note}" if reason else note
    article = _article(row, extracted, doc_id, archive_url, final_url, fetched_at)
    ledger.put_article(doc_id, article)
    ledger.update(*key, outcome=outcome, reason=reason, doc_id=doc_id, **fields)
    return outcome


def reextract(study: Study) -> CollectReport:
    """Extract every archived page again from the WARC files, fetching nothing.

    For a new extractor version or a changed ``collect.min_words``; outcomes of pages
    that were fetched (fetched, fetched_archive, extraction_empty, not_html) are
    recomputed, nothing else changes.
    """
    cfg = study.config.collect
    if cfg is None:
        raise CollectError(f"{study.root / 'study.yaml'}: the study has no `collect:` section")
    folder = study.path(cfg.output)
    folder.mkdir(parents=True, exist_ok=True)
    with _only_run(folder):
        return _reextract(cfg, folder)


def _reextract(cfg, folder: Path) -> CollectReport:
    ledger = Ledger(folder / Ledger.FILE)
    start = time.perf_counter()
    try:
        rows = ledger.rows(
            "warc_file IS NOT NULL AND outcome IN "
            "('fetched', 'fetched_archive', 'extraction_empty', 'not_html')"
        )
        for row in tqdm(rows, unit="page", desc="re-extract", disable=not sys.stderr.isatty()):
            headers, body = read_response(folder / "warc", row["warc_file"], row["warc_offset"])
            content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
            extracted = extract_page(body, content_type, cfg.min_words)
            base_reason = (row["reason"] or "").split(f"; {_CHARSET_NOTE}")[0]
            if base_reason.startswith(_CHARSET_NOTE):
                base_reason = ""
            record_extraction(
                ledger,
                row,
                extracted,
                {"charset": extracted.charset, "archive_url": row["archive_url"]},
                final_url=row["final_url"],
                fetched_at=row["fetched_at"],
                archive_reason=base_reason or None if row["archive_url"] else None,
            )
        n_articles = export(ledger, folder)
        frame = ledger.frame()
        report = CollectReport(
            folder=folder,
            counts=ledger.counts(),
            by_source=by_source(frame),
            requests=ledger.requests_frame(),
            n_articles=n_articles,
            top_reasons=top_reasons(frame),
            seconds={"reextract": round(time.perf_counter() - start, 3)},
        )
    finally:
        ledger.close()
    write_text(folder / "summary.json", json.dumps(summary_dict(report), indent=2) + "\n")
    return report


def _timed_extract(
    body: bytes, content_type: str | None, min_words: int
) -> tuple[Extracted, float]:
    start = time.process_time()
    out = extract_page(body, content_type, min_words)
    return out, time.process_time() - start


def _article(
    row,
    ex: Extracted,
    doc_id: str,
    archive_url: str | None,
    final_url: str,
    fetched_at: str | None,
) -> dict:
    published = ex.published or row["published_hint"]
    return {
        S.DOC_ID: doc_id,
        S.OUTLET: row["outlet"],
        S.URL: row["url"],
        S.TITLE: ex.title or row["title_hint"],
        S.PUBLISHED: published,
        S.TEXT: ex.text,
        "date_from": "page" if ex.published else ("source" if published else None),
        "author": ex.author,
        "collect_source": row["source"],
        "final_url": final_url,
        "archive_url": archive_url,
        "charset": ex.charset,
        "declared_language": ex.declared_language,
        "fetched_at": fetched_at,
    }


def _key(row) -> str:
    return f"{row['source']}: {row['input_url']}"


def _why(resp: Response) -> str:
    return resp.reason or f"HTTP {resp.status} {resp.http_reason}".strip()


def _read_outlets(study: Study) -> pd.DataFrame | None:
    if not study.config.outlets:
        return None
    path = study.path(study.config.outlets)
    if not path.exists():
        raise CollectError(f"{path}: outlets file not found", hint="fix `outlets:` in study.yaml")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    if S.OUTLET not in table.columns:
        raise CollectError(f"{path}: no `outlet` column", hint="see corpora/nk_kursk/outlets.csv")
    return table


# --- outputs ---------------------------------------------------------------------------
def export(ledger: Ledger, folder: Path) -> int:
    """articles.jsonl, ledger.csv and requests.csv from the ledger (atomically)."""
    articles = ledger.articles()
    write_text(
        folder / ARTICLES_FILE,
        "".join(json.dumps(a, ensure_ascii=False, sort_keys=True) + "\n" for a in articles),
    )
    write_csv(ledger.frame(), folder / "ledger.csv")
    write_csv(ledger.requests_frame(), folder / "requests.csv")
    return len(articles)


def by_source(ledger: pd.DataFrame) -> pd.DataFrame:
    """Input URLs per source and outcome, with the fetched/failed/skipped totals."""
    if ledger.empty:
        return pd.DataFrame(columns=["source", "outcome", "category", "n"])
    counts = ledger.groupby(["source", "outcome"]).size().reset_index(name="n")
    counts["category"] = counts["outcome"].map(S.COLLECT_OUTCOMES).fillna(S.COLLECT_PENDING)
    return counts[["source", "outcome", "category", "n"]]


def top_reasons(ledger: pd.DataFrame, n: int = 8) -> list[dict[str, Any]]:
    """The most common (outcome, reason) pairs of URLs not fetched."""
    missed = ledger[~ledger["outcome"].isin(["fetched", "fetched_archive", S.COLLECT_PENDING])]
    if missed.empty:
        return []
    # Reasons name the URL for duplicates; group those by outcome alone.
    reasons = missed["reason"].where(missed["outcome"] != "duplicate_url", "same canonical URL")
    counts = missed.assign(reason=reasons.fillna("")).groupby(["outcome", "reason"]).size()
    top = counts.sort_values(ascending=False, kind="stable").head(n)
    return [{"outcome": o, "reason": r, "n": int(k)} for (o, r), k in top.items()]


def summary_dict(report: CollectReport) -> dict[str, Any]:
    requests = report.requests
    return {
        "folder": str(report.folder),
        "input_urls": report.counts["input"],
        **{k: report.counts[k] for k in (*_CATEGORIES, S.COLLECT_PENDING)},
        "articles": report.n_articles,
        "by_source": report.by_source.to_dict("records"),
        "top_reasons": report.top_reasons,
        "discovery_calls": {
            str(k): int(v) for k, v in requests["outcome"].value_counts().sort_index().items()
        },
        "capped_slices": requests.loc[requests["capped"] == 1, "reason"].dropna().tolist(),
        "failed_calls": requests.loc[
            requests["outcome"] == "error", ["source", "request_url", "reason"]
        ].to_dict("records"),
        "seconds": report.seconds,
        "extraction_seconds": report.extraction_seconds,
        "pages_fetched_this_run": report.pages_fetched_this_run,
        "requests_made": report.requests_made,
        "repaired_warc_segments": report.repaired_segments,
    }


def format_summary(report: CollectReport) -> str:
    c = report.counts
    lines = [
        f"collected into {report.folder}",
        f"  input URLs {c['input']:>7,} = fetched {c['fetched']:,} + failed {c['failed']:,} "
        f"+ skipped {c['skipped']:,}"
        + (f" + not yet attempted {c['pending']:,}" if c["pending"] else ""),
        f"  articles   {report.n_articles:>7,}  in {report.folder / ARTICLES_FILE}",
    ]
    table = report.by_source
    if len(table):
        wide = table.pivot_table(
            index="source", columns="outcome", values="n", aggfunc="sum", fill_value=0
        )
        lines.append("  per source and outcome:")
        lines += ["    " + line for line in wide.to_string().splitlines()]
    if report.top_reasons:
        lines.append("  most common reasons for URLs not fetched:")
        for item in report.top_reasons:
            reason = item["reason"] if len(item["reason"]) <= 90 else item["reason"][:87] + "..."
            lines.append(f"    {item['n']:>6,}  {item['outcome']}: {reason}")
    req = report.requests
    errors = req[req["outcome"] == "error"]
    for r in errors.itertuples():
        lines.append(f"  discovery call failed ({r.source}): {r.reason}")
    for r in req[req["capped"] == 1].itertuples():
        if r.outcome == "capped":
            lines.append(f"  capped ({r.source}): {r.reason}")
    for r in req[req["outcome"] == "skipped"].itertuples():
        lines.append(f"  source {r.source} skipped: {r.reason}")
    lines.append(f"  details: {report.folder / 'ledger.csv'}, requests.csv, summary.json")
    return "\n".join(lines)
