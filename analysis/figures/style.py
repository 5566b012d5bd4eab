"""Figure style for papers: one mplstyle, column sizes, stable outlet colours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

STYLE_FILE = Path(__file__).with_name("paper.mplstyle")
MM = 1 / 25.4
# Common journal column widths: 89 mm single column, 183 mm double column.
SINGLE_COLUMN = 89 * MM
DOUBLE_COLUMN = 183 * MM

# Okabe & Ito (2008): distinguishable under the common forms of colour blindness.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
# Paul Tol's "muted" scheme, for studies with more outlets than Okabe–Ito has colours.
TOL_MUTED = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#DDDDDD",
]
OVERFLOW = "#7f7f7f"
# Thin dark marker edge: keeps light palette colours (Okabe–Ito yellow) visible on white.
EDGE = "#333333"


def use_paper_style() -> None:
    mpl.style.use(STYLE_FILE)


def figure_title(fig: Figure, text: str) -> None:
    """The figure's title, flush left."""
    fig.suptitle(text, x=0.01, ha="left")


def hide_unused(axes: np.ndarray, n_used: int) -> None:
    """Hide the panels of a grid after the first ``n_used``."""
    for ax in list(axes.flat)[n_used:]:
        ax.set_visible(False)


def figure_size(
    columns: int = 1, aspect: float = 0.75, height: float | None = None
) -> tuple[float, float]:
    """(width, height) in inches for a one- or two-column figure."""
    width = SINGLE_COLUMN if columns == 1 else DOUBLE_COLUMN
    return width, height if height is not None else width * aspect


def outlet_colors(
    outlets: Sequence[str], groups: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Colour per outlet, fixed by the order of ``outlets`` (the outlets.csv order).

    Pass the full outlet list of the study, not the subset a figure shows, so that an
    outlet keeps its colour in every figure. With more outlets than Okabe–Ito has
    colours, outlets take their group's colour (``groups``: outlet -> group), so 60
    outlets in five groups read as five colours rather than ten and then grey.
    """
    if len(outlets) > len(OKABE_ITO) and groups:
        by_group = level_colors(list(dict.fromkeys(groups.get(o, "") for o in outlets)))
        return {o: by_group[groups.get(o, "")] for o in outlets}
    palette = OKABE_ITO if len(outlets) <= len(OKABE_ITO) else TOL_MUTED
    return {o: palette[i] if i < len(palette) else OVERFLOW for i, o in enumerate(outlets)}


def level_colors(levels: Sequence[str]) -> dict[str, str]:
    """Colour per level of an attribute (Okabe–Ito, then Tol muted, then grey)."""
    palette = OKABE_ITO if len(levels) <= len(OKABE_ITO) else TOL_MUTED
    return {v: palette[i] if i < len(palette) else OVERFLOW for i, v in enumerate(levels)}


def row_height(n_rows: int, budget: float = 6.0, low: float = 0.075, high: float = 0.2) -> float:
    """Inches per row so that ``n_rows`` rows fit a figure of about ``budget`` inches."""
    return float(min(high, max(low, budget / max(n_rows, 1))))


def add_note(fig: Figure, text: str) -> None:
    """A footnote under the figure: what is left out and why, or how to read a mark."""
    fig.text(0.01, 0.0, text, fontsize=5.5, ha="left", va="top", color="#333333", wrap=True)


NOT_ENOUGH_DATA = "Not enough data for this figure"


def note_figure(text: str, columns: int = 1) -> Figure:
    """A small figure that says why there is nothing to draw (never an exception).

    The reason is kept on the figure as ``not_enough_data``: the provenance sidecar
    records it and the overview page lists the figure with it."""
    width, _ = figure_size(columns)
    fig, ax = plt.subplots(figsize=(width, 0.9))
    ax.axis("off")
    ax.text(0.0, 0.75, f"{NOT_ENOUGH_DATA}.", ha="left", va="center", fontsize=7, weight="bold")
    ax.text(0.0, 0.35, text, ha="left", va="center", fontsize=7, wrap=True)
    fig.not_enough_data = text
    return fig


def panel_grid(
    n_panels: int, n_rows: int, budget: float = 6.0, extra: float = 0.75
) -> tuple[int, int, float, float]:
    """(nrows, ncols, row height, figure height) for panels of ``n_rows`` outlet rows each.

    Few outlets: two panels a row (the familiar layout). Many: every panel side by side
    (up to four), sharing the outlet axis, so the figure grows with the outlets only
    once and 60 outlets still fit a page.
    """
    n_panels = max(n_panels, 1)
    ncols = min(n_panels, 2 if n_rows <= 12 else 4)
    nrows = int(-(-n_panels // ncols))
    height_each = row_height(n_rows * nrows, budget)
    return nrows, ncols, height_each, nrows * (height_each * n_rows + extra) + 0.3


def group_legend(
    fig: Figure,
    colors: Mapping[str, str],
    groups: Mapping[str, str] | None,
    loc: str = "outside lower center",
) -> None:
    """When outlets are coloured by group, a legend saying which colour is which group."""
    if not groups:
        return
    levels = list(dict.fromkeys(groups[o] for o in colors if o in groups))
    if len(set(colors.values())) == len(colors):  # a colour per outlet: names say it all
        return
    handles = [
        plt.Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=colors[next(o for o in colors if groups.get(o) == g)],
            ms=3.5,
            label=str(g).replace("_", " "),
        )
        for g in levels
    ]
    fig.legend(
        handles=handles, loc="outside lower center", ncols=min(5, len(handles)), frameon=False
    )
