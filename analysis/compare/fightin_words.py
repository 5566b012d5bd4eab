"""Distinctive words: Fightin' Words (Monroe, Colaresi & Quinn 2008).

For a word w and two groups of text i and j (an outlet and the other outlets, or two
outlets), with counts y_w, totals n and an informative Dirichlet prior alpha_w (alpha_0
times the word's share of the whole corpus of the view):

    delta_w = log[(y_w^i + alpha_w) / (n^i + alpha_0 - y_w^i - alpha_w)]
            - log[(y_w^j + alpha_w) / (n^j + alpha_0 - y_w^j - alpha_w)]
    var(delta_w) ~= 1 / (y_w^i + alpha_w) + 1 / (y_w^j + alpha_w)
    z_w = delta_w / sqrt(var(delta_w))

The prior shrinks the log-odds of rare words toward zero and
the z-score divides by the word's uncertainty, so neither rare words (as with raw
log-odds) nor frequent ones (as with raw frequency differences) dominate the list.

Words are counted with scikit-learn's CountVectorizer: lower-cased runs of letters,
apostrophes kept inside words; numbers are not words.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import CountVectorizer

from analysis import schema as S

TOKEN_PATTERN = r"(?u)\b[^\W\d_]+(?:['’][^\W\d_]+)*\b"


def log_odds_z(
    y_i: np.ndarray, y_j: np.ndarray, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(delta, z) per word for counts ``y_i``, ``y_j`` over the full vocabulary.

    The totals n^i, n^j and alpha_0 are the sums of the vectors given, so pass every
    word (including those you will not report).
    """
    y_i = np.asarray(y_i, dtype=np.float64)
    y_j = np.asarray(y_j, dtype=np.float64)
    alpha = np.asarray(alpha, dtype=np.float64)
    a0 = alpha.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    delta = np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log(
        (y_j + alpha) / (n_j + a0 - y_j - alpha)
    )
    var = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
    return delta, delta / np.sqrt(var)


class FightinWords(BaseEstimator):
    """Weighted log-odds with an informative Dirichlet prior, by group.

    Parameters
    ----------
    prior_scale : alpha_0, the prior's total pseudo-count.
    min_count : words seen fewer times in the whole corpus are not reported.
    ngram_max : longest n-gram counted.
    stop_words : None or "english".
    pairwise_top : words kept per side in pairwise comparisons.

    Attributes (after ``fit``): ``vocabulary_`` (V,), ``groups_`` (K,), ``counts_``
    (K, V) sparse, ``alpha_`` (V,).
    """

    def __init__(
        self,
        prior_scale: float = 1000.0,
        min_count: int = 5,
        ngram_max: int = 1,
        stop_words: str | None = None,
        pairwise_top: int = 50,
    ):
        self.prior_scale = prior_scale
        self.min_count = min_count
        self.ngram_max = ngram_max
        self.stop_words = stop_words
        self.pairwise_top = pairwise_top

    def fit(self, texts: Sequence[str], groups: Sequence[str], order: Sequence[str] | None = None):
        vectorizer = CountVectorizer(
            lowercase=True,
            token_pattern=TOKEN_PATTERN,
            ngram_range=(1, self.ngram_max),
            stop_words=self.stop_words,
        )
        try:
            X = vectorizer.fit_transform(list(texts))
        except ValueError:  # no word at all
            X = sparse.csr_matrix((len(texts), 0))
            vectorizer.vocabulary_ = {}
        names = np.array(sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get), object)
        present = list(pd.unique(pd.Series(list(groups), dtype=object)))
        self.groups_ = np.array(
            [g for g in order if g in present] if order is not None else sorted(present), object
        )
        codes = pd.Index(self.groups_).get_indexer(list(groups))
        keep = codes >= 0
        indicator = sparse.csr_matrix(
            (np.ones(int(keep.sum())), (codes[keep], np.flatnonzero(keep))),
            shape=(len(self.groups_), X.shape[0]),
        )
        self.counts_ = (indicator @ X).toarray().astype(np.float64)
        total = self.counts_.sum(axis=0)
        self.vocabulary_ = names
        self.frequency_ = total
        self.alpha_ = (
            self.prior_scale * total / total.sum() if total.sum() > 0 else np.zeros_like(total)
        )
        return self

    def _rows(self, outlet: str, reference: str, y_i, y_j, keep: np.ndarray) -> pd.DataFrame:
        delta, z = log_odds_z(y_i, y_j, self.alpha_)
        return pd.DataFrame(
            {
                S.OUTLET: outlet,
                S.REFERENCE: reference,
                S.WORD: self.vocabulary_[keep],
                S.COUNT: y_i[keep].astype(np.int64),
                S.COUNT_REFERENCE: y_j[keep].astype(np.int64),
                S.FREQUENCY: self.frequency_[keep].astype(np.int64),
                S.DELTA: delta[keep],
                S.Z: z[keep],
            }
        )

    def versus_rest(self) -> pd.DataFrame:
        """Each group against all other groups pooled; every word with enough counts."""
        frequent = self.frequency_ >= self.min_count
        rows = []
        for k, group in enumerate(self.groups_):
            if len(self.groups_) < 2:
                break
            rest = self.frequency_ - self.counts_[k]
            rows.append(self._rows(group, S.REST, self.counts_[k], rest, frequent))
        return _concat(rows)

    def pairwise(self) -> pd.DataFrame:
        """Each pair of groups (a before b in group order), top words on each side."""
        frequent = np.flatnonzero(self.frequency_ >= self.min_count)
        rows = []
        for a, b in combinations(range(len(self.groups_)), 2):
            _, z = log_odds_z(self.counts_[a], self.counts_[b], self.alpha_)
            zf = z[frequent]
            top = min(self.pairwise_top, len(zf))
            if top == 0:
                continue
            high = np.argpartition(-zf, top - 1)[:top]
            low = np.argpartition(zf, top - 1)[:top]
            keep = np.zeros(len(z), dtype=bool)
            keep[frequent[np.union1d(high, low)]] = True
            rows.append(
                self._rows(self.groups_[a], self.groups_[b], self.counts_[a], self.counts_[b], keep)
            )
        return _concat(rows)


