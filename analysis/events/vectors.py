"""One vector per article for event alignment: its title and its lead.

Outlets covering the same event agree most in what they put first: the headline and the
opening sentence(s) name the event; later paragraphs drift into context, reaction and
each outlet's framing. The lead's sentence vectors are already in the ``embeddings``
table, so only titles are encoded here (through the cache).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis import schema as S


def lead_vectors(
    doc_ids: pd.Series, keys: pd.DataFrame, vectors: np.ndarray, n_lead: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of each article's first ``n_lead`` sentence vectors.

    ``keys`` (doc_id, sent_id) is aligned row for row with ``vectors``. Returns the
    (n_docs, d) means in ``doc_ids`` order and a mask of articles that have a lead.
    """
    width = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    out = np.zeros((len(doc_ids), width), dtype=np.float64)
    lead = keys[S.SENT_ID].to_numpy() < n_lead
    if not lead.any():
        return out, np.zeros(len(doc_ids), dtype=bool)
    position = pd.Index(doc_ids).get_indexer(keys.loc[lead, S.DOC_ID])
    known = position >= 0
    rows = position[known]
    np.add.at(out, rows, vectors[lead][known].astype(np.float64))
    counts = np.bincount(rows, minlength=len(doc_ids))
    has = counts > 0
    out[has] /= counts[has, None]
    return out, has


def title_lead_vectors(
    articles: pd.DataFrame,
    lead_keys: pd.DataFrame,
    lead_X: np.ndarray,
    encode_titles: Callable[[list[str]], np.ndarray],
    n_lead: int,
    title_weight: float,
) -> np.ndarray:
    """The alignment vector of every article: its title and lead, combined.

    ``lead_keys`` (doc_id, sent_id) is aligned with the sentence vectors ``lead_X``;
    ``encode_titles`` encodes the non-empty titles (through the cache).
    """
    lead, has_lead = lead_vectors(articles[S.DOC_ID], lead_keys, lead_X, n_lead)
    titles = (
        articles[S.TITLE].fillna("").astype(str).str.strip()
        if S.TITLE in articles.columns
        else pd.Series([""] * len(articles))
    )
    has_title = (titles != "").to_numpy() & (title_weight > 0)
    title = np.zeros_like(lead)
    if has_title.any():
        title[has_title] = encode_titles(titles[has_title].tolist())
    return combine(title, has_title, lead, has_lead, title_weight)


def combine(
    title: np.ndarray,
    has_title: np.ndarray,
    lead: np.ndarray,
    has_lead: np.ndarray,
    title_weight: float,
) -> np.ndarray:
    """Weighted sum of the unit title and lead vectors, normalised to unit length.

    An article with only one of the two uses that one alone.
    """
    t = _unit(title) * has_title[:, None]
    ld = _unit(lead) * has_lead[:, None]
    w_title = np.where(has_title & has_lead, title_weight, has_title.astype(float))
    w_lead = np.where(has_title & has_lead, 1.0 - title_weight, has_lead.astype(float))
    mixed = w_title[:, None] * t + w_lead[:, None] * ld
    return _unit(mixed).astype(np.float32)


def _unit(X: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norm, out=np.zeros_like(X, dtype=np.float64), where=norm > 0)
