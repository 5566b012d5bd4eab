"""Per-frame presence thresholds: from gold codes, from study.yaml, or the default.

Gold codes set a frame's threshold only when they hold at least
``scoring.min_gold_per_code`` sentences of each of the frame's poles and of ``none``.
Below that, the F1-optimal cut is mostly noise. Gold sets drawn from the demo's
(``benchmarks/gold_minimum.py``): when the rarest code had fewer than 5 sentences, one
gold set in ten chose a threshold that lost 0.10-0.13 of F1 against the whole gold set's
(by frame); with 5-9, up to 0.08; from 15 on, at most 0.04 on every frame. A gold set that
small is still reported (validation, n per code), but the threshold comes from study.yaml
or the default, and the log and the study's index page say so in one line.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.frames.gold import frame_gold
from analysis.frames.presence import f1_optimal_threshold
from analysis.study import Codebook, Frame, ScoringConfig

log = logging.getLogger(__name__)


def code_counts(aligned: pd.DataFrame | None, frame: Frame) -> dict[str, int]:
    """Coded sentences per code of ``frame`` (each pole and none) in the aligned gold."""
    codes = [p.id for p in frame.poles] + [S.NONE_CODE]
    if aligned is None:
        return dict.fromkeys(codes, 0)
    labels, coded = frame_gold(aligned, frame)
    return {c: int((labels[coded] == c).sum()) for c in codes}


def too_small(counts: dict[str, int], minimum: int) -> bool:
    return min(counts.values()) < minimum


def frame_thresholds(
    relevance: np.ndarray,
    codebook: Codebook,
    config: ScoringConfig,
    gold: pd.DataFrame | None,
) -> pd.DataFrame:
    """One row per frame: threshold, where it came from, its F1 on gold when known, and a
    note when a gold set was too small to use.

    ``relevance`` is (n_sentences, n_frames) in codebook order; ``gold`` is aligned
    row-for-row with it (see :func:`analysis.frames.gold.align_gold`) or None.
    """
    rows, small = [], []
    for j, frame in enumerate(codebook.frames):
        counts = code_counts(gold, frame)
        n_coded = sum(counts.values())
        f1, note = None, None
        usable = n_coded > 0 and not too_small(counts, config.min_gold_per_code)
        if n_coded and not usable:
            shown = ", ".join(f"{c} {n}" for c, n in counts.items())
            note = (
                f"gold set too small to set the threshold ({shown}; "
                f"scoring.min_gold_per_code is {config.min_gold_per_code})"
            )
            small.append(f"{frame.id} ({shown})")
        if config.presence_threshold is not None:
            tau, source = config.presence_threshold, "config"
        elif usable:
            labels, coded = frame_gold(gold, frame)
            framed = labels[coded] != S.NONE_CODE
            tau, f1 = f1_optimal_threshold(relevance[coded, j], framed)
            source = "gold"
            log.info(
                "frame %s: presence threshold %.3f chosen on %d gold sentences (F1 %.2f)",
                frame.id,
                tau,
                n_coded,
                f1,
            )
        else:
            tau, source = config.default_threshold, "default"
        rows.append(
            {
                S.FRAME: frame.id,
                S.THRESHOLD: tau,
                S.THRESHOLD_SOURCE: source,
                S.F1: f1,
                S.N_CODED: n_coded,
                S.NOTE: note,
            }
        )
    if small and config.presence_threshold is None:
        log.warning(
            "gold set too small to set presence thresholds (fewer than %d sentences per "
            "code: %s): using the default threshold %.2f; it is still reported in validation",
            config.min_gold_per_code,
            "; ".join(small),
            config.default_threshold,
        )
    elif config.presence_threshold is None and gold is None:
        log.info("no gold codes: presence threshold %.2f (default)", config.default_threshold)
    return pd.DataFrame(rows)