def _concat(rows: list[pd.DataFrame]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(
            columns=[
                S.OUTLET,
                S.REFERENCE,
                S.WORD,
                S.COUNT,
                S.COUNT_REFERENCE,
                S.FREQUENCY,
                S.DELTA,
                S.Z,
            ]
        )
    return pd.concat(rows, ignore_index=True)


# Which sentence voices make up each view (analysis.text.voice): the outlet's own words,
# and what it reports others saying (quotation and scare quotes).
VOICES_BY_VIEW: dict[str, tuple[str, ...] | None] = {
    S.VIEWS[0]: None,
    S.VIEWS[1]: S.VOICES[:1],
    S.VIEWS[2]: S.VOICES[1:],
}


# Which span voices make up each view (analysis.text.spans).
SPAN_VOICES_BY_VIEW = {
    S.VIEWS[1]: ("authorial", "attribution"),
    S.VIEWS[2]: ("quoted", "scare_quoted"),
}


def view_texts(spans: pd.DataFrame, view: str) -> pd.DataFrame:
    """Per sentence, the text of its spans in ``view`` (doc_id, outlet, text)."""
    kept = spans[spans[S.VOICE].isin(SPAN_VOICES_BY_VIEW[view])]
    grouped = kept.groupby(S.SENT_KEY, sort=False)
    return grouped.agg(
        **{S.DOC_ID: (S.DOC_ID, "first"), S.OUTLET: (S.OUTLET, "first"), S.TEXT: (S.TEXT, " ".join)}
    ).reset_index(drop=True)


def distinctive_words(
    sentences: pd.DataFrame,
    doc_ids: Sequence[str],
    model: FightinWords,
    outlet_order: Sequence[str],
    pairwise: bool = True,
    spans: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``fightin_words`` table: per view, each outlet vs the rest (and pairwise).

    Only sentences of ``doc_ids`` count. The own and reported views take the words of the
    sentences' voice spans when ``spans`` is given (the outlet's framing of a quotation
    is its own), else whole sentences by their ``voice`` column; with neither only "all".
    """
    used = sentences[sentences[S.DOC_ID].isin(set(doc_ids))]
    used_spans = None if spans is None else spans[spans[S.DOC_ID].isin(set(doc_ids))]
    has_views = used_spans is not None or S.VOICE in used.columns
    views = list(VOICES_BY_VIEW) if has_views else [S.VIEWS[0]]
    parts = []
    for view in views:
        voices = VOICES_BY_VIEW[view]
        if voices is None:
            subset = used
        elif used_spans is not None:
            subset = view_texts(used_spans, view)
        else:
            subset = used[used[S.VOICE].isin(voices)]
        if subset.empty:
            continue
        model.fit(subset[S.TEXT], subset[S.OUTLET], order=outlet_order)
        tables = [model.versus_rest()]
        if pairwise:
            tables.append(model.pairwise())
        table = _concat([t for t in tables if len(t)])
        parts.append(table.assign(**{S.VIEW: view}))
    columns = list(S.FIGHTIN_WORDS.columns)
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
