"""Plot functions: tables in, matplotlib figures out. No I/O here."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis import schema as S
from analysis.figures.style import (
    EDGE,
    figure_size,
    figure_title,
    group_legend,
    hide_unused,
    note_figure,
    outlet_colors,
    panel_grid,
)
from analysis.study import Codebook


def _pole_label(codebook: Codebook, pole_id: str) -> str:
    for frame in codebook.frames:
        for pole in frame.poles:
            if pole.id == pole_id:
                return pole.label or pole.id.replace("_", " ")
    return pole_id


def outlet_labels(shown: Sequence[str], n: pd.Series | None) -> list[str]:
    """Outlet names with the number of articles behind each point."""
    if n is None:
        return list(shown)
    return [f"{o} ({int(n.get(o, 0))})" for o in shown]


def outlet_frame_dots(
    outlet_frames: pd.DataFrame,
    codebook: Codebook,
    outlets: Sequence[str],
    ci: float = 0.95,
    view: str = "all",
    groups: dict[str, str] | None = None,
) -> Figure:
    """One panel per frame: each outlet's framing balance with its bootstrap CI.

    Outlets are ordered top to bottom as in ``outlets`` (the outlets.csv order), so rows
    line up across panels and with every other figure; the number of articles follows
    each name. With many outlets, panels sit side by side and outlets take their
    group's colour (``groups``: outlet -> group).
    """
    table = (
        outlet_frames[outlet_frames[S.VIEW] == view] if S.VIEW in outlet_frames else outlet_frames
    )
    frames = [f for f in codebook.frames if f.id in set(table[S.FRAME])]
    colors = outlet_colors(outlets, groups)
    shown = [o for o in outlets if o in set(table[S.OUTLET])]
    if not frames or not shown:
        return note_figure("No outlet scores to draw: the study has no scored articles.", 2)
    nrows, ncols, _, height = panel_grid(len(frames), len(shown))
    width, _ = figure_size(2 if ncols > 1 else 1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), sharey=True, squeeze=False)
    n_articles = table.groupby(S.OUTLET)[S.N_ARTICLES].max()
    y = np.arange(len(shown))[::-1]
    for ax, frame in zip(axes.flat, frames, strict=False):
        sub = table[table[S.FRAME] == frame.id].set_index(S.OUTLET).reindex(shown)
        mean = sub[S.MEAN].to_numpy()
        err = np.vstack([mean - sub[S.CI_LOW].to_numpy(), sub[S.CI_HIGH].to_numpy() - mean])
        ax.axvline(0, color="#999999", lw=0.5, zorder=0)
        for i, outlet in enumerate(shown):
            ax.errorbar(
                mean[i],
                y[i],
                xerr=err[:, i : i + 1],
                fmt="o",
                color=colors[outlet],
                ms=3.5,
                mec=EDGE,
                mew=0.4,
                capsize=1.5,
                elinewidth=0.8,
            )
        _frame_panel(ax, y, shown, n_articles, codebook, frame)
        if not frame.bipolar:
            ax.set_xlabel(f"similarity to {_pole_label(codebook, frame.poles[0].id)}")
    hide_unused(axes, len(frames))
    group_legend(fig, {o: colors[o] for o in shown}, groups)
    figure_title(
        fig,
        f"Framing balance by outlet ({view} sentences): mean over articles, "
        f"{ci:.0%} bootstrap CI resampling articles",
    )
    return fig


def _tick_size(n: int) -> float:
    return float(min(6.5, max(4.0, 150 / max(n, 1))))


def _frame_panel(
    ax, y: np.ndarray, shown: list[str], n_articles: pd.Series, codebook: Codebook, frame
) -> None:
    """A frame's panel: outlets (with their article counts) down the side, the frame's
    title, its pole ends."""
    ax.set_yticks(y, outlet_labels(shown, n_articles), fontsize=_tick_size(len(shown)))
    ax.set_title(frame.label or frame.id, loc="left")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.grid(axis="x")
    if frame.bipolar:
        _pole_ends(ax, codebook, frame)


def _pole_ends(ax, codebook: Codebook, frame) -> None:
    """Pole names under the axis ends, so the direction is read off the panel itself."""
    a, b = (_pole_label(codebook, p.id) for p in frame.poles)
    for text, x, ha in ((f"← {b}", 0, "left"), (f"{a} →", 1, "right")):
        ax.annotate(
            text,
            (x, 0),
            xycoords="axes fraction",
            xytext=(0, -13),
            textcoords="offset points",
            ha=ha,
            va="top",
            size=6,
        )


def own_vs_reported(
    outlet_frames: pd.DataFrame,
    codebook: Codebook,
    outlets: Sequence[str],
    ci: float = 0.95,
    groups: dict[str, str] | None = None,
) -> Figure:
    """Per frame, each outlet's framing in its own voice next to the framing it reports.

    Filled circles: authorial sentences; open squares: quoted and scare-quoted ones. A
    gap between the two is an outlet quoting a framing it does not adopt.
    """
    frames = [f for f in codebook.frames if f.id in set(outlet_frames[S.FRAME])]
    colors = outlet_colors(outlets, groups)
    shown = [o for o in outlets if o in set(outlet_frames[S.OUTLET])]
    if not frames or not shown:
        return note_figure("No outlet scores to draw: the study has no scored articles.", 2)
    nrows, ncols, _, height = panel_grid(len(frames), len(shown), extra=0.9)
    width, _ = figure_size(2 if ncols > 1 else 1)
    n_articles = outlet_frames[outlet_frames[S.VIEW] == "all"].groupby(S.OUTLET)[S.N_ARTICLES].max()
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), sharey=True, squeeze=False)
    y = np.arange(len(shown))[::-1].astype(float)
    styles = {"own": ("o", 0.14, True), "reported": ("s", -0.14, False)}
    for ax, frame in zip(axes.flat, frames, strict=False):
        ax.axvline(0, color="#999999", lw=0.5, zorder=0)
        for view, (marker, dy, filled) in styles.items():
            sub = outlet_frames[
                (outlet_frames[S.FRAME] == frame.id) & (outlet_frames[S.VIEW] == view)
            ]
            sub = sub.set_index(S.OUTLET).reindex(shown)
            mean = sub[S.MEAN].to_numpy()
            err = np.vstack([mean - sub[S.CI_LOW].to_numpy(), sub[S.CI_HIGH].to_numpy() - mean])
            for i, outlet in enumerate(shown):
                if np.isnan(mean[i]):
                    continue
                c = colors[outlet]
                ax.errorbar(
                    mean[i],
                    y[i] + dy,
                    xerr=np.nan_to_num(err[:, i : i + 1]),
                    fmt=marker,
                    color=c,
                    mfc=c if filled else "white",
                    mec=c if not filled else EDGE,
                    mew=0.6 if not filled else 0.4,
                    ms=3.2,
                    capsize=1.2,
                    elinewidth=0.7,
                )
        _frame_panel(ax, y, shown, n_articles, codebook, frame)
    hide_unused(axes, len(frames))
    handles = [
        plt.Line2D(
            [], [], marker="o", ls="", color="#555555", ms=3.5, label="own voice (authorial)"
        ),
        plt.Line2D(
            [],
            [],
            marker="s",
            ls="",
            color="#555555",
            mfc="white",
            ms=3.5,
            label="reported (quoted, scare-quoted)",
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    figure_title(
        fig,
        f"Own voice vs reported framing by outlet: mean over articles, {ci:.0%} bootstrap CI",
    )
    return fig
