"""Bad input, case by case: each either names the file, line and field in a typed error,
or keeps every other record and lists the bad one with its reason.
"""

from __future__ import annotations

import codecs
import time

import pandas as pd
import pytest

from analysis import schema as S
from analysis.errors import CorpusError, StudyConfigError
from tests.test_ingest_support import article, jsonl, one_problem, one_reject, run, write_study

JSONL = {"path": "a.jsonl"}
CSV = {"path": "a.csv"}


def csv_study(tmp_path, content: str | bytes, **source):
    return write_study(tmp_path / "s", {"a.csv": content}, {**CSV, **source})


def jsonl_study(tmp_path, content: str | bytes, **source):
    return write_study(tmp_path / "s", {"a.jsonl": content}, {**JSONL, **source})


# --- broken records -----------------------------------------------------------------


def test_broken_json_line_is_rejected_with_its_line(tmp_path):
    lines = jsonl([article("a")]) + '{"doc_id": "b", "outlet": "Herald" "text": "x"}\n'
    lines += jsonl([article("c")])
    result = run(jsonl_study(tmp_path, lines))
    assert list(result.articles[S.DOC_ID]) == ["a", "c"]
    rej = one_reject(result)
    assert (rej[S.SOURCE_FILE], rej[S.SOURCE_ROW], rej[S.REJECT_CODE]) == (
        "a.jsonl",
        2,
        "unreadable",
    )
    assert rej[S.REASON] == "invalid JSON: Expecting ',' delimiter at column 36"


def test_json_line_holding_an_array_is_rejected(tmp_path):
    result = run(jsonl_study(tmp_path, jsonl([article("a")]) + '["b", "Herald", "text"]\n'))
    rej = one_reject(result)
    assert rej[S.SOURCE_ROW] == 2
    assert rej[S.REASON] == ("the line holds a JSON array, not an object (one record per line)")


def test_truncated_last_line_is_rejected_and_blank_lines_are_not_records(tmp_path):
    content = jsonl([article("a")]) + "\n   \n" + '{"doc_id": "b", "outlet": "Her'
    result = run(jsonl_study(tmp_path, content))
    assert result.n_read == 2
    rej = one_reject(result)
    assert rej[S.SOURCE_ROW] == 4
    assert rej[S.REASON].startswith("invalid JSON: Unterminated string")


def test_deeply_nested_json_line_is_rejected_not_a_crash(tmp_path):
    content = jsonl([article("a")]) + "[" * 100_000 + "\n"
    rej = one_reject(run(jsonl_study(tmp_path, content)))
    assert (rej[S.SOURCE_ROW], rej[S.REASON]) == (2, "JSON nested too deeply")


def test_csv_row_with_a_stray_quote_is_rejected_and_reading_goes_on(tmp_path):
    content = 'doc_id,outlet,text\na,Herald,Fine text.\nb,Herald,"quoted"tail\nc,Herald,More.\n'
    result = run(csv_study(tmp_path, content))
    assert list(result.articles[S.DOC_ID]) == ["a", "c"]
    rej = one_reject(result)
    assert (rej[S.SOURCE_ROW], rej[S.REJECT_CODE]) == (3, "unreadable")
    assert rej[S.REASON] == "cannot parse as CSV: ',' expected after '\"'"


def test_csv_row_with_too_many_fields_is_rejected(tmp_path):
    content = "doc_id,outlet,text\na,Herald,One, two\nb,Herald,Fine.\n"
    rej = one_reject(run(csv_study(tmp_path, content)))
    assert rej[S.SOURCE_ROW] == 2
    assert rej[S.REASON] == (
        "4 field(s) but the header has 3: check the quoting and that the delimiter is ','"
    )


def test_unclosed_csv_quote_is_fatal_and_names_the_line(tmp_path):
    content = 'doc_id,outlet,text\na,Herald,Fine.\nb,Herald,"never closed\nc,Herald,More.\n'
    with pytest.raises(CorpusError) as err:
        run(csv_study(tmp_path, content))
    assert err.value.line == 3
    assert err.value.path.endswith("a.csv")
    assert "a quoted field opened on line 3 is never closed" in str(err.value)


