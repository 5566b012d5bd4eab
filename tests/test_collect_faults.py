"""Every fault the collector must survive, against the fixture internet on 127.0.0.1.

Each case checks the ledger outcome and reason: never a traceback, never a lost URL
(input URLs = fetched + failed + skipped). Loops in the fixture are bounded in count and
time, and the collector's timeouts are set to seconds.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest

from analysis.collect.archive import iter_records
from tests.collect_helpers import row, run, write_study
from tests.fixture_web import (
    FixtureWeb,
    Gdelt,
    Page,
    Wayback,
    article_html,
    big_page,
    demo_articles,
    gzip_bomb,
    sequence,
    slow_drip,
    truncated,
)

TEXTS = demo_articles()


def page(i: int = 0, **kw) -> Page:
    a = TEXTS[i]
    body = article_html(a["title"], a["text"], site="Wire", published=a["published"][:10], **kw)
    return Page(body.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


@pytest.fixture
def web():
    server = FixtureWeb().start()
    yield server
    server.stop()


@pytest.fixture
def collect_urls(web, tmp_path):
    """Collect a URL list from the fixture; returns (report, ledger frame)."""

    def go(urls: list[str], **cfg):
        folder = write_study(
            tmp_path / "s",
            web,
            [{"type": "urls", "id": "list", "path": "urls.txt"}],
            urls=urls,
            **cfg,
        )
        report, frame = run(folder)
        c = report.counts
        assert c["input"] == c["fetched"] + c["failed"] + c["skipped"] == len(frame)
        assert c["pending"] == 0
        return report, frame

    return go


def test_500_is_retried_then_reported(web, collect_urls):
    url = web.add("http://wire.test/a", Page(b"oops", status=500))
    _, frame = collect_urls([url])
    r = row(frame, url)
    assert (r.outcome, r.status, r.attempts) == ("http_error", 500, 3)
    assert "500" in r.reason and "after 3 attempts" in r.reason


def test_503_with_retry_after_is_waited_out(web, collect_urls):
    busy = Page(b"busy", status=503, headers={"Retry-After": "1", "Content-Type": "text/html"})
    url = web.add("http://wire.test/a", sequence(busy, page()))
    start = time.monotonic()
    _, frame = collect_urls([url])
    r = row(frame, url)
    assert (r.outcome, r.attempts) == ("fetched", 2)
    times = web.times("wire.test")
    assert times[1] - times[0] >= 0.95  # Retry-After: 1 honoured, not the 0.01 s backoff
    assert time.monotonic() - start < 10


def test_429_beyond_the_retry_after_cap_gives_up_at_once(web, collect_urls):
    slow = Page(b"slow down", status=429, headers={"Retry-After": "3600"})
    url = web.add("http://wire.test/a", slow)
    _, frame = collect_urls([url])
    r = row(frame, url)
    assert (r.outcome, r.status, r.attempts) == ("http_error", 429, 1)
    assert "retry after 3600 s" in r.reason


def test_429_then_success(web, collect_urls):
    url = web.add("http://wire.test/a", sequence(Page(b"", status=429), page()))
    _, frame = collect_urls([url])
    assert row(frame, url).outcome == "fetched"


def test_404_falls_back_to_the_internet_archive(web, collect_urls):
    gone = "http://wire.test/gone"
    web.add(gone, Page(b"no", status=404))
    Wayback({gone: ("20241105120000", page(1))}).install(web)
    also_gone = web.add("http://wire.test/gone-too", Page(b"no", status=410))
    report, frame = collect_urls(
        [gone, also_gone],
        archive={
            "availability_url": "http://archive.org/wayback/available",
            "snapshot_url": "http://web.archive.org/web",
        },
    )
    r = row(frame, gone)
    assert r.outcome == "fetched_archive"
    assert r.archive_url == f"http://web.archive.org/web/20241105120000id_/{gone}"
    assert "404" in r.reason and "20241105120000" in r.reason
    r = row(frame, also_gone)
    assert r.outcome == "http_error" and "410" in r.reason and "no archived copy" in r.reason
    articles = (report.folder / "articles.jsonl").read_text().splitlines()
    assert json.loads(articles[0])["archive_url"].startswith("http://web.archive.org/")


def test_connection_refused(web, collect_urls):
    # A port nothing listens on, reached directly (no proxy).
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    _, frame = collect_urls(
        [url],
        proxy=None,
        outlets=[("Local", "127.0.0.1", "en")],
        archive={"mode": "never"},
    )
    r = row(frame, url)
    assert r.outcome == "connection_error"
    assert "cannot connect" in r.reason


def test_slow_drip_hits_the_total_timeout(web, collect_urls):
    # 60 s of drip, a byte every 0.1 s: the read timeout never fires, the total one must.
    url = web.add("http://wire.test/drip", slow_drip(chunks=600, pause=0.1))
    start = time.monotonic()
    _, frame = collect_urls(
        [url],
        timeouts={"connect": 1, "read": 1, "total": 0.5},
        retry={"attempts": 1},
    )
    r = row(frame, url)
    assert r.outcome == "timeout" and "total" in r.reason
    assert time.monotonic() - start < 30  # loose: the machine may be loaded


def test_truncated_body(web, collect_urls):
    url = web.add("http://wire.test/short", truncated(b"<html><p>half a page", claimed=5000))
    _, frame = collect_urls([url])
    r = row(frame, url)
    assert (r.outcome, r.attempts) == ("truncated", 3)
    assert "before the body was complete" in r.reason


def test_gzip_bomb_is_stopped_by_the_decompressed_cap(web, collect_urls):
    bomb = gzip_bomb(60_000_000)  # ~60 kB on the wire
    assert len(bomb) < 1_000_000
    url = web.add(
        "http://wire.test/bomb",
        Page(bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}),
    )
    _, frame = collect_urls([url], max_decompressed_bytes=5_000_000)
    r = row(frame, url)
    assert r.outcome == "too_large" and "decompressed" in r.reason


def test_50_mb_page_is_cut_while_streaming(web, collect_urls):
    url = web.add("http://wire.test/huge", big_page(50_000_000))
    start = time.monotonic()
    _, frame = collect_urls([url], max_bytes=2_000_000)
    r = row(frame, url)
    assert r.outcome == "too_large" and "max_bytes" in r.reason
    assert time.monotonic() - start < 10


def test_declared_content_length_over_the_cap_is_refused_before_reading(web, collect_urls):
    url = web.add("http://wire.test/declared", Page(b"x" * 3_000_000))
    _, frame = collect_urls([url], max_bytes=1_000_000)
    r = row(frame, url)
    assert r.outcome == "too_large" and "Content-Length 3,000,000" in r.reason


def test_pdf_and_image_are_not_html(web, collect_urls):
    pdf = web.add(
        "http://wire.test/report.pdf",
        Page(b"%PDF-1.7\n...", headers={"Content-Type": "application/pdf"}),
    )
    png = web.add(
        "http://wire.test/photo",
        Page(b"\x89PNG\r\n\x1a\n....", headers={"Content-Type": "application/octet-stream"}),
    )
    _, frame = collect_urls([pdf, png])
    assert row(frame, pdf).outcome == "not_html" and "application/pdf" in row(frame, pdf).reason
    assert row(frame, png).outcome == "not_html" and "PNG" in row(frame, png).reason


RUSSIAN = (
    "Колонна грузовиков прошла через мост на рассвете, сообщил наш корреспондент.\n"
    "Жители посёлка рассказали, что ночью слышали гул техники и видели огни.\n"
    "Представитель администрации отказался комментировать происходящее в районе."
)


def test_page_labelled_utf8_but_sent_as_cp1251(web, collect_urls):
    body = article_html("Колонна на мосту", RUSSIAN, site="Tass", charset="utf-8", lang="ru")
    url = web.add(
        "http://tass.ru/a",
        Page(body.encode("cp1251"), headers={"Content-Type": "text/html; charset=utf-8"}),
    )
    report, frame = collect_urls([url])
    r = row(frame, url)
    assert (r.outcome, r.charset) == ("fetched", "cp1251")
    assert "declared charset utf-8, read as cp1251" in r.reason
    article = json.loads((report.folder / "articles.jsonl").read_text())
    assert "Колонна грузовиков прошла через мост" in article["text"]


def test_meta_refresh_is_followed(web, collect_urls):
    stub = b'<html><head><meta http-equiv="refresh" content="0; url=/real"></head></html>'
    url = web.add("http://wire.test/stub", Page(stub))
    web.add("http://wire.test/real", page(2))
    _, frame = collect_urls([url])
    r = row(frame, url)
    assert (r.outcome, r.final_url) == ("fetched", "http://wire.test/real")


def test_redirect_loop(web, collect_urls):
    web.add("http://wire.test/a", Page(b"", status=302, headers={"Location": "/b"}))
    web.add("http://wire.test/b", Page(b"", status=301, headers={"Location": "http://wire.test/a"}))
    _, frame = collect_urls(["http://wire.test/a"])
    r = row(frame, "http://wire.test/a")
    assert r.outcome == "redirect_error" and "redirect loop" in r.reason
    assert web.hits("wire.test", "/a") == 1


def test_too_many_redirects(web, collect_urls):
    for i in range(10):
        web.add(f"http://wire.test/r{i}", Page(b"", status=302, headers={"Location": f"/r{i + 1}"}))
    _, frame = collect_urls(["http://wire.test/r0"], max_redirects=3)
    r = row(frame, "http://wire.test/r0")
    assert r.outcome == "redirect_error" and "max_redirects (3)" in r.reason


def test_redirect_off_the_allowed_hosts(web, collect_urls):
    url = web.add(
        "http://wire.test/out", Page(b"", status=302, headers={"Location": "http://evil.test/x"})
    )
    inside = web.add(
        "http://wire.test/in", Page(b"", status=301, headers={"Location": "http://courier.test/x"})
    )
    web.add("http://courier.test/x", page(3))
    _, frame = collect_urls([url, inside])
    r = row(frame, url)
    assert r.outcome == "off_site_redirect" and "evil.test" in r.reason
    assert web.hits("evil.test") == 0
    assert row(frame, inside).outcome == "fetched"  # another outlet's domain is allowed


def test_redirect_to_a_non_http_scheme(web, collect_urls):
    url = web.add(
        "http://wire.test/f", Page(b"", status=302, headers={"Location": "file:///etc/passwd"})
    )
    _, frame = collect_urls([url])
    assert row(frame, url).outcome == "redirect_error"


def test_robots_disallow(web, collect_urls):
    web.add(
        "http://wire.test/robots.txt",
        Page(b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}),
    )
    private = web.add("http://wire.test/private/a", page(0))
    public = web.add("http://wire.test/public/a", page(1))
    _, frame = collect_urls([private, public])
    assert row(frame, private).outcome == "robots_disallowed"
    assert "robots.txt of wire.test disallows" in row(frame, private).reason
    assert web.hits("wire.test", "/private/a") == 0
    assert row(frame, public).outcome == "fetched"
    assert web.hits("wire.test", "/robots.txt") == 1


def test_unreadable_robots_forbids_the_host(web, collect_urls):
    web.add("http://wire.test/robots.txt", Page(b"down", status=500))
    url = web.add("http://wire.test/a", page(0))
    _, frame = collect_urls([url])
    r = row(frame, url)
    assert r.outcome == "robots_disallowed" and "could not be read" in r.reason


def test_duplicates_differing_only_in_tracking_parameters(web, collect_urls):
    web.add("http://wire.test/story", page(0))
    urls = [
        "http://wire.test/story?utm_source=tw&utm_medium=social",
        "http://WIRE.test/story?fbclid=abc123",
        "http://wire.test/story#comments",
        "http://wire.test/story?gclid=1&utm_campaign=x",
    ]
    _, frame = collect_urls(urls)
    assert row(frame, urls[0]).outcome == "fetched"
    for u in urls[1:]:
        r = row(frame, u)
        assert r.outcome == "duplicate_url" and urls[0] in r.reason
    assert web.hits("wire.test", "/story") == 1


def test_empty_page_is_extraction_empty(web, collect_urls):
    url = web.add("http://wire.test/blank", Page(b"<html><body><nav>Home</nav></body></html>"))
    _, frame = collect_urls([url])
    assert row(frame, url).outcome == "extraction_empty"


# --- feeds ---------------------------------------------------------------------------
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>http://wire.test/</link>
<item><title>One</title><link>/news/one</link>
<pubDate>Tue, 05 Nov 2024 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>http://wire.test/news/two</link>
<pubDate>Wed, 06 Nov 2024 10:00:00 GMT</pubDate></item>
<item><title>Old</title><link>http://wire.test/news/old</link>
<pubDate>Mon, 01 Jan 2018 10:00:00 GMT</pubDate></item>
</channel></rss>"""


