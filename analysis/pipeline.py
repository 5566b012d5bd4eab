"""The stage graph and the skip-if-unchanged logic.

A stage is a function from a study and its input tables to its output tables. Each
lives in its own module of ``analysis/stages/`` and registers itself with
:func:`register`: its name, the stages whose tables it reads (``inputs``), the tables it
writes with their schemas (``outputs``), and the slice of study.yaml and the raw files
it reads. :func:`register_all` imports every stage module; the pipeline calls it itself.

Each output carries a fingerprint: the hash of the stage's name, its code (its module
and every ``analysis`` module it imports, see :mod:`analysis.sourcehash`), its config
slice, its raw files' content and its inputs' fingerprints. A stage whose stored
fingerprint matches is skipped: editing the codebook re-runs scoring and aggregation
but never ingestion or embedding; editing a function re-runs the stages that use it.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow

from analysis import execution, paths, stages
from analysis import schema as S
from analysis.errors import StageError
from analysis.io import read_meta, read_table, write_table, write_text
from analysis.provenance import git_commit, hash_obj, package_versions, path_sha256
from analysis.sourcehash import code_hash
from analysis.study import Study

log = logging.getLogger(__name__)

Table = pd.DataFrame | pyarrow.Table  # Arrow for tables holding vectors


@dataclass(frozen=True)
class Stage:
    name: str
    inputs: tuple[str, ...]  # the stages whose tables this one reads
    outputs: Mapping[str, pa.DataFrameSchema]  # table -> schema; written to <build>/<table>.parquet
    run: Callable[[Context], dict[str, Table | None]]
    config: Callable[[Study], Any] = lambda study: None
    raw_files: Callable[[Study], list[Path]] = lambda study: []
    version: str | None = None  # bump to re-run when something the code hash misses changed
    description: str = ""

    @property
    def module(self) -> str:
        return self.run.__module__

    def code(self) -> str:
        return code_hash(self.module)


REGISTRY: dict[str, Stage] = {}


def register(
    name: str,
    *,
    outputs: Mapping[str, pa.DataFrameSchema],
    inputs: Iterable[str] = (),
    config: Callable[[Study], Any] | None = None,
    raw_files: Callable[[Study], list[Path]] | None = None,
    version: str | None = None,
):
    """Decorator registering a stage function under ``name``.

    The function takes a :class:`Context` and returns ``{table: DataFrame}`` for every
    table in ``outputs`` (``None`` writes the table empty, with its schema's columns).
    """

    def wrap(fn: Callable[[Context], dict[str, Table | None]]):
        if name in REGISTRY:
            raise ValueError(f"stage {name!r} registered twice")
        REGISTRY[name] = Stage(
            name=name,
            inputs=tuple(inputs),
            outputs=dict(outputs),
            run=fn,
            config=config or (lambda study: None),
            raw_files=raw_files or (lambda study: []),
            version=version,
            description=(fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
        )
        return fn

    return wrap


def register_all() -> dict[str, Stage]:
    """Register every stage listed in :data:`analysis.stages.STAGES` (idempotent)."""
    for module in stages.STAGES:
        importlib.import_module(f"{stages.__name__}.{module}")
    return REGISTRY


def table_path(study: Study, table: str) -> Path:
    return study.build_dir / f"{table}.parquet"


def load_table(study: Study, name: str) -> pd.DataFrame:
    """A built table of ``study``, for notebooks and reports.

    When ``FRAMING_RECORD_READS`` names a file, the table's path is appended to it: the
    notebook runner turns that list into make dependencies (like a compiler's ``-MD``).
    The figures a notebook publishes record the same tables (:func:`tables_read`).
    """
    path = table_path(study, name)
    _READS.setdefault((study.build_dir, name), study)
    record = paths.record_reads_file()
    if record:
        with open(record, "a", encoding="utf-8") as fh:
            fh.write(f"{path}\n")
    return _read(study, name)


_READS: dict[tuple[Path, str], Study] = {}


def tables_read() -> list[tuple[Study, str]]:
    """Every (study, table) :func:`load_table` returned in this process, in read order."""
    return [(study, name) for (_, name), study in _READS.items()]


def _read(study: Study, name: str) -> pd.DataFrame:
    path = table_path(study, name)
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
    """What a running stage may use: the study, its input tables, shared resources."""

    study: Study
    resources: dict[str, Any] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    stage: Stage | None = None  # the stage running; it may read only its inputs' tables

    def table(self, name: str) -> pd.DataFrame:
        """An input table of the running stage."""
        return _read(self.study, self._declared(name))

    def table_path(self, name: str) -> Path:
        """Where an input table of the running stage is (to read part of it)."""
        return table_path(self.study, self._declared(name))

    def outlet_order(self) -> list[str]:
        """Outlets in the outlets.csv order (the ``outlets`` table of stage ``articles``)."""
        return self.table("outlets")[S.OUTLET].tolist()

    def resource(self, key: str, factory: Callable[[], Any]) -> Any:
        if key not in self.resources:
            self.resources[key] = factory()
        return self.resources[key]

    def count(self, key: str, n: int) -> None:
        self.counters[key] = self.counters.get(key, 0) + n

    def _declared(self, table: str) -> str:
        if self.stage is None:
            return table
        writer = producer(table)
        if writer.name not in self.stage.inputs:
            raise StageError(
                f"stage {self.stage.name!r} reads table {table!r} without declaring stage "
                f"{writer.name!r} (which writes it) as an input",
                hint=f"add {writer.name!r} to inputs= of @register({self.stage.name!r}) in "
                f"{self.stage.module}",
            )
        return table


@dataclass
class StageReport:
    name: str
    status: str  # "ran" | "skipped"
    seconds: float
    fingerprint: str


def order(targets: Iterable[str] | None = None) -> list[Stage]:
    """Stages needed for ``targets`` (all when None), upstream first."""
    register_all()
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
    """The stage that writes ``table``."""
    for stage in register_all().values():
        if table in stage.outputs:
            return stage
    raise StageError(f"no stage writes table {table!r}")


def fingerprint(stage: Stage, study: Study, upstream: dict[str, str]) -> str:
    return hash_obj(
        {
            "stage": stage.name,
            "version": stage.version,
            "code": stage.code(),
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


def execute(stage: Stage, ctx: Context) -> dict[str, Table]:
    """Run one stage: it reads only its inputs' tables; its tables are checked."""
    ctx.stage = stage
    try:
        tables = stage.run(ctx)
    finally:
        ctx.stage = None
    missing = set(stage.outputs) - set(tables)
    extra = set(tables) - set(stage.outputs)
    if missing or extra:
        raise StageError(
            f"stage {stage.name!r} returned tables {sorted(tables)}, but declares "
            f"{sorted(stage.outputs)} in its outputs"
        )
    return {name: conform(tables[name], schema) for name, schema in stage.outputs.items()}


def conform(table: Table | None, schema: pa.DataFrameSchema) -> Table:
    """``table`` validated against ``schema`` and coerced to its types.

    ``None`` becomes an empty table with the schema's columns and types. In an Arrow
    table, the vector columns (:data:`analysis.schema.VECTOR_COLUMNS`) must be
    fixed-size lists of float32, and the schema validates the other columns.
    """
    if table is None:
        table = pd.DataFrame({column: pd.Series(dtype=object) for column in schema.columns})
    if isinstance(table, pd.DataFrame):
        return schema.validate(table)
    vectors = [c for c in table.column_names if c in S.VECTOR_COLUMNS]
    for column in vectors:
        kind = table.schema.field(column).type
        if not (pyarrow.types.is_fixed_size_list(kind) and kind.value_type == pyarrow.float32()):
            raise TypeError(f"{schema.name}.{column}: {kind}, expected fixed_size_list<float>")
    schema.validate(table.drop_columns(vectors).to_pandas())
    return table


def run(
    study: Study,
    targets: Iterable[str] | None = None,
    force: Iterable[str] = (),
    context: Context | None = None,
) -> tuple[list[StageReport], Context]:
    """Run the stages needed for ``targets``, skipping those whose outputs are current.

    ``force`` names stages to re-run regardless (``"all"`` forces every stage).
    """
    force = set(force)
    register_all()
    unknown = sorted(force - set(REGISTRY) - {"all"})
    if unknown:
        raise StageError(
            f"--force {unknown[0]!r}: no such stage", hint=f"stages: all, {', '.join(REGISTRY)}"
        )
    study.claim_outputs()
    ctx = context or Context(study)
    prints: dict[str, str] = {}
    reports = []
    try:
        _run_stages(study, targets, force, ctx, prints, reports)
    finally:
        execution.close(ctx)
    if targets is None:
        write_make_deps(study)
    return reports, ctx


def _run_stages(
    study: Study,
    targets: Iterable[str] | None,
    force: set[str],
    ctx: Context,
    prints: dict[str, str],
    reports: list[StageReport],
) -> None:
    for stage in order(targets):
        fp = fingerprint(stage, study, prints)
        prints[stage.name] = fp
        if stage.name not in force and "all" not in force and is_current(stage, study, fp):
            log.info("%-14s up to date, skipped", stage.name)
            reports.append(StageReport(stage.name, "skipped", 0.0, fp))
            continue
        log.info("%-14s running", stage.name)
        start = time.perf_counter()
        tables = execute(stage, ctx)
        meta = {
            "stage": stage.name,
            "version": stage.version,
            "code": stage.code(),
            "fingerprint": fp,
            "inputs": {dep: prints[dep] for dep in stage.inputs},
            "config": stage.config(study),
            "raw_files": raw_hashes(stage, study),
            "study": study.name,
            "packages": package_versions(),
            "git": git_commit(),
        }
        for name, table in tables.items():
            write_table(table, table_path(study, name), meta)
        seconds = time.perf_counter() - start
        log.info("%-14s done in %.1fs", stage.name, seconds)
        reports.append(StageReport(stage.name, "ran", seconds, fp))


MAKE_DEPS = "pipeline.d"


def write_make_deps(study: Study) -> Path:
    """``<build>/pipeline.d``: what the whole pipeline writes and reads, for ``make``.

    ``PIPELINE_TABLES`` lists every table (the Makefile re-runs the pipeline when one is
    missing); ``PIPELINE_INPUTS`` every raw file the stages read, wherever it lives (a
    study may read data outside its folder). Each input also gets an empty rule, so a
    deleted one re-runs the pipeline, which then says what is missing.
    """
    all_stages = order()
    tables = [paths.for_make(table_path(study, t)) for s in all_stages for t in s.outputs]
    # Only files that exist: a missing optional input (the default adjudication.csv) would
    # be a target without a recipe, which make remakes on every run. A file created later
    # in the study folder is noticed anyway (the Makefile depends on every file there).
    inputs = sorted(
        {paths.for_make(p) for s in all_stages for p in s.raw_files(study) if Path(p).exists()}
    )
    text = "\n".join(
        [
            f"# Written by `framing run` for study {study.name!r}; read by the Makefile.",
            "PIPELINE_TABLES := " + " \\\n  ".join(tables),
            "PIPELINE_INPUTS := " + " \\\n  ".join(inputs),
            *(f"{path}:" for path in inputs),
        ]
    )
    target = study.build_dir / MAKE_DEPS
    write_text(target, text + "\n")
    return target