def test_multiline_quoted_csv_field_is_one_record_on_its_first_line(tmp_path):
    content = 'doc_id,outlet,text\na,Herald,"Para one.\n\nPara two."\nb,Herald,x\n'
    result = run(csv_study(tmp_path, content))
    assert list(result.articles[S.SOURCE_ROW]) == [2, 5]
    assert result.articles[S.TEXT].iloc[0] == "Para one.\n\nPara two."


# --- encodings ----------------------------------------------------------------------


def test_latin1_file_is_detected_and_the_guess_reported(tmp_path):
    text = "Der Bürgermeister von Zürich sagte, die Brücke über die Limmat sei schön und sicher."
    content = f'doc_id,outlet,text\na,Zürcher Blatt,"{text}"\nb,Le Monde,À côté.\n'
    result = run(csv_study(tmp_path, content.encode("latin-1")))
    assert result.articles[S.TEXT].tolist() == [text, "À côté."]
    assert result.articles[S.OUTLET].tolist() == ["Zürcher Blatt", "Le Monde"]
    prob = one_problem(result)
    assert (prob[S.REJECT_CODE], prob[S.VALUE]) == ("encoding_guessed", "cp1252")


def test_latin1_file_with_its_encoding_set_reads_without_a_problem(tmp_path):
    content = "doc_id,outlet,text\na,Herald,Café crème.\n".encode("latin-1")
    result = run(csv_study(tmp_path, content, encoding="latin-1"))
    assert result.articles[S.TEXT].iloc[0] == "Café crème."
    assert result.problems.empty


def test_wrong_encoding_set_rejects_the_lines_it_cannot_read_and_names_them(tmp_path):
    content = "doc_id,outlet,text\na,Herald,ok\nb,Herald,Café\n".encode("latin-1")
    result = run(csv_study(tmp_path, content, encoding="utf-8"))
    assert list(result.articles[S.DOC_ID]) == ["a"]
    rej = one_reject(result)
    assert (rej[S.SOURCE_ROW], rej[S.REJECT_CODE]) == (3, "encoding")
    assert "not valid utf-8" in rej[S.REASON] and "set `encoding:`" in rej[S.REASON]


