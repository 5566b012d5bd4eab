"""The ``framing`` command: a thin typer layer over the pipeline.

Logging is configured here and only here; the library just logs.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from analysis.errors import FramingError, InternalError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Measure how news outlets frame the same events. Start with `framing run corpora/demo`.",
)
log = logging.getLogger("analysis")

StudyArg = Annotated[
    Path, typer.Argument(help="study folder (holding study.yaml), e.g. corpora/demo")
]


def _setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)-7s %(message)s", datefmt="%H:%M:%S"
    )
    for noisy in (
        "sentence_transformers",
        "transformers",
        "httpx",
        "urllib3",
        "numba",
        "matplotlib",
        "papermill",
        "traitlets",
    ):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


# Exit codes: 2 is a user error (FramingError: message, no traceback); 3 is a bug
# (InternalError: a broken invariant, printed as a bug report with its traceback).
USER_ERROR_EXIT = 2
BUG_EXIT = 3


def _fail(exc: FramingError) -> None:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=USER_ERROR_EXIT)


def _report_bug(exc: InternalError) -> None:
    traceback.print_exception(exc, file=sys.stderr)
    typer.secho(
        f"\nbug: {exc.message}\nThis is a bug in framing-analysis, not a problem with your "
        "study.\n  → please report it with the traceback above, the command you ran and, if "
        "you can share it, the input that triggers it",
        fg=typer.colors.RED,
        err=True,
    )


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="debug logging")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="warnings and errors only")] = False,
) -> None:
    _setup_logging(verbose, quiet)


@app.command()
def run(
    study: StudyArg,
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", "-s", help="build only this stage and what it needs"),
    ] = None,
    force: Annotated[
        list[str] | None,
        typer.Option(
            "--force", "-f", help="re-run this stage even if current ('all' for every stage)"
        ),
    ] = None,
) -> None:
    """Run a study's pipeline, skipping every stage whose inputs are unchanged."""
    import analysis.stages  # noqa: F401  (registers the stages)
    from analysis.pipeline import run as run_pipeline
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        reports, ctx = run_pipeline(loaded, targets=stage, force=force or ())
    except FramingError as exc:
        _fail(exc)
    ran = [r.name for r in reports if r.status == "ran"]
    log.info(
        "study %s: %d stage(s) ran (%s), %d up to date; texts encoded: %d, from cache: %d",
        loaded.name,
        len(ran),
        ", ".join(ran) or "none",
        len(reports) - len(ran),
        ctx.counters.get("encoded", 0),
        ctx.counters.get("from_cache", 0),
    )
    log.info("outputs in %s", loaded.build_dir)


@app.command()
def stages() -> None:
    """List the pipeline's stages in run order."""
    import analysis.stages  # noqa: F401
    from analysis.pipeline import order

    for s in order():
        deps = f" (after {', '.join(s.inputs)})" if s.inputs else ""
        typer.echo(f"{s.name:14s} → {', '.join(s.outputs)}{deps}\n    {s.description}")


def entrypoint() -> None:
    """The ``framing`` command (and ``python -m analysis``): a bug exits with BUG_EXIT."""
    try:
        app(prog_name="framing")
    except InternalError as exc:
        _report_bug(exc)
        sys.exit(BUG_EXIT)


@app.command()
def notebooks(
    study: StudyArg,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="run only notebooks whose name contains this")
    ] = None,
    html: Annotated[bool, typer.Option(help="also export HTML")] = True,
) -> None:
    """Execute the notebooks in notebooks/ for a study (into build/<study>/notebooks/)."""
    from analysis.notebooks import execute, notebook_sources
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        for source in notebook_sources():
            if only and not any(o in source.name for o in only):
                continue
            out = execute(source, loaded, html=html)
            log.info("wrote %s", out)
    except FramingError as exc:
        _fail(exc)


annotate_app = typer.Typer(
    no_args_is_help=True, help="Human coding: export a sample, import codes."
)
app.add_typer(annotate_app, name="annotate")


@annotate_app.command("export")
def annotate_export(
    study: StudyArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV to write (must not exist)")],
    n: Annotated[int, typer.Option("--n", help="number of sentences")] = 200,
) -> None:
    """Write a stratified sample of sentences (by outlet and frame presence) for coding."""
    import analysis.stages  # noqa: F401
    from analysis.frames.annotate import export_sample
    from analysis.frames.gold import load_gold
    from analysis.io import write_text
    from analysis.pipeline import load_table, run
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        if out.exists():
            raise FramingError(f"{out} exists; it is not overwritten", hint="choose a new --out")
        run(loaded, targets=["frame_scores"])
        gold = load_gold(loaded.path(loaded.config.gold)) if loaded.config.gold else None
        sample = export_sample(
            load_table(loaded, "sentences"),
            load_table(loaded, "frame_scores"),
            n,
            loaded.config.seed,
            exclude=gold,
        )
        write_text(out, sample.to_csv(index=False))
    except FramingError as exc:
        _fail(exc)
    log.info(
        "wrote %d sentences to %s; fill in pole, own_pole, voice (and speaker)", len(sample), out
    )


@annotate_app.command("import")
def annotate_import(
    study: StudyArg,
    coded: Annotated[Path, typer.Argument(help="the coded CSV")],
    into: Annotated[
        Path | None, typer.Option(help="gold file to add to (default: the study's `gold:`)")
    ] = None,
) -> None:
    """Validate coded sentences and add them to the study's gold file (never overwriting codes)."""
    from analysis.frames.annotate import import_codes, merge_codes
    from analysis.frames.gold import load_gold
    from analysis.io import write_text
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        target = into or (loaded.path(loaded.config.gold) if loaded.config.gold else None)
        if target is None:
            raise FramingError(
                "the study has no gold file",
                hint="pass --into <file.csv> and add `gold: <file.csv>` to study.yaml",
            )
        result = import_codes(coded, loaded.config.codebook)
        existing = load_gold(target) if target.exists() else None
        merged = merge_codes(existing, result.codes)
        write_text(target, merged.to_csv(index=False))
    except FramingError as exc:
        _fail(exc)
    log.info(
        "imported %d coded sentences into %s (%d rows left uncoded: lines %s)",
        len(result.codes),
        target,
        len(result.uncoded),
        result.uncoded[:20],
    )


@app.command()
def validate(
    study: StudyArg,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="exit with code 1 if any record is rejected")
    ] = False,
) -> None:
    """Check a study's corpus: records read, kept, rejected by reason, duplicates, languages.

    Writes rejects, problems, boilerplate and outlets CSVs to build/<study>/, nothing else.
    """
    import json

    from analysis.corpus.ingest import ingest, write_reports
    from analysis.corpus.summary import format_summary, summarize
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        result = ingest(loaded)
        write_reports(loaded, result)
    except FramingError as exc:
        _fail(exc)
    summary = summarize(result)
    if as_json:
        typer.echo(json.dumps({"study": loaded.name, **summary}, indent=2))
    else:
        typer.echo(format_summary(loaded.name, summary, str(loaded.build_dir)))
    if result.n_kept == 0:
        typer.secho("error: every record was rejected", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2)
    if strict and result.n_rejected:
        raise typer.Exit(code=1)


@app.command()
def report(study: StudyArg) -> None:
    """Write build/<study>/index.html: every figure with its caption, and the notebooks."""
    from analysis.report import build_index
    from analysis.study import Study

    try:
        out = build_index(Study.load(study))
    except FramingError as exc:
        _fail(exc)
    log.info("wrote %s", out)
