"""Validation figure: how well automated codes agree with human codes, and how well the
humans agree with each other.

Every point carries its interval (the bootstrap of :mod:`analysis.frames.validation`)
and every row its n, so a figure drawn from 12 coded sentences looks like one.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import schema as S
from analysis.figures.style import EDGE, OKABE_ITO, figure_size, figure_title
from analysis.study import Codebook

METHODS = {
    "axis": ("codebook axes", "o", OKABE_ITO[0], 0.16),
    "supervised": ("classifier on embeddings", "s", OKABE_ITO[1], -0.16),
}
CODERS = ("between coders", "D", "#777777", 0.0)
METRICS = {
    "f1_macro": "macro F1",
    "krippendorff_alpha": "Krippendorff's α",
    "auc_macro": "macro AUC",
}


def _point(ax, x, lo, hi, y, marker, color, label):
    ok = np.isfinite(x)
    if not ok.any():
        return
    err = np.vstack([np.clip(x - lo, 0, None), np.clip(hi - x, 0, None)])
    err = np.where(np.isfinite(err), err, 0.0)
    ax.errorbar(
        x[ok],
        y[ok],
        xerr=err[:, ok],
        fmt="none",
        ecolor=color,
        elinewidth=0.7,
        capsize=1.2,
        zorder=2,
    )
    ax.scatter(
        x[ok],
        y[ok],
        marker=marker,
        s=16,
        color=color,
        edgecolors=EDGE,
        linewidths=0.3,
        label=label,
        zorder=3,
    )


def validation_summary(
    validation: pd.DataFrame, codebook: Codebook, intercoder: pd.DataFrame | None = None
) -> Figure:
    """Frame agreement per metric (one panel each, methods side by side, with intervals;
    α also between coders), then voice F1. Row labels give each frame's coded n."""
    frames = [f for f in codebook.frames if f.id in set(validation["frame"].dropna())]
    ids = [f.id for f in frames]
    counts = validation[validation["metric"] == "n_gold"].groupby("frame")["support"].sum()
    width = 0.97 * figure_size(2)[0]  # the voice panel's title reaches past the axes
    fig, axes = plt.subplots(
        1, 4, figsize=(width, 1.0 + 0.36 * max(len(frames), 3)), width_ratios=[1, 1, 1, 1.1]
    )
    y = np.arange(len(frames))[::-1]
    for k, (ax, (metric, title)) in enumerate(zip(axes[:3], METRICS.items(), strict=True)):
        series = [
            (
                validation[(validation["method"] == method) & (validation["metric"] == metric)]
                .set_index("frame")
                .reindex(ids),
                "value",
                style,
            )
            for method, style in METHODS.items()
        ]
        if metric == "krippendorff_alpha" and intercoder is not None and len(intercoder):
            series.append((intercoder.set_index("field").reindex(ids), "alpha", CODERS))
        for sub, column, (label, marker, color, dy) in series:
            values = [sub[c].to_numpy(float) for c in (column, "ci_low", "ci_high")]
            _point(ax, *values, y + dy, marker, color, label)
        # Frame ids, not labels: the long "A ↔ B" labels would squeeze the panels.
        names = [f"{fid}\n(n = {int(counts.get(fid, 0))})" for fid in ids]
        ax.set_yticks(y, names if k == 0 else [])
        low = 0.5 if metric == "auc_macro" else (-0.2 if metric == "krippendorff_alpha" else 0.0)
        ax.set_xlim(low, 1.0)
        ax.set_title(title, loc="left")
        ax.grid(axis="x")
        ax.set_ylim(-0.6, len(frames) - 0.4)
    for fid, yy in zip(ids, y, strict=True):
        has = validation[(validation["frame"] == fid) & (validation["metric"] == "f1_macro")]
        if has.empty:
            axes[0].text(0.02, yy, "too few coded sentences", va="center", fontsize=6, color="#555")
    axes[1].axvline(0.667, color="#999999", lw=0.6, ls=":", zorder=1)  # Krippendorff's bar
    handles, labels = [], []
    for ax in axes[:3]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)

    voice = validation[(validation[S.METHOD] == "voice_rules") & (validation[S.METRIC] == "f1")]
    yv = np.arange(len(voice))[::-1]
    ax = axes[3]
    if len(voice):
        lo = (voice["value"] - voice["ci_low"]).clip(lower=0).fillna(0)
        hi = (voice["ci_high"] - voice["value"]).clip(lower=0).fillna(0)
        ax.barh(
            yv,
            voice["value"],
            height=0.55,
            color=OKABE_ITO[2],
            edgecolor=EDGE,
            linewidth=0.3,
            xerr=np.vstack([lo, hi]),
            error_kw={"elinewidth": 0.7, "capsize": 1.2},
        )
        ax.set_yticks(
            yv,
            [
                f"{str(v).replace('_', ' ')} (n = {int(n)})"
                for v, n in zip(voice["label"], voice["support"], strict=True)
            ],
        )
        summary = validation[validation["method"] == "voice_rules"].set_index("metric")["value"]
        ax.set_title(
            f"voice F1 (acc. {summary.get('accuracy', np.nan):.2f}, "
            f"α {summary.get('krippendorff_alpha', np.nan):.2f})",
            loc="left",
        )
    else:
        ax.set_yticks([])
        ax.set_title("voice F1", loc="left")
        ax.text(0.5, 0.5, "voice not coded", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlim(0, 1)
    ax.grid(axis="x")
    figure_title(
        fig,
        "Agreement with human codes out of sample (pole A / pole B / none); "
        "bars: 95% bootstrap intervals",
    )
    return fig
