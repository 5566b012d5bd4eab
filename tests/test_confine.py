"""`framing run --confine`: study.yaml paths must stay inside the study folder (issue 11)."""

from __future__ import annotations

import re

import pytest
import yaml
from typer.testing import CliRunner

from analysis.cli import app
from analysis.errors import StudyConfigError
from analysis.study import Study


def _edit(folder, **changes):
    file = folder / "study.yaml"
    config = yaml.safe_load(file.read_text(encoding="utf-8"))
    config.update(changes)
    file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def test_paths_inside_the_study_pass(make_study, build_root):
    study = Study.load(make_study(), confine=True)
    assert study.confined


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("outlets", {"outlets": "../elsewhere/outlets.csv"}),
        ("corpus[0].path", {"corpus": [{"path": "/etc/hostname", "format": "folder"}]}),
        ("gold[1]", {"gold": ["gold.csv", "../../gold.csv"]}),
        ("events.pins", {"events": {"pins": "../pins.csv"}}),
        ("coding.adjudication", {"coding": {"adjudication": "/tmp/adjudication.csv"}}),
    ],
)
def test_a_path_outside_is_an_error_naming_the_field(make_study, build_root, field, change):
    folder = make_study()
    _edit(folder, **change)
    Study.load(folder)  # trusted: allowed by design
    with pytest.raises(StudyConfigError, match=re.escape(field) + ": .*outside"):
        Study.load(folder, confine=True)


def test_a_symlink_leading_out_is_caught(make_study, build_root, tmp_path):
    folder = make_study()
    outside = tmp_path / "outside.jsonl"
    outside.write_text((folder / "articles.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "data").mkdir()
    (folder / "data" / "more.jsonl").symlink_to(outside)
    _edit(folder, corpus=[{"path": "articles.jsonl"}, {"path": "data/*.jsonl", "id_prefix": "x"}])
    result = CliRunner().invoke(app, ["validate", "--confine", str(folder)])
    assert result.exit_code == 2, result.output
    assert "corpus[1].path" in result.output and "outside the study folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert CliRunner().invoke(app, ["validate", str(folder)]).exit_code == 0


def test_run_confine_stops_before_writing(make_study, build_root):
    folder = make_study()
    _edit(folder, outlets="../../outlets_elsewhere.csv")
    result = CliRunner().invoke(app, ["run", "--confine", str(folder)])
    assert result.exit_code == 2
    assert "outlets: '../../outlets_elsewhere.csv' leads outside" in result.output
    assert not build_root.exists()
