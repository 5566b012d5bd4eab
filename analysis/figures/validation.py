"""Validation figure: how well automated codes agree with human codes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import schema as S
from analysis.figures.style import EDGE, OKABE_ITO, figure_size, figure_title
from analysis.study import Codebook

METHODS = {
    "axis": ("codebook axes", "o", OKABE_ITO[0], 0.12),
    "supervised": ("classifier on embeddings", "s", OKABE_ITO[1], -0.12),
}
METRICS = {
    "f1_macro": "macro F1",
    "krippendorff_alpha": "Krippendorff's α",
    "auc_macro": "macro AUC",
}


def validation_summary(validation: pd.DataFrame, codebook: Codebook) -> Figure:
    """Frame agreement per metric (one panel each, methods side by side), then voice F1."""
    frames = [f for f in codebook.frames if f.id in set(validation[S.FRAME].dropna())]
    width, _ = figure_size(2)
    fig, axes = plt.subplots(
        1, 4, figsize=(width, 0.9 + 0.32 * len(frames)), width_ratios=[1, 1, 1, 1.1]
    )
    y = np.arange(len(frames))[::-1]
    for k, (ax, (metric, title)) in enumerate(zip(axes[:3], METRICS.items(), strict=True)):
        for method, (label, marker, color, dy) in METHODS.items():
            sub = validation[(validation[S.METHOD] == method) & (validation[S.METRIC] == metric)]
            values = sub.set_index(S.FRAME)[S.VALUE].reindex([f.id for f in frames]).to_numpy()
            ax.scatter(
                values,
                y + dy,
                marker=marker,
                s=16,
                color=color,
                edgecolors=EDGE,
                linewidths=0.3,
                label=label,
                zorder=3,
            )
        # Frame ids, not labels: the long "A ↔ B" labels would squeeze the panels.
        ax.set_yticks(y, [f.id for f in frames] if k == 0 else [])
        ax.set_xlim(0.5 if metric == "auc_macro" else 0.0, 1.0)
        ax.set_title(title, loc="left")
        ax.grid(axis="x")
        ax.set_ylim(-0.6, len(frames) - 0.4)
    axes[1].axvline(0.667, color="#999999", lw=0.6, ls=":", zorder=1)  # Krippendorff's bar
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)

    voice = validation[(validation[S.METHOD] == "voice_rules") & (validation[S.METRIC] == "f1")]
    yv = np.arange(len(voice))[::-1]
    axes[3].barh(yv, voice[S.VALUE], height=0.55, color=OKABE_ITO[2], edgecolor=EDGE, linewidth=0.3)
    axes[3].set_yticks(yv, [str(v).replace("_", " ") for v in voice[S.LABEL]])
    axes[3].set_xlim(0, 1)
    axes[3].grid(axis="x")
    summary = validation[validation[S.METHOD] == "voice_rules"].set_index(S.METRIC)[S.VALUE]
    axes[3].set_title(
        f"voice F1 (acc. {summary.get('accuracy', np.nan):.2f}, "
        f"α {summary.get('krippendorff_alpha', np.nan):.2f})",
        loc="left",
    )
    figure_title(
        fig,
        "Agreement with human codes, out of sample (frames: pole A / pole B / none)",
    )
    return fig
