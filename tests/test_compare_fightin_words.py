"""Fightin' Words: hand calculation, tokenisation, comparisons, voices."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.compare import FightinWords, distinctive_words, log_odds_z


def test_z_scores_match_a_hand_calculation():
    # Group i: "war war peace" (n=3); group j: "peace peace peace war" (n=4).
    # Prior: the pooled counts (war 3, peace 4) scaled to alpha_0 = 7, i.e. alpha = (3, 4).
    # war:   delta = log((2+3)/(3+7-2-3)) - log((1+3)/(4+7-1-3)) = log(5/5) - log(4/7)
    #        var   = 1/(2+3) + 1/(1+3) = 0.45
    # peace: delta = log((1+4)/(3+7-1-4)) - log((3+4)/(4+7-3-4)) = log(5/5) - log(7/4)
    #        var   = 1/(1+4) + 1/(3+4) = 12/35
    model = FightinWords(prior_scale=7, min_count=1).fit(
        ["war war peace", "peace peace peace war"], ["i", "j"]
    )
    table = model.pairwise().set_index(S.WORD)
    assert table.loc["war", S.DELTA] == pytest.approx(math.log(7 / 4))
    assert table.loc["war", S.Z] == pytest.approx(math.log(7 / 4) / math.sqrt(0.45))
    assert table.loc["peace", S.DELTA] == pytest.approx(-math.log(7 / 4))
    assert table.loc["peace", S.Z] == pytest.approx(-math.log(7 / 4) / math.sqrt(12 / 35))
    assert table.loc["war", S.COUNT] == 2 and table.loc["war", S.COUNT_REFERENCE] == 1
    assert table.loc["war", S.FREQUENCY] == 3
    assert (table[S.OUTLET] == "i").all() and (table[S.REFERENCE] == "j").all()
    delta, _ = log_odds_z(np.array([2, 1]), np.array([1, 3]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(delta, [math.log(7 / 4), -math.log(7 / 4)])


def test_tokens_are_lowercased_words_without_numbers_or_quote_marks():
    model = FightinWords(min_count=1).fit(
        ["Dravenia's soldiers' 2025 ‘heroic’ troops", "The “heroic” troops"], ["a", "b"]
    )
    assert set(model.vocabulary_) == {"dravenia's", "soldiers", "heroic", "troops", "the"}


def test_versus_rest_pools_the_other_groups():
    texts = ["alpha alpha beta", "beta gamma", "gamma gamma alpha", "beta"]
    groups = ["x", "y", "z", "y"]
    model = FightinWords(prior_scale=10, min_count=1).fit(texts, groups, order=["z", "x", "y"])
    assert model.groups_.tolist() == ["z", "x", "y"]
    table = model.versus_rest()
    x = table[table[S.OUTLET] == "x"].set_index(S.WORD)
    k = model.groups_.tolist().index("x")
    rest = model.counts_.sum(axis=0) - model.counts_[k]
    _, z = log_odds_z(model.counts_[k], rest, model.alpha_)
    np.testing.assert_allclose(x.loc[model.vocabulary_, S.Z], z)
    assert (table[S.REFERENCE] == S.REST).all()


def test_rare_words_are_not_reported_but_count_in_totals():
    model = FightinWords(prior_scale=5, min_count=2).fit(["a a b", "a c c"], ["x", "y"])
    table = model.versus_rest()
    assert set(table[S.WORD]) == {"a", "c"}  # b was seen once
    assert model.counts_.sum() == 6


def test_pairwise_keeps_the_top_words_on_each_side():
    texts = ["red red red blue green", "blue blue blue green red", "green"]
    model = FightinWords(prior_scale=3, min_count=1, pairwise_top=1).fit(texts, ["p", "q", "r"])
    pair = model.pairwise()
    pq = pair[(pair[S.OUTLET] == "p") & (pair[S.REFERENCE] == "q")]
    assert set(pq[S.WORD]) == {"red", "blue"}  # most toward p, most toward q
    assert len(pair.groupby([S.OUTLET, S.REFERENCE])) == 3


def sentences(with_voice: bool) -> pd.DataFrame:
    rows = [
        ("d1", "X", "The glorious heroes defended the homeland.", "authorial"),
        ("d1", "X", "“They died for nothing,” a mother said.", "quoted"),
        ("d2", "Y", "The conscripts were sent to die.", "authorial"),
        ("d2", "Y", "“Our heroes are immortal,” the marshal said.", "quoted"),
        ("d3", "Y", "A syndicated copy.", "authorial"),
    ]
    table = pd.DataFrame(rows, columns=[S.DOC_ID, S.OUTLET, S.TEXT, S.VOICE])
    return table if with_voice else table.drop(columns=S.VOICE)


def test_views_follow_the_voice_of_sentences():
    model = FightinWords(prior_scale=10, min_count=1)
    table = distinctive_words(sentences(True), ["d1", "d2"], model, ["X", "Y"])
    assert set(table[S.VIEW]) == {"all", "own", "reported"}
    own = table[(table[S.VIEW] == "own") & (table[S.OUTLET] == "X")]
    reported = table[(table[S.VIEW] == "reported") & (table[S.OUTLET] == "X")]
    assert "glorious" in set(own[S.WORD]) and "glorious" not in set(reported[S.WORD])
    assert "mother" in set(reported[S.WORD]) and "mother" not in set(own[S.WORD])
    assert "syndicated" not in set(table[S.WORD])  # d3 was not among the doc ids


def test_without_voices_only_all_text_is_compared():
    model = FightinWords(prior_scale=10, min_count=1)
    table = distinctive_words(sentences(False), ["d1", "d2"], model, ["X", "Y"])
    assert set(table[S.VIEW]) == {"all"}
    assert set(table[S.REFERENCE]) == {S.REST, "Y"}


def test_nothing_to_compare_gives_an_empty_valid_table():
    model = FightinWords()
    table = distinctive_words(sentences(True), [], model, ["X", "Y"])
    assert table.empty and list(table.columns) == list(S.FIGHTIN_WORDS.columns)


@pytest.mark.parametrize("palette", ["OKABE_ITO", "TOL_MUTED"])
def test_word_labels_are_legible_on_white_in_every_outlet_colour(palette):
    from analysis.figures import style
    from analysis.figures.compare import _darker, _luminance

    for color in getattr(style, palette):
        label = _darker(color)
        contrast = 1.05 / (_luminance(label) + 0.05)
        assert contrast >= 4.5, (color, label, contrast)
        # and the hue is kept: only colours too pale for text are darkened
        if _luminance(matplotlib_rgb(color)) <= 0.18:
            assert label == matplotlib_rgb(color)


def matplotlib_rgb(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(color)
