"""Figures of levels of an outlet attribute (groups of outlets) in units a reader knows.

- ``group_shares``: per frame, each level's percentage of sentences taking each pole, on
  the average event, with intervals inside 0-100% and n per row (the headline figure);
- ``group_differences``: the differences between levels in percentage points, with
  their intervals, marking those significant after Benjamini–Hochberg.

Both take the ``comparison_effects`` / ``comparison_differences`` tables, return a
matplotlib figure, and return a figure holding a note (never raise) when there is
nothing to draw.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis import schema as S
from analysis.figures.style import EDGE, OKABE_ITO, add_note, figure_size, note_figure, panel_grid
from analysis.study import Codebook

VIEW_WORDS = {"all": "all sentences", "own": "own voice", "reported": "reported speech"}
POLE_COLORS = (OKABE_ITO[1], OKABE_ITO[0])  # first pole vermilion, second blue
MAX_LEVELS = 40


def _pole_label(frame, index: int) -> str:
    pole = frame.poles[index]
    return pole.label or pole.id.replace("_", " ")


def _level_label(row: pd.Series) -> str:
    return f"{row[S.LEVEL]}".replace("_", " ")


def _n_label(row: pd.Series) -> str:
    outlets = int(row[S.N_OUTLETS])
    if row[S.BY] == S.OUTLET:
        return f"{int(row[S.N_ARTICLES])} art."
    text = f"{outlets} outlet{'s' if outlets != 1 else ''}, {int(row[S.N_ARTICLES])} art."
    return text + ("" if row[S.RESAMPLED] == "events+outlets" else " †")


def outlet_share_table(outlet_poles: pd.DataFrame) -> pd.DataFrame:
    """``outlet_poles`` in the shape of ``comparison_effects`` (by = outlet, raw means
    over articles), so ``group_shares`` draws outlets too."""
    return outlet_poles.rename(columns={S.OUTLET: S.LEVEL, S.PERCENT: S.ESTIMATE}).assign(
        **{S.BY: S.OUTLET, S.MEASURE: "share", S.N_OUTLETS: 1, S.RESAMPLED: "events+outlets"}
    )


def group_shares(
    effects: pd.DataFrame,
    codebook: Codebook,
    by: str,
    view: str = "all",
    frames: Sequence[str] | None = None,
    columns: int = 2,
    ci: float = 0.95,
) -> Figure:
    """Per frame, each level's % of sentences taking each pole, with intervals.

    ``columns`` 1 gives a true single-column (89 mm) figure (frames stacked), 2 a
    double-column one. Levels with one outlet are marked † (their interval covers the
    events only, not other outlets of the kind).
    """
    data = effects[
        (effects[S.BY] == by) & (effects[S.VIEW] == view) & (effects[S.MEASURE] == "share")
    ]
    wanted = [f for f in codebook.frames if f.id in set(data[S.FRAME])]
    if frames is not None:
        wanted = [f for f in wanted if f.id in set(frames)]
    if not wanted:
        return note_figure(
            f"No shares to compare by {by} ({VIEW_WORDS.get(view, view)}): fewer than two "
            "levels with enough shared events.",
            columns,
        )
    levels = list(dict.fromkeys(data[S.LEVEL]))
    omitted = levels[MAX_LEVELS:]
    levels = levels[:MAX_LEVELS]
    if columns == 1:
        nrows, ncols = len(wanted), 1
        row_h = float(np.clip(2.4 / max(len(levels), 1), 0.1, 0.28))
        height = nrows * (row_h * len(levels) + 0.75) + 0.35
    else:
        nrows, ncols, row_h, height = panel_grid(len(wanted), len(levels), budget=5.5)
        row_h = max(row_h, 0.1)
        height = nrows * (row_h * len(levels) + 0.75) + 0.35
    width, _ = figure_size(columns)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, height), squeeze=False, sharex=True, sharey=True
    )
    y = np.arange(len(levels))[::-1].astype(float)
    largest = 0.0
    for ax, frame in zip(axes.flat, wanted, strict=False):
        sub = data[data[S.FRAME] == frame.id]
        for k, pole in enumerate(frame.poles):
            rows = sub[sub[S.POLE] == pole.id].set_index(S.LEVEL).reindex(levels)
            est = rows[S.ESTIMATE].to_numpy(dtype=float)
            low, high = rows[S.CI_LOW].to_numpy(dtype=float), rows[S.CI_HIGH].to_numpy(dtype=float)
            err = np.vstack([np.nan_to_num(est - low), np.nan_to_num(high - est)])
            dy = 0.14 if len(frame.poles) == 2 and k == 0 else -0.14 if k == 1 else 0.0
            ax.errorbar(
                est,
                y + dy,
                xerr=np.clip(err, 0, None),
                fmt="o" if k == 0 else "s",
                color=POLE_COLORS[k],
                mfc=POLE_COLORS[k] if k == 0 else "white",
                mec=EDGE if k == 0 else POLE_COLORS[k],
                ms=3.2,
                mew=0.5,
                capsize=1.2,
                elinewidth=0.8,
                label=_pole_label(frame, k),
            )
            if np.isfinite(high).any():
                largest = max(largest, float(np.nanmax(high)))
        first = sub.drop_duplicates(S.LEVEL).set_index(S.LEVEL).reindex(levels)
        labels = [
            f"{lv.replace('_', ' ')}\n{_n_label(r)}" if pd.notna(r[S.N_OUTLETS]) else lv
            for lv, (_, r) in zip(levels, first.iterrows(), strict=True)
        ]
        ax.set_yticks(y, labels, fontsize=5.5 if len(levels) <= 20 else 4.0)
        ax.set_ylim(-0.6, len(levels) - 0.4)
        ax.set_title(frame.label or frame.id, loc="left")
        ax.grid(axis="x")
        legend = ax.legend(loc="best", fontsize=5.5, handletextpad=0.2, framealpha=0.9)
        legend.get_frame().set_linewidth(0)  # a white backing keeps it legible over bars
    for ax in list(axes.flat)[len(wanted) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(f"% of sentences taking the pole ({VIEW_WORDS.get(view, view)})")
    axes[0, 0].set_xlim(0, max(5.0, min(100.0, largest * 1.08)))
    what = (
        "mean over articles"
        if by == S.OUTLET
        else f"by {by.replace('_', ' ')}, on the average event"
    )
    title = f"Share of sentences taking each pole, {what}; {ci:.0%} CIs"
    if columns == 1:  # a single column is 89 mm: wrap rather than widen the figure
        title = "\n".join(textwrap.wrap(title, 58))
    fig.suptitle(title, x=0.01, ha="left")
    notes = []
    if by != S.OUTLET and (data[S.RESAMPLED] == "events").any():
        notes.append("† one outlet: its interval resamples events only")
    if omitted:
        notes.append(f"{len(omitted)} more levels not shown (see comparison_effects)")
    if notes:
        add_note(fig, "; ".join(notes))
    return fig


def group_differences(
    differences: pd.DataFrame,
    codebook: Codebook,
    by: str,
    view: str = "all",
    measure: str = "share",
    fdr: float = 0.05,
    max_rows: int = 30,
    columns: int = 2,
) -> Figure:
    """Differences between levels (percentage points for shares), with intervals.

    One row per pair, frame and pole; filled markers: significant after BH at ``fdr``.
    With more rows than ``max_rows`` the largest differences are drawn and the figure
    says how many were left out.
    """
    data = differences[
        (differences[S.BY] == by)
        & (differences[S.VIEW] == view)
        & (differences[S.MEASURE] == measure)
    ].copy()
    if data.empty:
        return note_figure(f"No differences between {by} levels to show.", columns)
    pole_names = {p.id: p.label or p.id for f in codebook.frames for p in f.poles}
    data["_size"] = data[S.ESTIMATE].abs()
    total = len(data)
    data = data.sort_values([S.SIGNIFICANT, "_size"], ascending=False).head(max_rows)
    data = data.iloc[::-1]
    width, _ = figure_size(columns)
    height = 0.14 * len(data) + 0.9
    fig, ax = plt.subplots(figsize=(width, height))
    y = np.arange(len(data), dtype=float)
    est = data[S.ESTIMATE].to_numpy(dtype=float)
    err = np.vstack([est - data[S.CI_LOW].to_numpy(float), data[S.CI_HIGH].to_numpy(float) - est])
    sig = data[S.SIGNIFICANT].to_numpy(dtype=bool)
    for mask, filled in ((sig, True), (~sig, False)):
        ax.errorbar(
            est[mask],
            y[mask],
            xerr=np.nan_to_num(err[:, mask]),
            fmt="o",
            color=OKABE_ITO[0],
            mfc=OKABE_ITO[0] if filled else "white",
            ms=3,
            capsize=1.2,
            elinewidth=0.8,
        )
    labels = [
        f"{r[S.LEVEL_A]} − {r[S.LEVEL_B]}: "
        + (pole_names.get(r[S.POLE], r[S.POLE]) if pd.notna(r[S.POLE]) else r[S.FRAME])
        for _, r in data.iterrows()
    ]
    ax.set_yticks(y, [lab.replace("_", " ") for lab in labels], fontsize=5.5)
    ax.axvline(0, color="#999999", lw=0.6)
    unit = data[S.UNIT].iloc[0] if len(data) else ""
    ax.set_xlabel(f"difference ({unit}), {VIEW_WORDS.get(view, view)}")
    clipped = measure != "balance" and (np.nanmax(np.abs(err + np.abs(est))) > 100)
    if clipped:  # a difference of shares lies within ±100 points; so does the axis
        ax.set_xlim(-100, 100)
    ax.grid(axis="x")
    handles = [
        Line2D([], [], marker="o", ls="", color=OKABE_ITO[0], ms=3, label=f"q ≤ {fdr:g} (BH)"),
        Line2D([], [], marker="o", ls="", color=OKABE_ITO[0], mfc="white", ms=3, label="not"),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=5.5, frameon=False)
    fig.suptitle(
        f"Differences between {by.replace('_', ' ')} levels within events", x=0.01, ha="left"
    )
    if total > len(data):
        add_note(
            fig, f"{total - len(data)} smaller differences not shown (see comparison_differences)"
        )
    return fig
