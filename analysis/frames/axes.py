"""Codebook frames as semantic axes (SemAxis / FrameAxis style).

Each bipolar frame becomes the direction from pole B's exemplar centroid to pole A's.
A sentence's *position* on the frame is the cosine between its embedding and that
direction: positive leans toward pole A, negative toward pole B. Its *relevance* is the
larger of its cosines with the two pole centroids: how much the sentence engages the
frame at all, whichever side it takes. A unipolar frame has no direction to project on,
so its position is the cosine with its single pole's centroid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.study import Codebook

# Distance between unit pole centroids below which an axis is noise: exemplars that differ
# only in case or spacing give exactly 0 (MiniLM is uncased); the demo and test codebooks'
# poles are 0.66-1.17 apart.
MIN_POLE_DISTANCE = 1e-4


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(norm == 0, 1.0, norm)


class PoleAxisScorer(TransformerMixin, BaseEstimator):
    """Fit pole centroids from exemplar embeddings; transform embeddings to positions.

    ``fit(X, y)`` takes the exemplar embeddings ``X`` and their pole ids ``y``.
    """

    def __init__(self, codebook: Codebook):
        self.codebook = codebook

    def fit(self, X: np.ndarray, y: list[str]) -> PoleAxisScorer:
        X = _unit(np.asarray(X, dtype=np.float64))
        y = np.asarray(y)
        self.frames_ = [f.id for f in self.codebook.frames]
        self.centroids_ = {}
        for frame in self.codebook.frames:
            for pole in frame.poles:
                mask = y == pole.id
                if not mask.any():
                    raise ValueError(f"no exemplar embeddings given for pole {pole.id!r}")
                self.centroids_[pole.id] = _unit(X[mask].mean(axis=0))
        axes = []
        for frame in self.codebook.frames:
            a = self.centroids_[frame.poles[0].id]
            if frame.bipolar:
                b = self.centroids_[frame.poles[1].id]
                if np.linalg.norm(a - b) < MIN_POLE_DISTANCE:
                    raise StudyConfigError(
                        f"codebook frame {frame.id!r}: the model cannot tell its poles apart "
                        f"(cosine of the pole centroids {float(a @ b):.6f}); every position "
                        "would be 0",
                        hint="give each pole exemplars that say different things",
                    )
            axes.append(a - self.centroids_[frame.poles[1].id] if frame.bipolar else a)
        self.axes_ = _unit(np.vstack(axes))
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Positions, shape (n_sentences, n_frames), each in [-1, 1]."""
        return np.clip(row_products(_unit(np.asarray(X, dtype=np.float64)), self.axes_), -1.0, 1.0)

    def relevance(self, X: np.ndarray) -> np.ndarray:
        """Max cosine with either pole centroid, shape (n_sentences, n_frames)."""
        X = _unit(np.asarray(X, dtype=np.float64))
        out = np.empty((X.shape[0], len(self.frames_)))
        for j, frame in enumerate(self.codebook.frames):
            sims = row_products(X, np.vstack([self.centroids_[p.id] for p in frame.poles]))
            out[:, j] = sims.max(axis=1)
        return np.clip(out, -1.0, 1.0)


def row_products(X: np.ndarray, M: np.ndarray) -> np.ndarray:
    """``X @ M.T``, each row's result independent of the other rows of ``X``.

    A BLAS product may take another kernel (another summation order) for another number
    of rows, so a sentence's score would move in the 16th digit with the shard it is
    scored in (analysis/execution.py); einsum sums each row on its own.
    """
    return np.einsum("ij,kj->ik", X, M)


def fit_codebook(codebook: Codebook, encode: Callable[[list[str]], np.ndarray]) -> PoleAxisScorer:
    """Pole axes fitted on the codebook's exemplars, encoded with ``encode``."""
    texts, poles = [], []
    for frame in codebook.frames:
        for pole in frame.poles:
            texts.extend(pole.exemplars)
            poles.extend([pole.id] * len(pole.exemplars))
    return PoleAxisScorer(codebook).fit(encode(texts), poles)


def score_sentences(
    sentences: pd.DataFrame,
    embeddings: np.ndarray,
    scorer: PoleAxisScorer,
    thresholds: dict[str, float],
) -> pd.DataFrame:
    """The frame_scores table of the codebook axes (see :func:`frame_score_table`).

    A sentence is ``present`` on a frame when its relevance reaches that frame's threshold.
    """
    relevance = scorer.relevance(embeddings)
    cut = np.array([thresholds[f] for f in scorer.frames_])
    return frame_score_table(
        sentences, scorer.frames_, scorer.transform(embeddings), relevance, relevance >= cut
    )


def frame_score_table(
    sentences: pd.DataFrame,
    frames: Sequence[str],
    positions: np.ndarray,
    relevance: np.ndarray,
    present: np.ndarray,
) -> pd.DataFrame:
    """Long table: one row per sentence (or view unit) and frame with position, relevance,
    presence and the view (``all`` for sentences; a unit's own view when ``sentences``
    has a ``view`` column).

    ``positions``, ``relevance`` and ``present`` are (n_sentences, n_frames), in the
    order of ``sentences`` and ``frames``.
    """
    n, k = positions.shape
    columns = [S.DOC_ID, S.SENT_ID, S.OUTLET]
    return pd.DataFrame(
        {
            **{c: np.repeat(sentences[c].to_numpy(), k) for c in columns},
            S.VIEW: (
                np.repeat(sentences[S.VIEW].to_numpy(), k)
                if S.VIEW in sentences.columns
                else S.VIEWS[0]
            ),
            S.FRAME: np.tile(np.asarray(frames, dtype=object), n),
            S.POSITION: positions.reshape(-1),
            S.RELEVANCE: relevance.reshape(-1),
            S.PRESENT: present.reshape(-1),
        }
    )


def foreign_exemplars(codebook: Codebook, model: str) -> list[tuple[str, str, str, float]]:
    """(pole, exemplar, language, confidence) for each exemplar an English-only model
    would misread: detected confidently as another language. Multilingual models
    (``multilingual`` in the name) read them all."""
    if "multilingual" in model.lower():
        return []
    from analysis.corpus.language import LanguageDetector

    pairs = [(p.id, t) for f in codebook.frames for p in f.poles for t in p.exemplars]
    codes, scores = LanguageDetector(min_score=0.9).detect([t for _, t in pairs])
    return [
        (pole, text, code, float(score))
        for (pole, text), code, score in zip(pairs, codes, scores, strict=True)
        if code is not None and code != "en"
    ]
