"""Where URLs come from: URL lists, feeds, the GDELT DOC 2.0 API, Media Cloud.

Each source yields :class:`Candidate` URLs. Every discovery call (a feed, a GDELT slice,
a Media Cloud page) is recorded in the ledger's ``requests`` table with its outcome; a
rerun replays completed calls from there instead of repeating them (``--refresh``
repeats them). A call that fails is recorded with its reason and never stops the run.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import mktime
from urllib.parse import urlencode, urljoin

import feedparser
import pandas as pd

from analysis.collect.config import (
    FeedSource,
    GdeltSource,
    MediaCloudSource,
    UrlListSource,
    WindowConfig,
)
from analysis.collect.fetch import Fetcher
from analysis.collect.ledger import Candidate, Ledger
from analysis.errors import FramingError

log = logging.getLogger(__name__)


class CollectError(FramingError):
    """The collect: section or a file it names cannot be used."""


class Discovery:
    """Runs one source's discovery against the ledger's record of earlier calls."""

    def __init__(
        self, fetcher: Fetcher, ledger: Ledger, window: WindowConfig | None, refresh: bool
    ):
        self.fetcher, self.ledger, self.window, self.refresh = fetcher, ledger, window, refresh

    async def run(self, source, study_path: Callable[[str], Path]) -> list[Candidate]:
        if isinstance(source, UrlListSource):
            return read_url_list(source, study_path(source.path))
        if isinstance(source, FeedSource):
            found: list[Candidate] = []
            for url in source.urls:
                found += await self._call(source, url, self._feed)
            return found
        if isinstance(source, GdeltSource):
            return await self._gdelt(source)
        if isinstance(source, MediaCloudSource):
            return await self._mediacloud(source)
        raise TypeError(type(source))

    # --- replay or call ----------------------------------------------------------------
    async def _call(self, source, url: str, parse) -> list[Candidate]:
        """Candidates of one call: replayed from the ledger, or fetched and parsed."""
        prior = self.ledger.request(source.id, url)
        if prior is not None and prior["outcome"] in ("ok", "capped") and not self.refresh:
            return [Candidate(**c) for c in json.loads(prior["payload"] or "[]")]
        found, info = await parse(source, url)
        self.ledger.record_request(
            source.id, url, payload=[c.__dict__ for c in found], n_results=len(found), **info
        )
        return found

    # --- feeds ---------------------------------------------------------------------------
    async def _feed(self, source: FeedSource, url: str):
        resp = await self.fetcher.get(url, follow_meta_refresh=False)
        if not resp.ok:
            return [], {"outcome": "error", "status": resp.status, "reason": _why(resp)}
        parsed = feedparser.parse(
            resp.content,
            response_headers={
                "content-location": resp.final_url,
                "content-type": resp.header("content-type") or "application/xml",
            },
        )
        found = []
        for entry in parsed.entries:
            link = entry.get("link") or next(
                (lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None
            )
            if not link:
                continue
            when = entry.get("published_parsed") or entry.get("updated_parsed")
            found.append(
                Candidate(
                    source=source.id,
                    input_url=urljoin(resp.final_url, link.strip()),
                    outlet=source.outlet,
                    published=datetime.fromtimestamp(mktime(when), UTC).isoformat()
                    if when
                    else None,
                    title=entry.get("title"),
                )
            )
        info = {"outcome": "ok", "status": resp.status}
        if parsed.bozo:
            problem = (
                f"malformed feed ({type(parsed.bozo_exception).__name__}: {parsed.bozo_exception})"
            )
            if not found:
                return [], {"outcome": "error", "status": resp.status, "reason": problem}
            info["reason"] = f"{problem}; {len(found)} entries read anyway"
        return found, info

    # --- GDELT DOC 2.0 -----------------------------------------------------------------
    async def _gdelt(self, source: GdeltSource) -> list[Candidate]:
        if self.window is None:
            raise CollectError(
                f"collect source {source.id!r}: GDELT needs a date window",
                hint="add `window: {start: 2024-10-01, end: 2025-03-31}` under collect:",
            )
        start = datetime.combine(self.window.start, time.min)
        end = datetime.combine(self.window.end + timedelta(days=1), time.min)
        stack = [(start, end)]
        found: list[Candidate] = []
        while stack:
            lo, hi = stack.pop()
            url = gdelt_url(source, lo, hi)
            prior = self.ledger.request(source.id, url)
            if prior is not None and prior["outcome"] == "split" and not self.refresh:
                outcome = "split"
            else:
                candidates = await self._call(source, url, self._gdelt_call)
                outcome = self.ledger.request(source.id, url)["outcome"]
                if outcome in ("ok", "capped"):
                    found += candidates
            if outcome == "split":
                mid = lo + (hi - lo) / 2
                stack += [(mid, hi), (lo, mid)]
        return found

    async def _gdelt_call(self, source: GdeltSource, url: str):
        lo, hi = _gdelt_slice(url)
        for wait in range(source.max_rate_limit_waits + 1):
            self.fetcher.set_min_delay(_host(url), source.delay)
            resp = await self.fetcher.get(
                url, check_robots=False, follow_meta_refresh=False, stop_non_html=False
            )
            if not resp.ok:
                return [], {"outcome": "error", "status": resp.status, "reason": _why(resp)}
            text = resp.content.decode("utf-8", errors="replace").strip()
            if not text:
                return [], {"outcome": "ok", "status": resp.status, "reason": "empty answer"}
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                if re.search(r"limit requests|rate limit|too many requests", text, re.I):
                    if wait < source.max_rate_limit_waits:
                        pause = source.delay * 2**wait
                        log.info("GDELT asks to slow down; waiting %.1f s", pause)
                        self.fetcher.hold_host(_host(url), pause)
                        continue
                    reason = f"rate limited after {wait + 1} tries: {text[:200]}"
                else:
                    reason = f"not a JSON answer: {text[:200]}"
                return [], {"outcome": "error", "status": resp.status, "reason": reason}
            articles = data.get("articles") or [] if isinstance(data, dict) else []
            if len(articles) >= source.max_records:
                if hi - lo > timedelta(minutes=source.min_slice_minutes):
                    return [], {"outcome": "split", "status": resp.status, "capped": True}
                capped = True
            else:
                capped = False
            found = [
                Candidate(
                    source=source.id,
                    input_url=a["url"],
                    outlet=source.outlet,
                    published=_gdelt_date(a.get("seendate")),
                    title=a.get("title"),
                )
                for a in articles
                if isinstance(a, dict) and a.get("url")
            ]
            info = {"outcome": "capped" if capped else "ok", "status": resp.status}
            if capped:
                info["capped"] = True
                info["reason"] = (
                    f"slice {lo:%Y-%m-%d %H:%M}–{hi:%H:%M} returned the API's cap of "
                    f"{source.max_records}; articles beyond it are missing"
                )
            return found, info
        raise AssertionError("unreachable")

    # --- Media Cloud ---------------------------------------------------------------------
    async def _mediacloud(self, source: MediaCloudSource) -> list[Candidate]:
        key = os.environ.get(source.api_key_env)
        if not key:
            self.ledger.record_request(
                source.id,
                source.base_url,
                outcome="skipped",
                reason=f"no API key in ${source.api_key_env}; set it to search Media Cloud",
            )
            log.warning("source %s skipped: $%s is not set", source.id, source.api_key_env)
            return []
        if self.window is None:
            raise CollectError(
                f"collect source {source.id!r}: Media Cloud needs a date window",
                hint="add `window: {start: ..., end: ...}` under collect:",
            )
        found: list[Candidate] = []
        token = None
        for _ in range(source.max_pages):
            params = {
                "q": source.query,
                "start": self.window.start.isoformat(),
                "end": self.window.end.isoformat(),
                "platform": source.platform,
            }
            if source.collections:
                params["cs"] = ",".join(map(str, source.collections))
            if source.sources:
                params["ss"] = ",".join(map(str, source.sources))
            if token:
                params["pagination_token"] = token
            url = f"{source.base_url}?{urlencode(params)}"
            page: dict = {}

            async def call(src, u, key=key, page=page):
                resp = await self.fetcher.get(
                    u,
                    {"Authorization": f"Token {key}", "Accept": "application/json"},
                    check_robots=False,
                    follow_meta_refresh=False,
                    stop_non_html=False,
                )
                if not resp.ok:
                    return [], {"outcome": "error", "status": resp.status, "reason": _why(resp)}
                try:
                    data = json.loads(resp.content)
                except json.JSONDecodeError:
                    text = resp.content[:200].decode("utf-8", "replace")
                    return [], {"outcome": "error", "status": resp.status, "reason": text}
                page["token"] = data.get("pagination_token")
                stories = data.get("stories") or []
                out = [
                    Candidate(
                        source=src.id,
                        input_url=s["url"],
                        outlet=src.outlet,
                        published=s.get("publish_date"),
                        title=s.get("title"),
                    )
                    for s in stories
                    if isinstance(s, dict) and s.get("url")
                ]
                return out, {"outcome": "ok", "status": resp.status, "reason": page["token"]}

            found += await self._call(source, url, call)
            prior = self.ledger.request(source.id, url)
            token = page.get("token") if page else (prior["reason"] if prior else None)
            if not token or prior["outcome"] != "ok":
                break
        return found


def read_url_list(source: UrlListSource, path: Path) -> list[Candidate]:
    """URLs from a TXT (one a line, # comments) or CSV file."""
    if not path.exists():
        raise CollectError(
            f"{path}: URL list not found",
            hint=f"fix `path:` of collect source {source.id!r} (relative to the study folder)",
        )
    if path.suffix.lower() in (".csv", ".tsv"):
        table = pd.read_csv(
            path,
            dtype=str,
            sep="\t" if path.suffix.lower() == ".tsv" else ",",
            keep_default_na=False,
        )
        if source.url_column not in table.columns:
            raise CollectError(
                f"{path}: no column {source.url_column!r} (columns: {list(table.columns)})",
                hint=f"set `url_column:` of collect source {source.id!r}",
            )

        def cell(row, column):
            value = row.get(column) if column else None
            return value.strip() if isinstance(value, str) and value.strip() else None

        return [
            Candidate(
                source=source.id,
                input_url=row[source.url_column].strip(),
                outlet=source.outlet or cell(row, source.outlet_column),
                published=cell(row, source.date_column),
                title=cell(row, source.title_column),
            )
            for row in table.to_dict("records")
            if row[source.url_column].strip()
        ]
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [
        Candidate(source=source.id, input_url=line.strip(), outlet=source.outlet)
        for line in lines
        if line.strip() and not line.strip().startswith("#")
    ]


def gdelt_url(source: GdeltSource, lo: datetime, hi: datetime) -> str:
    query = source.query
    for key, values in (
        ("sourcelang", source.languages),
        ("domainis", source.domains),
        ("sourcecountry", source.countries),
    ):
        if len(values) == 1:
            query += f" {key}:{values[0]}"
        elif values:
            query += " (" + " OR ".join(f"{key}:{v}" for v in values) + ")"
    params = {
        "query": query,
        "mode": "ArtList",
        "format": "json",
        "maxrecords": source.max_records,
        "sort": "DateAsc",
        "startdatetime": lo.strftime("%Y%m%d%H%M%S"),
        "enddatetime": hi.strftime("%Y%m%d%H%M%S"),
    }
    return f"{source.base_url}?{urlencode(params)}"


def _gdelt_slice(url: str) -> tuple[datetime, datetime]:
    lo = re.search(r"startdatetime=(\d{14})", url).group(1)
    hi = re.search(r"enddatetime=(\d{14})", url).group(1)
    fmt = "%Y%m%d%H%M%S"
    return datetime.strptime(lo, fmt), datetime.strptime(hi, fmt)


def _gdelt_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat()
    except ValueError:
        return value


def _host(url: str) -> str:
    from analysis.collect.urls import host_of

    return host_of(url)


def _why(resp) -> str:
    return resp.reason or f"HTTP {resp.status} {resp.http_reason}".strip()


def in_window(published: str | None, window: WindowConfig | None) -> bool | None:
    """Whether a source's date falls in the window (None: no date or no window)."""
    if window is None or not published:
        return None
    stamp = pd.to_datetime(published, utc=True, errors="coerce")
    if pd.isna(stamp):
        return None
    day: date = stamp.date()
    return window.start <= day <= window.end
