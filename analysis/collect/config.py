"""The ``collect:`` section of study.yaml: where coverage comes from and how to fetch it.

Only pydantic here (study.py imports it); the collector itself lives in the sibling
modules. Every base URL is a setting, so tests point them at a local server and a
researcher can use a mirror or a proxy.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Source(_Strict):
    id: str = Field(
        pattern=_ID_PATTERN,
        description="Name of the source in the ledger and summary (snake_case, unique).",
    )
    outlet: str | None = Field(
        default=None,
        description="Outlet (as in outlets.csv) of every URL from this source; "
        "None: matched on the URL's registered domain.",
    )


class UrlListSource(_Source):
    """A TXT file (one URL a line, # comments) or a CSV with a url column."""

    type: Literal["urls"]
    path: str = Field(description="TXT or CSV file of URLs, relative to the study folder.")
    url_column: str = Field(default="url", description="CSV column holding the URL.")
    outlet_column: str | None = Field(
        default="outlet", description="CSV column naming each URL's outlet, if present."
    )
    date_column: str | None = Field(
        default="published", description="CSV column with the publication date, if present."
    )
    title_column: str | None = Field(
        default="title", description="CSV column with the headline, if present."
    )


class FeedSource(_Source):
    """RSS or Atom feeds (feedparser); relative links resolve against the feed's URL."""

    type: Literal["feed"]
    urls: list[str] = Field(min_length=1, description="Feed URLs (RSS 0.9x/1.0/2.0 or Atom).")


class GdeltSource(_Source):
    """The GDELT DOC 2.0 API in ArtList mode; the window is split until no slice is capped."""

    type: Literal["gdelt"]
    query: str = Field(min_length=1, description="GDELT query terms, e.g. '\"North Korea\" Kursk'.")
    languages: list[str] = Field(
        default_factory=list,
        description="GDELT source languages (sourcelang:), e.g. [english, russian].",
    )
    domains: list[str] = Field(
        default_factory=list, description="Restrict to these domains (domainis:)."
    )
    countries: list[str] = Field(
        default_factory=list,
        description="Restrict to outlets in these countries (sourcecountry:, FIPS codes).",
    )
    base_url: str = Field(
        default="https://api.gdeltproject.org/api/v2/doc/doc",
        description="The DOC 2.0 API endpoint.",
    )
    max_records: int = Field(
        default=250, ge=1, le=250, description="Records per call (the API's cap is 250)."
    )
    min_slice_minutes: int = Field(
        default=15,
        ge=1,
        description="A capped slice shorter than this is not split further but reported "
        "(GDELT's time resolution is 15 minutes).",
    )
    delay: float = Field(
        default=5.0,
        ge=0,
        description="Seconds between calls (GDELT asks for one call every 5 seconds).",
    )
    max_rate_limit_waits: int = Field(
        default=3, ge=0, description="How often a rate-limit answer is waited out per call."
    )


class MediaCloudSource(_Source):
    """The Media Cloud search API (v4); used only when its key is set in the environment."""

    type: Literal["mediacloud"]
    query: str = Field(min_length=1, description="Media Cloud query (Lucene syntax).")
    collections: list[int] = Field(
        default_factory=list, description="Collection ids to search (cs=)."
    )
    sources: list[int] = Field(default_factory=list, description="Source ids to search (ss=).")
    api_key_env: str = Field(
        default="MEDIACLOUD_API_KEY",
        description="Environment variable holding the API key; without it the source is "
        "skipped with a note.",
    )
    base_url: str = Field(
        default="https://search.mediacloud.org/api/search/story-list",
        description="The story-list endpoint.",
    )
    platform: str = Field(default="onlinenews-mediacloud", description="Media Cloud platform.")
    max_pages: int = Field(default=200, ge=1, description="Most result pages fetched per query.")


Source = Annotated[
    UrlListSource | FeedSource | GdeltSource | MediaCloudSource, Field(discriminator="type")
]


class WindowConfig(_Strict):
    start: date = Field(description="First day of the study period (inclusive).")
    end: date = Field(description="Last day of the study period (inclusive).")

    @model_validator(mode="after")
    def _ordered(self) -> WindowConfig:
        if self.end < self.start:
            raise ValueError("window.end is before window.start")
        return self


class TimeoutConfig(_Strict):
    connect: float = Field(default=10.0, gt=0, description="Seconds to open a connection.")
    read: float = Field(default=30.0, gt=0, description="Seconds to wait for the next bytes.")
    total: float = Field(
        default=90.0, gt=0, description="Seconds for a whole response, however it trickles in."
    )


class RetryConfig(_Strict):
    attempts: int = Field(
        default=4, ge=1, le=20, description="Tries per URL, counting the first one."
    )
    backoff: float = Field(
        default=2.0, ge=0, description="Seconds before the first retry; doubled each time."
    )
    max_backoff: float = Field(default=120.0, ge=0, description="Longest wait between tries.")
    max_retry_after: float = Field(
        default=600.0,
        ge=0,
        description="A Retry-After longer than this gives up on the URL instead of waiting.",
    )


class ArchiveConfig(_Strict):
    mode: Literal["fallback", "always", "never"] = Field(
        default="fallback",
        description="fallback: the Internet Archive snapshot closest to the publication date "
        "when a page is gone (404/410, unknown host); always: only snapshots; never: off.",
    )
    availability_url: str = Field(
        default="https://archive.org/wayback/available",
        description="The Wayback Machine availability API.",
    )
    snapshot_url: str = Field(
        default="https://web.archive.org/web",
        description="Base of snapshot URLs; a snapshot is <snapshot_url>/<timestamp>id_/<url>.",
    )


class CollectConfig(_Strict):
    """How `framing collect` gathers coverage (never part of `make`)."""

    output: str = Field(
        default="collected",
        description="Folder (relative to the study) for the WARC files, the ledger and the "
        "extracted articles; input data, never deleted by `make clean`.",
    )
    window: WindowConfig | None = Field(
        default=None,
        description="The study period; sources and feed entries outside it are left out.",
    )
    sources: list[Source] = Field(min_length=1, description="Where the URLs come from.")
    contact: str = Field(
        default="",
        description="An e-mail or web address for site operators, sent in the User-Agent.",
    )
    user_agent: str = Field(
        default="framing-analysis/{version} (research; +{contact})",
        description="User-Agent header; {version} and {contact} are filled in.",
    )
    per_host_delay: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between two requests to the same host (robots.txt Crawl-delay "
        "wins when longer).",
    )
    concurrency: int = Field(
        default=8, ge=1, le=256, description="Requests in flight at once, across hosts."
    )
    robots: bool = Field(default=True, description="Respect robots.txt (RFC 9309).")
    timeouts: TimeoutConfig = Field(default_factory=TimeoutConfig, description="Timeouts.")
    retry: RetryConfig = Field(default_factory=RetryConfig, description="Retries and backoff.")
    max_bytes: int = Field(
        default=10_000_000, ge=1024, description="Largest response body accepted, on the wire."
    )
    max_decompressed_bytes: int = Field(
        default=30_000_000,
        ge=1024,
        description="Largest body accepted after gzip/deflate decoding (stops gzip bombs).",
    )
    max_redirects: int = Field(default=5, ge=0, le=30, description="Redirects followed per URL.")
    allowed_hosts: list[str] | None = Field(
        default=None,
        description="Registered domains a redirect may lead to; None: the URL's own domain, "
        "the outlets' domains and the archive.",
    )
    archive: ArchiveConfig = Field(
        default_factory=ArchiveConfig, description="Internet Archive fallback."
    )
    proxy: str | None = Field(
        default=None, description="HTTP proxy for every request, e.g. http://proxy.example:3128."
    )
    extract_workers: int = Field(
        default=1,
        ge=0,
        le=32,
        description="Processes extracting text beside the fetcher (0: in the fetching process).",
    )
    min_words: int = Field(
        default=15,
        ge=1,
        description="A page whose extracted main text has fewer words is extraction_empty.",
    )
    segment_records: int = Field(
        default=200,
        ge=1,
        description="Responses per WARC segment; a segment is closed and renamed when full.",
    )

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list) -> list:
        ids = [s.id for s in sources]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"source ids must be unique: {dupes}")
        return sources

    @field_validator("proxy")
    @classmethod
    def _http_proxy(cls, proxy: str | None) -> str | None:
        if proxy is not None and not re.match(r"^https?://", proxy):
            raise ValueError("proxy must be an http:// or https:// URL")
        return proxy
