"""Where the project keeps its files, and the environment variables that move them.

Every folder the package uses outside a study's own folder is named here, and so is
every ``FRAMING_*`` environment variable: nothing else in the package reads one. This
module only computes paths; it creates no folder and changes no variable.

- ``FRAMING_BUILD_DIR``: the build root (default ``<project>/build``); a study's tables
  go to ``<build root>/<study>/``.
- ``FRAMING_CACHE_DIR``: the embedding cache, shared by all studies (default
  ``<build root>/cache``).
- ``FRAMING_FIGURES_DIR``: the figures root (default ``<project>/figures``); a study's
  figures go to ``<figures root>/<study>/``.
- ``FRAMING_RECORD_READS``: a file each table a notebook reads is appended to (set by
  the notebook runner; unset otherwise).
- ``NUMBA_CACHE_DIR`` (numba's own): numba's compiled UMAP/HDBSCAN kernels (default
  ``<build root>/cache/numba``).
"""

from __future__ import annotations

import os
from pathlib import Path

BUILD_DIR_ENV = "FRAMING_BUILD_DIR"
CACHE_DIR_ENV = "FRAMING_CACHE_DIR"
FIGURES_DIR_ENV = "FRAMING_FIGURES_DIR"
RECORD_READS_ENV = "FRAMING_RECORD_READS"
STUDY_ENV = "FRAMING_STUDY"  # the study JupyterLab opens the notebooks on (`make lab`)
NUMBA_CACHE_DIR_ENV = "NUMBA_CACHE_DIR"  # numba's own variable, read by numba itself


def project_root() -> Path:
    """The folder holding ``analysis/``, ``corpora/`` and ``notebooks/``."""
    return Path(__file__).resolve().parent.parent


def build_root() -> Path:
    return _from_env(BUILD_DIR_ENV) or project_root() / "build"


def cache_dir() -> Path:
    return _from_env(CACHE_DIR_ENV) or build_root() / "cache"


def figures_root() -> Path:
    return _from_env(FIGURES_DIR_ENV) or project_root() / "figures"


def numba_cache_dir() -> Path:
    env = os.environ.get(NUMBA_CACHE_DIR_ENV)
    return Path(env) if env else build_root() / "cache" / "numba"


def record_reads_file() -> Path | None:
    """The file a notebook run collects the tables it reads in, or None outside one."""
    return _from_env(RECORD_READS_ENV)


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).resolve() if value else None


def for_make(path: Path) -> str:
    """``path`` as a Makefile names it: relative to the project root when inside it."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(project_root()))
    except ValueError:
        return str(resolved)
