"""The real study, corpora/nk_kursk, collected from a fixture internet and run end to end.

This machine is offline, so a server on 127.0.0.1 plays GDELT, the outlets' feeds and
sites (robots.txt, article pages in boilerplate, a page gone to the archive), the
Wayback Machine, and nothing for Media Cloud (no key: skipped with a note). The article
texts are the demo world's fictional ones, re-dated into the study window and served
from the study's real outlet domains, so the study's own outlets.csv, GDELT queries,
feeds, language filter and codebook are what is exercised.

The study is copied to a temporary folder and only base URLs, the proxy and the delays
are changed there: the real corpora/nk_kursk is never written to.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import schema as S
from analysis.collect.ledger import Ledger
from tests.conftest import ROOT
from tests.fixture_web import FixtureWeb, Gdelt, Page, Wayback, article_html, demo_articles

STUDY = ROOT / "corpora" / "nk_kursk"
SHIFT = timedelta(days=120)  # demo dates (Feb-Aug 2025) into the study window
EVENTS = ("E01", "E03", "E06", "E10")
OUTLET_SITES = {  # demo outlet → (study outlet, site)
    "Dravenian Central News Agency": ("KCNA", "kcna.kp"),
    "Sorovian Telegraph Agency": ("TASS", "tass.com"),
    "Kalvia Independent": ("Kyiv Independent", "kyivindependent.com"),
    "Meridian Wire": ("Reuters", "www.reuters.com"),
    "The Northern Courier": ("The Guardian", "www.theguardian.com"),
    "Daily Sentinel": ("BBC", "www.bbc.com"),
    "Aldmark Daily": ("Yonhap", "en.yna.co.kr"),
    "Sundara Times": ("Associated Press", "apnews.com"),
}
# Written for this test (not from any article): coverage the English-only path leaves out.
RUSSIAN = (
    "Колонна техники прошла через приграничный район рано утром.\n"
    "Местные жители рассказали корреспонденту, что слышали взрывы всю ночь.\n"
    "Власти области пообещали восстановить повреждённые дома до конца месяца.\n"
    "Представители министерства не ответили на вопросы журналистов о потерях."
)
KOREAN = (
    "국경 지역에서 밤새 포성이 들렸다고 현지 주민들이 전했다.\n"
    "당국은 피해 주택을 이달 말까지 복구하겠다고 밝혔다.\n"
    "정부 관계자는 사상자 규모에 대한 질문에 답하지 않았다.\n"
    "전문가들은 이번 사태가 지역 안보에 장기적인 영향을 줄 것이라고 분석했다."
)


def _seendate(published: str) -> datetime:
    return datetime.fromisoformat(published).replace(tzinfo=None) - SHIFT


def build_web() -> tuple[FixtureWeb, dict]:
    web = FixtureWeb().start()
    gdelt: list[dict] = []
    expect = {"pages": 0}
    for i, a in enumerate(x for x in demo_articles() if x["event_id"] in EVENTS):
        outlet, site = OUTLET_SITES[a["outlet"]]
        when = _seendate(a["published"])
        url = f"http://{site}/news/{when:%Y/%m/%d}/{a['doc_id']}"
        body = article_html(
            a["title"], a["text"], site=outlet, published=when.date().isoformat(), author="Staff"
        )
        charset = "cp1252" if site == "apnews.com" else "utf-8"
        encoded = body.replace("“", '"').replace("”", '"') if charset != "utf-8" else body
        web.add(url, Page(encoded.encode(charset), headers={"Content-Type": "text/html"}))
        gdelt.append(
            {
                "url": url + ("?utm_source=gdelt" if i % 5 == 0 else ""),
                "title": a["title"],
                "seendate": f"{when:%Y%m%dT%H%M%SZ}",
                "language": "english",
            }
        )
        expect["pages"] += 1
    # Non-English coverage, fetched and then left out by ingest.language.keep: [en].
    for lang, site, text, title in (
        ("russian", "ria.ru", RUSSIAN, "Колонна техники в приграничье"),
        ("korean", "www.chosun.com", KOREAN, "국경 지역 포성"),
    ):
        url = f"http://{site}/world/2024/11/20/story"
        web.add(
            url,
            Page(
                article_html(
                    title, text, site=site, published="2024-11-20", lang=lang[:2]
                ).encode(),
                headers={"Content-Type": "text/html; charset=utf-8"},
            ),
        )
        gdelt.append({"url": url, "title": title, "seendate": "20241120T080000Z", "language": lang})
    # Faults a real crawl meets.
    gone = "http://www.reuters.com/world/2024/11/02/gone-story"
    web.add(gone, Page(b"not found", status=404))
    first = demo_articles()[1]
    snapshot = article_html(first["title"], first["text"], site="Reuters", published="2024-11-02")
    Wayback({gone: ("20241103000000", Page(snapshot.encode()))}).install(web)
    web.add(
        "http://www.rt.com/robots.txt",
        Page(b"User-agent: *\nDisallow: /news/\n", headers={"Content-Type": "text/plain"}),
    )
    extra = [
        (gone, "20241102T100000Z"),
        ("http://www.rt.com/news/612345-troops-kursk/", "20241104T100000Z"),
        ("http://someblog.example.net/kursk-analysis", "20241105T100000Z"),
    ]
    for url, seen in extra:
        gdelt.append({"url": url, "title": "x", "seendate": seen, "language": "english"})
    web.add("http://api.gdeltproject.org/api/v2/doc/doc", Gdelt(gdelt))
    tass = [x for x in gdelt if "tass.com" in x["url"]][:2]

    def item(link: str, when: datetime) -> str:
        return (
            f"<item><title>t</title><link>{link}</link>"
            f"<pubDate>{when:%a, %d %b %Y %H:%M:%S} GMT</pubDate></item>\n"
        )

    items = "".join(
        item(
            x["url"].split("?")[0] + "?utm_medium=rss",
            datetime.strptime(x["seendate"], "%Y%m%dT%H%M%SZ"),
        )
        for x in tass
    )
    items += item("/old/2019", datetime(2019, 1, 7, 10))
    rss = f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>TASS</title>\n{items}'
    rss += "</channel></rss>"
    web.add(
        "http://tass.com/rss/v2.xml",
        Page(rss.encode(), headers={"Content-Type": "application/rss+xml"}),
    )
    expect["input"] = len(gdelt) + len(tass) + 1
    return web, expect


def fixture_copy(tmp_path, web: FixtureWeb) -> os.PathLike:
    """The study copied, pointed at the fixture; the real folder is left alone."""
    copy = tmp_path / "nk_kursk"
    shutil.copytree(STUDY, copy, ignore=shutil.ignore_patterns("collected"))
    config = yaml.safe_load((copy / "study.yaml").read_text(encoding="utf-8"))
    c = config["collect"]
    c.update(
        proxy=web.proxy,
        per_host_delay=0.02,
        contact="tests@localhost",
        retry={"attempts": 2, "backoff": 0.01, "max_backoff": 0.05},
        timeouts={"connect": 2, "read": 2, "total": 5},
        archive={
            "mode": "fallback",
            "availability_url": "http://archive.org/wayback/available",
            "snapshot_url": "http://web.archive.org/web",
        },
    )
    for source in c["sources"]:
        if source["type"] == "gdelt":
            source.update(base_url="http://api.gdeltproject.org/api/v2/doc/doc", delay=0.02)
        if source["type"] == "feed":
            source["urls"] = [u.replace("https://", "http://") for u in source["urls"]]
        if source["type"] == "mediacloud":
            source["api_key_env"] = "FRAMING_TEST_NO_SUCH_KEY"
    (copy / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return copy


def framing(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The study copy after `framing collect` against the fixture internet."""
    tmp = tmp_path_factory.mktemp("nk_kursk")
    web, expect = build_web()
    try:
        study = fixture_copy(tmp, web)
        env = {**os.environ, "FRAMING_BUILD_DIR": str(tmp / "build")}
        env["FRAMING_FIGURES_DIR"] = str(tmp / "figures")
        # One torch thread: on a loaded 2-core machine, torch's spinning worker threads
        # made encoding ~19x slower (2.2 s vs 0.12 s a sentence, measured).
        env.setdefault("OMP_NUM_THREADS", "1")
        env.pop("FRAMING_TEST_NO_SUCH_KEY", None)
        start = time.perf_counter()
        result = framing("collect", str(study), "--no-progress", env=env)
        seconds = time.perf_counter() - start
        hosts = {h for _, h, _ in web.log}
    finally:
        web.stop()
    assert result.returncode == 0, result.stderr
    return study, env, expect, result, hosts, seconds


