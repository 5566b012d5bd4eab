"""Stage ``embeddings``: one vector per sentence, from the content-hash cache when present."""

from __future__ import annotations

import pyarrow as pa

from analysis import schema as S
from analysis.embed import Encoder
from analysis.io import matrix_to_arrow
from analysis.pipeline import Context, register


def encoder(ctx: Context) -> Encoder:
    """The study's encoder, shared by every stage of one run."""
    cfg = ctx.study.config.embedding
    # A model folder may be given relative to the study folder.
    local = ctx.study.path(cfg.model)
    model = str(local) if local.is_dir() else cfg.model
    return ctx.resource("encoder", lambda: Encoder(model, **cfg.encoder_kwargs()))


def encode(ctx: Context, texts: list[str], desc: str):
    """Encode through the cache and count what was encoded vs reused."""
    enc = encoder(ctx)
    vectors = enc.encode(texts, desc=desc)
    ctx.count("encoded", enc.last_stats.n_encoded)
    ctx.count("from_cache", enc.last_stats.n_cached)
    return vectors


@register(
    "embeddings",
    version="1",
    inputs=("sentences",),
    outputs=("embeddings",),
    config=lambda s: {"embedding": s.config.embedding.identity()},
)
def embeddings_stage(ctx: Context) -> dict[str, pa.Table]:
    """Embed every sentence; vectors come from the content-hash cache when present."""
    sentences = ctx.table("sentences")
    texts = sentences[S.TEXT].tolist()
    vectors = encode(ctx, texts, desc="sentences")
    width = vectors.shape[1] if vectors.size else 1
    table = pa.table(
        {
            S.DOC_ID: sentences[S.DOC_ID].to_numpy(),
            S.SENT_ID: sentences[S.SENT_ID].to_numpy(),
            S.TEXT_KEY: encoder(ctx).keys(texts),
            S.EMBEDDING: matrix_to_arrow(vectors.reshape(-1, width)),
        }
    )
    return {"embeddings": table}
