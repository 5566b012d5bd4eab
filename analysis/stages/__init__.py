"""The study's stages, one module each, registered by name on import.

Each stage module is a thin wrapper over pure functions elsewhere in the package. The
config slice a stage passes to ``register`` decides what invalidates it: the codebook
is read only by ``frame_scores``, so a codebook edit re-runs scoring and what follows.
Import order is registration order, which is also the run order among independent
stages.
"""

from analysis.stages import (  # noqa: F401
    coding,
    compare,
    embeddings,
    events,
    frames,
    ingest,
    sentences,
    topics,
    validation,
)
