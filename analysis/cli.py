"""The ``framing`` command: a thin typer layer over the pipeline.

Logging is configured here and only here; the library just logs.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from analysis.errors import FramingError

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
    ):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def _fail(exc: FramingError) -> None:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


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


def entrypoint() -> None:  # pragma: no cover - for `python -m analysis`
    sys.exit(app())


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
