"""robots.txt, read once per host per run and obeyed (RFC 9309, with protego).

As the RFC says: a robots.txt that does not exist (4xx) allows everything; one that
cannot be read (5xx, a timeout, a refused connection) forbids everything on that host
for this run. A ``Crawl-delay`` longer than ``collect.per_host_delay`` is honoured.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from analysis.collect.urls import host_of

log = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB


@dataclass
class _Rules:
    parser: Protego | None  # None: everything allowed (allow_all) or forbidden
    allow_all: bool
    reason: str  # why, for the ledger
    # When the host itself could not be reached, the URL fails with the same outcome
    # (connection_error, timeout) rather than a misleading robots_disallowed.
    outcome: str = "robots_disallowed"
    gone_dns: bool = False


class Robots:
    """Per-host robots.txt rules for one user-agent token."""

    def __init__(self, agent: str):
        self.agent = agent
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str, fetcher) -> tuple[bool, str, str, bool]:
        """(allowed, reason, outcome if not, host name unknown) for ``url``.

        Fetches the host's robots.txt the first time.
        """
        host = host_of(url)
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            if host not in self._rules:
                self._rules[host] = await self._load(url, fetcher)
        rules = self._rules[host]
        if rules.parser is None:
            return rules.allow_all, rules.reason, rules.outcome, rules.gone_dns
        if rules.parser.can_fetch(url, self.agent):
            return True, "", "", False
        why = f"robots.txt of {host} disallows this path for {self.agent}"
        return False, why, "robots_disallowed", False

    async def _load(self, url: str, fetcher) -> _Rules:
        parts = urlsplit(url)
        robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        resp = await fetcher.get(
            robots_url, check_robots=False, follow_meta_refresh=False, stop_non_html=False
        )
        host = host_of(url)
        if resp.outcome is not None and resp.status is None:
            why = f"{resp.reason} (while reading robots.txt of {host})"
            return _Rules(None, False, why, resp.outcome, resp.gone_dns)
        if resp.status is not None and 400 <= resp.status < 500:
            return _Rules(None, True, "")
        if resp.outcome is not None or resp.status is None or resp.status >= 500:
            why = resp.reason or f"HTTP {resp.status}"
            return _Rules(None, False, f"robots.txt of {host} could not be read ({why})")
        text = resp.content[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        parser = Protego.parse(text)
        delay = parser.crawl_delay(self.agent)
        if delay:
            fetcher.set_min_delay(host, float(delay))
            log.info("%s asks for a crawl delay of %s s", host, delay)
        return _Rules(parser, True, "")
