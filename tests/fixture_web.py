"""A fixture internet on 127.0.0.1 for the collector's tests and benchmark.

One threaded HTTP server plays many hosts. The collector reaches it as an HTTP proxy
(``collect.proxy``), so each request names its host in the request line and the
collector's politeness, robots.txt and redirect checks see real, distinct host names
(tass.ru, kcna.kp, ...), while every byte stays on the loopback interface.

Routes are ``(host, path)`` → a :class:`Page` or a handler function; the server also
plays the GDELT DOC 2.0 API, the Wayback Machine and Media Cloud. Article pages are
built from the demo world's fictional texts (corpora/demo, written for this project)
wrapped in realistic boilerplate: navigation, a cookie banner, related links, comments.
"""

from __future__ import annotations

import gzip
import html
import json
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEMO_ARTICLES = ROOT / "corpora" / "demo" / "articles.jsonl"


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})


Handler = Callable[["_Request"], None]


class FixtureWeb:
    """The server, its routes and a log of every request it answered."""

    def __init__(self):
        self.routes: dict[tuple[str, str], Page | Handler] = {}
        self.log: list[tuple[float, str, str]] = []  # (time, host, path)
        self.lock = threading.Lock()
        web = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                web._serve(_Request(self))

            def log_message(self, *args):
                pass

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # A client that hangs up early (a size cap, a timeout) is a case under
                # test, not a server error.
                if not isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
                    super().handle_error(request, client_address)

        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FixtureWeb:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, url: str, page: Page | Handler) -> str:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.routes[(parts.netloc.lower(), path)] = page
        return url

    def hits(self, host: str, path: str | None = None) -> int:
        with self.lock:
            return sum(1 for _, h, p in self.log if h == host and (path is None or p == path))

    def times(self, host: str) -> list[float]:
        with self.lock:
            return [t for t, h, p in self.log if h == host and p != "/robots.txt"]

    def _serve(self, req: _Request) -> None:
        with self.lock:
            self.log.append((time.monotonic(), req.host, req.path))
        route = self.routes.get((req.host, req.path)) or self.routes.get((req.host, req.bare_path))
        if route is None and req.bare_path == "/robots.txt":
            route = Page(b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        if route is None:
            route = self.routes.get((req.host, "*"))
        if route is None:
            route = Page(b"<html><body>not found</body></html>", status=404)
        if isinstance(route, Page):
            req.send(route.status, route.body, route.headers)
        else:
            route(req)


class _Request:
    def __init__(self, handler: BaseHTTPRequestHandler):
        self.handler = handler
        target = handler.path
        if target.startswith("http://"):  # absolute form: we are the proxy
            parts = urlsplit(target)
            self.host = parts.netloc.lower()
            self.path = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            self.host = (handler.headers.get("Host") or "").lower()
            self.path = target
        self.bare_path = self.path.split("?")[0]
        self.query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self.headers = handler.headers

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        h = self.handler
        h.send_response(status)
        headers = dict(headers or {})
        headers.setdefault("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()


# --- pages ---------------------------------------------------------------------------
def demo_articles() -> list[dict]:
    return [json.loads(line) for line in DEMO_ARTICLES.read_text(encoding="utf-8").splitlines()]


def article_html(
    title: str,
    text: str,
    *,
    site: str,
    published: str | None = None,
    author: str | None = None,
    charset: str = "utf-8",
    lang: str = "en",
) -> str:
    """A news page as sites serve them: the article amid navigation and clutter."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    meta_date = (
        f'<meta property="article:published_time" content="{published}">' if published else ""
    )
    byline = (
        f'<p class="byline">By <span class="author">{html.escape(author)}</span></p>'
        if author
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="{charset}">
<title>{html.escape(title)} | {html.escape(site)}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{html.escape(site)}">
{meta_date}
<meta name="author" content="{html.escape(author or "")}">
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer = window.dataLayer || [];
function gtag(){{dataLayer.push(arguments);}}</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all</button> <button>Manage preferences</button></div>
<header><nav class="main-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main>
<article class="story">
<h1 class="headline">{html.escape(title)}</h1>
{byline}
<time datetime="{published or ""}">{published or ""}</time>
<div class="story-body">
{paragraphs}
</div>
</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/world/markets-open-higher">Markets open higher as talks resume</a></li>
<li><a href="/world/weather-warning">Storm warning issued for the coast</a></li>
<li><a href="/sport/cup-final">Cup final ends in penalty drama</a></li></ul></aside>
<section class="comments"><h2>Comments (3)</h2>
<div class="comment"><b>reader42</b>: First! Great article, thanks.</div>
<div class="comment"><b>anon</b>: Who pays for this propaganda anyway?</div>
<div class="comment"><b>mk</b>: Subscribe to read more comments.</div></section>
</main>
<footer><p>© {html.escape(site)}. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body></html>
"""


def gzip_bomb(decompressed_bytes: int) -> bytes:
    """A small gzip body that inflates to ``decompressed_bytes`` zeros."""
    return gzip.compress(b"\0" * decompressed_bytes, compresslevel=9)


# --- APIs ----------------------------------------------------------------------------
class Gdelt:
    """The DOC 2.0 API in ArtList/JSON mode over a list of articles with seen dates.

    ``fault`` is one of None, "error" (a plain-text error page), "empty" (``{}``), or
    "ratelimit" (the plain-text rate-limit message for the first ``n_ratelimit`` calls).
    """

    def __init__(self, articles: list[dict], fault: str | None = None, n_ratelimit: int = 1):
        self.articles = articles  # dicts with url, title, seendate (YYYYmmddTHHMMSSZ), ...
        self.fault = fault
        self.n_ratelimit = n_ratelimit
        self.calls: list[dict] = []

    def __call__(self, req: _Request) -> None:
        self.calls.append(req.query)
        if self.fault == "error":
            req.send(200, b"The specified phrase is too short.", {"Content-Type": "text/html"})
            return
        if self.fault == "ratelimit" and len(self.calls) <= self.n_ratelimit:
            msg = b"Please limit requests to one every 5 seconds or contact us for larger queries."
            req.send(200, msg, {"Content-Type": "text/plain"})
            return
        if self.fault == "empty":
            req.send(200, b"{}", {"Content-Type": "application/json"})
            return
        lo = datetime.strptime(req.query["startdatetime"], "%Y%m%d%H%M%S")
        hi = datetime.strptime(req.query["enddatetime"], "%Y%m%d%H%M%S")
        cap = int(req.query.get("maxrecords", 250))
        inside = [
            a
            for a in self.articles
            if lo <= datetime.strptime(a["seendate"], "%Y%m%dT%H%M%SZ") < hi
            and _matches(req.query["query"], a)
        ]
        body = json.dumps({"articles": inside[:cap]} if inside else {}).encode()
        req.send(200, body, {"Content-Type": "application/json; charset=utf-8"})


def _matches(query: str, article: dict) -> bool:
    lang = article.get("language")
    return lang is None or "sourcelang:" not in query or f"sourcelang:{lang}" in query


class Wayback:
    """The availability API and ``id_`` snapshots for a dict {url: (timestamp, Page)}."""

    def __init__(self, snapshots: dict[str, tuple[str, Page]]):
        self.snapshots = snapshots

    def available(self, req: _Request) -> None:
        url = req.query.get("url", "")
        if url in self.snapshots:
            stamp = self.snapshots[url][0]
            closest = {
                "available": True,
                "status": "200",
                "timestamp": stamp,
                "url": f"http://web.archive.org/web/{stamp}/{url}",
            }
            body = {"url": url, "archived_snapshots": {"closest": closest}}
        else:
            body = {"url": url, "archived_snapshots": {}}
        req.send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def snapshot(self, req: _Request) -> None:
        # /web/<timestamp>id_/<original url>
        rest = req.path[len("/web/") :]
        stamp, _, original = rest.partition("id_/")
        hit = self.snapshots.get(original)
        if hit is None or hit[0] != stamp:
            req.send(404, b"not archived", {"Content-Type": "text/html"})
            return
        page = hit[1]
        req.send(page.status, page.body, page.headers)

    def install(self, web: FixtureWeb) -> None:
        web.add("http://archive.org/wayback/available", self.available)
        web.routes[("web.archive.org", "*")] = self.snapshot


def slow_drip(chunks: int, pause: float) -> Handler:
    """A body sent one byte every ``pause`` seconds (bounded: ``chunks`` bytes)."""

    def handler(req: _Request) -> None:
        h = req.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(chunks))
        h.end_headers()
        try:
            for _ in range(chunks):
                h.wfile.write(b"x")
                h.wfile.flush()
                time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handler


def truncated(body: bytes, claimed: int) -> Handler:
    """Claims ``claimed`` bytes, sends ``body`` and closes the connection."""

    def handler(req: _Request) -> None:
        h = req.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(claimed))
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True

    return handler


def sequence(*pages: Page) -> Handler:
    """Answers with each page in turn, then the last one for ever."""
    count = defaultdict(int)

    def handler(req: _Request) -> None:
        i = min(count[req.path], len(pages) - 1)
        count[req.path] += 1
        page = pages[i]
        req.send(page.status, page.body, page.headers)

    return handler


def big_page(n_bytes: int) -> Handler:
    """A page of ``n_bytes`` streamed without a Content-Length header (chunked)."""

    def handler(req: _Request) -> None:
        h = req.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        block = b"<p>" + b"a" * 65530 + b"</p>"
        sent = 0
        try:
            while sent < n_bytes:
                h.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                sent += len(block)
            h.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        h.close_connection = True

    return handler
