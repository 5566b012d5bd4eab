"""Decoding is decided record by record (issue 11): one bad byte never re-decodes a file.

A file that is valid UTF-8 except for a few lines is read as UTF-8; only those lines are
repaired with a detected encoding (and listed), so a guess never touches a record that
decodes fine. A lone surrogate rejects its record only; an article over the size cap is
rejected with the reason; epoch seconds are read as seconds.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import schema as S
from analysis.corpus.dates import DateParser
from tests.test_ingest_support import article, jsonl, one_problem, one_reject, run, write_study

CURLY = "“We will not retreat,” the commander said, and the ‘heroes’ marched on."


def _jsonl_bytes(records: list[dict]) -> bytes:
    """UTF-8 JSON lines with the curly quotes as written (not as \\u escapes)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def test_two_bad_bytes_on_one_line_leave_every_other_record_as_utf8(tmp_path):
    """The audit's case: 100 JSONL lines with curly quotes, two invalid bytes on line 50."""
    records = [article(f"d{i}", text=f"{CURLY} ({i})") for i in range(1, 101)]
    lines = _jsonl_bytes(records).split(b"\n")
    lines[49] = lines[49].replace(b"(50)", b"(\xff\xfe50)")
    study = write_study(tmp_path / "s", {"a.jsonl": b"\n".join(lines)}, {"path": "a.jsonl"})
    result = run(study)
    texts = result.articles.set_index(S.DOC_ID)[S.TEXT]
    assert len(texts) == 100
    for i in range(1, 101):
        if i != 50:
            assert texts[f"d{i}"] == f"{CURLY} ({i})"  # untouched by any guess
    assert texts["d50"].startswith(CURLY)  # the curly quotes of line 50 decode as UTF-8 too
    prob = one_problem(result)
    assert prob[S.REJECT_CODE] == "encoding_guessed"
    assert "line 50" in prob[S.REASON] and "1 of 100" in prob[S.REASON]


def test_a_line_that_no_encoding_explains_is_rejected_alone(tmp_path):
    records = [article(f"d{i}", text=CURLY) for i in range(1, 6)]
    lines = _jsonl_bytes(records).split(b"\n")
    # A configured encoding is read strictly: the line it cannot decode is rejected.
    lines[2] = lines[2].replace(b"commander", b"comm\xc3\x28nder")
    study = write_study(
        tmp_path / "s", {"a.jsonl": b"\n".join(lines)}, {"path": "a.jsonl", "encoding": "utf-8"}
    )
    result = run(study)
    assert sorted(result.articles[S.DOC_ID]) == ["d1", "d2", "d4", "d5"]
    rej = one_reject(result)
    assert (rej[S.SOURCE_ROW], rej[S.REJECT_CODE]) == (3, "encoding")
    assert "not valid utf-8" in rej[S.REASON]


def test_csv_record_spanning_lines_is_repaired_as_a_whole_and_others_stay_utf8(tmp_path):
    good = "“Quoted” text."
    content = (
        b"doc_id,outlet,text\n"
        + f'a,Herald,"{good}"\n'.encode()
        + 'b,Herald,"Caf\xe9 line one\nand line two"\n'.encode("cp1252")
        + f'c,Herald,"{good}"\n'.encode()
    )
    study = write_study(tmp_path / "s", {"a.csv": content}, {"path": "a.csv"})
    result = run(study)
    texts = result.articles.set_index(S.DOC_ID)[S.TEXT]
    assert texts["a"] == texts["c"] == good
    assert texts["b"] == "Café line one\nand line two"
    assert "line 3" in one_problem(result)[S.REASON]


def test_legacy_file_is_still_read_with_the_detected_encoding(tmp_path):
    text = "Der Bürgermeister von Zürich sagte, die Brücke über die Limmat sei schön."
    content = f'doc_id,outlet,text\na,Herald,"{text}"\nb,Herald,plain ascii\n'.encode("latin-1")
    result = run(write_study(tmp_path / "s", {"a.csv": content}, {"path": "a.csv"}))
    assert result.articles[S.TEXT].tolist() == [text, "plain ascii"]
    assert one_problem(result)[S.VALUE] == "cp1252"


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\udc80"])
def test_lone_surrogate_rejects_only_its_record(tmp_path, escape):
    bad = '{"doc_id": "b", "outlet": "Herald", "text": "broken ' + escape + ' text"}\n'
    content = jsonl([article("a")]) + bad + jsonl([article("c")])
    result = run(write_study(tmp_path / "s", {"a.jsonl": content}, {"path": "a.jsonl"}))
    assert list(result.articles[S.DOC_ID]) == ["a", "c"]
    rej = one_reject(result)
    assert (rej[S.DOC_ID], rej[S.FIELD], rej[S.REJECT_CODE]) == ("b", "text", "encoding")
    assert "surrogate" in rej[S.REASON]