def test_feed_with_relative_links_and_a_window(web, tmp_path):
    web.add(
        "http://wire.test/feed.xml",
        Page(RSS.encode(), headers={"Content-Type": "application/rss+xml"}),
    )
    web.add("http://wire.test/news/one", page(0))
    web.add("http://wire.test/news/two", page(1))
    folder = write_study(
        tmp_path / "s",
        web,
        [{"type": "feed", "id": "wire_rss", "urls": ["http://wire.test/feed.xml"]}],
        window={"start": "2024-10-01", "end": "2025-06-30"},
    )
    report, frame = run(folder)
    assert row(frame, "http://wire.test/news/one").outcome == "fetched"  # resolved link
    assert row(frame, "http://wire.test/news/two").outcome == "fetched"
    old = row(frame, "http://wire.test/news/old")
    assert old.outcome == "out_of_window" and "2018-01-01" in old.reason
    assert web.hits("wire.test", "/news/old") == 0
    # A rerun replays the feed from the ledger and fetches nothing.
    before = len(web.log)
    report2, _ = run(folder)
    assert len(web.log) == before and report2.counts == report.counts


def test_malformed_feed_is_a_failed_call_not_a_crash(web, tmp_path):
    web.add(
        "http://wire.test/bad.xml",
        Page(
            b"<rss><channel><item><title>unclosed", headers={"Content-Type": "application/rss+xml"}
        ),
    )
    folder = write_study(
        tmp_path / "s", web, [{"type": "feed", "id": "bad", "urls": ["http://wire.test/bad.xml"]}]
    )
    report, frame = run(folder)
    assert len(frame) == 0
    call = report.requests.iloc[0]
    assert call.outcome == "error" and "malformed feed" in call.reason


