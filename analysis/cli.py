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
ConfineOpt = Annotated[
    bool,
    typer.Option(
        "--confine",
        help="refuse any study.yaml path that leads outside the study folder (for running "
        "a study folder someone else wrote)",
    ),
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
    confine: ConfineOpt = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="where heavy stages run: none, local, local:N (N workers) or a Dask "
            "scheduler address (overrides execution: in study.yaml)"
        ),
    ] = None,
) -> None:
    """Run a study's pipeline, skipping every stage whose code and inputs are unchanged."""
    from pydantic import ValidationError

    from analysis.errors import StudyConfigError
    from analysis.pipeline import run as run_pipeline
    from analysis.study import Study

    try:
        loaded = Study.load(study, confine=confine)
        if scheduler is not None:
            try:
                execution = loaded.config.execution.with_option(scheduler)
            except ValidationError as exc:
                raise StudyConfigError(
                    f"--scheduler {scheduler!r}: {exc.errors()[0]['msg']}",
                    hint="use none, local, local:2 or tcp://host:8786",
                ) from None
            loaded.config = loaded.config.model_copy(update={"execution": execution})
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
        sources = [s for s in notebook_sources() if not only or any(o in s.name for o in only)]
        if not sources:
            names = ", ".join(s.name for s in notebook_sources())
            raise FramingError(f"--only {only}: no notebook matches", hint=f"notebooks: {names}")
        for source in sources:
            out = execute(source, loaded, html=html)
            log.info("wrote %s", out)
    except FramingError as exc:
        _fail(exc)


annotate_app = typer.Typer(
    no_args_is_help=True,
    help="Human coding: export coding sheets, import codes, intercoder agreement.",
)
app.add_typer(annotate_app, name="annotate")


@annotate_app.command("export")
def annotate_export(
    study: StudyArg,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="folder for the sheets (files are never overwritten)"),
    ],
    n: Annotated[int, typer.Option("--n", min=1, help="number of distinct sentences")] = 200,
    coders: Annotated[
        str, typer.Option("--coders", help="comma-separated coder names, one sheet each")
    ] = "coder1",
    overlap: Annotated[
        float | None,
        typer.Option(help="share of sentences every coder codes (default: coding.overlap)"),
    ] = None,
) -> None:
    """Write coding sheets: a stratified sample (by outlet and frame presence) split among
    coders with an overlap for intercoder agreement, and the codebook beside them."""
    from analysis.frames.annotate import (
        assign_coders,
        codebook_markdown,
        codebook_table,
        export_sample,
        manifest,
    )
    from analysis.frames.gold import load_gold_files
    from analysis.io import write_csv, write_text
    from analysis.pipeline import load_table, run
    from analysis.study import Study

    names = [c.strip() for c in coders.split(",") if c.strip()]
    try:
        loaded = Study.load(study)
        share = loaded.config.coding.overlap if overlap is None else overlap
        if not 0 <= share <= 1:
            raise FramingError(f"--overlap {share} is not a share between 0 and 1")
        targets = [out / f"{c}.csv" for c in names]
        targets += [out / name for name in ("codebook.csv", "CODEBOOK.md", "assignment.csv")]
        targets.append(out / "manifest.json")
        existing = [str(t) for t in targets if t.exists()]
        if existing:
            raise FramingError(
                f"{existing[0]} exists; coding sheets are never overwritten",
                hint="choose a new --out folder",
            )
        run(loaded, targets=["frame_scores"])
        sample = export_sample(
            load_table(loaded, "sentences"),
            load_table(loaded, "frame_scores"),
            n,
            loaded.config.seed,
            exclude=load_gold_files(loaded),
        )
        codebook = loaded.config.codebook
        sheets, assignment = assign_coders(sample, names, share, loaded.config.seed, codebook)
        for coder, sheet in sheets.items():
            write_csv(sheet, out / f"{coder}.csv")
        write_csv(codebook_table(codebook), out / "codebook.csv")
        write_text(out / "CODEBOOK.md", codebook_markdown(codebook, loaded.name))
        write_csv(assignment, out / "assignment.csv")
        write_text(
            out / "manifest.json",
            manifest(loaded.name, loaded.config.seed, share, names, assignment) + "\n",
        )
    except FramingError as exc:
        _fail(exc)
    shared = int(assignment["overlap"].sum())
    sizes = ", ".join(f"{c}.csv ({len(s)} rows)" for c, s in sheets.items())
    typer.echo(
        f"wrote {len(sheets)} sheet(s) to {out}/ ({len(sample)} sentences; {shared} coded by "
        f"every coder for agreement): {sizes}"
    )
    typer.echo(
        f"coders fill in one code per frame column ({', '.join(f.id for f in codebook.frames)}) "
        "and voice; `none` where a frame is absent (an empty cell means not coded). "
        f"The codes and their meaning: {out}/CODEBOOK.md and codebook.csv."
    )


