"""URLs: canonical form, registered domain, and the outlet a URL belongs to.

Canonicalisation uses courlan (trafilatura's URL library): scheme and host lowercased,
default ports and fragments dropped, tracking parameters (utm_*, fbclid, gclid, ...)
removed and the remaining query sorted, so that two links to one article count once.
Registered domains come from the Public Suffix List bundled with the ``tld`` package
(courlan's own dependency); nothing is downloaded at run time.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
from courlan.clean import normalize_url
from tld import get_fld

from analysis import schema as S

_SCHEMES = ("http", "https")


class BadUrl(ValueError):
    """Not an http(s) URL."""


def canonical_url(url: str) -> str:
    """The canonical form of ``url``; raise :class:`BadUrl` if it is not http(s)."""
    text = "".join(str(url).split())  # stray whitespace and line breaks inside a link
    parts = urlsplit(text)
    if parts.scheme.lower() not in _SCHEMES:
        raise BadUrl(f"scheme {parts.scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise BadUrl("no host name")
    try:
        normal = normalize_url(text, strict=False, trailing_slash=True)
    except ValueError as exc:
        raise BadUrl(f"cannot be parsed ({exc})") from None
    parts = urlsplit(normal)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def host_of(url: str) -> str:
    """Host name (lowercase, with a non-default port): the unit of politeness."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, default) else f"{host}:{port}"


def registered_domain(url_or_host: str) -> str:
    """``www.news.bbc.co.uk`` → ``bbc.co.uk``; an IP address as is."""
    host = url_or_host
    if "://" in url_or_host:
        host = urlsplit(url_or_host).hostname or ""
    host = host.lower().strip(".").split(":")[0]
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    if fld:
        return fld
    # A suffix the list does not know (.test, .internal): its last two labels.
    return ".".join(host.split(".")[-2:])


def split_domains(value: str | None) -> list[str]:
    """The ``domains`` cell of outlets.csv: names separated by spaces, commas or ;."""
    if not isinstance(value, str):
        return []
    return [registered_domain(d) for d in re.split(r"[\s,;]+", value.strip()) if d]


class OutletMatcher:
    """Outlet of a URL by its registered domain, from the outlets file's ``domains``."""

    def __init__(self, outlets: pd.DataFrame | None):
        self.by_domain: dict[str, str] = {}
        self.names: set[str] = set()
        if outlets is None:
            return
        self.names = set(outlets[S.OUTLET])
        if S.DOMAINS not in outlets.columns:
            return
        for name, cell in zip(outlets[S.OUTLET], outlets[S.DOMAINS], strict=True):
            for domain in split_domains(cell):
                other = self.by_domain.setdefault(domain, name)
                if other != name:
                    raise ValueError(
                        f"domain {domain!r} is listed for two outlets: {other!r} and {name!r}"
                    )

    @property
    def domains(self) -> set[str]:
        return set(self.by_domain)

    def match(self, url: str) -> str | None:
        return self.by_domain.get(registered_domain(url))


@cache
def project_version() -> str:
    try:
        return version("framing-analysis")
    except PackageNotFoundError:
        return "0+unknown"
