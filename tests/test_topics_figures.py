"""Topic figures: drawn from small tables, saved byte-identically, one panel per topic."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema as S
from analysis.figures import save, style
from analysis.figures.topics import (
    largest_topics,
    topic_outlet_dots,
    topic_term_bars,
    topic_time_lines,
    topic_title,
)

OUTLETS = ["Alpha News", "Beta Daily", "Gamma Wire"]
TOPICS = [-1, 0, 1, 2]


def labels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.TOPIC: TOPICS,
            S.LABEL: ["outliers", "harbour, ships, cargo", "election, ballots", "a" * 80],
        }
    )


def outlet_topics() -> pd.DataFrame:
    rows = []
    for i, outlet in enumerate(OUTLETS):
        for topic in TOPICS:
            mean = 0.1 + 0.05 * i + 0.02 * topic
            rows.append((outlet, topic, mean, mean - 0.04, mean + 0.05))
    return pd.DataFrame(rows, columns=[S.OUTLET, S.TOPIC, S.MEAN, S.CI_LOW, S.CI_HIGH])


def effects() -> pd.DataFrame:
    table = outlet_topics().rename(columns={S.MEAN: S.ESTIMATE})
    table[S.CI_LOW] -= 0.01
    return table


def topic_time() -> pd.DataFrame:
    periods = pd.date_range("2025-01-01", periods=4, freq="MS", tz="UTC")
    rows = [
        (outlet, period, topic, 0.1 * (1 + (i + j + topic) % 3))
        for i, outlet in enumerate(OUTLETS)
        for j, period in enumerate(periods)
        for topic in TOPICS
        if not (outlet == "Beta Daily" and j == 1)  # a gap: Beta published nothing then
    ]
    return pd.DataFrame(rows, columns=[S.OUTLET, S.PERIOD, S.TOPIC, S.MEAN])


def terms() -> pd.DataFrame:
    rows = [(t, r, f"term{t}_{r}", 1.0 / r) for t in TOPICS for r in range(1, 9)]
    return pd.DataFrame(rows, columns=[S.TOPIC, S.RANK, S.TERM, S.WEIGHT])


def draw_all():
    style.use_paper_style()
    shown = [0, 1, 2]
    return [
        topic_outlet_dots(outlet_topics(), effects(), labels(), OUTLETS, shown),
        topic_time_lines(topic_time(), labels(), OUTLETS, shown),
        topic_term_bars(terms(), labels(), shown),
    ]


@pytest.mark.slow
def test_topic_figures_are_byte_identical_across_runs(tmp_path):
    for name, first, second in zip(("dots", "time", "terms"), draw_all(), draw_all(), strict=True):
        a = save.save_figure(first, tmp_path / "one" / name, {"study": "t"})
        b = save.save_figure(second, tmp_path / "two" / name, {"study": "t"})
        for x, y in zip(a, b, strict=True):
            assert x.read_bytes() == y.read_bytes(), x.name


def test_one_visible_panel_per_topic_and_outlets_in_study_order():
    dots, time_fig, bars = draw_all()
    for fig in (dots, time_fig, bars):
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert len(visible) == 3
        assert visible[0].get_title(loc="left").startswith("0: harbour")
    ax = dots.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    by_height = sorted(zip(ax.get_yticks(), ticks, strict=True))
    assert [label for _, label in by_height][::-1] == OUTLETS  # first outlet on top
    # the time lines break where an outlet published nothing
    beta = [line for line in time_fig.axes[0].get_lines() if line.get_label() == "Beta Daily"]
    assert pd.isna(beta[0].get_ydata()[1])


def test_largest_topics_skip_outliers_and_titles_are_wrapped():
    info = pd.DataFrame({S.TOPIC: [-1, 0, 1, 2], S.N_UNITS: [50, 10, 30, 30]})
    assert largest_topics(info, 2) == [1, 2]
    assert largest_topics(info, 2, include_outliers=True) == [-1, 1]
    title = topic_title(2, labels())
    assert title.count("\n") == 1 and title.endswith("…")
