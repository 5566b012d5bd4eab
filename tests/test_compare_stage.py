"""The comparison stages on the demo study: planted outlet differences, accounting,
reproducibility, figures and notebooks."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import schema as S
from analysis.figures import compare as plots
from analysis.figures import groups, save, style
from analysis.pipeline import load_table, run
from analysis.study import Study

pytestmark = pytest.mark.slow
TARGETS = ["comparisons", "fightin_words"]


@pytest.fixture
def demo(demo_run):
    """The session's demo build (tests/conftest.py)."""
    return demo_run[0]


def by_group(study: Study) -> dict[str, str]:
    outlets = load_table(study, "outlets")
    return dict(zip(outlets[S.GROUP], outlets[S.OUTLET], strict=True))


def select(table, by="outlet", measure="balance", pole=None, **where):
    rows = (table[S.BY] == by) & (table[S.MEASURE] == measure)
    rows &= table[S.POLE].isna() if pole is None else table[S.POLE] == pole
    for column, value in where.items():
        rows &= table[column] == value
    return table[rows]


def test_planted_sacrifice_framing_differs_within_events(demo):
    group = by_group(demo)
    sender, opposing = group["sending_state"], group["opposing_side"]
    effects = load_table(demo, "comparison_effects")
    own = select(effects, frame="sacrifice", view="own").set_index(S.LEVEL)
    # In its own voice, the sending state's agency is the most "heroic sacrifice" and the
    # opposing side's outlet the most "cannon fodder", both clear of the outlet mean.
    assert own[S.DIFF].idxmax() == sender
    assert own[S.DIFF].idxmin() == opposing
    assert own.loc[sender, S.DIFF_CI_LOW] > 0 > own.loc[opposing, S.DIFF_CI_HIGH]

    pairs = load_table(demo, "comparison_differences")
    pair = select(pairs, frame="sacrifice", view="own", level_a=sender, level_b=opposing).iloc[0]
    assert pair[S.ESTIMATE] > 0 and pair[S.CI_LOW] > 0
    assert pair[S.SIGNIFICANT] and pair[S.Q_VALUE] <= 0.01
    assert pair[S.EXACT] and pair[S.N_SHARED_EVENTS] >= 10

    tests = select(load_table(demo, "comparison_tests")).set_index([S.FRAME, S.VIEW])
    assert tests.loc[("sacrifice", "own"), S.Q_VALUE] <= 0.01


def test_every_article_is_accounted_for_in_every_view(demo):
    articles = load_table(demo, "articles")
    units = load_table(demo, "comparison_units")
    views = set(load_table(demo, "article_frames")[S.VIEW])
    assert set(units[S.VIEW]) == views
    assert set(units[S.BY]) == set(demo.config.compare.by)
    assert len(units) == len(articles) * len(views) * len(set(demo.config.compare.by))
    assert (units[S.INCLUDED] == (units[S.REASON] == "")).all()
    # The demo plants syndicated copies (corpora/demo/source): each is left out, saying why.
    copies = set(articles.loc[articles[S.DUPLICATE_OF].notna(), S.DOC_ID])
    assert len(copies) >= 3
    left_out = units[units[S.DOC_ID].isin(copies)]
    assert len(left_out) == len(copies) * len(views) * len(set(demo.config.compare.by))
    assert not left_out[S.INCLUDED].any()
    assert left_out[S.REASON].str.startswith("syndicated copy of").all()
    regression = load_table(demo, "regression")
    used = units[units[S.INCLUDED] & (units[S.VIEW] == "all") & (units[S.BY] == "outlet")]
    assert (regression.loc[regression[S.VIEW] == "all", S.N_OBS] == len(used)).all()


def test_reruns_give_identical_tables(demo):
    first = {t: load_table(demo, t) for t in ("comparison_effects", "comparison_differences")}
    reports, _ = run(demo, targets=TARGETS, force=TARGETS)
    assert {r.name: r.status for r in reports}["comparisons"] == "ran"
    for name, table in first.items():
        pd.testing.assert_frame_equal(load_table(demo, name), table)


def test_wire_copy_words_are_distinctive_for_the_wire_service(demo):
    words = load_table(demo, "fightin_words")
    wire = by_group(demo)["wire"]
    own = words[
        (words[S.VIEW] == "own") & (words[S.OUTLET] == wire) & (words[S.REFERENCE] == S.REST)
    ]
    top = own.nlargest(10, S.Z)[S.WORD].tolist()
    # The wire service's planted formula: claims "could not be independently verified".
    assert "independently" in top and own.set_index(S.WORD).loc["independently", S.Z] > 3


def test_figures_are_written_and_reproducible(demo, tmp_path):
    style.use_paper_style()
    outlets = load_table(demo, "outlets")[S.OUTLET].tolist()
    codebook = demo.config.codebook

    effects = load_table(demo, "comparison_effects")
    pairs = load_table(demo, "comparison_differences")
    words = load_table(demo, "fightin_words")
    prov = save.provenance(demo, ["comparison_effects"])

    def draw(folder):
        figures = {
            "forest": plots.effects_forest(effects, codebook, outlets),
            "matrix": plots.pairwise_matrix(pairs, codebook, outlets),
            "words": plots.fightin_words_grid(words, outlets),
            "groups": groups.group_shares(effects, codebook, "group", "own"),
        }
        formats = ("pdf", "png")
        return [
            p for n, f in figures.items() for p in save.save_figure(f, folder / n, prov, formats)
        ]

    one, two = draw(tmp_path / "one"), draw(tmp_path / "two")
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_notebooks_run_on_the_demo(demo, demo_notebooks):
    for name in ("04_within_event_comparisons", "05_distinctive_language"):
        cells = json.loads(demo_notebooks[name].read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert code and all(c["execution_count"] for c in code), name  # every cell ran
        errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors
    figures = demo.figures_dir
    stems = ("within_event_effects", "pairwise_differences_own", "fightin_words_own")
    for stem in (*stems, "shares_by_group", "shares_by_group_single_column"):
        assert (figures / f"{stem}.pdf").exists() and (figures / f"{stem}.png").exists()


def test_a_study_without_event_ids_is_compared_within_inferred_events(make_study, build_root):
    # The tiny study: two outlets, no event ids, four days. Events are inferred; with so
    # few events the outlets may fall below min_events, and then every article says why.
    study = Study.load(make_study(extra={"compare": {"min_events": 2}}), build_root)
    run(study, targets=TARGETS)
    events = load_table(study, "events")
    assert set(events[S.EVENT_SOURCE]) == {"inferred"}
    units = load_table(study, "comparison_units")
    assert len(units) == 8 * units[S.VIEW].nunique() * units[S.BY].nunique()
    assert (units[S.INCLUDED] | (units[S.REASON] != "")).all()
    effects = load_table(study, "comparison_effects")
    by_outlet = units[units[S.BY] == "outlet"]
    included = set(by_outlet.loc[by_outlet[S.INCLUDED], S.OUTLET])
    assert set(effects.loc[effects[S.BY] == "outlet", S.LEVEL]) == included
    assert len(load_table(study, "fightin_words")) > 0