@annotate_app.command("import")
def annotate_import(
    study: StudyArg,
    sheets: Annotated[list[Path], typer.Argument(help="the filled-in coding sheet(s)")],
    into: Annotated[
        Path | None,
        typer.Option(help="gold file to add to (default: the study's `gold:`, or gold_codes.csv)"),
    ] = None,
) -> None:
    """Validate coding sheets and add their codes to the study's gold file (never
    overwriting a code); then report agreement between coders."""
    from analysis.frames.annotate import import_sheet, merge_codes
    from analysis.frames.gold import code_fields, load_gold
    from analysis.io import write_csv
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        codebook = loaded.config.codebook
        target = _gold_target(loaded, into)
        existing = load_gold(target, codebook) if target.exists() else None
        merged, uncoded = existing, []
        for sheet in sheets:
            result = import_sheet(sheet, codebook)
            merged = merge_codes(merged, result.codes, code_fields(codebook))
            typer.echo(
                f"{sheet}: {len(result.codes)} coded row(s), {len(result.uncoded)} uncoded, "
                f"{len(result.incomplete)} with empty cells"
            )
            uncoded += [(str(sheet), line, "every field") for line in result.uncoded]
            uncoded += [(str(sheet), line, ", ".join(f)) for line, f in result.incomplete]
        if merged is None or merged.empty:
            raise FramingError("no coded row in the sheet(s); nothing imported")
        write_csv(merged, target, keep_if_unchanged=True)
        _report_uncoded(loaded, uncoded)
        typer.echo(f"gold file {target}: {len(merged)} row(s) (one per sentence and coder)")
        listed = {loaded.path(f) for f in loaded.config.gold_files}
        if target.resolve() not in listed:
            typer.secho(
                f"add `gold: {_relative_to(target, loaded.root)}` to {loaded.root}/study.yaml so "
                "the pipeline uses these codes",
                fg=typer.colors.YELLOW,
            )
            gold = [*loaded.config.gold_files, str(target.resolve())]
            loaded.config = loaded.config.model_copy(update={"gold": gold})
        _print_agreement(loaded)
    except FramingError as exc:
        _fail(exc)


@annotate_app.command("agreement")
def annotate_agreement(study: StudyArg) -> None:
    """Krippendorff's alpha between coders per frame, with intervals; list disagreements."""
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        if not loaded.config.gold_files:
            raise FramingError(
                "the study has no gold file",
                hint="import coding sheets first: `framing annotate import`",
            )
        _print_agreement(loaded)
    except FramingError as exc:
        _fail(exc)


def _relative_to(path: Path, root: Path) -> str:
    import os

    return os.path.relpath(path.resolve(), root)


def _gold_target(loaded, into: Path | None) -> Path:
    from analysis.frames.gold import LEGACY_POLE, read_csv_strings

    if into is not None:
        target = into
    elif len(loaded.config.gold_files) == 1:
        target = loaded.path(loaded.config.gold_files[0])
    elif loaded.config.gold_files:
        raise FramingError(
            "the study lists several gold files", hint="say which one to add to: --into <file>"
        )
    else:
        target = loaded.root / "gold_codes.csv"
    if target.exists():
        header = read_csv_strings(target, "gold file").columns
        if LEGACY_POLE in header and not any(f.id in header for f in loaded.config.codebook.frames):
            raise FramingError(
                f"{target} is in the single-pole format (one `pole` column); new codes are "
                "not mixed into it",
                hint="import into a new file (--into corpora/<study>/gold_codes.csv) and list "
                "both files in study.yaml: `gold: [<old>.csv, gold_codes.csv]`",
            )
    return target


def _report_uncoded(loaded, uncoded: list[tuple[str, int, str]]) -> None:
    """Every uncoded row or cell goes to a file; the terminal shows the first ones and
    says how many more there are."""
    import pandas as pd

    from analysis.io import write_csv

    if not uncoded:
        return
    path = loaded.build_dir / "coding" / "uncoded.csv"
    write_csv(pd.DataFrame(uncoded, columns=["sheet", "line", "empty"]), path)
    shown = 10
    typer.echo(f"{len(uncoded)} row(s) with empty cells (not coded), all listed in {path}:")
    for sheet, line, what in uncoded[:shown]:
        typer.echo(f"    {sheet}, line {line}: {what}")
    if len(uncoded) > shown:
        typer.echo(f"    ... and {len(uncoded) - shown} more (see {path})")