def test_utf16_with_bom_jsonl_is_read(tmp_path):
    content = jsonl([article("a", text="«Привет», сказал он.")]).encode("utf-16")
    assert content[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    result = run(jsonl_study(tmp_path, content))
    assert result.articles[S.TEXT].iloc[0] == "«Привет», сказал он."
    assert result.problems.empty


def test_utf16_with_bom_csv_is_read(tmp_path):
    content = "doc_id,outlet,text\na,Herald,“Quoted” text.\n".encode("utf-16")
    result = run(csv_study(tmp_path, content))
    assert result.articles[S.TEXT].iloc[0] == "“Quoted” text."


def test_utf8_bom_does_not_leak_into_the_first_column_name(tmp_path):
    content = codecs.BOM_UTF8 + b"doc_id;outlet;text\na;Herald;Text.\n"
    result = run(csv_study(tmp_path, content, delimiter=";"))
    assert list(result.articles[S.DOC_ID]) == ["a"]


def _lone_surrogate_le() -> bytes:
    """A UTF-16 LE code unit no decoder accepts alone (a high surrogate, then a quote)."""
    return b"\x00\xd8"


def test_utf16_with_bom_one_bad_unit_rejects_only_its_line(tmp_path):
    good = [article(f"d{i}", text=f"«Текст {i}», сказал он.") for i in range(4)]
    lines = jsonl(good).split("\n")
    body = "\n".join(lines[:2]).encode("utf-16-le") + b"\n\x00"
    body += _lone_surrogate_le() + "\n".join(lines[2:]).encode("utf-16-le")
    result = run(jsonl_study(tmp_path, codecs.BOM_UTF16_LE + body))
    assert list(result.articles[S.DOC_ID]) == ["d0", "d1", "d3"]
    assert result.articles[S.TEXT].iloc[2] == "«Текст 3», сказал он."
    rej = one_reject(result)
    assert (rej[S.SOURCE_ROW], rej[S.REJECT_CODE]) == (3, "encoding")
    assert "utf-16" in rej[S.REASON] and "\\x00\\xd8" in rej[S.REASON]


def test_utf8_bom_one_bad_line_rejects_only_that_row_and_guesses_nothing(tmp_path):
    rows = "doc_id,outlet,text\na,H,“One”\nb,H,Caf_\nc,H,“Three”\n".encode()
    content = codecs.BOM_UTF8 + rows.replace(b"Caf_", b"Caf\xe9")  # a cp1252 byte
    result = run(csv_study(tmp_path, content))
    assert list(result.articles[S.TEXT]) == ["“One”", "“Three”"]  # curly quotes intact
    rej = one_reject(result)
    assert (rej[S.SOURCE_ROW], rej[S.REJECT_CODE]) == (3, "encoding")
    assert "byte-order mark" in rej[S.REASON]
    assert result.problems.empty or "encoding_guessed" not in set(result.problems[S.PROBLEM_CODE])


def test_utf16_text_file_with_a_bad_unit_is_rejected_not_garbled(tmp_path):
    bad = codecs.BOM_UTF16_LE + "Line one.\n".encode("utf-16-le") + _lone_surrogate_le()
    study = write_study(
        tmp_path / "s",
        {"docs/good.txt": "A plain article.".encode("utf-16"), "docs/bad.txt": bad},
        {"path": "docs", "constants": {"outlet": "H"}},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["good"]
    assert result.articles[S.TEXT].iloc[0] == "A plain article."
    rej = one_reject(result)
    assert (rej[S.DOC_ID], rej[S.REJECT_CODE]) == ("bad", "encoding")


def test_binary_file_is_fatal(tmp_path):
    with pytest.raises(CorpusError, match="not a text file"):
        run(csv_study(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xff\xfe"))


# --- columns and mapping ------------------------------------------------------------


def test_missing_required_column_is_fatal_and_names_the_field(tmp_path):
    with pytest.raises(CorpusError) as err:
        run(csv_study(tmp_path, "doc_id,text\na,Some text.\n"))
    assert (err.value.path, err.value.line, err.value.field) == ("a.csv", 1, "outlet")
    assert "required field 'outlet' is missing" in str(err.value)
    assert "constants: {outlet: <value>}" in str(err.value)


def test_unknown_mapped_column_is_fatal_and_lists_the_columns(tmp_path):
    with pytest.raises(CorpusError) as err:
        run(csv_study(tmp_path, "doc_id,outlet,body\na,H,x\n", columns={"text": "content"}))
    assert (err.value.path, err.value.line, err.value.field) == ("a.csv", 1, "text")
    assert "text (from column 'content')" in str(err.value)
    assert "['body', 'doc_id', 'outlet']" in str(err.value)


def test_unknown_schema_field_in_study_yaml_is_a_config_error(tmp_path):
    with pytest.raises(StudyConfigError, match=r"unknown schema field\(s\) \['txt'\]"):
        csv_study(tmp_path, "doc_id,outlet,text\n", columns={"txt": "text"})


def test_duplicate_header_column_is_fatal(tmp_path):
    with pytest.raises(CorpusError) as err:
        run(csv_study(tmp_path, "doc_id,outlet,text,text\na,H,x,y\n"))
    assert (err.value.line, err.value.field) == (1, "text")


def test_id_template_with_an_empty_column_rejects_the_record(tmp_path):
    content = "num,outlet,text\n1,H,First.\n,H,Second.\n"
    result = run(csv_study(tmp_path, content, id_template="x-{num}"))
    assert list(result.articles[S.DOC_ID]) == ["x-1"]
    rej = one_reject(result)
    assert (rej[S.REJECT_CODE], rej[S.FIELD], rej[S.SOURCE_ROW]) == ("bad_id", "doc_id", 3)
    assert rej[S.REASON] == (
        "cannot build doc_id from id_template 'x-{num}': column 'num' is empty"
    )


# --- required values ----------------------------------------------------------------


def test_duplicate_ids_keep_the_first_and_name_it(tmp_path):
    content = jsonl([article("a"), article("b"), article("a", text="Other text.")])
    result = run(jsonl_study(tmp_path, content))
    assert list(result.articles[S.DOC_ID]) == ["a", "b"]
    rej = one_reject(result)
    assert (rej[S.REJECT_CODE], rej[S.SOURCE_ROW], rej[S.DOC_ID]) == ("duplicate_id", 3, "a")
    assert "already used by the record at a.jsonl row 1" in rej[S.REASON]


def test_a_broken_first_copy_does_not_take_a_valid_duplicate_down(tmp_path):
    content = jsonl([article("a", text=""), article("a", text="The valid one.")])
    result = run(jsonl_study(tmp_path, content))
    assert list(result.articles[S.TEXT]) == ["The valid one."]
    assert one_reject(result)[S.REJECT_CODE] == "empty"


def test_empty_text_is_rejected(tmp_path):
    rej = one_reject(run(jsonl_study(tmp_path, jsonl([article("a"), article("b", text="")]))))
    assert (rej[S.DOC_ID], rej[S.REJECT_CODE], rej[S.FIELD]) == ("b", "empty", "text")
    assert rej[S.REASON] == "text is empty or whitespace only"


def test_whitespace_and_invisible_only_text_is_rejected(tmp_path):
    invisible = " \t\u00a0\u2009\n\u200b\ufeff\r\n "
    rej = one_reject(run(jsonl_study(tmp_path, jsonl([article("a"), article("b", invisible)]))))
    assert (rej[S.DOC_ID], rej[S.REJECT_CODE]) == ("b", "empty")


def test_text_that_is_only_boilerplate_is_rejected_with_that_reason(tmp_path):
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl([article("a"), article("b", text="Advertisement\n\nRead more: x")])},
        JSONL,
        ingest_config={},
    )
    result = run(study)
    rej = one_reject(result)
    assert rej[S.REASON] == ("text is empty after removing boilerplate lines (see boilerplate.csv)")
    assert sorted(result.boilerplate[S.TEXT]) == ["Advertisement", "Read more: x"]


def test_nan_and_null_in_required_fields_are_rejected_as_missing(tmp_path):
    content = jsonl([article("a")])
    content += '{"doc_id": "b", "outlet": "H", "text": NaN}\n'
    content += '{"doc_id": "c", "outlet": null, "text": "x"}\n'
    content += '{"outlet": "H", "text": "no id"}\n'
    result = run(jsonl_study(tmp_path, content))
    assert list(result.articles[S.DOC_ID]) == ["a"]
    got = result.rejects[[S.SOURCE_ROW, S.FIELD, S.REJECT_CODE, S.REASON]]
    assert got.values.tolist() == [
        [2, "text", "missing", "text is missing (null, NaN, or a CSV cell listed in na_values)"],
        [
            3,
            "outlet",
            "missing",
            "outlet is missing (null, NaN, or a CSV cell listed in na_values)",
        ],
        [
            4,
            "doc_id",
            "missing",
            "doc_id is missing (null, NaN, or a CSV cell listed in na_values)",
        ],
    ]


def test_nan_in_a_parquet_required_column_is_rejected(tmp_path):
    frame = pd.DataFrame(
        {"doc_id": ["a", "b", "c"], "outlet": ["H", None, "H"], "text": ["x", "y", float("nan")]}
    )
    folder = tmp_path / "s"
    folder.mkdir()
    frame.to_parquet(folder / "a.parquet")
    result = run(write_study(folder, {}, {"path": "a.parquet"}))
    assert list(result.articles[S.DOC_ID]) == ["a"]
    assert result.rejects[[S.SOURCE_ROW, S.FIELD]].values.tolist() == [[2, "outlet"], [3, "text"]]


def test_text_that_is_a_number_or_an_object_is_rejected(tmp_path):
    content = jsonl(
        [article("a"), article("b", text=42), {"doc_id": "c", "outlet": "H", "text": {"x": 1}}]
    )
    result = run(jsonl_study(tmp_path, content))
    assert result.rejects[[S.DOC_ID, S.REJECT_CODE, S.REASON]].values.tolist() == [
        ["b", "bad_type", "text: a number (42), not text"],
        [
            "c",
            "bad_type",
            "text: an object (text.x), not text; map one of its fields, e.g. `text: text.x`",
        ],
    ]


# --- HTML ---------------------------------------------------------------------------

PAGE = """<html><head><title>Harbour reopens | The Coastal Post</title>
<script>var tracker = "TRACKING_TOKEN_123"; function beacon() {}</script>
<style>.menu { color: red }</style></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport news section</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all?</div>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour in Westport reopened on Tuesday after a week of repairs, the port authority
said in a statement to reporters gathered at the quay.</p>
<p>"We are back in business," said the harbour master, who asked ships to keep to the
marked channel while divers finished checking the walls.</p>
<p>Fishermen had lost about a week of work, and the town council promised compensation
for the days the boats could not leave.</p></article>
<aside>Most read: <a href="/x">Ten things about cats</a></aside>
<footer>Copyright 2024 The Coastal Post. <a href="/privacy">Privacy</a></footer>
<script>console.log("SECOND_SCRIPT_MARKER")</script></body></html>"""


def test_html_full_of_scripts_and_navigation_yields_only_the_article(tmp_path):
    study = write_study(
        tmp_path / "s",
        {"pages/coastal/harbour.html": PAGE},
        {"path": "pages", "columns": {"outlet": "folder"}},
    )
    art = run(study).articles.iloc[0]
    assert art[S.DOC_ID] == "coastal/harbour"
    assert art[S.OUTLET] == "coastal"
    assert art[S.TITLE] == "Harbour reopens after storm"
    assert '"We are back in business," said the harbour master' in art[S.TEXT]
    for junk in ("TRACKING_TOKEN", "SECOND_SCRIPT", "Sport news section", "cookies", "Privacy"):
        assert junk not in art[S.TEXT]


def test_html_without_main_text_is_rejected(tmp_path):
    study = write_study(
        tmp_path / "s",
        {"pages/a.html": PAGE, "pages/empty.html": "<html><body><nav></nav></body></html>"},
        {"path": "pages", "constants": {"outlet": "Coastal Post"}},
    )
    result = run(study)
    rej = one_reject(result)
    assert (rej[S.SOURCE_FILE], rej[S.REJECT_CODE], rej[S.DOC_ID]) == (
        "pages/empty.html",
        "no_text",
        "empty",
    )


def test_html_in_a_text_column_is_extracted(tmp_path):
    content = jsonl([article("a", text=PAGE)])
    art = run(jsonl_study(tmp_path, content, text_format="html")).articles.iloc[0]
    assert art[S.TEXT].startswith("Harbour reopens after storm\nThe harbour in Westport")
    assert "TRACKING_TOKEN" not in art[S.TEXT]


# --- size ---------------------------------------------------------------------------


# Readers handle records of any size; ingest.max_chars (1M by default) is raised here.
BIG_INGEST = {"boilerplate": {"repeated": None}, "max_chars": 20_000_000}


def test_a_10_mb_single_line_record_is_kept_whole(tmp_path):
    words = ("Reporters counted the votes in the hall. " * 250_000).strip()
    assert len(words) > 10_000_000
    start = time.perf_counter()
    content = jsonl([article("big", text=words), article("small")])
    result = run(write_study(tmp_path / "s", {"a.jsonl": content}, JSONL, ingest_config=BIG_INGEST))
    assert time.perf_counter() - start < 120
    assert result.articles.set_index(S.DOC_ID).loc["big", S.TEXT] == words


def test_a_10_mb_csv_field_is_kept_whole(tmp_path):
    words = ("Votes were counted. " * 550_000).strip()
    content = f'doc_id,outlet,text\nbig,H,"{words}"\n'
    result = run(write_study(tmp_path / "s", {"a.csv": content}, CSV, ingest_config=BIG_INGEST))
    assert result.articles[S.TEXT].iloc[0] == words


# --- dates --------------------------------------------------------------------------


def test_mixed_date_formats_parse_to_the_same_utc_instant(tmp_path):
    dates = [
        "2021-03-05T14:00:00+01:00",
        "2021-03-05T13:00:00Z",
        "Fri, 05 Mar 2021 08:00:00 -0500",
        "March 5, 2021 1:00 PM",
        "05/03/2021 13:00",
        "1614949200",
        1614949200000,
        "2021-03-05 08:00 EST",
    ]
    records = [article(f"d{i}", published=d) for i, d in enumerate(dates)]
    result = run(jsonl_study(tmp_path, jsonl(records), dayfirst=True))
    assert result.problems.empty, result.problems
    assert set(result.articles[S.PUBLISHED]) == {pd.Timestamp("2021-03-05T13:00:00Z")}


def test_naive_dates_are_read_in_the_source_time_zone(tmp_path):
    records = [article("a", published="2021-07-01 12:00")]
    result = run(jsonl_study(tmp_path, jsonl(records), timezone="America/New_York"))
    assert result.articles[S.PUBLISHED].iloc[0] == pd.Timestamp("2021-07-01T16:00:00Z")


@pytest.mark.parametrize(
    ("value", "code", "reason"),
    [
        ("2021-02-30", "date_unparsed", "not a date: day is out of range for month"),
        ("yesterday", "date_unparsed", "not a date: Unknown string format"),
        ("March 2021", "date_incomplete", "no day in the date; left missing rather than guessed"),
        ("1850-06-01", "date_out_of_range", "1850-06-01 is outside 1900-01-01 .. 2100-01-01"),
        (2021, "date_incomplete", "a year only; left missing, not guessed"),
    ],
)
def test_a_bad_date_is_a_reported_problem_and_the_record_kept(tmp_path, value, code, reason):
    records = [article("a", published="2021-03-05"), article("b", published=value)]
    result = run(jsonl_study(tmp_path, jsonl(records)))
    assert list(result.articles[S.DOC_ID]) == ["a", "b"]
    assert result.articles[S.PUBLISHED].isna().tolist() == [False, True]
    prob = one_problem(result)
    assert (prob[S.DOC_ID], prob[S.FIELD], prob[S.VALUE]) == ("b", "published", str(value))
    assert (prob[S.SOURCE_FILE], prob[S.SOURCE_ROW], prob[S.REJECT_CODE]) == ("a.jsonl", 2, code)
    assert prob[S.REASON].startswith(reason)


def test_day_first_dates_in_a_month_first_source_are_reported(tmp_path):
    records = [article("a", published="13/05/2021"), article("b", published="03/04/2021")]
    result = run(jsonl_study(tmp_path, jsonl(records)))
    prob = one_problem(result)
    assert prob[S.REJECT_CODE] == "date_convention"
    assert "1 date(s) in this source can only be read day/month" in prob[S.REASON]
    assert "set `dayfirst: true`" in prob[S.REASON]
    assert result.articles[S.PUBLISHED].dt.month.tolist() == [5, 3]  # 03/04 read month-first


# --- files and folders --------------------------------------------------------------


def test_empty_file_is_fatal(tmp_path):
    with pytest.raises(CorpusError, match="the file is empty") as err:
        run(jsonl_study(tmp_path, "\n  \n"))
    assert err.value.path.endswith("a.jsonl")


def test_missing_file_is_fatal(tmp_path):
    study = write_study(tmp_path / "s", {}, {"path": "nowhere.jsonl"})
    with pytest.raises(CorpusError, match="corpus file not found"):
        run(study)


def test_folder_with_no_files_is_fatal(tmp_path):
    (tmp_path / "s" / "pages" / ".hidden").mkdir(parents=True)
    (tmp_path / "s" / "pages" / ".DS_Store").write_bytes(b"\x00")
    study = write_study(tmp_path / "s", {}, {"path": "pages", "constants": {"outlet": "H"}})
    with pytest.raises(CorpusError, match="the folder holds no files") as err:
        run(study)
    assert err.value.path.endswith("pages")


def test_unsupported_file_in_a_folder_is_rejected_not_skipped(tmp_path):
    study = write_study(
        tmp_path / "s",
        {"docs/one.txt": "A plain article.", "docs/two.pdf": b"%PDF-1.4"},
        {"path": "docs", "constants": {"outlet": "H"}},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["one"]
    rej = one_reject(result)
    assert (rej[S.SOURCE_FILE], rej[S.REJECT_CODE], rej[S.DOC_ID]) == (
        "docs/two.pdf",
        "unsupported_file",
        "two",
    )


def test_glob_that_matches_nothing_is_fatal(tmp_path):
    study = write_study(tmp_path / "s", {"a.jsonl": jsonl([article("a")])}, {"path": "x/*.jsonl"})
    with pytest.raises(CorpusError, match="the pattern matches no file"):
        run(study)


def test_garbage_parquet_is_fatal(tmp_path):
    study = write_study(tmp_path / "s", {"a.parquet": b"PAR1 not really"}, {"path": "a.parquet"})
    with pytest.raises(CorpusError, match="cannot read as Parquet"):
        run(study)


def test_json_object_without_record_path_is_fatal_and_says_where_the_lists_are(tmp_path):
    study = write_study(tmp_path / "s", {"a.json": '{"meta": {}, "items": []}'}, {"path": "a.json"})
    with pytest.raises(CorpusError, match=r"set `record_path:`.*\['items'\]"):
        run(study)


def test_wrong_record_path_is_fatal(tmp_path):
    study = write_study(
        tmp_path / "s",
        {"a.json": '{"data": {"articles": []}}'},
        {"path": "a.json", "record_path": "data.posts"},
    )
    with pytest.raises(
        CorpusError, match=r"no key 'posts' under data \(keys there: \['articles'\]\)"
    ):
        run(study)


def test_story_without_sides_is_rejected_as_yielding_nothing(tmp_path):
    stories = [
        {
            "id": 1,
            "news": {"left": {"src": "L", "body": ["x"]}, "right": {"src": "R", "body": ["y"]}},
        },
        {"id": 2, "news": {}},
    ]
    study = jsonl_study(
        tmp_path,
        jsonl(stories),
        explode="news",
        explode_key="side",
        id_template="{id}-{side}",
        columns={"outlet": "news.src", "text": "news.body", "event_id": "id"},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["1-left", "1-right"]
    rej = one_reject(result)
    assert (rej[S.SOURCE_ROW], rej[S.REJECT_CODE], rej[S.FIELD]) == (2, "no_items", "news")


def test_outlet_missing_from_the_outlets_file_is_fatal(tmp_path):
    study = write_study(
        tmp_path / "s",
        {
            "a.jsonl": jsonl([article("a", outlet="Herald"), article("b", outlet="Gazette")]),
            "outlets.csv": "outlet,country,ownership,language,group\nHerald,X,private,en,g\n",
        },
        JSONL,
        outlets="outlets.csv",
    )
    with pytest.raises(CorpusError, match=r"not in the outlets file: \['Gazette'\]"):
        run(study)


def test_unknown_time_zone_is_a_config_error(tmp_path):
    with pytest.raises(StudyConfigError, match="unknown time zone 'Mars/Olympus'"):
        jsonl_study(tmp_path, jsonl([article("a")]), timezone="Mars/Olympus")


def test_language_filter_rejects_other_languages_with_the_reason(tmp_path):
    german = "Die Regierung hat am Dienstag einen neuen Plan für die Bahn vorgestellt."
    english = "The government presented a new plan for the railways on Tuesday."
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl([article("en1", text=english), article("de1", text=german)])},
        JSONL,
        ingest_config={"language": {"keep": ["en"]}},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["en1"]
    rej = one_reject(result)
    assert (rej[S.DOC_ID], rej[S.REJECT_CODE]) == ("de1", "language")
    assert rej[S.REASON] == "language 'de' is not among ingest.language.keep ['en']"


def test_latin1_html_page_is_read_by_its_own_charset_declaration(tmp_path):
    body = "Der Bürgermeister sagte am Dienstag, die Brücke über den Fluss werde bald geöffnet."
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Brücke</title></head><body><article>'
        f"<p>{body}</p><p>Zweiter Absatz über die Straßensperrungen im Frühjahr.</p>"
        "</article></body></html>"
    ).encode("latin-1")
    study = write_study(
        tmp_path / "s", {"pages/a.html": page}, {"path": "pages", "constants": {"outlet": "H"}}
    )
    result = run(study)
    assert result.articles[S.TEXT].iloc[0].startswith(body)
    assert result.problems.empty


def test_r_style_na_cells_are_missing_not_text(tmp_path):
    content = "doc_id,outlet,text,title\na,H,Real text.,NA\nb,H,NA,x\nc,NULL,Text.,\n"
    result = run(csv_study(tmp_path, content))
    assert list(result.articles[S.DOC_ID]) == ["a"]
    assert result.articles[S.TITLE].isna().all()
    assert result.rejects[[S.DOC_ID, S.FIELD, S.REJECT_CODE]].values.tolist() == [
        ["b", "text", "missing"],
        ["c", "outlet", "missing"],
    ]
    kept = run(csv_study(tmp_path / "2", content, na_values=[""]))
    assert kept.articles.set_index(S.DOC_ID).loc["b", S.TEXT] == "NA"
