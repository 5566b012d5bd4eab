"""Each source format and mapping option, on small corpora written here."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import schema as S
from analysis.corpus.ingest import ingest
from analysis.io import read_meta
from analysis.pipeline import run as run_pipeline
from analysis.pipeline import table_path
from tests.test_ingest_support import article, jsonl, one_problem, run, write_study

QUOTES = 'He called it ‘heroic’ and «historic»; she said "no" — “never”, it\'s over.'


def test_jsonl_keeps_quotes_extra_columns_and_their_types(tmp_path):
    records = [
        article("a", text=QUOTES, score=3, tags=["x", "y"], meta={"desk": "world"}),
        article("b", score=None, tags=[], meta={"desk": "home"}),
    ]
    result = run(write_study(tmp_path / "s", {"a.jsonl": jsonl(records)}, {"path": "a.jsonl"}))
    art = result.articles.set_index(S.DOC_ID)
    assert art.loc["a", S.TEXT] == QUOTES  # quotation marks exactly as written
    assert art.loc["a", "score"] == 3 and pd.isna(art.loc["b", "score"])
    assert json.loads(art.loc["a", "tags"]) == ["x", "y"]  # lists kept, as JSON
    assert list(art["meta.desk"]) == ["world", "home"]  # nested objects as dotted columns
    assert list(art[S.SOURCE_ROW]) == [1, 2]
    assert set(art[S.SOURCE_FILE]) == {"a.jsonl"}


def test_long_numeric_ids_with_gaps_are_not_turned_into_floats(tmp_path):
    records = [
        {"id": 1234567890123456789, "outlet": "H", "text": "First."},
        {"id": None, "outlet": "H", "text": "Second."},
        {"id": 1234567890123456790, "outlet": "H", "text": "Third."},
    ]
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl(records)},
        {"path": "a.jsonl", "columns": {"doc_id": "id"}},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["1234567890123456789", "1234567890123456790"]
    assert result.rejects[S.REJECT_CODE].tolist() == ["missing"]


def test_json_document_with_record_path(tmp_path):
    doc = {"meta": {"n": 2}, "data": {"articles": [article("a"), article("b")]}}
    study = write_study(
        tmp_path / "s",
        {"a.json": json.dumps(doc)},
        {"path": "a.json", "record_path": "data.articles"},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["a", "b"]
    assert list(result.articles[S.SOURCE_ROW]) == [1, 2]  # record numbers


def test_csv_mapping_constants_and_id_prefix(tmp_path):
    content = "ID,headline,body,title\n7,Big news,The body text.,ignored title\n"
    study = write_study(
        tmp_path / "s",
        {"export.csv": content},
        {
            "path": "export.csv",
            "columns": {"doc_id": "ID", "title": "headline", "text": "body"},
            "constants": {"outlet": "The Herald"},
            "id_prefix": "herald-",
        },
    )
    art = run(study).articles.iloc[0]
    assert (art[S.DOC_ID], art[S.OUTLET], art[S.TITLE], art[S.TEXT]) == (
        "herald-7",
        "The Herald",
        "Big news",
        "The body text.",
    )
    assert art["source_title"] == "ignored title"  # a clashing source column is kept aside
    assert "ID" not in art.index and "body" not in art.index  # mapped columns are consumed


def test_tsv_and_a_source_column_named_like_a_computed_one(tmp_path):
    content = "doc_id\toutlet\ttext\tduplicate_of\na\tH\tText with, commas.\tz\n"
    result = run(write_study(tmp_path / "s", {"a.tsv": content}, {"path": "a.tsv"}))
    art = result.articles.iloc[0]
    assert art[S.TEXT] == "Text with, commas."
    assert art["source_duplicate_of"] == "z" and pd.isna(art[S.DUPLICATE_OF])


def test_parquet_with_mapping_and_dates(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    pd.DataFrame(
        {
            "ID": ["x1", "x2"],
            "source": ["Herald", "Gazette"],
            "content_original": ["First text.", "Second text."],
            "date": ["2016-11-15", ""],
            "bias_text": ["left", "right"],
        }
    ).to_parquet(folder / "a.parquet")
    study = write_study(
        folder,
        {},
        {
            "path": "a.parquet",
            "columns": {"doc_id": "ID", "outlet": "source", "text": "content_original"},
        },
    )
    result = run(study)
    # "date" is not mapped: it stays an extra column, published is absent.
    assert S.PUBLISHED not in result.articles.columns
    assert list(result.articles["date"]) == ["2016-11-15", ""]
    study = write_study(
        folder,
        {},
        {
            "path": "a.parquet",
            "columns": {
                "doc_id": "ID",
                "outlet": "source",
                "text": "content_original",
                "published": "date",
            },
        },
    )
    result = run(study)
    assert result.articles[S.PUBLISHED].tolist()[0] == pd.Timestamp("2016-11-15", tz="UTC")
    assert pd.isna(result.articles[S.PUBLISHED].iloc[1])  # empty is missing, not a problem
    assert result.problems.empty


def test_folder_of_text_files_with_outlet_from_the_subfolder(tmp_path):
    files = {
        "docs/herald/2021-03-01.txt": "Line one.\r\nLine two.",
        "docs/gazette/2021-03-02.txt": "Another article.",
        "docs/gazette/notes/.hidden.txt": "not an article",
    }
    study = write_study(tmp_path / "s", files, {"path": "docs", "columns": {"outlet": "folder"}})
    result = run(study)
    art = result.articles.set_index(S.DOC_ID)
    assert sorted(art.index) == ["gazette/2021-03-02", "herald/2021-03-01"]
    assert art.loc["herald/2021-03-01", S.TEXT] == "Line one.\nLine two."
    assert art.loc["gazette/2021-03-02", S.OUTLET] == "gazette"
    assert art.loc["herald/2021-03-01", S.SOURCE_FILE] == "docs/herald/2021-03-01.txt"


def test_glob_over_several_files_counts_each_file(tmp_path):
    files = {
        "parts/one.jsonl": jsonl([article("a"), article("b")]),
        "parts/two.jsonl": jsonl([article("c")]) + "not json\n",
    }
    result = run(write_study(tmp_path / "s", files, {"path": "parts/*.jsonl"}))
    assert result.read_per_file == {"parts/one.jsonl": 2, "parts/two.jsonl": 2}
    assert list(result.articles[S.DOC_ID]) == ["a", "b", "c"]
    assert result.rejects[[S.SOURCE_FILE, S.SOURCE_ROW]].values.tolist() == [["parts/two.jsonl", 2]]


def test_two_sources_with_the_same_ids_kept_apart_by_prefix(tmp_path):
    files = {"a.jsonl": jsonl([article("1")]), "b.jsonl": jsonl([article("1", outlet="G")])}
    corpus = [{"path": "a.jsonl", "id_prefix": "a-"}, {"path": "b.jsonl", "id_prefix": "b-"}]
    result = run(write_study(tmp_path / "s", files, corpus))
    assert list(result.articles[S.DOC_ID]) == ["a-1", "b-1"]


def test_explode_a_list_of_sub_records(tmp_path):
    records = [{"story": 9, "items": [{"src": "H", "body": "One."}, {"src": "G", "body": "Two."}]}]
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl(records)},
        {
            "path": "a.jsonl",
            "explode": "items",
            "id_template": "s{story}-{items_key}",
            "columns": {"outlet": "items.src", "text": "items.body", "event_id": "story"},
        },
    )
    art = run(study).articles
    assert art[[S.DOC_ID, S.OUTLET, S.EVENT_ID]].values.tolist() == [
        ["s9-0", "H", "9"],
        ["s9-1", "G", "9"],
    ]
    assert list(art[S.SOURCE_ROW]) == [1, 1]


def test_id_template_with_row_and_file(tmp_path):
    content = "outlet;text\nH;One.\nH;Two.\n"
    study = write_study(
        tmp_path / "s",
        {"sg2.csv": content},
        {"path": "sg2.csv", "delimiter": ";", "id_template": "{file}-{row:03d}"},
    )
    assert list(run(study).articles[S.DOC_ID]) == ["sg2-002", "sg2-003"]


def test_list_of_paragraphs_becomes_text_with_blank_lines(tmp_path):
    records = [article("a", text=["First paragraph.", "  Second   paragraph. ", ""])]
    result = run(write_study(tmp_path / "s", {"a.jsonl": jsonl(records)}, {"path": "a.jsonl"}))
    assert result.articles[S.TEXT].iloc[0] == "First paragraph.\n\nSecond paragraph."


def test_outlets_derived_from_articles_with_metadata_and_conflicts_reported(tmp_path):
    records = [
        article("a", outlet="Herald", lean="left"),
        article("b", outlet="Herald", lean="left"),
        article("c", outlet="Herald", lean="center"),
        article("d", outlet="Gazette", lean="right"),
    ]
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl(records)},
        {"path": "a.jsonl"},
        ingest_config={"outlet_metadata": {"group": "lean"}, "boilerplate": {"repeated": None}},
    )
    result = run(study)
    outlets = result.outlets.set_index(S.OUTLET)
    assert list(outlets.index) == ["Gazette", "Herald"]
    assert outlets[S.GROUP].to_dict() == {"Gazette": "right", "Herald": "left"}
    prob = one_problem(result)
    assert prob[S.REJECT_CODE] == "outlet_metadata"
    assert "'Herald' has 2 values for group" in prob[S.REASON]


def test_articles_stage_writes_tables_and_csvs_and_skips_when_unchanged(tmp_path):
    records = [article("a"), article("b", text="")]
    study = write_study(tmp_path / "s", {"a.jsonl": jsonl(records)}, {"path": "a.jsonl"})
    reports, _ = run_pipeline(study, targets=["articles"])
    assert [r.status for r in reports] == ["ran"]
    for table in ("articles", "outlets", "rejects", "problems", "boilerplate"):
        assert table_path(study, table).exists()
    rejects_csv = pd.read_csv(study.build_dir / "rejects.csv")
    assert rejects_csv[[S.DOC_ID, S.REJECT_CODE]].values.tolist() == [["b", "empty"]]
    meta = read_meta(table_path(study, "articles"))
    assert meta["code"] and "ingest" in meta["config"]
    reports, _ = run_pipeline(study, targets=["articles"])
    assert [r.status for r in reports] == ["skipped"]


def test_stage_fails_clearly_when_every_record_is_rejected(tmp_path):
    from analysis.errors import CorpusError

    study = write_study(
        tmp_path / "s", {"a.jsonl": jsonl([article("a", text=" ")])}, {"path": "a.jsonl"}
    )
    with pytest.raises(CorpusError, match="all 1 records were rejected"):
        run_pipeline(study, targets=["articles"])
    assert (study.build_dir / "rejects.csv").exists()  # written before failing


def test_same_input_gives_identical_tables(tmp_path):
    records = [article(f"d{i}", text=f"Story number {i} about the harbour.") for i in range(5)]
    records.append(article("copy", outlet="G", text="Story number 3 about the harbour."))
    files = {"a.jsonl": jsonl(records)}
    one = ingest(write_study(tmp_path / "one", files, {"path": "a.jsonl"}))
    two = ingest(write_study(tmp_path / "two", files, {"path": "a.jsonl"}))
    pd.testing.assert_frame_equal(one.articles, two.articles)
    assert one.articles.set_index(S.DOC_ID).loc["copy", S.DUPLICATE_OF] == "d3"