def _print_agreement(loaded) -> None:
    import pandas as pd

    from analysis.io import write_csv
    from analysis.pipeline import table_path
    from analysis.stages.intercoder import coding_report

    articles_path = table_path(loaded, "articles")
    articles = (
        pd.read_parquet(articles_path, columns=["doc_id", "text"])
        if articles_path.exists()
        else pd.DataFrame({"doc_id": pd.Series(dtype=str), "text": pd.Series(dtype=str)})
    )
    tables = coding_report(loaded, articles)
    table, disagreements = tables["intercoder"], tables["disagreements"]
    ci = round(loaded.config.coding.ci * 100)
    typer.echo(f"Agreement between coders (Krippendorff's alpha, nominal; {ci}% bootstrap CI):")
    for row in table.itertuples(index=False):
        if row.n_units == 0:
            typer.echo(f"  {row.field:<16} no sentence coded by two coders")
        else:
            typer.echo(
                f"  {row.field:<16} alpha {row.alpha:5.2f}  [{row.ci_low:5.2f}, {row.ci_high:5.2f}]"
                f"  n = {row.n_units} sentences, {row.n_coders} coders, "
                f"{row.n_disagreements} disagreement(s), {row.n_unresolved} unresolved"
            )
    path = loaded.build_dir / "disagreements.csv"
    write_csv(disagreements, path)
    unresolved = int((disagreements["status"] == "unresolved").sum())
    adjudication = loaded.path(loaded.config.coding.adjudication)
    typer.echo(
        f"{len(disagreements)} disagreement(s) listed in {path}; {unresolved} unresolved "
        "(left out of validation until decided)."
    )
    if unresolved:
        typer.echo(
            f"To decide them: copy that file to {adjudication}, fill in `code` (and `note`), "
            "and run the pipeline again. Coders' own codes are never changed."
        )


@app.command()
def validate(
    study: StudyArg,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="exit with code 1 if any record is rejected")
    ] = False,
    confine: ConfineOpt = False,
) -> None:
    """Check a study's corpus: records read, kept, rejected by reason, duplicates, languages.

    Writes rejects, problems, boilerplate and outlets CSVs to build/<study>/, nothing else.
    """
    import json

    from analysis.corpus.ingest import ingest, write_reports
    from analysis.corpus.summary import format_summary, summarize
    from analysis.study import Study

    try:
        loaded = Study.load(study, confine=confine)
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
        typer.secho(
            f"error: no record was kept ({result.n_rejected} rejected, "
            f"{result.n_filtered} filtered out)",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(code=2)
    if strict and result.n_rejected:
        raise typer.Exit(code=1)


@app.command("config-reference")
def config_reference(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="file to write (default: the project's)")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="exit 1 if the file is not up to date; write nothing")
    ] = False,
) -> None:
    """Write corpora/study-yaml-reference.md: every study.yaml key, type, default, meaning."""
    from analysis.config_reference import reference_file, render
    from analysis.io import write_text

    target = out or Path(reference_file())
    text = render()
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            typer.secho(
                f"{target} is out of date; run `framing config-reference`", fg="red", err=True
            )
            raise typer.Exit(code=1)
        log.info("%s is up to date", target)
        return
    write_text(target, text)
    log.info("wrote %s", target)


@app.command()
def collect(
    study: StudyArg,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="repeat discovery calls (feeds, GDELT, Media Cloud) and re-fetch pages "
            "already fetched, with conditional requests (unchanged pages are not re-downloaded)",
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, help="fetch at most this many pages this run (to try things out)"
        ),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="progress bar (default: on a terminal)"),
    ] = None,
    reextract: Annotated[
        bool,
        typer.Option(
            "--reextract",
            help="extract the articles again from the WARC files, fetching nothing "
            "(after a trafilatura upgrade or a change of collect.min_words)",
        ),
    ] = False,
) -> None:
    """Collect a study's coverage from the sources under `collect:` in its study.yaml.

    Sources: URL lists, RSS/Atom feeds, the GDELT DOC 2.0 API, Media Cloud (with an API
    key), and the Internet Archive for pages that are gone.

    Writes to <study>/collected/ (collect.output), never under build/: articles.jsonl
    (the extracted articles: point `corpus:` at it), ledger.sqlite and ledger.csv (one
    row per input URL: outcome, reason, HTTP status, attempts, hash), warc/*.warc.gz
    (every response as received), requests.csv and summary.json.

    Polite by default: robots.txt, one request per site every `per_host_delay` seconds,
    retries that honour Retry-After, a User-Agent with your `contact`.

    Stop it at any time (Ctrl-C, even kill -9): the same command resumes and fetches
    only what is missing. `make` never collects: run `make collect STUDY=<name>` (or
    this command) first, then `make STUDY=<name>`.
    """
    from analysis.collect.run import collect as run_collect
    from analysis.collect.run import format_summary
    from analysis.study import Study

    try:
        loaded = Study.load(study)
        if reextract:
            from analysis.collect.run import reextract as run_reextract

            result = run_reextract(loaded)
        else:
            result = run_collect(loaded, refresh=refresh, limit=limit, progress=progress)
    except FramingError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        typer.secho(
            "interrupted: the ledger is saved; run the same command to continue",
            fg=typer.colors.YELLOW,
            err=True,
        )
        raise typer.Exit(code=130) from None
    typer.echo(format_summary(result))


@app.command()
def export(
    study: StudyArg,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, latex or xlsx")] = "csv",
) -> None:
    """Write the result tables a paper cites, with a data dictionary, to build/<study>/export/."""
    from analysis.export import export_tables
    from analysis.study import Study

    try:
        written = export_tables(Study.load(study), fmt)
    except FramingError as exc:
        _fail(exc)
    for path in written:
        typer.echo(str(path))


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