def test_lone_surrogate_in_the_doc_id_or_an_extra_column_is_reported_writably(tmp_path):
    bad = '{"doc_id": "x\\ud800", "outlet": "Herald", "text": "Text.", "note": "n\\udfff"}\n'
    study = write_study(
        tmp_path / "s", {"a.jsonl": jsonl([article("a")]) + bad}, {"path": "a.jsonl"}
    )
    result = run(study)
    rej = one_reject(result)
    assert rej[S.REJECT_CODE] == "encoding"
    rej_text = result.rejects.to_csv(index=False)
    rej_text.encode("utf-8")  # every reject can be written to rejects.csv


def test_article_over_the_size_cap_is_rejected_with_the_reason(tmp_path):
    big = "The ministry said the talks continued. " * 400
    records = [article("small"), article("big", text=big)]
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl(records)},
        {"path": "a.jsonl"},
        ingest_config={"boilerplate": {"repeated": None}, "max_chars": 10_000},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["small"]
    rej = one_reject(result)
    assert (rej[S.DOC_ID], rej[S.REJECT_CODE], rej[S.FIELD]) == ("big", "too_large", "text")
    assert f"{len(big):,}" in rej[S.REASON] and "ingest.max_chars" in rej[S.REASON]


def test_the_default_size_cap_rejects_a_30_mb_article_without_reading_it_further(tmp_path):
    big = "word " * 6_000_000  # 30 MB: the audit's hang
    content = jsonl([article("a"), article("huge", text=big)])
    result = run(write_study(tmp_path / "s", {"a.jsonl": content}, {"path": "a.jsonl"}))
    assert list(result.articles[S.DOC_ID]) == ["a"]
    assert one_reject(result)[S.REJECT_CODE] == "too_large"


SECONDS = 1709251200  # 2024-03-01T00:00:00Z


@pytest.mark.parametrize(
    "value",
    [
        SECONDS,
        float(SECONDS),
        str(SECONDS),
        f"{SECONDS}.0",
        f"{SECONDS}.5",
        f" {SECONDS} ",
        SECONDS * 1000,
        str(SECONDS * 1000),
    ],
)
def test_epoch_values_are_read_in_their_unit(value):
    parsed, issues = DateParser().parse(pd.Series([value], dtype=object))
    assert not issues
    assert abs(parsed.iloc[0] - pd.Timestamp("2024-03-01", tz="UTC")) < pd.Timedelta(seconds=1)


def test_nine_digit_epoch_seconds_are_seconds():
    parsed, issues = DateParser().parse(pd.Series(["978307200", 978307200], dtype=object))
    assert not issues
    assert (parsed == pd.Timestamp("2001-01-01", tz="UTC")).all()


def test_epoch_seconds_in_every_text_format_are_seconds(tmp_path):
    rows = [article("a", published=SECONDS), article("b", published=str(SECONDS))]
    csv = f"doc_id,outlet,text,published\nc,Herald,Text.,{SECONDS}\nd,Herald,Text.,{SECONDS}.0\n"
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl(rows), "b.csv": csv},
        [{"path": "a.jsonl"}, {"path": "b.csv"}],
    )
    result = run(study)
    assert (result.articles[S.PUBLISHED] == pd.Timestamp("2024-03-01", tz="UTC")).all()
    assert result.problems.empty


def test_surrogate_free_utf8_file_has_no_problem(tmp_path):
    content = json.dumps(article("a", text=CURLY), ensure_ascii=False) + "\n"
    result = run(write_study(tmp_path / "s", {"a.jsonl": content}, {"path": "a.jsonl"}))
    assert result.problems.empty and result.rejects.empty
