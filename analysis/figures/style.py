"""Figure style for papers: one mplstyle, column sizes, stable outlet colours."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
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


def outlet_colors(outlets: Sequence[str]) -> dict[str, str]:
    """Colour per outlet, fixed by the order of ``outlets`` (the outlets.csv order).

    Pass the full outlet list of the study, not the subset a figure shows, so that an
    outlet keeps its colour in every figure.
    """
    palette = OKABE_ITO if len(outlets) <= len(OKABE_ITO) else TOL_MUTED
    return {o: palette[i] if i < len(palette) else OVERFLOW for i, o in enumerate(outlets)}
