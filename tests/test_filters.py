"""The study's `filter:`: selection by outlet, language, date and text, every record left
out listed with its reason and counted."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from analysis import schema as S
from analysis.cli import app
from analysis.corpus.filters import apply_filters
from analysis.corpus.ingest import ingest
from analysis.errors import StudyConfigError
from analysis.study import FilterConfig, Study


def records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.DOC_ID: ["a", "b", "c", "d", "e", "f"],
            S.OUTLET: ["Herald", "Herald", "Times", "Times", "Post", "Post"],
            S.TITLE: ["Troops in Kursk", "Budget vote", "Weather", None, "KURSK offensive", "x"],
            S.TEXT: [
                "The troops advanced.",
                "Lawmakers voted on the budget.",
                "Rain is expected.",
                "North Koreans were seen near the front.",
                "The offensive stalled.",
                "Kursky street was renamed.",  # "Kursk" only as part of a longer word
            ],
            S.LANGUAGE: ["en", "en", "en", "de", None, "en"],
            S.PUBLISHED: pd.to_datetime(
                ["2024-10-02", "2024-09-30", "2024-10-15", "2024-11-01", None, "2024-10-20"],
                utc=True,
            ),
            S.SOURCE_FILE: ["f.jsonl"] * 6,
            S.SOURCE_ROW: [1, 2, 3, 4, 5, 6],
        }
    )


def run_filter(**cfg):
    kept, left_out = apply_filters(records(), FilterConfig(**cfg))
    return list(kept[S.DOC_ID]), {r[S.DOC_ID]: r for r in left_out}


def test_no_filter_keeps_everything():
    kept, out = run_filter()
    assert kept == ["a", "b", "c", "d", "e", "f"] and out == {}


def test_keywords_are_whole_words_in_title_or_text_any_case():
    kept, out = run_filter(keywords=["kursk", "North Korean"])
    assert kept == ["a", "e"]  # "North Koreans" and "Kursky" are other words
    assert out["d"][S.REJECT_CODE] == "text" and "no filter.keywords" in out["d"][S.REASON]
    kept, _ = run_filter(keywords=["kursk"], search_in=["text"])
    assert kept == []  # Kursk is only ever in titles
    kept, _ = run_filter(patterns=[r"north korean\w*", r"budget"])
    assert kept == ["b", "d"]


def test_dates_outlets_and_languages():
    kept, out = run_filter(date_from="2024-10-01", date_to="2024-10-31")
    assert kept == ["a", "c", "f"]
    assert out["b"][S.REASON] == ("published 2024-09-30 is before filter.date_from 2024-10-01")
    assert out["d"][S.REASON] == "published 2024-11-01 is after filter.date_to 2024-10-31"
    assert out["e"][S.REASON] == "no publication date (filter.keep_undated is false)"
    assert out["e"][S.FIELD] == S.PUBLISHED
    kept, _ = run_filter(date_from="2024-10-01", keep_undated=True)
    assert kept == ["a", "c", "d", "e", "f"]
    kept, out = run_filter(exclude_outlets=["Post"], languages=["EN"])
    assert kept == ["a", "b", "c"]
    assert out["d"][S.REASON] == "language 'de' is not among filter.languages ['en']"
    assert out["e"][S.REJECT_CODE] == "outlet"  # the first filter that fails is the reason
    kept, out = run_filter(outlets=["Times"])
    assert kept == ["c", "d"] and out["a"][S.REASON] == (
        "outlet 'Herald' is not among filter.outlets"
    )


def test_every_record_is_kept_or_listed_once():
    kept, out = run_filter(
        keywords=["troops", "rain"], date_from="2024-10-01", exclude_outlets=["Post"]
    )
    assert sorted(kept + list(out)) == ["a", "b", "c", "d", "e", "f"]
    assert all(r[S.SOURCE_FILE] == "f.jsonl" and r[S.SOURCE_ROW] for r in out.values())


def test_an_outlet_nobody_has_is_an_error_with_suggestions():
    with pytest.raises(StudyConfigError, match=r"filter.outlets names outlet\(s\) \['Time'\]"):
        apply_filters(records(), FilterConfig(outlets=["Time"]))
    try:
        apply_filters(records(), FilterConfig(exclude_outlets=["Harold"]))
    except StudyConfigError as exc:
        assert "Herald" in str(exc)


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"patterns": ["(unclosed"]}, "not a valid regular expression"),
        ({"date_from": "2024-10-02", "date_to": "2024-10-01"}, "is after date_to"),
        ({"outlets": ["A"], "exclude_outlets": ["A"]}, "both kept"),
        ({"search_in": ["body"]}, "search_in"),
        ({"keyword": ["typo"]}, "keyword"),
    ],
)
def test_filter_config_errors(cfg, message):
    with pytest.raises(ValidationError, match=message):
        FilterConfig(**cfg)


def test_ingest_and_validate_count_filtered_records(make_study, build_root):
    folder = make_study(extra={"filter": {"date_from": "2025-03-02", "outlets": ["Fodder Times"]}})
    result = ingest(Study.load(folder))
    assert result.n_read == 8 and result.n_kept == 3 and result.n_filtered == 5
    assert result.n_kept + result.n_rejected + result.n_filtered == result.n_read
    assert set(result.filtered[S.REJECT_CODE]) == {"outlet", "date"}
    out = CliRunner().invoke(app, ["validate", str(folder), "--json"])
    summary = json.loads(out.output)
    assert summary["filtered"] == 5
    assert {r["code"]: r["n"] for r in summary["filtered_by_reason"]} == {"outlet": 4, "date": 1}
    listed = pd.read_csv(build_root / "tiny" / "filtered.csv")
    assert len(listed) == 5 and listed["reason"].str.len().gt(0).all()
    text = CliRunner().invoke(app, ["validate", str(folder)]).output
    assert "filtered out" in text and "filtered.csv" in text
