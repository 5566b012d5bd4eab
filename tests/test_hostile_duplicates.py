"""Syndicated copies (issue 11): outlet means and comparisons follow one rule,
``compare.exclude_duplicates``, stated in the tables' provenance. Before, outlet_frames
counted every copy while the comparisons left them out."""

from __future__ import annotations

import pytest

from analysis import schema as S
from analysis.io import read_meta
from analysis.pipeline import load_table, run, table_path
from analysis.study import Study
from tests.conftest import tiny_articles


@pytest.mark.parametrize("exclude", [True, False])
def test_outlet_means_follow_the_duplicate_rule(make_study, build_root, exclude):
    articles = tiny_articles()
    herald = [a for a in articles if a["outlet"] == "Heroic Herald"]
    copies = [{**a, "doc_id": f"copy-{a['doc_id']}"} for a in herald[:2]]
    folder = make_study(articles + copies, extra={"compare": {"exclude_duplicates": exclude}})
    study = Study.load(folder, build_root)
    run(study, targets=["aggregate"])
    corpus = load_table(study, "articles")
    assert corpus[S.DUPLICATE_OF].notna().sum() == 2  # the copies are marked
    outlets = load_table(study, "outlet_frames")
    n = outlets.groupby(S.OUTLET)[S.N_ARTICLES].max().to_dict()
    assert n == {"Heroic Herald": 4 if exclude else 6, "Fodder Times": 4}
    meta = read_meta(table_path(study, "outlet_frames"))
    assert meta["config"]["exclude_duplicates"] is exclude
    # every article, copies too, keeps its own row in the per-article table
    assert set(load_table(study, "article_frames")[S.DOC_ID]) == set(corpus[S.DOC_ID])
