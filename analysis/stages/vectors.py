"""What stages use to reach vectors (not a stage): the run's encoder, and the sentence
vectors aligned with the sentences.

Every text goes through the content-hash cache, so nothing is encoded twice across
stages, studies or runs; the run counts what was encoded and what came from the cache.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis import execution
from analysis import schema as S
from analysis.embed import Encoder
from analysis.errors import StageError
from analysis.frames.gold import study_gold
from analysis.io import arrow_to_matrix, read_matrix
from analysis.pipeline import Context


def encoder(ctx: Context) -> Encoder:
    """The study's encoder, shared by every stage of one run."""
    cfg = ctx.study.config.embedding
    # A model folder may be given relative to the study folder.
    local = ctx.study.path(cfg.model)
    model = str(local) if local.is_dir() else cfg.model
    return ctx.resource("encoder", lambda: Encoder(model, **cfg.encoder_kwargs()))


def encode(
    ctx: Context, texts: list[str], desc: str, doc_ids: Sequence | None = None
) -> np.ndarray:
    """Encode through the cache and count what was encoded vs reused.

    On a Dask cluster (``execution:``) the texts are encoded on the workers, in shards by
    ``doc_ids`` (by position when None); the exact scheme gives the same vectors. A text
    repeated in two shards is then encoded (and counted) in each.
    """
    if execution.client(ctx) is None:
        enc = encoder(ctx)
        vectors = enc.encode(texts, desc=desc)
        ctx.count("encoded", enc.last_stats.n_encoded)
        ctx.count("from_cache", enc.last_stats.n_cached)
        return vectors
    cfg = ctx.study.config.embedding
    enc = encoder(ctx)  # not loaded here: only its model and cache folder are sent
    rows, parts = execution.map_shards(
        ctx,
        execution.encode_rows,
        np.arange(len(texts)) if doc_ids is None else doc_ids,
        np.asarray(texts, dtype=object),
        enc.model,
        cfg.encoder_kwargs(),
        str(enc.cache_dir),
    )
    ctx.count("encoded", sum(p[1] for p in parts))
    ctx.count("from_cache", sum(p[2] for p in parts))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return execution.stitch(rows, [p[0] for p in parts])


def sentence_vectors(ctx: Context, lead: int | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """The ``sentences`` table and its (n, d) vectors, aligned row for row.

    With ``lead``, only each article's first ``lead`` sentences (and their vectors) are
    read. The stage must declare ``sentences`` and ``embeddings`` as inputs.
    """
    sentences = ctx.table("sentences")
    filters = None
    if lead is not None:
        sentences = sentences[sentences[S.SENT_ID] < lead].reset_index(drop=True)
        filters = [(S.SENT_ID, "<", lead)]
    table = pq.read_table(
        ctx.table_path("embeddings"), columns=[S.DOC_ID, S.SENT_ID, S.EMBEDDING], filters=filters
    )
    vectors = arrow_to_matrix(table.column(S.EMBEDDING))
    check_aligned(sentences, table.select([S.DOC_ID, S.SENT_ID]).to_pandas(), vectors)
    return sentences, vectors


def unit_vectors(ctx: Context) -> tuple[pd.DataFrame, np.ndarray]:
    """The ``voice_units`` table (own and reported units of every sentence) and their
    (n, d) vectors. The stage must declare ``voice_units`` as an input."""
    return read_matrix(ctx.table_path("voice_units"), S.EMBEDDING)


def scored_with_gold(
    ctx: Context,
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame | None]:
    """The sentences that are scored (fragments are not, ``sentences.min_words``), their
    vectors, and the study's gold codes aligned with them (None without gold).

    Gold spans are anchored against every sentence first: a coded span that covers a
    fragment ("Free will?") is still the coded text, not a changed one.
    """
    sentences, X = sentence_vectors(ctx)
    gold = study_gold(ctx.study, sentences)
    if S.FRAGMENT not in sentences.columns:
        return sentences, X, gold
    keep = ~sentences[S.FRAGMENT].to_numpy(dtype=bool)
    if gold is not None:
        gold = gold[keep].reset_index(drop=True)
    return sentences[keep].reset_index(drop=True), X[keep], gold


def check_aligned(sentences: pd.DataFrame, keys: pd.DataFrame, vectors: np.ndarray) -> None:
    """The embeddings must hold one vector per sentence, in the same order."""
    aligned = (
        len(keys) == len(sentences) == len(vectors)
        and np.array_equal(keys[S.DOC_ID].to_numpy(), sentences[S.DOC_ID].to_numpy())
        and np.array_equal(keys[S.SENT_ID].to_numpy(), sentences[S.SENT_ID].to_numpy())
    )
    if not aligned:
        raise StageError(
            "the embeddings table is not aligned row for row with the sentences table",
            hint="rebuild it with `framing run <study> --force embeddings` "
            "(the vectors come from the cache)",
        )
