"""Plot functions: tables in, matplotlib figures out. No I/O here."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis import schema as S
from analysis.figures.style import EDGE, figure_size, figure_title, hide_unused, outlet_colors
from analysis.study import Codebook


def _pole_label(codebook: Codebook, pole_id: str) -> str:
    for frame in codebook.frames:
        for pole in frame.poles:
            if pole.id == pole_id:
                return pole.label or pole.id.replace("_", " ")
    return pole_id


def outlet_frame_dots(
    outlet_frames: pd.DataFrame,
    codebook: Codebook,
    outlets: Sequence[str],
    ci: float = 0.95,
    view: str = "all",
) -> Figure:
    """One panel per frame: each outlet's framing balance with its bootstrap CI.

    Outlets are ordered top to bottom as in ``outlets`` (the outlets.csv order), so rows
    line up across panels and with every other figure.
    """
    table = (
        outlet_frames[outlet_frames[S.VIEW] == view] if S.VIEW in outlet_frames else outlet_frames
    )
    frames, shown, fig, axes = _frame_grid(table, codebook, outlets, row_height=0.2, pad=0.25)
    colors = outlet_colors(outlets)
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
        _frame_panel(ax, y, shown, codebook, frame)
        if not frame.bipolar:
            ax.set_xlabel(f"similarity to {_pole_label(codebook, frame.poles[0].id)}")
    hide_unused(axes, len(frames))
    figure_title(
        fig,
        f"Framing balance by outlet ({view} sentences): mean over articles, "
        f"{ci:.0%} bootstrap CI resampling articles",
    )
    return fig


def _frame_grid(
    table: pd.DataFrame, codebook: Codebook, outlets: list[str], row_height: float, pad: float
):
    """Frames and outlets of ``table``, and a grid with one panel per frame (two columns
    when there are several), ``row_height`` inches per outlet row."""
    frames = [f for f in codebook.frames if f.id in set(table[S.FRAME])]
    shown = [o for o in outlets if o in set(table[S.OUTLET])]
    ncols = 2 if len(frames) > 1 else 1
    nrows = int(np.ceil(len(frames) / ncols))
    width, _ = figure_size(2 if ncols == 2 else 1)
    height = row_height * len(shown) * nrows + 0.75 * nrows + pad
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), sharey=True, squeeze=False)
    return frames, shown, fig, axes


def _frame_panel(ax, y: np.ndarray, shown: list[str], codebook: Codebook, frame) -> None:
    """A frame's panel: outlets down the side, the frame's title, its pole ends."""
    ax.set_yticks(y, shown)
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
) -> Figure:
    """Per frame, each outlet's framing in its own voice next to the framing it reports.

    Filled circles: authorial sentences; open squares: quoted and scare-quoted ones. A
    gap between the two is an outlet quoting a framing it does not adopt.
    """
    frames, shown, fig, axes = _frame_grid(
        outlet_frames, codebook, outlets, row_height=0.24, pad=0.45
    )
    colors = outlet_colors(outlets)
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
        _frame_panel(ax, y, shown, codebook, frame)
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
