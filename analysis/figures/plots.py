"""Plot functions: tables in, matplotlib figures out. No I/O here."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import schema as S
from analysis.figures.style import figure_size, outlet_colors
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
) -> Figure:
    """One panel per frame: each outlet's mean position with its bootstrap CI.

    Outlets are ordered top to bottom as in ``outlets`` (the outlets.csv order), so rows
    line up across panels and with every other figure.
    """
    frames = [f for f in codebook.frames if f.id in set(outlet_frames[S.FRAME])]
    colors = outlet_colors(outlets)
    shown = [o for o in outlets if o in set(outlet_frames[S.OUTLET])]
    ncols = 2 if len(frames) > 1 else 1
    nrows = int(np.ceil(len(frames) / ncols))
    width, _ = figure_size(2 if ncols == 2 else 1)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(width, 0.22 * len(shown) * nrows + 0.55 * nrows + 0.2),
        sharey=True,
        squeeze=False,
    )
    y = np.arange(len(shown))[::-1]
    for ax, frame in zip(axes.flat, frames, strict=False):
        sub = outlet_frames[outlet_frames[S.FRAME] == frame.id].set_index(S.OUTLET).reindex(shown)
        mean = sub[S.MEAN].to_numpy()
        low = mean - sub[S.CI_LOW].to_numpy()
        high = sub[S.CI_HIGH].to_numpy() - mean
        ax.axvline(0, color="#999999", lw=0.5, zorder=0)
        for yi, outlet, m, lo, hi in zip(y, shown, mean, low, high, strict=True):
            ax.errorbar(
                m,
                yi,
                xerr=[[lo], [hi]],
                fmt="o",
                color=colors[outlet],
                ms=3.5,
                capsize=1.5,
                elinewidth=0.8,
            )
        ax.set_yticks(y, shown)
        ax.set_title(frame.label or frame.id, loc="left")
        if frame.bipolar:
            a, b = (_pole_label(codebook, p.id) for p in frame.poles)
            ax.set_xlabel(f"← {b}    position    {a} →")
        else:
            ax.set_xlabel(f"similarity to {_pole_label(codebook, frame.poles[0].id)}")
        ax.grid(axis="x")
    for ax in list(axes.flat)[len(frames) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"Outlet framing: mean sentence position per article, {ci:.0%} bootstrap CI over articles",
        x=0.01,
        ha="left",
    )
    return fig
