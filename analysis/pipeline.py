"""The stage graph and the skip-if-unchanged logic.

A stage is a named function from a study and its upstream tables to its own tables.
Stages register themselves by name (see ``analysis/stages.py``). Each stage's output
carries a fingerprint: the hash of the stage's name and version, the slice of the study
config it reads, the content of any raw files it reads, and its inputs' fingerprints.
A stage whose stored fingerprint matches is skipped, so editing the codebook re-runs
scoring and aggregation but never ingestion or embedding.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths
from analysis import schema as S
from analysis.errors import StageError
from analysis.io import read_matrix, read_meta, read_table, write_table
from analysis.provenance import git_commit, hash_obj, package_versions, path_sha256
from analysis.study import Study

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stage:
    name: str
    version: str  # bump when a change to the stage's code changes its output
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]  # table names; each is written to <build>/<name>.parquet
    run: Callable[[Context], dict[str, pd.DataFrame]]
    config: Callable[[Study], Any] = lambda study: None
    raw_files: Callable[[Study], list[Path]] = lambda study: []
    description: str = ""


REGISTRY: dict[str, Stage] = {}


def register(
    name: str,
    *,
    version: str,
    inputs: Iterable[str] = (),
    outputs: Iterable[str],
    config: Callable[[Study], Any] | None = None,
    raw_files: Callable[[Study], list[Path]] | None = None,
):
    """Decorator registering a stage function under ``name``."""

    def wrap(fn: Callable[[Context], dict[str, pd.DataFrame]]):
        if name in REGISTRY:
            raise ValueError(f"stage {name!r} registered twice")
        REGISTRY[name] = Stage(
            name=name,
            version=version,
            inputs=tuple(inputs),
            outputs=tuple(outputs),
            run=fn,
            config=config or (lambda study: None),
            raw_files=raw_files or (lambda study: []),
            description=(fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
        )
        return fn

    return wrap


def table_path(study: Study, table: str) -> Path:
    return study.build_dir / f"{table}.parquet"


def load_table(study: Study, name: str) -> pd.DataFrame:
    """A built table of ``study``, for notebooks and reports.

    When ``FRAMING_RECORD_READS`` names a file, the table's path is appended to it: the
    notebook runner turns that list into make dependencies (like a compiler's ``-MD``).
    """
    path = table_path(study, name)
    record = paths.record_reads_file()
    if record:
        with open(record, "a", encoding="utf-8") as fh:
            fh.write(f"{path}\n")
    if not path.exists():
        raise StageError(
            f"table {name!r} of study {study.name!r} has not been built ({path})",
            hint=f"run `framing run {study.root}` (or `make STUDY={study.name}`)",
        )
    return read_table(path)


def outlet_order(study: Study) -> list[str]:
    """Outlets in the outlets.csv order, which fixes colours and pair orientation."""
    return load_table(study, "outlets")[S.OUTLET].tolist()


@dataclass
class Context:
    """What a running stage may use: the study, upstream tables, shared resources."""

    study: Study
    resources: dict[str, Any] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        return load_table(self.study, name)

    def matrix(self, name: str, column: str) -> tuple[pd.DataFrame, Any]:
        """A table whose ``column`` holds vectors: (other columns, (n, d) matrix)."""
        path = table_path(self.study, name)
        if not path.exists():
            raise StageError(
                f"table {name!r} has not been built ({path})",
                hint=f"run `framing run {self.study.root}`",
            )
        return read_matrix(path, column)

    def resource(self, key: str, factory: Callable[[], Any]) -> Any:
        if key not in self.resources:
            self.resources[key] = factory()
        return self.resources[key]

    def count(self, key: str, n: int) -> None:
        self.counters[key] = self.counters.get(key, 0) + n


@dataclass
class StageReport:
    name: str
    status: str  # "ran" | "skipped"
    seconds: float
    fingerprint: str


def order(targets: Iterable[str] | None = None) -> list[Stage]:
    """Stages needed for ``targets`` (all when None), upstream first."""
    wanted = list(targets) if targets else list(REGISTRY)
    seen: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name not in REGISTRY:
            raise StageError(f"unknown stage {name!r}", hint=f"stages: {', '.join(REGISTRY)}")
        if name in trail:
            raise StageError(f"stage cycle: {' -> '.join((*trail, name))}")
        for dep in REGISTRY[name].inputs:
            visit(dep, (*trail, name))
        if name not in seen:
            seen.append(name)

    for name in wanted:
        visit(name, ())
    return [REGISTRY[n] for n in seen]


def producer(table: str) -> Stage:
    for stage in REGISTRY.values():
        if table in stage.outputs:
            return stage
    raise StageError(f"no stage produces table {table!r}")


def fingerprint(stage: Stage, study: Study, upstream: dict[str, str]) -> str:
    return hash_obj(
        {
            "stage": stage.name,
            "version": stage.version,
            "config": stage.config(study),
            "raw": raw_hashes(stage, study),
            "inputs": {dep: upstream[dep] for dep in stage.inputs},
        }
    )


def raw_hashes(stage: Stage, study: Study) -> dict[str, str]:
    """Content hashes of a stage's raw input files, keyed by path relative to the study.

    Relative keys keep fingerprints valid when a project folder is moved or cloned.
    """
    out = {}
    for path in stage.raw_files(study):
        if path.exists():
            out[os.path.relpath(path, study.root)] = path_sha256(path)
    return out


def is_current(stage: Stage, study: Study, fp: str) -> bool:
    for table in stage.outputs:
        meta = read_meta(table_path(study, table))
        if not meta or meta.get("fingerprint") != fp:
            return False
    return True


def run(
    study: Study,
    targets: Iterable[str] | None = None,
    force: Iterable[str] = (),
    context: Context | None = None,
) -> tuple[list[StageReport], Context]:
    """Run the stages needed for ``targets``, skipping those whose outputs are current.

    ``force`` names stages to re-run regardless (``"all"`` forces every stage).
    """
    ctx = context or Context(study)
    force = set(force)
    prints: dict[str, str] = {}
    reports = []
    for stage in order(targets):
        fp = fingerprint(stage, study, prints)
        prints[stage.name] = fp
        if stage.name not in force and "all" not in force and is_current(stage, study, fp):
            log.info("%-14s up to date, skipped", stage.name)
            reports.append(StageReport(stage.name, "skipped", 0.0, fp))
            continue
        log.info("%-14s running", stage.name)
        start = time.perf_counter()
        tables = stage.run(ctx)
        missing = set(stage.outputs) - set(tables)
        if missing:
            raise StageError(f"stage {stage.name!r} did not return table(s) {sorted(missing)}")
        meta = {
            "stage": stage.name,
            "version": stage.version,
            "fingerprint": fp,
            "inputs": {dep: prints[dep] for dep in stage.inputs},
            "config": stage.config(study),
            "raw_files": raw_hashes(stage, study),
            "study": study.name,
            "packages": package_versions(),
            "git": git_commit(),
        }
        for table in stage.outputs:
            write_table(tables[table], table_path(study, table), meta)
        seconds = time.perf_counter() - start
        log.info("%-14s done in %.1fs", stage.name, seconds)
        reports.append(StageReport(stage.name, "ran", seconds, fp))
    return reports, ctx
