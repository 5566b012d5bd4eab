"""The study's stages: one module per stage, named after it.

Each module registers its stage with ``@register`` (``analysis/pipeline.py``): its
name, the stages whose tables it reads, the tables it writes with their schemas, and the
slice of study.yaml and the raw files it reads. The pipeline imports the modules listed
in :data:`STAGES` (``register_all``); a new stage is a new module and its name here.
The listed order is the run order among stages that do not depend on each other.

A stage module is a thin wrapper over pure functions elsewhere in the package. Its
config slice decides what invalidates it (the codebook is read only by
``frame_scores`` and ``validation``, so a codebook edit re-runs scoring and what follows),
and so does its code: the module and every ``analysis`` module it imports.
:mod:`.vectors` is not a stage: it holds what stages use to encode texts and to read the
sentence vectors.
"""

STAGES = (
    "articles",
    "sentences",
    "embeddings",
    "voice_units",
    "events",
    "frame_scores",
    "aggregate",
    "validation",
    "intercoder",
    "topics",
    "topic_prevalence",
    "comparisons",
    "fightin_words",
)
