"""Figures that scale: a synthetic study of 40 outlets in 5 groups, generated here.

Every figure the study publishes (``analysis.figures.catalog``) must fit a journal page
(at most 183 mm wide, at most 247 mm tall; the single-column variants 89 mm wide),
keep share intervals inside 0-100%, and never drop an outlet without saying so.

The articles are built from a small pool of sentences written for this test, so the
embedding model encodes a few dozen texts once (the cache holds them afterwards).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.text import Text

from analysis import schema as S
from analysis.figures import catalog, save, style
from analysis.io import write_table
from analysis.pipeline import load_table, run, table_path
from analysis.study import Study
from tests.conftest import TINY_CODEBOOK

HEROIC = [
    "The fallen were honoured as heroes of the nation.",
    "Their courage brought eternal glory to the army.",
    "The brave soldiers gave their lives with honour.",
    "The people will remember their glorious sacrifice.",
]
FODDER = [
    "The young men were thrown into a meat grinder.",
    "Commanders wasted their lives in hopeless assaults.",
    "The conscripts were used as cannon fodder.",
    "Hundreds died in waves across the open fields.",
]
NEUTRAL = [
    "Officials met reporters in the capital on Monday.",
    "The statement was published in the evening.",
    "Talks are expected to continue next week.",
    "The ministry gave no further details.",
    "Weather in the region was cold and wet.",
]
N_OUTLETS, N_GROUPS, N_EVENTS = 40, 5, 10
MAX_WIDTH_MM, MAX_HEIGHT_MM, SINGLE_MM = 183.5, 247.0, 89.5


def write_study(folder) -> None:
    rng = np.random.default_rng(40)
    folder.mkdir(parents=True)
    outlets = [f"Outlet {k:02d} News" for k in range(N_OUTLETS)]
    group = {o: f"bloc_{k % N_GROUPS}" for k, o in enumerate(outlets)}
    heroic_rate = {f"bloc_{g}": r for g, r in enumerate((0.7, 0.45, 0.3, 0.15, 0.05))}
    rows = []
    for k, outlet in enumerate(outlets):
        events = rng.choice(N_EVENTS, 3, replace=False)
        for e in events:
            rate = heroic_rate[group[outlet]]
            framed = [
                (HEROIC if rng.random() < rate else FODDER)[rng.integers(4)] for _ in range(3)
            ]
            text = " ".join([*framed, *rng.choice(NEUTRAL, 2, replace=False)])
            rows.append(
                {
                    "doc_id": f"a{k:02d}-{e}",
                    "outlet": outlet,
                    "text": text,
                    "event_id": f"E{e}",
                    "published": f"2025-0{1 + e % 9}-1{e % 9}T12:00:00Z",
                }
            )
    (folder / "articles.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    table = pd.DataFrame(
        {
            "outlet": outlets,
            "country": "X",
            "ownership": "private",
            "language": "en",
            "group": [group[o] for o in outlets],
        }
    )
    table.to_csv(folder / "outlets.csv", index=False)
    config = {
        "name": "forty",
        "corpus": [{"path": "articles.jsonl"}],
        "outlets": "outlets.csv",
        "seed": 3,
        "aggregate": {"n_boot": 200},
        "topics": {"enabled": True},
        "compare": {"n_boot": 200, "n_perm": 199, "by": ["outlet", "group"]},
        "codebook": TINY_CODEBOOK,
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


def synthetic_topics(study: Study) -> None:
    """Topic tables for the 40 outlets, without fitting a topic model (tested elsewhere):
    the figures only read the tables."""
    rng = np.random.default_rng(1)
    outlets = load_table(study, "outlets")[S.OUTLET].tolist()
    topics = list(range(10))
    meta = {"stage": "synthetic"}
    info = pd.DataFrame(
        {
            S.TOPIC: [-1, *topics],
            S.AUTO_LABEL: ["outliers", *[f"t{t}" for t in topics]],
            S.N_UNITS: [5, *range(60, 0, -6)],
            S.N_UNITS_INITIAL: [9, *range(60, 0, -6)],
            S.SHARE: 0.1,
            S.N_ARTICLES: 10,
            S.REPRESENTATIVE: [["x"]] * 11,
        }
    )
    labels = info[[S.TOPIC, S.AUTO_LABEL]].assign(**{S.LABEL: info[S.AUTO_LABEL], S.RENAMED: False})
    terms = pd.DataFrame(
        [(t, r, f"word{t}{r}", 1.0 / r) for t in [-1, *topics] for r in range(1, 6)],
        columns=[S.TOPIC, S.RANK, S.TERM, S.WEIGHT],
    )
    share = rng.uniform(0.0, 0.3, (len(outlets), len(topics)))
    share[:, -1] = 0.002  # a rare topic: a linear interval would run below 0%
    grid = pd.DataFrame(
        [(o, t, share[i, j]) for i, o in enumerate(outlets) for j, t in enumerate(topics)],
        columns=[S.OUTLET, S.TOPIC, S.MEAN],
    )
    outlet_topics = grid.assign(
        **{
            S.CI_LOW: (grid[S.MEAN] * 0.6),
            S.CI_HIGH: (grid[S.MEAN] * 1.5).clip(upper=1),
            S.N_ARTICLES: 3,
            S.N_CLUSTERS: 3,
            S.CLUSTER_BY: "event",
        }
    )
    effects = grid.rename(columns={S.MEAN: S.ESTIMATE}).assign(
        **{
            S.CI_LOW: grid[S.MEAN] * 0.5,
            S.CI_HIGH: grid[S.MEAN] * 1.6,
            S.DIFF: 0.0,
            S.DIFF_CI_LOW: -0.1,
            S.DIFF_CI_HIGH: 0.1,
            S.P_VALUE: 0.5,
            S.P_OUTLET: 0.5,
            S.N_ARTICLES: 3,
            S.MODEL: "synthetic",
        }
    )
    time = grid.assign(**{S.PERIOD: pd.Timestamp("2025-01-01", tz="UTC"), S.N_ARTICLES: 3})[
        [S.OUTLET, S.PERIOD, S.TOPIC, S.MEAN, S.N_ARTICLES]
    ]
    for name, table in {
        "topic_info": info,
        "topic_labels": labels,
        "topic_terms": terms,
        "outlet_topics": outlet_topics,
        "topic_effects": effects,
        "topic_time": time,
    }.items():
        write_table(table, table_path(study, name), meta)


@pytest.fixture(scope="module")
def forty(tmp_path_factory, session_cache):
    root = tmp_path_factory.mktemp("forty")
    write_study(root / "corpora" / "forty")
    study = Study.load(root / "corpora" / "forty", root / "build")
    run(study, targets=["comparisons", "fightin_words", "validation"])
    synthetic_topics(study)
    return study


def mediabox_mm(pdf: bytes) -> tuple[float, float]:
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box, "no MediaBox in the PDF"
    return float(box.group(1)) * 25.4 / 72, float(box.group(2)) * 25.4 / 72


def texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


# Figures that show every outlet (one row, label or panel per outlet), unless they say
# what they leave out.
PER_OUTLET = {
    "corpus_overview",
    "outlet_shares",
    "outlet_frames",
    "own_vs_reported",
    "within_event_effects",
    "topic_outlet_prevalence",
    "fightin_words_all",
    "fightin_words_own",
    "fightin_words_reported",
}


def test_every_figure_of_forty_outlets_fits_a_page_and_loses_no_outlet(forty, tmp_path):
    style.use_paper_style()
    outlets = load_table(forty, "outlets")[S.OUTLET].tolist()
    sizes = {}
    for builder in catalog.BUILDERS.values():
        for item in builder(forty):
            stem = tmp_path / item.name
            save.save_figure(item.figure, stem, {}, formats=("pdf",))
            width, height = mediabox_mm((stem.with_suffix(".pdf")).read_bytes())
            sizes[item.name] = (round(width), round(height))
            assert width <= MAX_WIDTH_MM and height <= MAX_HEIGHT_MM, (item.name, width, height)
            if item.name.endswith("single_column"):
                assert width <= SINGLE_MM, (item.name, width)
            if getattr(item.figure, "not_enough_data", None):  # a panel saying why, no unit
                assert item.caption.startswith(style.NOT_ENOUGH_DATA), item.name
                continue
            assert "Unit" in item.caption, item.name
            if item.name in PER_OUTLET:
                text = texts(item.figure)
                missing = [o for o in outlets if o not in text]
                assert not missing or "not shown" in text, (item.name, missing[:5])
    expected = {"corpus_overview", "outlet_shares", "shares_by_group", "topic_outlet_prevalence"}
    assert expected <= set(sizes), sorted(sizes)
    print(json.dumps(sizes, indent=1))


def test_share_intervals_stay_inside_0_to_100(forty):
    effects = load_table(forty, "comparison_effects")
    shares = effects[effects[S.MEASURE] == "share"]
    assert len(shares)
    assert ((shares[S.CI_LOW] >= 0) & (shares[S.CI_HIGH] <= 100)).all()
    poles = load_table(forty, "outlet_poles")
    inside = poles[S.CI_LOW].dropna().ge(0).all() and poles[S.CI_HIGH].dropna().le(100).all()
    assert inside


def test_groups_of_eight_outlets_are_compared_between_outlets(forty):
    effects = load_table(forty, "comparison_effects")
    groups = effects[(effects[S.BY] == "group") & (effects[S.MEASURE] == "share")]
    assert set(groups[S.N_OUTLETS]) == {8}
    assert set(groups[S.RESAMPLED]) == {"events+outlets"}
    # The planted order of heroic sentences: bloc_0 most, bloc_4 least.
    heroic = groups[(groups[S.POLE] == "heroic_sacrifice") & (groups[S.VIEW] == "all")]
    order = heroic.sort_values(S.ESTIMATE, ascending=False)[S.LEVEL].tolist()
    assert order[0] == "bloc_0" and order[-1] == "bloc_4"