def test_nk_kursk_collection_accounts_for_every_url(collected, record_property):
    study, _, expect, result, hosts, seconds = collected
    record_property("collect_seconds", round(seconds, 2))
    # Every request went to the fixture, and never to a domain no outlet owns.
    assert hosts <= {
        "api.gdeltproject.org", "archive.org", "web.archive.org", "tass.com", "ria.ru",
        "www.rt.com", "kyivindependent.com", "en.yna.co.kr", "feeds.bbci.co.uk",
        "www.theguardian.com", "rss.nytimes.com", "kcna.kp", "www.reuters.com",
        "www.bbc.com", "apnews.com", "www.chosun.com",
    }  # fmt: skip
    assert "someblog.example.net" not in hosts
    out = study / "collected"
    ledger = Ledger(out / Ledger.FILE)
    frame, counts = ledger.frame(), ledger.counts()
    ledger.close()
    # The ledger accounts for every URL the sources gave.
    assert counts["input"] == expect["input"] == len(frame)
    assert counts["input"] == counts["fetched"] + counts["failed"] + counts["skipped"]
    assert counts["pending"] == 0
    outcome = frame.set_index("input_url")["outcome"]
    assert outcome["http://www.reuters.com/world/2024/11/02/gone-story"] == "fetched_archive"
    assert outcome["http://www.rt.com/news/612345-troops-kursk/"] == "robots_disallowed"
    assert outcome["http://someblog.example.net/kursk-analysis"] == "unknown_outlet"
    assert outcome["http://tass.com/old/2019"] == "out_of_window"
    assert (frame["outcome"] == "duplicate_url").sum() == 2  # feed items GDELT also found
    assert counts["fetched"] == expect["pages"] + 2 + 1  # + ru, ko, archived
    summary = json.loads((out / "summary.json").read_text())
    assert "FRAMING_TEST_NO_SUCH_KEY" in result.stdout  # Media Cloud skipped, with a note
    assert len(summary["failed_calls"]) == 7  # the other feeds: 404 at the fixture
    assert summary["articles"] == counts["fetched"]
    assert list((out / "warc").glob("*.warc.gz")) and not list((out / "warc").glob("*.open"))
    assert "input URLs" in result.stdout and "per source and outcome" in result.stdout
    assert not (STUDY / "collected").exists() or (STUDY / "collected").resolve() != out.resolve()


