"""`framing validate`: the summary a researcher reads, and exit codes a script can use."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from analysis import schema as S
from analysis.cli import app
from tests.test_ingest_support import article, jsonl, write_study

runner = CliRunner()


def test_validate_prints_the_account_of_every_record(tmp_path, build_root):
    records = [
        article("a", text="The harbour reopened on Tuesday after a week of repairs."),
        article("b", text="The harbour reopened on Tuesday after a week of repairs."),
        article("c", text=""),
        article("d", outlet="Gazette", published="2021-02-30"),
    ]
    folder = tmp_path / "study"
    write_study(folder, {"a.jsonl": jsonl(records) + "{broken\n"}, {"path": "a.jsonl"})
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "records read           5  from 1 file(s)" in out
    assert "kept                   3" in out
    assert "rejected               2" in out
    assert "1  empty (text)" in out and "1  unreadable" in out
    assert "1  date_unparsed" in out
    assert "duplicates             1  exact 1, near 0" in out
    assert "languages      en 3" in out
    rejects = pd.read_csv(build_root / "study" / "rejects.csv")
    assert sorted(rejects[S.REJECT_CODE]) == ["empty", "unreadable"]
    assert (build_root / "study" / "problems.csv").exists()


def test_validate_json_and_strict(tmp_path, build_root):
    folder = tmp_path / "study"
    write_study(
        folder, {"a.jsonl": jsonl([article("a"), article("b", text=" ")])}, {"path": "a.jsonl"}
    )
    result = runner.invoke(app, ["validate", "--json", str(folder)])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert (summary["records_read"], summary["kept"], summary["rejected"]) == (2, 1, 1)
    assert summary["rejected_by_reason"] == [{"code": "empty", "field": "text", "n": 1}]
    assert runner.invoke(app, ["validate", "--strict", str(folder)]).exit_code == 1


def test_fatal_schema_error_exits_non_zero_naming_file_line_and_field(tmp_path, build_root):
    folder = tmp_path / "study"
    content = 'doc_id,outlet,text\na,H,ok\nb,H,"never closed\nc,H,x\n'
    write_study(folder, {"a.csv": content}, {"path": "a.csv"})
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "a.csv, line 3: a quoted field opened on line 3 is never closed" in result.stderr
    write_study(folder, {"a.csv": "doc_id,text\na,x\n"}, {"path": "a.csv"})
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "a.csv, line 1, field 'outlet': required field 'outlet' is missing" in result.stderr


def test_every_record_rejected_exits_non_zero(tmp_path, build_root):
    folder = tmp_path / "study"
    write_study(folder, {"a.jsonl": jsonl([article("a", text="")])}, {"path": "a.jsonl"})
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "kept                   0" in result.stdout
    assert "no record was kept (1 rejected, 0 filtered out)" in result.stderr


def test_a_lost_record_is_a_bug_report_not_a_user_error(tmp_path, monkeypatch, capsys):
    """The invariant read == kept + rejected guards against bugs: when a step loses a
    record, ingestion raises InternalError (never a FramingError a caller would treat as
    the user's fault) and the command prints a bug report with the traceback."""
    import sys

    import pytest

    from analysis.cli import BUG_EXIT, entrypoint
    from analysis.corpus import ingest as ingest_module
    from analysis.errors import FramingError, InternalError

    real = ingest_module.validate_records
    calls = []

    def loses_the_first_record(frame, *args):
        valid, rejects = real(frame, *args)
        calls.append(len(valid))
        return (valid.iloc[1:] if len(calls) == 1 else valid), rejects

    monkeypatch.setattr(ingest_module, "validate_records", loses_the_first_record)
    folder = tmp_path / "study"
    study = write_study(
        folder, {"a.jsonl": jsonl([article("a"), article("b")])}, {"path": "a.jsonl"}
    )
    assert not issubclass(InternalError, FramingError)
    with pytest.raises(InternalError, match="2 records read but 1 kept"):
        ingest_module.ingest(study)

    calls.clear()
    monkeypatch.setattr(sys, "argv", ["framing", "validate", str(folder)])
    with pytest.raises(SystemExit) as exit_:
        entrypoint()
    assert exit_.value.code == BUG_EXIT
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "bug: 2 records read but 1 kept + 0 rejected" in err
    assert "This is a bug in framing-analysis" in err
