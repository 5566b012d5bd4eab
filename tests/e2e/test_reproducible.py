"""Issue 7: every notebook runs, figures are byte-identical on re-run, and a codebook
edit rebuilds only what depends on the codebook."""

import logging
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from analysis.cli import app
from analysis.notebooks import execute, notebook_sources
from analysis.pipeline import REGISTRY
from tests.conftest import DEMO


@pytest.mark.parametrize("source", notebook_sources(), ids=lambda p: p.stem)
def test_every_notebook_executes_on_the_demo(demo_run, source):
    study, *_ = demo_run
    out = execute(source, study)
    assert out.exists() and out.with_suffix(".html").exists()
    rule = out.with_suffix(".d").read_text()
    assert f"notebooks/{source.name}" in rule and ".parquet" in rule


def test_figures_are_byte_identical_on_rerun(demo_run):
    study, _, _, figures = demo_run
    source = next(p for p in notebook_sources() if p.name.startswith("03_"))
    execute(source, study)
    folder = figures / "demo"
    first = {p.name: p.read_bytes() for p in folder.glob("outlet_frames.*")}
    shutil.rmtree(folder)
    execute(source, study)
    second = {p.name: p.read_bytes() for p in folder.glob("outlet_frames.*")}
    assert set(first) == {
        "outlet_frames.pdf",
        "outlet_frames.svg",
        "outlet_frames.png",
        "outlet_frames.json",
    }
    for name in first:
        assert first[name] == second[name], name


def test_codebook_edit_rescores_without_reembedding_or_refitting_topics(
    demo_run, tmp_path, monkeypatch, caplog
):
    study, *_ = demo_run
    folder = tmp_path / "corpora" / "demo"
    shutil.copytree(DEMO, folder)
    build = tmp_path / "build"
    shutil.copytree(study.build_dir, build / "demo")
    monkeypatch.setenv("FRAMING_BUILD_DIR", str(build))

    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["codebook"]["frames"][0]["poles"][0]["exemplars"].append(
        "The nation will carry the names of its fallen sons in its heart for ever."
    )
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))

    caplog.set_level(logging.INFO)
    result = CliRunner().invoke(app, ["run", str(folder)])
    assert result.exit_code == 0, result.output
    log = caplog.text
    # One new exemplar encoded; every sentence and old exemplar came from the cache.
    assert "codebook exemplars: 54 texts (54 unique): 53 from cache, 1 encoded" in log
    for skipped in ("articles", "sentences", "embeddings"):
        assert f"{skipped:<14s} up to date, skipped" in log
    for fitted in ("topics", "events"):
        if fitted in REGISTRY:
            assert f"{fitted:<14s} up to date, skipped" in log
    assert f"{'frame_scores':<14s} running" in log
