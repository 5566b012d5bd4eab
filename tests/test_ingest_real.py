"""The real-data studies (corpora/neus, abp, babe) against their files in ../shared/data.

Expectations are computed from the raw files here, never typed in: how many records the
file holds, which ids and labels it has, which dates it gives.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from analysis import schema as S
from analysis.study import Study
from tests.conftest import ROOT
from tests.test_ingest_support import run

pytestmark = pytest.mark.shared_data


def load(name: str, tmp_path) -> Study:
    return Study.load(ROOT / "corpora" / name, tmp_path / "build")


def test_neus_one_article_per_story_side(shared_data, tmp_path):
    stories = [json.loads(line) for line in (shared_data / "neus" / "stories.jsonl").open()]
    sides = {(str(s["id"]), side): v for s in stories for side, v in s["news"].items() if v}
    empty_stories = sum(1 for s in stories if not s["news"])
    result = run(load("neus", tmp_path))
    assert result.n_read == len(sides) + empty_stories
    assert set(result.rejects[S.REJECT_CODE]) <= {"no_items", "empty", "missing"}
    art = result.articles
    assert art[S.DOC_ID].str.fullmatch(r"neus-\d+-(left|center|right)").all()
    for row in art.sample(50, random_state=0).itertuples():
        raw = sides[(row.event_id, row.side)]
        assert row.outlet == raw["newsSource"].strip()
        assert row.url == raw["newsLink"]
    assert art.groupby(S.EVENT_ID).size().max() <= 3
    outlets = result.outlets.set_index(S.OUTLET)
    assert set(outlets.index) == set(art[S.OUTLET])
    assert set(outlets[S.GROUP].dropna()) <= {"left", "center", "right"}
    assert art[S.PUBLISHED].notna().all()


def test_babe_one_article_per_sentence_with_labels_kept(shared_data, tmp_path):
    raw = {}
    with (shared_data / "babe" / "final_labels_SG2.csv").open(
        encoding="utf-8-sig", newline=""
    ) as fh:
        reader = csv.reader(fh, delimiter=";")
        header, line = next(reader), 1
        for row in reader:
            raw[f"babe-sg2-{line + 1}"] = dict(zip(header, row, strict=True))
            line = reader.line_num
    result = run(load("babe", tmp_path))
    assert result.n_read == len(raw)
    art = result.articles.set_index(S.DOC_ID)
    assert set(art.index) | set(result.rejects[S.DOC_ID].dropna()) == set(raw)
    for doc_id, row in art.iterrows():
        assert row["label_bias"] == raw[doc_id]["label_bias"]
        assert row[S.OUTLET] == raw[doc_id]["outlet"].strip()
    assert set(result.outlets[S.OUTLET]) == set(art[S.OUTLET])
    assert (art[S.BOILERPLATE_LINES] == 0).all()  # the study turns stripping off


@pytest.mark.slow
def test_abp_every_date_is_parsed_or_reported(shared_data, tmp_path):
    raw = pd.read_parquet(shared_data / "abp" / "articles_train_sample.parquet")
    study = load("abp", tmp_path)
    result = run(study)
    assert result.n_read == len(raw)
    art = result.articles.set_index(S.DOC_ID)
    raw = raw.set_index("ID").loc[art.index]
    given = raw["date"].str.strip() != ""
    unparsed = art[S.PUBLISHED].isna() & given
    reported = set(result.problems.loc[result.problems[S.FIELD] == S.PUBLISHED, S.DOC_ID])
    assert set(art.index[unparsed]) == reported  # no date went missing silently
    assert art.loc[~given, S.PUBLISHED].isna().all()
    dates = study.config.ingest.dates
    ok = art[S.PUBLISHED].dropna()
    assert (ok >= pd.Timestamp(dates.earliest, tz="UTC")).all()
    assert (ok < pd.Timestamp(dates.latest, tz="UTC")).all()
    assert set(result.outlets[S.GROUP].dropna()) <= {"left", "center", "right"}
