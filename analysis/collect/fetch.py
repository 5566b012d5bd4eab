"""A polite, defensive HTTP client for collecting pages (httpx, asyncio).

Politeness: one request per host at a time, at least ``per_host_delay`` seconds between
the starts of two requests to one host (longer if robots.txt asks), a global cap on
requests in flight, and a User-Agent naming the project and a contact.

Defence: connect/read timeouts and a total deadline per response (a slow drip cannot
hold a worker), the body size capped on the wire *and* after decompression (read in
bounded steps, so a gzip bomb never inflates in memory), redirects followed by hand with
a cap, loop detection and a check of every hop's scheme and host, and retries with
exponential backoff and jitter that honour ``Retry-After``.

Every outcome is returned as a :class:`Response` with a ledger outcome and a reason;
nothing here raises for a bad server.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from analysis.collect.config import CollectConfig
from analysis.collect.urls import host_of

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A meta refresh this quick is a redirect; slower ones are page auto-reloads.
_META_REFRESH_MAX_SECONDS = 5
_META_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*(\d+)\s*[;,]\s*url\s*=\s*['"]?([^"'>\s]+)""",
    re.IGNORECASE,
)
_DNS_FAILURE = re.compile(
    r"name or service not known|nodename nor servname|name resolution|no address associated"
    r"|getaddrinfo failed|not known",
    re.IGNORECASE,
)


class TooLarge(Exception):
    """The body exceeded a size cap."""


class Undecodable(Exception):
    """A Content-Encoding this client did not ask for and cannot decode."""


@dataclass
class Response:
    """What a fetch ended with: a body, or a ledger outcome with a reason."""

    url: str  # the URL asked for
    final_url: str
    outcome: str | None = None  # None: a complete response (any status); else a failure
    reason: str | None = None
    status: int | None = None
    http_reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    raw: bytes = b""  # the body as received (still content-encoded): what the WARC keeps
    content: bytes = b""  # the decoded body
    attempts: int = 0
    redirects: list[str] = field(default_factory=list)
    fetched_at: str | None = None
    gone_dns: bool = False  # the host name did not resolve

    @property
    def ok(self) -> bool:
        return self.outcome is None and self.status is not None and 200 <= self.status < 300

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None