def test_nk_kursk_runs_end_to_end_on_what_was_collected(collected, record_property):
    study, env, *_ = collected
    start = time.perf_counter()
    ran = framing("run", str(study), env=env)
    assert ran.returncode == 0, ran.stderr[-3000:]
    notebooks = framing("notebooks", str(study), env=env)
    assert notebooks.returncode == 0, notebooks.stderr[-3000:]
    record_property("run_and_notebooks_seconds", round(time.perf_counter() - start, 2))

    build = Path(env["FRAMING_BUILD_DIR"]) / "nk_kursk"
    articles = pd.read_parquet(build / "articles.parquet")
    assert set(articles[S.OUTLET]) == {o for o, _ in OUTLET_SITES.values()}
    languages = pd.read_csv(build / "languages.csv").set_index([S.OUTLET, S.LANGUAGE])
    assert languages.loc[("RIA Novosti", "ru"), S.N_LEFT_OUT] == 1
    assert languages.loc[("Chosun Ilbo", "ko"), S.N_LEFT_OUT] == 1
    scores = pd.read_parquet(build / "outlet_frames.parquet")
    assert set(scores[S.FRAME]) == {"sacrifice", "legitimacy", "deployment", "credibility"}
    figures = Path(env["FRAMING_FIGURES_DIR"]) / "nk_kursk"
    pdfs = sorted(p.stem for p in figures.glob("*.pdf"))
    assert "outlet_frames" in pdfs, pdfs
    assert all((figures / f"{p}.png").exists() and (figures / f"{p}.json").exists() for p in pdfs)
