"""Issue 7: every notebook runs, figures are byte-identical on re-run, and a codebook
edit rebuilds only what depends on the codebook."""

import logging
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from analysis.cli import app
from analysis.embed import Encoder
from analysis.notebooks import execute, notebook_sources
from analysis.pipeline import REGISTRY
from analysis.study import OWNER_FILE
from tests.conftest import DEMO


@pytest.mark.parametrize("source", notebook_sources(), ids=lambda p: p.stem)
def test_every_notebook_executes_on_the_demo(demo_notebooks, source):
    out = demo_notebooks[source.stem]
    assert out.exists() and out.with_suffix(".html").exists()
    rule = out.with_suffix(".d").read_text()
    assert f"notebooks/{source.name}" in rule and ".parquet" in rule


@pytest.mark.slow
def test_figures_are_byte_identical_on_rerun(demo_run, demo_notebooks):
    """The one notebook run twice in a test session: a second kernel must write the
    same bytes as the session's first run."""
    study, _, _, figures = demo_run
    assert demo_notebooks["03_framing_by_outlet"].exists()
    folder = figures / "demo"
    first = {p.name: p.read_bytes() for p in folder.glob("outlet_frames.*")}
    assert set(first) == {
        "outlet_frames.pdf",
        "outlet_frames.svg",
        "outlet_frames.png",
        "outlet_frames.json",
    }
    for name in first:
        (folder / name).unlink()
    source = next(p for p in notebook_sources() if p.name.startswith("03_"))
    execute(source, study, html=False)
    second = {p.name: p.read_bytes() for p in folder.glob("outlet_frames.*")}
    assert set(second) == set(first)
    for name in first:
        assert first[name] == second[name], name


def cache_without(texts: list[str], folder: Path) -> Path:
    """A cache of the test's own: a copy of the session cache minus ``texts``.

    The session cache persists across test runs, so a text this test encodes is already
    in it the next time; counting encodings needs a cache whose content the test knows.
    """
    folder.mkdir(parents=True)
    source = sqlite3.connect(Path(os.environ["FRAMING_CACHE_DIR"]) / "embeddings.sqlite")
    copy = sqlite3.connect(folder / "embeddings.sqlite")
    with copy:
        source.backup(copy)
        keys = Encoder(cache_dir=folder, show_progress=False).keys(texts)
        copy.executemany("DELETE FROM vectors WHERE key = ?", [(k,) for k in keys])
    source.close()
    copy.close()
    return folder


def test_codebook_edit_rescores_without_reembedding_or_refitting_topics(
    demo_run, tmp_path, monkeypatch, caplog
):
    study, *_ = demo_run
    folder = tmp_path / "corpora" / "demo"
    shutil.copytree(DEMO, folder)
    build = tmp_path / "build"
    shutil.copytree(study.build_dir, build / "demo")
    # The copy is this study's now (a copied study keeping another's outputs is refused).
    (build / "demo" / OWNER_FILE).write_text(f"{folder}\n", encoding="utf-8")
    monkeypatch.setenv("FRAMING_BUILD_DIR", str(build))
    new = "The nation will carry the names of its fallen sons in its heart for ever."
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(cache_without([new], tmp_path / "cache")))

    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["codebook"]["frames"][0]["poles"][0]["exemplars"].append(new)
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))

    caplog.set_level(logging.INFO)
    result = CliRunner().invoke(app, ["run", str(folder)])
    assert result.exit_code == 0, result.output
    log = caplog.text
    # One new exemplar encoded; every sentence and old exemplar came from the cache.
    assert "codebook exemplars: 54 texts (54 unique): 53 from cache, 1 encoded" in log
    assert {"topics", "events"} <= set(REGISTRY)
    for skipped in ("articles", "sentences", "embeddings", "topics", "events"):
        assert f"{skipped:<14s} up to date, skipped" in log
    assert f"{'frame_scores':<14s} running" in log
