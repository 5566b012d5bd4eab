"""Save figures deterministically, each with a provenance sidecar.

Notebooks call :func:`publish`. PDF, SVG and PNG carry no creation date and a fixed SVG
hash salt, so re-running a notebook on the same tables gives byte-identical files.
``<stem>.json`` records the study, its config hash, the fingerprints of the tables the
notebook read, the model, package versions and the git commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.io import atomic_path, read_meta, write_text
from analysis.pipeline import table_path, tables_read
from analysis.provenance import git_commit, hash_obj, package_versions
from analysis.study import Study

FORMATS = ("pdf", "svg", "png")
_METADATA = {
    "pdf": {"Creator": "framing-analysis", "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": "framing-analysis", "Date": None},
    "png": {"Software": "framing-analysis"},
}


def publish(fig: Figure, name: str, caption: str) -> list[Path]:
    """Write ``fig`` as ``<figures>/<study>/<name>.{pdf,svg,png,json}``; return the paths.

    The study and the provenance come from the tables this process (the notebook's
    kernel) read with :func:`analysis.pipeline.load_table`, so the sidecar names exactly
    what the figure could have been drawn from.
    """
    reads = tables_read()
    studies = {study.build_dir: study for study, _ in reads}
    if len(studies) != 1:
        found = ", ".join(str(d) for d in studies) or "none"
        raise ValueError(
            f"publish({name!r}) needs the tables of exactly one study read with load_table() "
            f"in this process; studies read: {found}"
        )
    study = next(iter(studies.values()))
    prov = provenance(study, [table for _, table in reads])
    return save_figure(fig, study.figures_dir / name, prov, caption=caption)


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
    reason = getattr(fig, "not_enough_data", None)  # set by style.note_figure
    if reason:
        sidecar["not_enough_data"] = reason
    write_text(stem.with_suffix(".json"), json.dumps(sidecar, indent=2, sort_keys=True) + "\n")
    plt.close(fig)
    return written
