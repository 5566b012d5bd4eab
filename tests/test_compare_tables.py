"""A study's comparison tables by outlet and by outlet attribute, on synthetic article
scores (no model): accounting, units, shares kept inside 0-100%, errors that say what
to do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.compare import compare_study
from analysis.compare.tables import REASON_NO_LEVEL
from analysis.errors import StudyConfigError
from analysis.study import CompareConfig


def synthetic(seed: int = 0, n_events: int = 12):
    """Two groups of four outlets (plus one outlet without a group); group 'hot' writes
    about 30% of its sentences on pole A, group 'cold' about 10%."""
    rng = np.random.default_rng(seed)
    outlets = pd.DataFrame(
        {
            S.OUTLET: [f"o{k}" for k in range(9)],
            S.COUNTRY: ["X"] * 9,
            S.OWNERSHIP: ["private"] * 9,
            S.LANGUAGE: ["en"] * 9,
            S.GROUP: ["hot"] * 4 + ["cold"] * 4 + [None],
        }
    )
    rows, frames, poles = [], [], []
    for e in range(n_events):
        for k in range(9):
            if rng.random() > 0.7 and k not in (0, 4):
                continue
            doc = f"d{e}-{k}"
            rows.append({S.DOC_ID: doc, S.OUTLET: f"o{k}", S.EVENT_ID: f"e{e}"})
            base = 30.0 if k < 4 else 10.0
            a = float(np.clip(base + rng.normal(0, 6) + (k % 4) * 2, 0, 100))
            b = float(np.clip(20 + rng.normal(0, 5), 0, 100 - a))
            frames.append(
                {
                    S.DOC_ID: doc,
                    S.OUTLET: f"o{k}",
                    S.FRAME: "f",
                    S.VIEW: "all",
                    S.POSITION: (a - b) / 100,
                    S.SHARE_PRESENT: (a + b) / 100,
                    S.N_SENTENCES: 20,
                }
            )
            for pole, value in (("pa", a), ("pb", b)):
                poles.append(
                    {
                        S.DOC_ID: doc,
                        S.OUTLET: f"o{k}",
                        S.FRAME: "f",
                        S.VIEW: "all",
                        S.POLE: pole,
                        S.PERCENT: value,
                        S.N_SENTENCES: 20,
                    }
                )
    articles = pd.DataFrame(rows)
    events = articles[[S.DOC_ID, S.EVENT_ID]]
    return (
        pd.DataFrame(frames),
        pd.DataFrame(poles),
        articles[[S.DOC_ID, S.OUTLET]],
        events,
        outlets,
    )


def run(**config):
    frames, poles, articles, events, outlets = synthetic()
    cfg = CompareConfig(n_boot=200, n_perm=199, **config)
    return compare_study(frames, poles, articles, events, outlets, cfg, seed=1), articles


def test_groups_are_compared_in_percent_and_percentage_points():
    tables, _ = run(by=["outlet", "group"], measures=["balance", "share"])
    effects = tables.comparison_effects
    shares = effects[(effects[S.BY] == "group") & (effects[S.MEASURE] == "share")]
    assert set(shares[S.UNIT]) == {"% of sentences"}
    assert ((shares[S.CI_LOW] >= 0) & (shares[S.CI_HIGH] <= 100)).all()
    hot = shares.set_index([S.LEVEL, S.POLE]).loc[("hot", "pa")]
    cold = shares.set_index([S.LEVEL, S.POLE]).loc[("cold", "pa")]
    assert 25 < hot[S.ESTIMATE] < 40 and 5 < cold[S.ESTIMATE] < 15
    assert hot[S.N_OUTLETS] == 4 and hot[S.RESAMPLED] == "events+outlets"
    diffs = tables.comparison_differences
    pair = diffs[(diffs[S.BY] == "group") & (diffs[S.POLE] == "pa")].iloc[0]
    assert pair[S.UNIT] == "percentage points"
    sign = 1 if pair[S.LEVEL_A] == "hot" else -1
    assert sign * pair[S.ESTIMATE] == pytest.approx(hot[S.ESTIMATE] - cold[S.ESTIMATE], abs=1e-9)
    assert sign * pair[S.CI_LOW] > 10 or sign * pair[S.CI_HIGH] < -10
    # Four outlets a side: C(8, 4) = 70 arrangements, the smallest p-value 2/70.
    assert pair[S.EXACT] and pair[S.N_PERMUTATIONS] == 70
    assert pair[S.P_VALUE] == pytest.approx(2 / 70)
    tests = tables.comparison_tests
    assert set(tests[S.BY]) == {"outlet", "group"}


def test_every_article_is_listed_for_every_attribute_with_its_reason():
    tables, articles = run(by=["outlet", "group"])
    units = tables.comparison_units
    assert len(units) == 2 * len(articles)
    assert not units.duplicated([S.BY, S.DOC_ID, S.VIEW]).any()
    grouped = units[units[S.BY] == "group"].set_index(S.DOC_ID)
    no_group = articles.loc[articles[S.OUTLET] == "o8", S.DOC_ID]
    assert (grouped.loc[no_group, S.REASON] == REASON_NO_LEVEL.format(by="group")).all()
    # By outlet, o8 is compared like any other outlet.
    by_outlet = units[units[S.BY] == "outlet"].set_index(S.DOC_ID)
    assert by_outlet.loc[no_group, S.INCLUDED].all()


def test_an_unknown_attribute_names_the_columns_there_are():
    with pytest.raises(StudyConfigError, match="'camp' is not a column") as err:
        run(by=["camp"])
    assert "group" in str(err.value.hint)


def test_the_tables_have_unique_keys():
    tables, _ = run(by=["outlet", "group", "country"])
    keys = {
        "comparison_effects": [S.BY, S.LEVEL, S.FRAME, S.VIEW, S.MEASURE, S.POLE],
        "comparison_differences": [S.BY, S.LEVEL_A, S.LEVEL_B, S.FRAME, S.VIEW, S.MEASURE, S.POLE],
        "comparison_tests": [S.BY, S.FRAME, S.VIEW, S.MEASURE, S.POLE],
    }
    for name, key in keys.items():
        table = getattr(tables, name)
        assert len(table) and not table.duplicated(key).any(), name
    # One level (country X) cannot be compared with anything: no rows, no crash.
    assert "country" not in set(tables.comparison_effects[S.BY])
