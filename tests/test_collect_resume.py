"""Nothing lost, nothing fetched twice: kill -9 in the middle of a run, then resume."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from analysis.collect.archive import WarcArchive, complete_length, iter_records
from analysis.collect.run import LOCK_FILE
from analysis.collect.sources import CollectError
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


def _archive_one(archive: WarcArchive, url: str) -> str:
    name, _ = archive.write(
        url,
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        headers=[("Content-Type", "text/html")],
        request_headers=[("User-Agent", "test")],
        body=b"<article>x</article>",
    )
    archive.close()
    return name


def test_a_run_resumed_within_the_same_second_keeps_every_segment(tmp_path):
    """Segment names carry the run's start to the second. A run resumed right after a
    kill shared it, and closing its first segment replaced the killed run's (the pages
    the ledger had committed vanished from the archive)."""
    first = WarcArchive(tmp_path, "s", segment_records=1)
    first_name = _archive_one(first, "http://a.test/1")
    again = WarcArchive(tmp_path, "s", segment_records=1)
    again.run = first.run  # the same second
    again_name = _archive_one(again, "http://a.test/2")
    assert again_name != first_name
    uris = {
        n: {u for k, u, _ in iter_records(tmp_path / n) if k == "response"}
        for n in (first_name, again_name)
    }
    assert uris == {first_name: {"http://a.test/1"}, again_name: {"http://a.test/2"}}


HOLD_LOCK = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_collect_on_the_same_study_is_refused_while_one_runs(web, tmp_path):
    url = web.add("http://wire.test/n/0", Page(b"<html><article>x</article></html>"))
    folder = write_study(
        tmp_path / "s", web, [{"type": "urls", "id": "list", "path": "urls.txt"}], urls=[url]
    )
    lock = folder / "collected" / LOCK_FILE
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(CollectError, match="another `framing collect` is running"):
            run(folder)
        assert not (folder / "collected" / "ledger.sqlite").exists()  # nothing touched
    finally:
        holder.kill()
        holder.wait(timeout=10)
    report, _ = run(folder)  # a killed holder lets go at once
    assert report.counts["input"] == 1
