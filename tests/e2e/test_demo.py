"""End to end on the synthetic demo study: is the planted framing recovered?"""

import pandas as pd
import pytest
from scipy.stats import spearmanr

from analysis import schema as S
from analysis.pipeline import load_table
from tests.conftest import DEMO, ROOT


def gold_outlet_balance(pole_a: str, pole_b: str) -> pd.Series:
    """Planted truth per outlet: mean over articles of the share of sentences coded
    pole A minus the share coded pole B (any voice), from the gold file."""
    gold = pd.read_csv(DEMO / "gold_sentences.csv")
    articles = pd.read_json(DEMO / "articles.jsonl", lines=True)[[S.DOC_ID, S.OUTLET]]
    gold = gold.merge(articles, on=S.DOC_ID)
    value = gold[S.POLE].map({pole_a: 1.0, pole_b: -1.0}).fillna(0.0)
    per_article = gold.assign(v=value).groupby([S.OUTLET, S.DOC_ID])["v"].mean()
    return per_article.groupby(S.OUTLET).mean()


def test_every_stage_ran_and_nothing_was_rejected(demo_run):
    study, reports, _, _ = demo_run
    assert [r.status for r in reports] == ["ran"] * len(reports)
    assert len(load_table(study, "articles")) == 100
    assert len(load_table(study, "rejects")) == 0


def test_planted_heroic_vs_cannon_fodder_is_recovered(demo_run, record_property):
    study, *_ = demo_run
    outlets = load_table(study, "outlets").set_index(S.OUTLET)
    scores = load_table(study, "outlet_frames")
    sac = scores[(scores[S.FRAME] == "sacrifice") & (scores[S.VIEW] == "all")].set_index(S.OUTLET)
    sender = outlets.index[outlets[S.GROUP] == "sending_state"].item()
    opposing = outlets.index[outlets[S.GROUP] == "opposing_side"].item()
    record_property("sacrifice_means", sac[S.MEAN].round(4).to_dict())

    # The sending country's state outlet frames the deaths as most heroic...
    assert sac[S.MEAN].idxmax() == sender, sac[S.MEAN].sort_values()
    # ...and the opposing side's outlet frames them most as cannon fodder.
    assert sac[S.MEAN].idxmin() == opposing, sac[S.MEAN].sort_values()
    # The two are separated beyond their 95% bootstrap intervals.
    assert sac.loc[sender, S.CI_LOW] > sac.loc[opposing, S.CI_HIGH]

    # The whole outlet ranking agrees with the planted codes, not just the extremes.
    truth = gold_outlet_balance("heroic_sacrifice", "cannon_fodder")
    rho = spearmanr(truth.sort_index(), sac[S.MEAN].sort_index()).statistic
    record_property("sacrifice_spearman_vs_gold", round(rho, 3))
    assert rho >= 0.7, rho


def test_presence_thresholds_were_chosen_on_gold(demo_run):
    study, *_ = demo_run
    thresholds = load_table(study, "frame_thresholds")
    assert set(thresholds[S.THRESHOLD_SOURCE]) == {"gold"}
    assert (thresholds[S.N_CODED] >= 1200).all()
    # Presence on the sacrifice frame must beat chance clearly (base rate ~0.23 -> F1 0.37).
    assert thresholds.set_index(S.FRAME).loc["sacrifice", S.F1] >= 0.5


def test_notebook_executes_and_writes_the_figure(demo_run, demo_notebooks):
    study, _, _, figures = demo_run
    out = demo_notebooks["03_framing_by_outlet"]
    assert out.exists() and out.with_suffix(".html").exists()
    written = {p.name for p in (figures / "demo").iterdir()}
    assert {
        "outlet_frames.pdf",
        "outlet_frames.png",
        "outlet_frames.svg",
        "outlet_frames.json",
    } <= written
    # The kernel read this study's tables from its own build root, not the default build/.
    rule = (out.parent / "03_framing_by_outlet.d").read_text(encoding="utf-8")
    read = rule.split(":", 1)[1].split()[1:]
    build = study.build_dir.resolve()
    assert read and all((ROOT / p).resolve().is_relative_to(build) for p in read), rule


