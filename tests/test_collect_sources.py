"""Media Cloud with a key, and --refresh with conditional requests, on the fixture."""

from __future__ import annotations

import json

import pytest

from tests.collect_helpers import row, run, write_study
from tests.fixture_web import FixtureWeb, Page, article_html, demo_articles

TEXTS = demo_articles()


@pytest.fixture
def web():
    server = FixtureWeb().start()
    yield server
    server.stop()


def page(i: int) -> Page:
    a = TEXTS[i]
    return Page(article_html(a["title"], a["text"], site="Wire").encode())


def test_mediacloud_pages_through_results_with_the_key(web, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_TEST_MC_KEY", "secret-key")
    seen_auth = []
    stories = [
        {"url": f"http://wire.test/mc/{i}", "title": f"t{i}", "publish_date": "2024-11-0{i}"}
        for i in range(1, 6)
    ]

    def api(req):
        seen_auth.append(req.headers.get("Authorization"))
        start = int(req.query.get("pagination_token") or 0)
        body = {"stories": stories[start : start + 2]}
        if start + 2 < len(stories):
            body["pagination_token"] = str(start + 2)
        req.send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    web.add("http://search.mc.test/api/search/story-list", api)
    for i in range(1, 6):
        web.add(f"http://wire.test/mc/{i}", page(i))
    folder = write_study(
        tmp_path / "s",
        web,
        [
            {
                "type": "mediacloud",
                "id": "mc",
                "query": "kursk",
                "api_key_env": "FRAMING_TEST_MC_KEY",
                "base_url": "http://search.mc.test/api/search/story-list",
            }
        ],
        window={"start": "2024-10-01", "end": "2025-06-30"},
    )
    _report, frame = run(folder)
    assert sorted(frame["input_url"]) == [s["url"] for s in stories]
    assert set(frame["outcome"]) == {"fetched"}
    assert seen_auth == ["Token secret-key"] * 3  # three pages of two, two, one
    # A rerun replays the three calls from the ledger.
    calls = web.hits("search.mc.test")
    run(folder)
    assert web.hits("search.mc.test") == calls


def test_refresh_uses_conditional_requests(web, tmp_path):
    a = TEXTS[0]
    body = article_html(a["title"], a["text"], site="Wire").encode()
    answers = []

    def etagged(req):
        if req.headers.get("If-None-Match") == '"v1"':
            answers.append(304)
            req.send(304, b"", {"ETag": '"v1"'})
        else:
            answers.append(200)
            req.send(200, body, {"Content-Type": "text/html", "ETag": '"v1"'})

    url = web.add("http://wire.test/etag", etagged)
    folder = write_study(
        tmp_path / "s", web, [{"type": "urls", "id": "list", "path": "urls.txt"}], urls=[url]
    )
    _, first = run(folder)
    run(folder)  # no refresh: nothing is asked again
    assert answers == [200]
    report, second = run(folder, refresh=True)
    assert answers == [200, 304]
    r = row(second, url)
    assert r.outcome == "fetched" and r.sha256 == row(first, url).sha256
    assert r.attempts == 1 and r.fetched_at >= row(first, url).fetched_at
    assert report.n_articles == 1


def test_a_domain_added_to_the_outlets_file_takes_effect_on_the_next_run(web, tmp_path):
    url = web.add("http://newsite.test/story", page(2))
    folder = write_study(
        tmp_path / "s", web, [{"type": "urls", "id": "list", "path": "urls.txt"}], urls=[url]
    )
    _, frame = run(folder)
    assert row(frame, url).outcome == "unknown_outlet"
    outlets = (folder / "outlets.csv").read_text()
    (folder / "outlets.csv").write_text(outlets + "Newsite,X,private,en,g9,newsite.test\n")
    report, frame = run(folder)
    r = row(frame, url)
    assert (r.outcome, r.outlet) == ("fetched", "Newsite")
    assert report.counts == {"input": 1, "fetched": 1, "failed": 0, "skipped": 0, "pending": 0}


def test_reextract_reads_the_warc_and_fetches_nothing(web, tmp_path):
    import yaml

    from analysis.collect.run import reextract
    from analysis.study import Study

    short = " ".join(["The minister spoke to reporters in the capital on Monday."] * 3)
    long_url = web.add("http://wire.test/long", page(1))
    short_url = web.add(
        "http://wire.test/short", Page(article_html("Brief", short, site="Wire").encode())
    )
    folder = write_study(
        tmp_path / "s",
        web,
        [{"type": "urls", "id": "list", "path": "urls.txt"}],
        urls=[long_url, short_url],
    )
    _, frame = run(folder)
    assert set(frame["outcome"]) == {"fetched"}
    requests = len(web.log)
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["collect"]["min_words"] = 40
    (folder / "study.yaml").write_text(yaml.safe_dump(config))
    report = reextract(Study.load(folder))
    assert len(web.log) == requests  # nothing fetched
    assert report.counts["fetched"] == 1 and report.n_articles == 1
    lines = (folder / "collected" / "articles.jsonl").read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["url"] == long_url
    _, frame = run(folder)  # an ordinary rerun keeps the verdict and fetches nothing
    assert row(frame, short_url).outcome == "extraction_empty"
    assert "collect.min_words is 40" in row(frame, short_url).reason
    assert len(web.log) == requests
