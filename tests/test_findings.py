"""The study's headline and cautions, from its tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.findings import fragment_caution, gold_cautions, headline, outlet_cautions
from analysis.study import Codebook
from tests.conftest import TINY_CODEBOOK

CODEBOOK = Codebook.model_validate(TINY_CODEBOOK)


def effects():
    return pd.DataFrame(
        {
            S.FRAME: ["sacrifice"] * 3 + ["sacrifice"],
            S.VIEW: ["all", "all", "all", "own"],
            S.OUTLET: ["Herald", "Times", "Post", "Herald"],
            S.ESTIMATE: [0.12, -0.08, -0.04, 0.9],
            S.CI_LOW: [0.05, -0.12, -0.1, 0.8],
            S.CI_HIGH: [0.19, -0.03, 0.02, 1.0],
            S.N_EVENTS: [9, 8, 7, 9],
        }
    )


def pairs():
    return pd.DataFrame(
        {
            S.FRAME: ["sacrifice", "sacrifice"],
            S.VIEW: ["all", "all"],
            S.OUTLET_A: ["Times", "Herald"],
            S.OUTLET_B: ["Herald", "Post"],
            S.ESTIMATE: [-0.20, 0.16],
            S.CI_LOW: [-0.3, 0.05],
            S.CI_HIGH: [-0.1, 0.27],
            S.N_SHARED_EVENTS: [8, 7],
            S.Q_VALUE: [0.004, 0.03],
            S.SIGNIFICANT: [True, True],
        }
    )


def test_headline_names_the_extremes_the_largest_gap_and_the_unit():
    lines, unit = headline(CODEBOOK, effects(), pairs(), None, ci=0.95)
    assert len(lines) == 1
    line = lines[0]
    assert "Herald leans furthest toward heroic sacrifice (+0.120, 95% CI +0.050 to +0.190" in line
    assert "Times toward cannon fodder (-0.080" in line
    # the largest gap is oriented so that it reads as a positive difference
    assert "Largest gap: Herald minus Times = +0.200 (95% CI +0.100 to +0.300" in line
    assert "q = 0.004, below the false discovery rate 0.05" in line
    assert "own" not in line and "+0.900" not in line  # the headline is the `all` view
    assert unit.startswith("Unit: framing balance") and "−1 every sentence fully cannon" in unit


def test_headline_without_comparisons_falls_back_to_outlet_means():
    means = pd.DataFrame(
        {
            S.OUTLET: ["Herald", "Times"],
            S.FRAME: ["sacrifice"] * 2,
            S.VIEW: ["all"] * 2,
            S.MEAN: [0.1, -0.2],
        }
    )
    lines, _ = headline(CODEBOOK, None, None, means, ci=0.95)
    assert "highest mean Herald (+0.100), lowest Times (-0.200)" in lines[0]
    assert "not compared within events" in lines[0]


def test_cautions_about_gold_coders_outlets_filters_and_fragments():
    assert "No human-coded gold set" in gold_cautions(False, None, None)[0]
    thresholds = pd.DataFrame(
        {S.FRAME: ["sacrifice"], S.NOTE: ["gold set too small (heroic_sacrifice 3, none 7)"]}
    )
    intercoder = pd.DataFrame(
        {
            "field": ["sacrifice", "voice"],
            S.ALPHA: [0.41, 0.9],
            S.CI_LOW: [0.2, 0.8],
            S.CI_HIGH: [0.6, 0.95],
            S.N_UNITS: [30, 30],
            S.N_UNRESOLVED: [4, 1],
        }
    )
    lines = gold_cautions(True, thresholds, intercoder)
    assert "too small to set presence thresholds for sacrifice" in lines[0]
    assert "heroic_sacrifice 3, none 7" in lines[0]
    assert "sacrifice 0.41 [0.20, 0.60]" in lines[1] and "voice" not in lines[1]
    assert lines[2].startswith("5 coder disagreement(s) are not adjudicated")
    units = pd.DataFrame(
        {
            S.DOC_ID: ["a", "b", "c", "d"],
            S.VIEW: ["all"] * 4,
            S.OUTLET: ["Herald", "Herald", "Post", "Post"],
            S.INCLUDED: [True, True, False, False],
            S.REASON: ["", "", "no event assigned", "no event assigned"],
        }
    )
    filtered = pd.DataFrame({S.REJECT_CODE: ["date", "date", "outlet"]})
    lines = outlet_cautions(units, filtered)
    assert lines[0] == "Post is left out of the outlet comparisons (2 articles): no event assigned."
    assert lines[1] == "3 record(s) filtered out by study.yaml `filter:` (2 by date, 1 by outlet)."
    sentences = pd.DataFrame({S.FRAGMENT: np.array([True] + [False] * 9)})
    assert fragment_caution(sentences, 4)[0].startswith("1 of 10 sentence units (10.0%)")


def test_index_figures_follow_the_reading_order_not_the_alphabet():
    from pathlib import Path

    from analysis.report import reading_order

    names = ["validation", "corpus_overview", "fightin_words_own", "outlet_frames", "zzz"]
    ordered = sorted((Path(f"{n}.json") for n in names), key=reading_order)
    assert [p.stem for p in ordered] == [
        "corpus_overview",
        "outlet_frames",
        "fightin_words_own",
        "validation",
        "zzz",
    ]


def test_headline_reads_the_outlet_balance_rows_of_the_comparison_tables():
    from analysis.findings import outlet_balance

    effects = pd.DataFrame(
        {
            S.BY: ["outlet", "outlet", "group"],
            S.LEVEL: ["A", "B", "state"],
            S.MEASURE: ["balance", "balance", "balance"],
            S.FRAME: "sacrifice",
            S.VIEW: "all",
            S.ESTIMATE: [0.5, 0.1, 0.3],
            S.CI_LOW: 0.0,
            S.CI_HIGH: 1.0,
            S.DIFF: [0.2, -0.2, 0.0],
            S.DIFF_CI_LOW: [0.1, -0.3, -0.1],
            S.DIFF_CI_HIGH: [0.3, -0.1, 0.1],
            S.N_EVENTS: 5,
        }
    )
    mapped, _ = outlet_balance(effects, None)
    assert mapped[S.OUTLET].tolist() == ["A", "B"]  # outlets only, group rows left out
    assert mapped[S.ESTIMATE].tolist() == [0.2, -0.2]  # distance from the mean outlet
    lines, _ = headline(Codebook.model_validate(TINY_CODEBOOK), mapped, None, None, 0.95)
    assert lines and "A leans furthest toward heroic" in lines[0]