class _Decoder:
    """gzip/deflate decoding in bounded steps, enforcing the decompressed-size cap."""

    def __init__(self, encoding: str | None, limit: int):
        codings = [c.strip().lower() for c in (encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise Undecodable(f"unsupported Content-Encoding {encoding!r}")
        self.coding = codings[0] if codings else None
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self._z = zlib.decompressobj(47) if self.coding else None  # gzip or zlib header
        self._raw_deflate_tried = False

    def feed(self, data: bytes) -> None:
        if self._z is None:
            self._add(data)
            return
        while data:
            try:
                out = self._z.decompress(data, self.limit - self.size + 1)
            except zlib.error:
                if self.coding == "deflate" and not self._raw_deflate_tried and not self.size:
                    self._raw_deflate_tried = True  # servers send raw deflate without header
                    self._z = zlib.decompressobj(-15)
                    continue
                raise
            self._add(out)
            if self._z.eof and self._z.unused_data:  # a second gzip member
                data = self._z.unused_data
                self._z = zlib.decompressobj(47)
            else:
                data = self._z.unconsumed_tail

    def _add(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.limit:
            raise TooLarge(f"more than {self.limit:,} bytes once decompressed")
        self.parts.append(out)

    def finish(self) -> bytes:
        if self._z is not None:
            self._add(self._z.flush())
        return b"".join(self.parts)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """Shared by all workers of a run: the httpx client, host clocks, robots cache."""

    def __init__(
        self,
        cfg: CollectConfig,
        user_agent: str,
        *,
        allowed: Callable[[str, str], bool] | None = None,
        robots=None,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.cfg = cfg
        self.user_agent = user_agent
        self.allowed = allowed or (lambda origin, target: True)
        self.robots = robots
        self._transport = transport
        self._next: dict[str, float] = defaultdict(float)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._delay: dict[str, float] = {}
        self._in_flight = asyncio.Semaphore(cfg.concurrency)
        self.client: httpx.AsyncClient | None = None
        self.requests_made = 0
        self.rng = random.Random()

    async def __aenter__(self) -> Fetcher:
        t = self.cfg.timeouts
        self.client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.read, pool=None),
            proxy=self.cfg.proxy,
            headers={
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Encoding": "gzip, deflate",
            },
            limits=httpx.Limits(
                max_connections=self.cfg.concurrency * 2,
                max_keepalive_connections=self.cfg.concurrency * 2,
            ),
            trust_env=False,  # proxies come from collect.proxy, nothing implicit
            transport=self._transport,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.client is not None:
            await self.client.aclose()

    # --- politeness ----------------------------------------------------------------
    def set_min_delay(self, host: str, seconds: float) -> None:
        """Raise a host's delay (robots.txt Crawl-delay); never lower it."""
        self._delay[host] = max(seconds, self._delay.get(host, self.cfg.per_host_delay))

    def delay(self, host: str) -> float:
        return self._delay.get(host, self.cfg.per_host_delay)

    def hold_host(self, host: str, seconds: float) -> None:
        """No request to ``host`` for ``seconds`` (Retry-After, backoff)."""
        loop = asyncio.get_running_loop()
        self._next[host] = max(self._next[host], loop.time() + seconds)

    async def _polite(self, host: str) -> None:
        loop = asyncio.get_running_loop()
        async with self._locks[host]:
            start = max(loop.time(), self._next[host])
            self._next[host] = start + self.delay(host)
        wait = start - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)

    # --- one exchange --------------------------------------------------------------
    async def _exchange(self, url: str, headers: dict[str, str], stop_non_html: bool) -> Response:
        """One request, no retries and no redirects; failures become outcomes."""
        assert self.client is not None, "use `async with Fetcher(...)`"
        cfg = self.cfg
        host = host_of(url)
        await self._polite(host)
        resp = Response(url=url, final_url=url, fetched_at=_now())
        async with self._in_flight:
            self.requests_made += 1
            try:
                async with asyncio.timeout(cfg.timeouts.total):
                    async with self.client.stream("GET", url, headers=headers) as r:
                        resp.status = r.status_code
                        resp.http_reason = r.reason_phrase
                        resp.http_version = r.http_version
                        resp.headers = [(k, v) for k, v in r.headers.multi_items()]
                        resp.request_headers = list(r.request.headers.multi_items())
                        length = r.headers.get("content-length")
                        if length and length.isdigit() and int(length) > cfg.max_bytes:
                            raise TooLarge(
                                f"Content-Length {int(length):,} is over collect.max_bytes "
                                f"({cfg.max_bytes:,})"
                            )
                        if stop_non_html and 200 <= r.status_code < 300:
                            kind = r.headers.get("content-type", "")
                            if _clearly_not_html(kind):
                                resp.outcome = "not_html"
                                resp.reason = f"Content-Type {kind.split(';')[0].strip()!r}"
                                return resp
                        decoder = _Decoder(
                            r.headers.get("content-encoding"), cfg.max_decompressed_bytes
                        )
                        raw = bytearray()
                        async for chunk in r.aiter_raw():
                            raw += chunk
                            if len(raw) > cfg.max_bytes:
                                raise TooLarge(
                                    f"body over collect.max_bytes ({cfg.max_bytes:,} bytes)"
                                )
                            decoder.feed(chunk)
                        resp.raw = bytes(raw)
                        resp.content = decoder.finish()
            except TooLarge as exc:
                resp.outcome, resp.reason = "too_large", str(exc)
            except Undecodable as exc:
                resp.outcome, resp.reason = "http_error", str(exc)
            except zlib.error as exc:
                resp.outcome, resp.reason = "truncated", f"corrupt compressed body ({exc})"
            except TimeoutError:
                resp.outcome = "timeout"
                resp.reason = f"no complete response within {cfg.timeouts.total:g} s (total)"
            except httpx.ConnectTimeout:
                resp.outcome = "timeout"
                resp.reason = f"no connection within {cfg.timeouts.connect:g} s"
            except httpx.ReadTimeout:
                resp.outcome = "timeout"
                resp.reason = f"no data for {cfg.timeouts.read:g} s (read timeout)"
            except httpx.TimeoutException as exc:
                resp.outcome, resp.reason = "timeout", f"timed out ({type(exc).__name__})"
            except httpx.ConnectError as exc:
                resp.outcome = "connection_error"
                resp.reason = f"cannot connect: {exc}" if str(exc) else "cannot connect"
                resp.gone_dns = bool(_DNS_FAILURE.search(str(exc)))
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                resp.outcome = "truncated"
                resp.reason = f"connection closed before the body was complete ({exc})"
            except httpx.UnsupportedProtocol as exc:
                resp.outcome, resp.reason = "redirect_error", f"unsupported URL scheme ({exc})"
            except httpx.HTTPError as exc:  # anything else the transport reports
                resp.outcome = "connection_error"
                resp.reason = f"{type(exc).__name__}: {exc}"
        return resp

    # --- with retries ----------------------------------------------------------------
    async def _with_retries(
        self, url: str, headers: dict[str, str], stop_non_html: bool
    ) -> Response:
        retry = self.cfg.retry
        host = host_of(url)
        attempts = 0
        while True:
            attempts += 1
            resp = await self._exchange(url, headers, stop_non_html)
            resp.attempts = attempts
            retryable = resp.outcome in ("timeout", "connection_error", "truncated") or (
                resp.outcome is None and resp.status in RETRY_STATUSES
            )
            if resp.gone_dns or not retryable:
                return resp
            wait = min(retry.max_backoff, retry.backoff * 2 ** (attempts - 1))
            wait *= self.rng.uniform(0.5, 1.0)  # jitter: hosts' retries do not line up
            asked = retry_after_seconds(resp.header("retry-after")) if resp.status else None
            if asked is not None:
                if asked > retry.max_retry_after:
                    resp.outcome = "http_error"
                    resp.reason = (
                        f"HTTP {resp.status}; the server asked to retry after {asked:g} s, "
                        f"more than collect.retry.max_retry_after ({retry.max_retry_after:g} s)"
                    )
                    return resp
                wait = asked
            if attempts >= retry.attempts:
                if resp.outcome is None:
                    resp.outcome = "http_error"
                    resp.reason = f"HTTP {resp.status} {resp.http_reason}".strip()
                resp.reason = f"{resp.reason} (after {attempts} attempts)"
                return resp
            log.debug("retrying %s in %.2f s (%s)", url, wait, resp.reason or resp.status)
            self.hold_host(host, wait)

    async def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        check_robots: bool = True,
        follow_meta_refresh: bool = True,
        stop_non_html: bool = True,
    ) -> Response:
        """GET ``url``, following redirects by hand; the last response or a failure."""
        headers = dict(headers or {})
        current = url
        seen = [url]
        attempts = 0
        while True:
            if check_robots and self.robots is not None:
                allowed, why, outcome, gone_dns = await self.robots.check(current, self)
                if not allowed:
                    return Response(
                        url=url,
                        final_url=current,
                        outcome=outcome,
                        reason=why,
                        attempts=attempts,
                        redirects=seen[1:],
                        gone_dns=gone_dns,
                    )
            resp = await self._with_retries(current, headers, stop_non_html)
            attempts += resp.attempts
            resp.url, resp.attempts, resp.redirects = url, attempts, seen[1:]
            target = None
            if resp.outcome is None and resp.status in REDIRECT_STATUSES:
                location = resp.header("location")
                if not location:
                    resp.outcome = "redirect_error"
                    resp.reason = f"HTTP {resp.status} without a Location header"
                    return resp
                target = urljoin(current, location.strip())
            elif (
                follow_meta_refresh
                and resp.ok
                and (m := _META_REFRESH.search(resp.content[:16384]))
                and int(m.group(1)) <= _META_REFRESH_MAX_SECONDS
            ):
                target = urljoin(current, m.group(2).decode("latin-1"))
                if target == current:
                    target = None
            if target is None:
                return resp
            why = self._bad_hop(url, current, target, seen)
            if why is not None:
                resp.outcome, resp.reason = why
                resp.final_url = target
                return resp
            seen.append(target)
            current = target
            headers.pop("If-None-Match", None)
            headers.pop("If-Modified-Since", None)

    def _bad_hop(self, origin: str, current: str, target: str, seen: list[str]):
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            return "redirect_error", f"redirect from {current} to a non-http(s) URL {target}"
        if target in seen:
            chain = " → ".join([*seen[seen.index(target) :], target])
            return "redirect_error", f"redirect loop: {chain}"
        if len(seen) > self.cfg.max_redirects:
            return (
                "redirect_error",
                f"more than collect.max_redirects ({self.cfg.max_redirects}) redirects",
            )
        if not self.allowed(origin, target):
            return (
                "off_site_redirect",
                f"redirected to {host_of(target)}, outside the allowed domains "
                "(the URL's own, the outlets', collect.allowed_hosts)",
            )
        return None


def _clearly_not_html(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    if not kind or kind in ("application/octet-stream", "text/plain"):
        return False  # unknown: the content decides
    return not (
        kind in ("text/html", "application/xhtml+xml") or kind.endswith("+xml") or "xml" in kind
    )


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def monotonic() -> float:
    return time.monotonic()
