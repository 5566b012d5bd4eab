"""The units topics are assigned to: sentences or paragraphs, with their cached vectors.

A paragraph's vector is the mean of its sentences' vectors, renormalised to unit
length. For all-MiniLM-L6-v2 (a mean-pooled, normalised encoder) this is close to
encoding the paragraph as one text, and it costs nothing: every sentence vector is
already in the ``embeddings`` table, so nothing is re-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from analysis import schema as S

UnitKind = Literal["sentence", "paragraph"]
TOO_SHORT = "too_short"


@dataclass(frozen=True)
class Units:
    """Every unit (``table``), and the texts and vectors of those that are modelled."""

    table: pd.DataFrame  # doc_id, unit_id, outlet, n_sentences, excluded
    texts: list[str]  # of the included units, in table order
    vectors: np.ndarray  # (n included, d) float32, unit length

    @property
    def included(self) -> np.ndarray:
        return self.table[S.EXCLUDED].isna().to_numpy()


def build_units(
    sentences: pd.DataFrame,
    vectors: np.ndarray,
    unit: UnitKind = "sentence",
    min_words: int = 1,
) -> Units:
    """Units from sentences and their vectors (aligned row for row).

    Units with fewer than ``min_words`` words stay in the table, marked ``too_short``,
    and are not modelled.
    """
    if unit == "sentence":
        table = pd.DataFrame(
            {
                S.DOC_ID: sentences[S.DOC_ID].to_numpy(),
                S.UNIT_ID: sentences[S.SENT_ID].to_numpy(np.int32),
                S.OUTLET: sentences[S.OUTLET].to_numpy(),
                S.N_SENTENCES: np.ones(len(sentences), np.int32),
            }
        )
        texts = sentences[S.TEXT].tolist()
        unit_vectors = np.asarray(vectors, np.float32)
    elif unit == "paragraph":
        table, texts, unit_vectors = _paragraphs(sentences, vectors)
    else:
        raise ValueError(f"unknown unit {unit!r}; use 'sentence' or 'paragraph'")
    n_words = np.fromiter((len(t.split()) for t in texts), np.int64, len(texts))
    short = n_words < min_words
    table[S.EXCLUDED] = pd.Series(np.where(short, TOO_SHORT, None), dtype=object)
    keep = ~short
    return Units(
        table=table,
        texts=[t for t, k in zip(texts, keep, strict=True) if k],
        vectors=unit_vectors[keep],
    )


def _paragraphs(
    sentences: pd.DataFrame, vectors: np.ndarray
) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    key = pd.MultiIndex.from_arrays([sentences[S.DOC_ID], sentences[S.PARAGRAPH]])
    codes, uniques = pd.factorize(key, sort=False)  # first-appearance order
    n_units = len(uniques)
    # (units x sentences) indicator: one sparse product sums each paragraph's vectors
    member = sparse.csr_matrix(
        (np.ones(len(codes), np.float32), (codes, np.arange(len(codes)))),
        shape=(n_units, len(codes)),
    )
    sums = np.asarray(member @ np.asarray(vectors, np.float32), np.float32)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    unit_vectors = sums / np.maximum(norms, np.finfo(np.float32).tiny)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    texts = sentences[S.TEXT].groupby(codes, sort=True).agg(" ".join).tolist()
    table = pd.DataFrame(
        {
            S.DOC_ID: sentences[S.DOC_ID].to_numpy()[first],
            S.UNIT_ID: sentences[S.PARAGRAPH].to_numpy(np.int32)[first],
            S.OUTLET: sentences[S.OUTLET].to_numpy()[first],
            S.N_SENTENCES: np.bincount(codes, minlength=n_units).astype(np.int32),
        }
    )
    return table, texts, unit_vectors