# --- GDELT ---------------------------------------------------------------------------
def gdelt_articles(n: int, day: str = "20241105") -> list[dict]:
    return [
        {
            "url": f"http://wire.test/g/{i}",
            "title": f"Story {i}",
            "seendate": f"{day}T{(i * 7) // 60 % 24:02d}{(i * 7) % 60:02d}00Z",
            "domain": "wire.test",
        }
        for i in range(n)
    ]


def gdelt_study(tmp_path, web, fault=None, n=3, **source):
    api = Gdelt(gdelt_articles(n), fault=fault)
    web.add("http://api.gdelt.test/api/v2/doc/doc", api)
    web.routes[("wire.test", "*")] = page(0)
    folder = write_study(
        tmp_path / "s",
        web,
        [
            {
                "type": "gdelt",
                "id": "gd",
                "query": '"troops" Kursk',
                "base_url": "http://api.gdelt.test/api/v2/doc/doc",
                "delay": 0.01,
                **source,
            }
        ],
        window={"start": "2024-11-05", "end": "2024-11-05"},
    )
    return api, folder


def test_gdelt_slice_at_the_cap_is_split_until_complete(web, tmp_path):
    api, folder = gdelt_study(tmp_path, web, n=25, max_records=10, min_slice_minutes=15)
    report, frame = run(folder)
    assert len(frame) == 25 and set(frame.outcome) == {"fetched"}
    assert len(api.calls) > 3  # 1 day → halves → ... until each slice holds < 10
    assert not report.requests["outcome"].eq("capped").any()


