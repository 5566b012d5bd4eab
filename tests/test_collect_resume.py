"""Nothing lost, nothing fetched twice: kill -9 in the middle of a run, then resume."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from analysis.collect.archive import complete_length, iter_records
from tests.collect_helpers import run, write_study
from tests.conftest import ROOT
from tests.fixture_web import FixtureWeb, Page, article_html, demo_articles

N_PAGES = 40


@pytest.fixture
def web():
    server = FixtureWeb().start()
    yield server
    server.stop()


def _fetched(ledger) -> set[str]:
    try:
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=1)
        try:
            rows = db.execute("SELECT url FROM urls WHERE outcome = 'fetched'").fetchall()
        finally:
            db.close()
    except sqlite3.OperationalError:  # not created yet, or busy
        return set()
    return {r[0] for r in rows}


def test_kill_9_then_rerun_fetches_only_what_is_missing(web, tmp_path):
    texts = demo_articles()
    urls = []
    for i in range(N_PAGES):
        a = texts[i]
        host = ("wire.test", "courier.test")[i % 2]
        body = article_html(a["title"], a["text"], site=host, published=a["published"][:10])
        urls.append(web.add(f"http://{host}/n/{i}", Page(body.encode())))
    folder = write_study(
        tmp_path / "s",
        web,
        [{"type": "urls", "id": "list", "path": "urls.txt"}],
        urls=urls,
        per_host_delay=0.1,  # 40 pages on 2 hosts: about 2 s, time enough to kill it
        segment_records=5,
    )
    ledger = folder / "collected" / "ledger.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "-q", "collect", str(folder), "--no-progress"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(_fetched(ledger)) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    before = _fetched(ledger)
    assert 8 <= len(before) < N_PAGES
    hits_before = {u: web.hits(u.split("/")[2], "/" + u.split("/", 3)[3]) for u in urls}

    report, frame = run(folder)  # resume in-process
    assert report.counts["fetched"] == N_PAGES and report.counts["pending"] == 0
    assert set(frame["outcome"]) == {"fetched"}
    for u in urls:
        host, path = u.split("/")[2], "/" + u.split("/", 3)[3]
        if u in before:  # committed before the kill: never fetched again
            assert web.hits(host, path) == hits_before[u] == 1, u
        else:  # at most the page in flight at the kill is fetched a second time
            assert web.hits(host, path) <= 2, u
    assert sum(web.hits(u.split("/")[2], "/" + u.split("/", 3)[3]) for u in urls) <= N_PAGES + 2
    # Every WARC file reads to its end; the segment left open was repaired.
    warcs = sorted((folder / "collected" / "warc").glob("*"))
    assert warcs and all(p.name.endswith(".warc.gz") for p in warcs)
    for path in warcs:
        assert complete_length(path) == path.stat().st_size, path.name
    archived = {uri for p in warcs for kind, uri, _ in iter_records(p) if kind == "response"}
    assert archived == set(urls)
    # Each ledger row points at a readable response record of its own URL.
    from analysis.collect.archive import read_response

    for r in frame.itertuples():
        _headers, body = read_response(folder / "collected" / "warc", r.warc_file, r.warc_offset)
        assert b"<article" in body and len(body) == r.bytes
