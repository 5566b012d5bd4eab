"""Stage ``voice_units``: the text of each sentence in the own and reported views, embedded.

A sentence in one voice stands for itself (same text, so its vector comes from the cache);
a mixed sentence gives one unit per view (analysis/text/view_units.py). Units go through
the same content-hash cache as sentences, so only the mixed sentences' parts cost any
encoding.
"""

from __future__ import annotations

import pyarrow as pa

from analysis import schema as S
from analysis.io import matrix_to_arrow
from analysis.pipeline import Context, register
from analysis.stages.vectors import encode, encoder
from analysis.text.view_units import view_units


@register(
    "voice_units",
    inputs=("sentences",),  # the sentences stage writes the spans table too
    outputs={"voice_units": S.VOICE_UNITS},
    config=lambda s: {
        "voice": s.config.voice.model_dump(exclude={"gold_spans"}),
        "embedding": s.config.embedding.identity(),
    },
)
def voice_units_stage(ctx: Context) -> dict[str, pa.Table]:
    """Own and reported units of every sentence (their voice spans), embedded."""
    cfg = ctx.study.config.voice
    sentences = ctx.table("sentences")
    units = view_units(
        sentences, ctx.table("spans"), cfg.unit_method, cfg.min_words, cfg.indirect_view
    )
    keys = sentences.set_index(S.SENT_KEY)[[S.DOC_ID, S.SENT_ID, S.OUTLET]]
    units = units.join(keys, on=S.SENT_KEY)
    units = units[[c for c in S.VOICE_UNITS.columns if c != S.TEXT_KEY]]
    texts = units[S.TEXT].tolist()
    vectors = encode(ctx, texts, desc="view units")
    width = vectors.shape[1] if vectors.size else 1
    columns = {c: units[c].to_numpy() for c in units.columns}
    columns[S.TEXT_KEY] = encoder(ctx).keys(texts)
    columns[S.EMBEDDING] = matrix_to_arrow(vectors.reshape(-1, width))
    return {"voice_units": pa.table(columns)}