def test_gdelt_slice_still_capped_at_the_finest_resolution_is_reported(web, tmp_path):
    _, folder = gdelt_study(tmp_path, web, n=25, max_records=10, min_slice_minutes=60 * 24)
    report, frame = run(folder)
    capped = report.requests[report.requests["outcome"] == "capped"]
    assert len(capped) == 1 and "cap of 10" in capped.iloc[0].reason
    assert len(frame) == 10  # what the capped slice returned, fetched


def test_gdelt_error_page(web, tmp_path):
    _, folder = gdelt_study(tmp_path, web, fault="error")
    report, frame = run(folder)
    call = report.requests.iloc[0]
    assert call.outcome == "error" and "phrase is too short" in call.reason
    assert len(frame) == 0


def test_gdelt_empty_answer(web, tmp_path):
    _, folder = gdelt_study(tmp_path, web, fault="empty")
    report, frame = run(folder)
    assert report.requests.iloc[0].outcome == "ok" and len(frame) == 0


def test_gdelt_rate_limit_message_is_waited_out(web, tmp_path):
    api, folder = gdelt_study(tmp_path, web, fault="ratelimit")
    report, frame = run(folder)
    assert len(api.calls) == 2 and len(frame) == 3
    assert report.requests.iloc[0].outcome == "ok"


