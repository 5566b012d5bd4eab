"""Stage ``embeddings``: one vector per sentence, from the content-hash cache when present."""

from __future__ import annotations

import pyarrow as pa

from analysis import schema as S
from analysis.io import matrix_to_arrow
from analysis.pipeline import Context, register
from analysis.stages.vectors import encode, encoder


@register(
    "embeddings",
    inputs=("sentences",),
    outputs={"embeddings": S.EMBEDDINGS},
    config=lambda s: {"embedding": s.config.embedding.identity()},
)
def embeddings_stage(ctx: Context) -> dict[str, pa.Table]:
    """Embed every sentence; vectors come from the content-hash cache when present."""
    sentences = ctx.table("sentences")
    texts = sentences[S.TEXT].tolist()
    vectors = encode(ctx, texts, desc="sentences", doc_ids=sentences[S.DOC_ID].to_numpy())
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
