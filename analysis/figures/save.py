"""Save figures deterministically, each with a provenance sidecar.

PDF, SVG and PNG carry no creation date and a fixed SVG hash salt, so re-running a
notebook on the same tables gives byte-identical files. ``<stem>.json`` records the
study, its config hash, the fingerprints of the tables drawn, the model, package
versions and the git commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.io import atomic_path, read_meta, write_text
from analysis.pipeline import table_path
from analysis.provenance import git_commit, hash_obj, package_versions
from analysis.study import Study

FORMATS = ("pdf", "svg", "png")
_METADATA = {
    "pdf": {"Creator": "framing-analysis", "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": "framing-analysis", "Date": None},
    "png": {"Software": "framing-analysis"},
}


def figures_dir(study: Study) -> Path:
    return study.figures_dir


def provenance(study: Study, tables: Iterable[str], **extra: Any) -> dict[str, Any]:
    inputs = {
        name: (read_meta(table_path(study, name)) or {}).get("fingerprint") for name in tables
    }
    return {
        "study": study.name,
        "config_hash": hash_obj(study.config.model_dump()),
        "tables": inputs,
        "model": study.config.embedding.model,
        "embedding": study.config.embedding.identity(),
        "packages": package_versions(),
        "git": git_commit(),
        **extra,
    }


def save_figure(
    fig: Figure,
    stem: Path,
    prov: dict[str, Any],
    formats: Iterable[str] = FORMATS,
    caption: str = "",
) -> list[Path]:
    """Write ``stem.<fmt>`` for each format plus ``stem.json``; return the paths."""
    stem = Path(stem)
    written = []
    for fmt in formats:
        target = stem.with_suffix(f".{fmt}")
        with atomic_path(target, keep_if_unchanged=True) as tmp:
            fig.savefig(tmp, format=fmt, metadata=_METADATA[fmt])
        written.append(target)
    sidecar = {"figure": stem.name, "caption": caption, "files": [p.name for p in written], **prov}
    write_text(stem.with_suffix(".json"), json.dumps(sidecar, indent=2, sort_keys=True) + "\n")
    plt.close(fig)
    return written
