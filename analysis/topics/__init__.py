"""Topics by outlet: BERTopic on the cached sentence vectors, made deterministic, offline
and comparable across outlets.

- :mod:`.units` builds the units topics are assigned to (sentences or paragraphs) from
  the ``sentences`` and ``embeddings`` tables; nothing is re-encoded.
- :mod:`.model` assembles BERTopic from explicit components (seeded single-threaded UMAP,
  HDBSCAN, a stop-worded CountVectorizer, c-TF-IDF) and fits it.
- :mod:`.labels` names topics from their top c-TF-IDF terms or the study's renames.
- :mod:`.prevalence` turns unit topics into article shares, outlet shares with cluster
  bootstrap CIs, and a regression of share on outlet (+ event fixed effects): the
  counterpart of STM's ``estimateEffect``.
- :mod:`.persist` saves a fitted model as JSON + safetensors and loads it offline.
- :mod:`.evaluate` measures how topics line up with known events.
"""
