"""Per-frame presence thresholds: from gold codes, from study.yaml, or the default."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.frames.gold import GOLD_PREFIX
from analysis.frames.presence import f1_optimal_threshold
from analysis.study import Codebook, ScoringConfig

log = logging.getLogger(__name__)


def frame_thresholds(
    relevance: np.ndarray,
    codebook: Codebook,
    config: ScoringConfig,
    gold: pd.DataFrame | None,
) -> pd.DataFrame:
    """One row per frame: threshold, where it came from, and its F1 on gold when known.

    ``relevance`` is (n_sentences, n_frames) in codebook order; ``gold`` is aligned
    row-for-row with it (see :func:`analysis.frames.gold.align_gold`) or None.
    """
    rows = []
    pole_col = GOLD_PREFIX + S.POLE
    if gold is not None and pole_col not in gold.columns:
        gold = gold.assign(**{pole_col: None})  # coded for voice only: no pole is framed
    coded = (
        gold[pole_col].notna() | gold[GOLD_PREFIX + S.VOICE].notna()
        if gold is not None and GOLD_PREFIX + S.VOICE in gold.columns
        else None
    )
    for j, frame in enumerate(codebook.frames):
        poles = {p.id for p in frame.poles}
        f1 = None
        n_coded = 0
        if config.presence_threshold is not None:
            tau, source = config.presence_threshold, "config"
        elif (
            gold is not None
            and coded is not None
            and coded.any()
            and (reason := _one_sided(gold, coded, poles)) is None
        ):
            mask = coded.to_numpy()
            framed = gold[pole_col].isin(poles).to_numpy()[mask]
            n_coded = int(mask.sum())
            tau, f1 = f1_optimal_threshold(relevance[mask, j], framed)
            source = "gold"
        elif gold is not None and coded is not None and coded.any():
            # A threshold cannot be chosen on codes of one kind only (documented fallback).
            tau, source = config.default_threshold, "default"
            log.warning(
                "frame %s: the gold codes have %s, so its presence threshold is the "
                "default %.3f; code sentences of both kinds to choose it on gold",
                frame.id,
                reason,
                tau,
            )
        else:
            tau, source = config.default_threshold, "default"
        if source != "gold":
            log.info("frame %s: presence threshold %.3f (%s)", frame.id, tau, source)
        else:
            log.info(
                "frame %s: presence threshold %.3f chosen on %d gold sentences (F1 %.2f)",
                frame.id,
                tau,
                n_coded,
                f1,
            )
        rows.append(
            {
                S.FRAME: frame.id,
                S.THRESHOLD: tau,
                S.THRESHOLD_SOURCE: source,
                S.F1: f1,
                S.N_CODED: n_coded,
            }
        )
    return pd.DataFrame(rows)


def _one_sided(gold: pd.DataFrame, coded: pd.Series, poles: set[str]) -> str | None:
    """Why the coded sentences cannot set a frame's threshold, or None when they can."""
    framed = gold[GOLD_PREFIX + S.POLE][coded].isin(poles)
    if not framed.any():
        return f"no sentence coded with its poles {sorted(poles)}"
    if framed.all():
        return "no coded sentence outside its poles"
    return None