def test_gdelt_rate_limit_for_ever_is_a_failed_call(web, tmp_path):
    api = Gdelt(gdelt_articles(3), fault="ratelimit", n_ratelimit=100)
    web.add("http://api.gdelt.test/api/v2/doc/doc", api)
    folder = write_study(
        tmp_path / "s",
        web,
        [
            {
                "type": "gdelt",
                "id": "gd",
                "query": "x",
                "base_url": "http://api.gdelt.test/api/v2/doc/doc",
                "delay": 0.01,
                "max_rate_limit_waits": 2,
            }
        ],
        window={"start": "2024-11-05", "end": "2024-11-05"},
    )
    report, _ = run(folder)
    assert len(api.calls) == 3
    call = report.requests.iloc[0]
    assert call.outcome == "error" and "rate limited" in call.reason


# --- archive files ---------------------------------------------------------------------
def test_warc_holds_every_fetched_response(web, collect_urls):
    urls = [web.add(f"http://wire.test/w{i}", page(i)) for i in range(3)]
    report, _ = collect_urls(urls, segment_records=2)
    files = sorted((report.folder / "warc").glob("*.warc.gz"))
    assert len(files) == 2  # 2 + 1 responses, segments closed and renamed
    assert not list((report.folder / "warc").glob("*.open"))
    responses = [uri for f in files for kind, uri, code in iter_records(f) if kind == "response"]
    assert sorted(responses) == sorted(urls)


# --- politeness --------------------------------------------------------------------------
def test_per_host_delay_and_concurrency_across_hosts(web, collect_urls):
    urls = [web.add(f"http://wire.test/p{i}", page(i)) for i in range(5)]
    urls += [web.add(f"http://courier.test/p{i}", page(i)) for i in range(5)]
    agents = []
    web.routes[("wire.test", "/robots.txt")] = lambda req: (
        agents.append(req.headers.get("User-Agent")),
        req.send(404, b"", {}),
    )
    _, frame = collect_urls(urls, per_host_delay=0.3, contact="me@example.org")
    assert set(frame["outcome"]) == {"fetched"}
    for host in ("wire.test", "courier.test"):
        times = web.times(host)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(times) == 5 and min(gaps) >= 0.27, gaps  # 0.3 s, less timer slack
    # The two hosts were fetched side by side, not one after the other.
    wire, courier = web.times("wire.test"), web.times("courier.test")
    assert courier[0] < wire[-1] and wire[0] < courier[-1]
    assert agents and "framing-analysis/" in agents[0] and "me@example.org" in agents[0]


def test_unknown_host_falls_back_to_the_archive(tmp_path, web):
    """DNS failure, simulated in the transport (tests never query a real resolver)."""
    import httpx

    from analysis.collect.ledger import Ledger
    from analysis.collect.run import collect
    from analysis.study import Study

    snapshot = page(4)

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host == "vanished.wire.test":
            raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)
        if host == "archive.org":
            stamp = "20241110000000"
            closest = {"available": True, "timestamp": stamp, "status": "200"}
            body = json.dumps({"archived_snapshots": {"closest": closest}}).encode()
            return httpx.Response(200, stream=httpx.ByteStream(body))
        if host == "web.archive.org" and request.url.path.startswith("/web/20241110000000id_/"):
            return httpx.Response(
                200, stream=httpx.ByteStream(snapshot.body), headers={"Content-Type": "text/html"}
            )
        return httpx.Response(404, stream=httpx.ByteStream(b""))

    url = "http://vanished.wire.test/story"
    folder = write_study(
        tmp_path / "s",
        web,
        [{"type": "urls", "id": "list", "path": "urls.txt"}],
        urls=[url],
        proxy=None,
        archive={
            "availability_url": "http://archive.org/wayback/available",
            "snapshot_url": "http://web.archive.org/web",
        },
    )
    report = collect(Study.load(folder), progress=False, transport=httpx.MockTransport(handler))
    ledger = Ledger(folder / "collected" / Ledger.FILE)
    r = ledger.frame().iloc[0]
    ledger.close()
    assert r.outcome == "fetched_archive" and "Name or service not known" in r.reason
    assert report.counts["fetched"] == 1
