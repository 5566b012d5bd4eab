"""Figures of the within-event comparisons and of distinctive words (tables in, figures out).

- ``effects_forest``: each outlet's within-event effect per frame, with its interval;
- ``pairwise_matrix``: outlet x outlet differences per frame, marking those significant
  after Benjamini–Hochberg;
- ``fightin_words_plot`` / ``fightin_words_grid``: z-score against word frequency, with
  the most distinctive words labelled (Monroe, Colaresi & Quinn 2008, their Fig. 4 style).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis import schema as S
from analysis.figures.style import (
    add_note,
    figure_size,
    figure_title,
    group_legend,
    hide_unused,
    note_figure,
    outlet_colors,
    panel_grid,
)
from analysis.study import Codebook

VIEW_LABELS = {"all": "all text", "own": "own voice", "reported": "reported speech"}
_VIEW_MARKERS = {"all": "o", "own": "s", "reported": "D"}
_Z_CRITICAL = 1.96
_NEUTRAL = "#bdbdbd"
_BELOW = "#777777"


def _darker(color: str, max_luminance: float = 0.18) -> tuple[float, float, float]:
    """The colour mixed with black until it reads as text on white.

    Relative luminance at most 0.18 gives a contrast of at least 4.5:1 with white (WCAG
    AA); the palette's yellow and sky blue need far more darkening than its blue.
    """
    rgb = to_rgb(color)
    for step in range(21):
        shade = tuple(c * (1 - step / 20) for c in rgb)
        if _luminance(shade) <= max_luminance:
            return shade
    return (0.0, 0.0, 0.0)


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _frames(codebook: Codebook, present: set[str]):
    return [f for f in codebook.frames if f.id in present]


def _axis_label(codebook: Codebook, frame_id: str, what: str) -> str:
    frame = codebook.frame(frame_id)
    poles = [p.label or p.id.replace("_", " ") for p in frame.poles]
    if len(poles) == 2:
        return f"{what}\n← {poles[1]}  |  {poles[0]} →"
    return f"{what} (toward {poles[0]})"


def _grid(n: int, ncols: int = 2) -> tuple[int, int]:
    ncols = ncols if n > 1 else 1
    return int(np.ceil(n / ncols)), ncols


def outlet_effects(effects: pd.DataFrame, measure: str = "balance") -> pd.DataFrame:
    """The by-outlet rows of ``comparison_effects`` as outlet effects: outlet, estimate
    (the effect: distance from the mean of outlets) and its interval."""
    rows = effects[(effects[S.BY] == S.OUTLET) & (effects[S.MEASURE] == measure)]
    if measure != "balance":
        rows = rows[rows[S.POLE].notna()]
    return rows.rename(columns={S.LEVEL: S.OUTLET}).assign(
        **{S.ESTIMATE: rows[S.DIFF], S.CI_LOW: rows[S.DIFF_CI_LOW], S.CI_HIGH: rows[S.DIFF_CI_HIGH]}
    )


def effects_forest(
    effects: pd.DataFrame,
    codebook: Codebook,
    outlets: Sequence[str],
    views: Sequence[str] | None = None,
    ci: float = 0.95,
    groups: dict[str, str] | None = None,
) -> Figure:
    """One panel per frame: outlets' within-event effects (vs the mean of outlets) with CIs.

    ``effects`` is ``comparison_effects`` (its by-outlet balance rows are drawn). Several
    views are drawn side by side in each row (marker per view); outlets are ordered as
    in ``outlets`` (the outlets.csv order), coloured as everywhere else.
    """
    effects = outlet_effects(effects)
    views = list(views or [v for v in S.VIEWS if v in set(effects[S.VIEW])])
    data = effects[effects[S.VIEW].isin(views)]
    frames = _frames(codebook, set(data[S.FRAME]))
    colors = outlet_colors(outlets, groups)
    shown = [o for o in outlets if o in set(data[S.OUTLET])]
    if not frames or not shown:
        return note_figure("No outlets to compare within events (see comparison_units).", 2)
    nrows, ncols, _, height = panel_grid(len(frames), len(shown), extra=0.8)
    width, _ = figure_size(2 if ncols > 1 else 1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), sharey=True, squeeze=False)
    n_articles = data.groupby(S.OUTLET)[S.N_ARTICLES].max()
    y = np.arange(len(shown))[::-1].astype(float)
    offsets = (np.arange(len(views)) - (len(views) - 1) / 2) * (0.6 / max(1, len(views)))
    for ax, frame in zip(axes.flat, frames, strict=False):
        ax.axvline(0, color="#999999", lw=0.5, zorder=0)
        for view, dy in zip(views, offsets, strict=True):
            sub = data[(data[S.FRAME] == frame.id) & (data[S.VIEW] == view)]
            sub = sub.set_index(S.OUTLET).reindex(shown)
            for yi, outlet in zip(y, shown, strict=True):
                row = sub.loc[outlet]
                if pd.isna(row[S.ESTIMATE]):
                    continue
                lo = row[S.ESTIMATE] - row[S.CI_LOW]
                hi = row[S.CI_HIGH] - row[S.ESTIMATE]
                ax.errorbar(
                    row[S.ESTIMATE],
                    yi - dy,
                    xerr=None if pd.isna(lo) else [[lo], [hi]],
                    fmt=_VIEW_MARKERS.get(view, "o"),
                    color=colors[outlet],
                    mfc=colors[outlet] if view == views[0] else "white",
                    ms=3,
                    capsize=1.2,
                    elinewidth=0.7,
                )
        ax.set_yticks(
            y,
            [f"{o} ({int(n_articles.get(o, 0))})" for o in shown],
            fontsize=min(6.5, max(4.0, 150 / len(shown))),
        )
        ax.set_title(frame.label or frame.id, loc="left")
        ax.set_xlabel(_axis_label(codebook, frame.id, "within-event effect"))
        ax.grid(axis="x")
    hide_unused(axes, len(frames))
    if len(views) > 1:
        handles = [
            Line2D(
                [],
                [],
                marker=_VIEW_MARKERS.get(v, "o"),
                ls="",
                color="#444444",
                mfc="#444444" if i == 0 else "white",
                ms=3,
                label=VIEW_LABELS.get(v, v),
            )
            for i, v in enumerate(views)
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(views), frameon=False)
    else:
        group_legend(fig, {o: colors[o] for o in shown}, groups)
    which = f" in {VIEW_LABELS.get(views[0], views[0])}" if len(views) == 1 else ""
    figure_title(
        fig,
        f"Outlet effects within events{which} (distance from the mean of outlets), "
        f"{ci:.0%} CIs resampling events",
    )
    return fig


def _abbreviate(name: str, limit: int = 14) -> str:
    if len(name) <= limit:
        return name
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    initials = "".join(w[0].upper() for w in words if w.lower() not in {"the", "of", "and"})
    return initials or name[:limit]


def pairwise_matrix(
    pairs: pd.DataFrame,
    codebook: Codebook,
    outlets: Sequence[str],
    view: str = "all",
    fdr: float = 0.05,
    abbreviate: bool = True,
) -> Figure:
    """One panel per frame: cell (row r, column c) is outlet r minus outlet c, within events.

    ``pairs`` is ``comparison_differences`` (its by-outlet balance rows are drawn). Colour
    shows the difference (one symmetric scale for all panels); a dot marks the pairs
    whose BH-adjusted p-value is at or below ``fdr``.
    """
    pairs = pairs[(pairs[S.BY] == S.OUTLET) & (pairs[S.MEASURE] == "balance")].rename(
        columns={S.LEVEL_A: S.OUTLET_A, S.LEVEL_B: S.OUTLET_B}
    )
    data = pairs[pairs[S.VIEW] == view]
    frames = _frames(codebook, set(data[S.FRAME]))
    shown = [o for o in outlets if o in set(data[S.OUTLET_A]) | set(data[S.OUTLET_B])]
    if not frames or len(shown) < 2:
        return note_figure("No pairs of outlets to compare within events.", 2)
    index = {o: i for i, o in enumerate(shown)}
    labels = [_abbreviate(o) if abbreviate else o for o in shown]
    k = len(shown)
    limit = float(np.nanmax(np.abs(data[S.ESTIMATE]))) if len(data) else 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-limit or -1, vmax=limit or 1)
    nrows, ncols = _grid(len(frames))
    width, _ = figure_size(2 if ncols == 2 else 1)
    panel = width / ncols
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, panel * 0.95 * nrows + 0.5), squeeze=False
    )
    image = None
    for ax, frame in zip(axes.flat, frames, strict=False):
        grid = np.full((k, k), np.nan)
        significant = np.zeros((k, k), dtype=bool)
        sub = data[data[S.FRAME] == frame.id]
        for a, b, est, sig in zip(
            sub[S.OUTLET_A], sub[S.OUTLET_B], sub[S.ESTIMATE], sub[S.Q_VALUE] <= fdr, strict=True
        ):
            i, j = index[a], index[b]
            grid[i, j], grid[j, i] = est, -est
            significant[i, j] = significant[j, i] = bool(sig)
        image = ax.imshow(grid, cmap="RdBu_r", norm=norm)
        rows, cols = np.nonzero(significant)
        dark = np.abs(grid[rows, cols]) > 0.6 * limit  # white dots on the darkest cells
        ax.scatter(cols, rows, s=6, c=np.where(dark, "white", "black"), marker="o", linewidths=0)
        size = min(6.5, max(3.5, 120 / k))
        ax.set_xticks(
            range(k), labels, rotation=45, ha="right", rotation_mode="anchor", fontsize=size
        )
        ax.set_yticks(range(k), labels, fontsize=size)
        ax.set_title(frame.label or frame.id, loc="left")
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
    hide_unused(axes, len(frames))
    if image is not None:
        bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.6, aspect=30)
        bar.set_label("row outlet − column outlet (toward first pole →)")
    short = [
        f"{label} = {name}" for label, name in zip(labels, shown, strict=True) if label != name
    ]
    if short:
        add_note(fig, "; ".join(short))
    figure_title(
        fig,
        f"Within-event differences between outlets ({VIEW_LABELS.get(view, view)}); "
        f"• significant at FDR {fdr:g} (Benjamini–Hochberg)",
    )
    return fig


def _spread(values: np.ndarray, gap: float) -> np.ndarray:
    """Label positions near ``values`` with at least ``gap`` between neighbours."""
    order = np.argsort(values)
    placed = values[order].astype(float).copy()
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    shift = (placed - values[order]).mean()  # re-centre on the points
    placed -= shift
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    out = np.empty_like(placed)
    out[order] = placed
    return out


def fightin_words_plot(
    words: pd.DataFrame,
    outlet: str,
    reference: str = S.REST,
    view: str = "all",
    top: int = 10,
    color: str = "#0072B2",
    ax=None,
) -> Figure:
    """z-score against word frequency for one comparison; the ``top`` words each way labelled.

    Points beyond ±1.96 are coloured (the outlet's colour above, dark grey below).
    """
    data = words[
        (words[S.VIEW] == view) & (words[S.OUTLET] == outlet) & (words[S.REFERENCE] == reference)
    ]
    if ax is None:
        fig, ax = plt.subplots(figsize=figure_size(1, 0.8))
    else:
        fig = ax.figure
    x = np.log10(data[S.FREQUENCY].to_numpy(dtype=float))
    z = data[S.Z].to_numpy()
    up, down = z >= _Z_CRITICAL, z <= -_Z_CRITICAL
    mid = ~(up | down)
    ax.scatter(x[mid], z[mid], s=2, c=_NEUTRAL, linewidths=0, rasterized=len(z) > 5000)
    ax.scatter(x[up], z[up], s=4, c=color, linewidths=0)
    ax.scatter(x[down], z[down], s=4, c=_BELOW, linewidths=0)
    for level in (_Z_CRITICAL, -_Z_CRITICAL):
        ax.axhline(level, color="#999999", lw=0.4, ls="--", zorder=0)
    ax.axhline(0, color="#999999", lw=0.4, zorder=0)
    span = (np.nanmax(z) - np.nanmin(z)) if len(z) else 1.0
    gap = 0.055 * max(span, 4.0)
    xmax = np.nanmax(x) if len(x) else 1.0
    low, high = (np.nanmin(z), np.nanmax(z)) if len(z) else (-1.0, 1.0)
    for side in (1, -1):
        pick = np.argsort(-side * z)[:top]
        pick = pick[side * z[pick] > _Z_CRITICAL]
        if not len(pick):
            continue
        label_y = _spread(z[pick], gap)
        low, high = min(low, label_y.min()), max(high, label_y.max())
        label_x = xmax + 0.15
        for i, yl in zip(pick, label_y, strict=True):
            word = data[S.WORD].iloc[i]
            ax.annotate(
                word,
                (x[i], z[i]),
                xytext=(label_x, yl),
                textcoords="data",
                fontsize=5.5,
                va="center",
                color=_darker(color) if side > 0 else _BELOW,
                arrowprops={"arrowstyle": "-", "lw": 0.3, "color": "#aaaaaa", "shrinkA": 0},
            )
    ax.set_xlim(right=xmax + 1.0 if len(x) else 1.0)
    ax.set_ylim(low - gap, high + gap)
    ax.set_xlabel("word frequency (log10 count)")
    ax.set_ylabel("z-score (log-odds, informative prior)")
    versus = "the other outlets" if reference == S.REST else reference
    ax.set_title(f"{outlet} vs {versus} ({VIEW_LABELS.get(view, view)})", loc="left")
    return fig


def fightin_words_grid(
    words: pd.DataFrame,
    outlets: Sequence[str],
    view: str = "all",
    top: int = 6,
    ncols: int = 2,
    max_panels: int = 12,
    groups: dict[str, str] | None = None,
) -> Figure:
    """Each outlet against the rest, one panel per outlet, in the outlets.csv order.

    At most ``max_panels`` panels (the outlets with the most words); the figure names
    how many outlets are left out, and ``fightin_words.parquet`` holds them all.
    """
    colors = outlet_colors(outlets, groups)
    data = words[(words[S.VIEW] == view) & (words[S.REFERENCE] == S.REST)]
    present = [o for o in outlets if o in set(data[S.OUTLET])]
    if not present:
        return note_figure(f"No distinctive words to show ({VIEW_LABELS.get(view, view)}).", 2)
    volume = data.groupby(S.OUTLET)[S.COUNT].sum()
    keep = set(volume.loc[present].sort_values(ascending=False).index[:max_panels])
    shown = [o for o in present if o in keep]
    left_out = [o for o in present if o not in keep]
    if len(shown) > 6:
        ncols = 3  # four columns leave no room for the word labels right of each panel
    nrows, ncols = _grid(len(shown), ncols)
    width, _ = figure_size(2)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, 1.9 * nrows + 0.3), squeeze=False, sharex=True
    )
    for ax, outlet in zip(axes.flat, shown, strict=False):
        fightin_words_plot(data, outlet, S.REST, view, top, colors[outlet], ax=ax)
        ax.set_title(outlet, loc="left")
        ax.set_ylabel("z")
    for ax in axes.flat[: -ncols if len(shown) > ncols else 0]:
        ax.set_xlabel("")
    hide_unused(axes, len(shown))
    figure_title(
        fig,
        f"Distinctive words per outlet vs the others ({VIEW_LABELS.get(view, view)}): "
        f"Fightin' Words z-scores; |z| > {_Z_CRITICAL} coloured",
    )
    if left_out:
        names = ", ".join(left_out[:8]) + (" …" if len(left_out) > 8 else "")
        add_note(
            fig,
            f"{len(left_out)} outlets with fewer words not shown ({names}); all are in "
            "fightin_words.parquet.",
        )
    return fig
