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

numba compiles UMAP's and HDBSCAN's kernels on first use (tens of seconds). Its on-disk
cache is keyed by source file; pointing it at the build tree before umap/hdbscan are
imported lets every later process reuse the compiled code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def numba_cache_dir() -> Path:
    """``<build root>/cache/numba``, or ``$NUMBA_CACHE_DIR`` when set."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        return Path(env)
    from analysis.study import default_build_root

    return default_build_root() / "cache" / "numba"


def ensure_numba_cache() -> Path:
    """Point numba's cache at :func:`numba_cache_dir` unless the user chose one.

    Must run before umap/hdbscan/pynndescent are imported: numba fixes a cached
    function's cache location when the function is defined.
    """
    path = numba_cache_dir()
    path.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NUMBA_CACHE_DIR", str(path))
    if "numba" in sys.modules:  # imported already (by another library): set its config too
        from numba.core import config

        if not getattr(config, "CACHE_DIR", ""):
            config.CACHE_DIR = str(path)
    return path


ensure_numba_cache()