@pytest.mark.parametrize("table", ["sentences", "embeddings", "frame_scores", "outlet_frames"])
def test_tables_record_provenance(demo_run, table):
    from analysis.io import read_meta
    from analysis.pipeline import table_path

    study, *_ = demo_run
    meta = read_meta(table_path(study, table))
    assert meta["study"] == "demo" and len(meta["fingerprint"]) == 64


def _shares(table, by, view, frame="sacrifice"):
    rows = (table[S.BY] == by) & (table[S.VIEW] == view) & (table[S.MEASURE] == "share")
    return table[rows & (table[S.FRAME] == frame)]


def test_the_group_question_has_the_planted_answer(demo_run, record_property):
    """In their own voice, the state media of the sending and host countries take the
    "heroic sacrifice" pole most often, the opposing side's press "cannon fodder"; where
    the planted difference is large, its interval excludes zero."""
    study, *_ = demo_run
    effects = _shares(load_table(study, "comparison_effects"), "group", "own")
    heroic = effects[effects[S.POLE] == "heroic_sacrifice"].set_index(S.LEVEL)[S.ESTIMATE]
    fodder = effects[effects[S.POLE] == "cannon_fodder"].set_index(S.LEVEL)[S.ESTIMATE]
    record_property("heroic_percent_by_group", heroic.round(1).to_dict())
    record_property("fodder_percent_by_group", fodder.round(1).to_dict())
    assert set(heroic.nlargest(2).index) == {"sending_state", "host_state"}, heroic
    assert fodder.idxmax() == "opposing_side", fodder
    # One outlet per group: the intervals resample events and speak for these outlets.
    assert set(effects[S.RESAMPLED]) == {"events"}

    pairs = _shares(load_table(study, "comparison_differences"), "group", "own")
    pairs = pairs.set_index([S.LEVEL_A, S.LEVEL_B, S.POLE])
    for pole, high, low in (
        ("heroic_sacrifice", "sending_state", "opposing_side"),
        ("cannon_fodder", "opposing_side", "sending_state"),
        ("cannon_fodder", "opposing_side", "host_state"),
    ):
        key = (high, low, pole) if (high, low, pole) in pairs.index else (low, high, pole)
        row = pairs.loc[key]
        sign = 1 if key[0] == high else -1
        assert sign * row[S.CI_LOW] > 0 or sign * row[S.CI_HIGH] < 0, (key, row)
        assert sign * row[S.ESTIMATE] > 10  # percentage points
        assert row[S.UNIT] == "percentage points"


def test_camps_of_several_outlets_resample_outlets_and_say_how_few(demo_run):
    study, *_ = demo_run
    effects = _shares(load_table(study, "comparison_effects"), "camp", "own")
    assert set(effects[S.RESAMPLED]) == {"events+outlets"}
    assert dict(effects.drop_duplicates(S.LEVEL).set_index(S.LEVEL)[S.N_OUTLETS]) == {
        "allied_state_media": 2,
        "critical_press": 4,
        "neutral_press": 2,
    }
    pairs = _shares(load_table(study, "comparison_differences"), "camp", "own")
    # Two outlets against four: C(6, 2) = 15 arrangements, so p >= 1/15, whatever the data.
    two_four = pairs[(pairs[S.N_OUTLETS_A] + pairs[S.N_OUTLETS_B]) == 6]
    assert (two_four[S.N_PERMUTATIONS] == 15).all() and (two_four[S.P_VALUE] >= 1 / 15).all()


def test_every_table_has_a_unique_documented_key(demo_run):
    from analysis.io import read_table
    from analysis.pipeline import REGISTRY, table_path

    study, *_ = demo_run
    built = {t for s in REGISTRY.values() for t in s.outputs}
    assert built == set(S.TABLE_KEYS), built ^ set(S.TABLE_KEYS)
    for table, key in S.TABLE_KEYS.items():
        path = table_path(study, table)
        if not path.exists():
            continue
        data = read_table(path)
        assert not data.duplicated(list(key)).any(), (table, key)
    sentences = load_table(study, "sentences")
    keys = sentences[S.DOC_ID] + "#" + sentences[S.SENT_ID].astype(str)
    assert (sentences[S.SENT_KEY] == keys).all()
