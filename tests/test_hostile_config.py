"""Hostile study.yaml files and command lines (issue 11): each case ends in exit code 2
with a message naming the file, the line or field, and what to do; never a traceback,
and never a silently accepted value.
"""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from analysis.cli import app

runner = CliRunner()


def _edit(folder, change) -> None:
    file = folder / "study.yaml"
    config = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(config)
    file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def _set(**values):
    def change(config):
        for dotted, value in values.items():
            *parents, leaf = dotted.split("__")
            node = config
            for key in parents:
                node = node.setdefault(key, {})
            node[leaf] = value

    return change


def _fails_cleanly(args, *words):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output
    return result


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_set(seed=-5), ["seed", "greater than or equal to 0"]),
        (_set(seed=10**23), ["seed", "less than or equal to 4294967295"]),
        (_set(aggregate__n_boot=2_000_000_000), ["aggregate.n_boot", "100000"]),
        (_set(compare__n_boot=2_000_000_000), ["compare.n_boot", "100000"]),
        (_set(compare__n_perm=10**10), ["compare.n_perm"]),
        (_set(name=".."), ["name", "should match pattern"]),
        (_set(name="."), ["name", "should match pattern"]),
        (_set(name="a/b"), ["name", "should match pattern"]),
        (_set(name="cache"), ["name", "reserved"]),
        (_set(outlets="outlets.jsonl"), ["outlets", "not a .csv file"]),
        (_set(gold="gold.parquet"), ["gold", "not a .csv file"]),
    ],
)
def test_out_of_bounds_config_values_are_errors_naming_the_field(
    make_study, build_root, change, words
):
    folder = make_study()
    _edit(folder, change)
    _fails_cleanly(["validate", str(folder)], "study.yaml", *words)
    assert not build_root.exists() or not any(build_root.iterdir())  # nothing written


def test_a_duplicate_yaml_key_is_an_error_naming_both_lines(make_study, build_root):
    folder = make_study()
    file = folder / "study.yaml"
    file.write_text(file.read_text(encoding="utf-8") + "seed: 8\n", encoding="utf-8")
    n_lines = len(file.read_text(encoding="utf-8").splitlines())
    result = _fails_cleanly(["validate", str(folder)], "study.yaml", "'seed' appears twice")
    assert f"line {n_lines}" in result.output


def test_a_nested_duplicate_key_is_an_error(make_study, build_root):
    folder = make_study()
    file = folder / "study.yaml"
    file.write_text(
        file.read_text(encoding="utf-8") + "compare:\n  n_boot: 200\n  n_boot: 300\n",
        encoding="utf-8",
    )
    _fails_cleanly(["validate", str(folder)], "'n_boot' appears twice")


def test_study_yaml_that_is_not_utf8_is_an_error(make_study, build_root):
    folder = make_study()
    file = folder / "study.yaml"
    file.write_bytes(file.read_bytes() + b"description: caf\xe9\n")
    _fails_cleanly(["validate", str(folder)], "study.yaml", "not UTF-8")


@pytest.mark.parametrize("field", ["gold", "outlets"])
def test_a_file_field_naming_a_folder_is_an_error(make_study, build_root, field):
    folder = make_study()
    (folder / "codes.csv").mkdir()
    _edit(folder, _set(**{field: "codes.csv"}))
    _fails_cleanly(["validate", str(folder)], field, "is a folder")


def test_a_copied_study_that_kept_the_name_does_not_replace_the_original(
    make_study, build_root, tmp_path
):
    original = make_study()
    assert runner.invoke(app, ["validate", str(original)]).exit_code == 0
    rejects = build_root / "tiny" / "rejects.csv"
    before = rejects.read_bytes()
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in original.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    (copy / "articles.jsonl").write_text('{"doc_id": "x", "outlet": "O"}\n', encoding="utf-8")
    _fails_cleanly(["validate", str(copy)], "'tiny' is already used by the study in", "name:")
    assert rejects.read_bytes() == before
    assert runner.invoke(app, ["validate", str(original)]).exit_code == 0  # still its own


def test_an_unknown_force_stage_is_an_error(make_study, build_root):
    folder = make_study()
    _fails_cleanly(["run", str(folder), "--force", "bogus"], "--force 'bogus'", "stages: all")
    assert not (build_root / "tiny").exists()  # refused before anything ran


def test_notebooks_only_that_matches_nothing_is_an_error(make_study, build_root):
    _fails_cleanly(["notebooks", str(make_study()), "--only", "zzz"], "no notebook matches")


def test_annotate_export_with_a_negative_count_is_refused(make_study, build_root, tmp_path):
    out = tmp_path / "sample.csv"
    _fails_cleanly(["annotate", "export", str(make_study()), "-o", str(out), "--n", "-5"], "--n")
    assert not out.exists()


def test_an_error_shows_the_variable_in_a_path_not_its_value(
    make_study, build_root, tmp_path, monkeypatch
):
    private = tmp_path / "private-location-x9"
    private.mkdir()
    monkeypatch.setenv("STUDY_DATA", str(private))
    folder = make_study()
    _edit(folder, _set(outlets="${STUDY_DATA}/outlets.csv"))
    result = _fails_cleanly(["validate", str(folder)], "${STUDY_DATA}/outlets.csv", "not found")
    assert "private-location-x9" not in result.output
