"""Mutation check: plant known bugs and demand that a test catches each one.

Every mutant is a small, plausible bug (a flipped comparison, a dropped record, an
off-by-one, a swapped sign, a lost tie-half in BCa) in ingestion, the bootstrap or voice
detection. For each, the check copies the project to a temporary folder (the real files
are never touched), applies the mutant there, and runs the fast tests that guard that
code against the copy. A mutant no test fails on means a missing test.

A mutant finds its site by a piece of code, never a line number, and that code must
occur exactly once in its file. When the code is rewritten and the piece no longer
matches, the check stops and says which mutant to update.

Usage (``make mutation``, part of ``make test-all``)::

    python -m tests.mutation.check            # every mutant; the table is printed and
                                              # written to benchmarks/results/mutation_check.md
    python -m tests.mutation.check --list     # the mutants, without running anything
    python -m tests.mutation.check --only bca_tie_half_removed --only reject_every_text
    # which of these tests fail on a mutant (all of them, not only the first):
    python -m tests.mutation.check --only reject_every_text --every-failure \
        --tests tests/test_ingest_properties.py
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULT = ROOT / "benchmarks" / "results" / "mutation_check.md"
TIMEOUT_SECONDS = 900  # per mutant; a mutant that hangs the tests counts as caught

# Fast test files guarding each area, most specific first (pytest stops at the first
# failure, which is the one reported).
INGEST = (
    "tests/test_ingest_bad_input.py",
    "tests/test_ingest_formats.py",
    "tests/test_corpus_dates.py",
    "tests/test_corpus_normalize.py",
    "tests/test_corpus_dedup.py",
    "tests/test_corpus_language.py",
    "tests/test_ingest_cli.py",
    "tests/test_ingest_properties.py",
)
BOOTSTRAP = ("tests/test_bootstrap.py",)
CLUSTER = (
    "tests/test_compare_cluster_bootstrap.py",
    "tests/test_compare_within_event.py",
    "tests/test_compare_calibration.py",
)
VOICE = ("tests/test_voice.py", "tests/test_spans.py")


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # file relative to the project root
    find: str  # code that must occur exactly once in the file
    replace: str
    bug: str  # the planted bug, in words
    tests: tuple[str, ...]


MUTANTS: tuple[Mutant, ...] = (
    # --- ingestion ---------------------------------------------------------------------
    Mutant(
        "jsonl_drop_first_record",
        "analysis/corpus/readers.py",
        "    record[S.SOURCE_ROW] = row\n    got.records.append(record)\n",
        "    record[S.SOURCE_ROW] = row\n    if row > 1:\n        got.records.append(record)\n",
        "the JSON(L) reader silently skips the record on line 1 (never counted as read)",
        INGEST,
    ),
    Mutant(
        "ingest_lose_a_record",
        "analysis/corpus/ingest.py",
        "        df = _duplicates(df, cfg.duplicates)\n",
        "        df = _duplicates(df, cfg.duplicates).iloc[1:]\n",
        "ingestion loses one record after reading it (read != kept + rejected)",
        INGEST,
    ),
    Mutant(
        "reject_every_text",
        "analysis/corpus/mapping.py",
        "    if isinstance(value, str):\n        return value\n",
        '    if isinstance(value, str):\n        raise _Unusable("text")\n',
        "every text value is rejected as unusable, so ingestion keeps nothing",
        INGEST,
    ),
    Mutant(
        "csv_short_row_accepted",
        "analysis/corpus/readers.py",
        "        if len(row) != len(header):\n",
        "        if len(row) > len(header):\n",
        "a CSV row with too few fields is no longer rejected",
        INGEST,
    ),
    Mutant(
        "reject_code_swapped",
        "analysis/corpus/validate.py",
        'code = "missing" if check == "not_nullable" else "empty"',
        'code = "empty" if check == "not_nullable" else "missing"',
        "a missing field is reported as empty and an empty one as missing",
        INGEST,
    ),
    Mutant(
        "duplicate_id_keeps_last",
        "analysis/corpus/validate.py",
        'report_duplicates="exclude_first"',
        'report_duplicates="exclude_last"',
        "of two records sharing a doc_id, the first is rejected instead of the second",
        INGEST,
    ),
    Mutant(
        "language_filter_inverted",
        "analysis/corpus/ingest.py",
        "lambda v: (v not in keep) if isinstance(v, str)",
        "lambda v: (v in keep) if isinstance(v, str)",
        "the language filter rejects the languages it should keep",
        INGEST,
    ),
    Mutant(
        "dayfirst_ignored",
        "analysis/corpus/dates.py",
        "dayfirst = self.dayfirst and not _YEAR_FIRST.match(text)",
        "dayfirst = not self.dayfirst and not _YEAR_FIRST.match(text)",
        "dayfirst is inverted: 05/03/2021 is read the wrong way round",
        INGEST,
    ),
    # --- bootstrap ---------------------------------------------------------------------
    Mutant(
        "bca_tie_half_removed",
        "analysis/stats/bootstrap.py",
        "(below + 0.5 * tied)",
        "(below + 0.0 * tied)",
        "BCa's bias correction counts ties as above the estimate (no mid-rank)",
        BOOTSTRAP,
    ),
    Mutant(
        "bca_acceleration_sign",
        "analysis/stats/bootstrap.py",
        "zz / (1.0 - a[:, None] * zz)",
        "zz / (1.0 + a[:, None] * zz)",
        "the sign of BCa's acceleration term is swapped",
        BOOTSTRAP,
    ),
    Mutant(
        "bca_alpha_not_halved",
        "analysis/stats/bootstrap.py",
        "alpha = (1.0 - ci) / 2.0",
        "alpha = 1.0 - ci",
        "a 95% interval is built from the 5% and 95% quantiles (a 90% interval)",
        BOOTSTRAP,
    ),
    Mutant(
        "bootstrap_resample_off_by_one",
        "analysis/stats/bootstrap.py",
        "rng.integers(0, n, size=(n_boot, n))",
        "rng.integers(0, n, size=(n_boot, n - 1))",
        "each bootstrap resample draws n - 1 articles instead of n",
        BOOTSTRAP,
    ),
    Mutant(
        "bootstrap_keeps_nan",
        "analysis/stats/bootstrap.py",
        "    values = values[~np.isnan(values)]\n",
        "",
        "units with no score (NaN) are no longer left out of the mean",
        BOOTSTRAP,
    ),
    Mutant(
        "cluster_t_degrees_of_freedom",
        "analysis/compare/cluster_bootstrap.py",
        "stats.t.ppf(1 - alpha / 2, m - 1)",
        "stats.t.ppf(1 - alpha / 2, m)",
        "the t reference has m degrees of freedom instead of m - 1 (too narrow)",
        CLUSTER,
    ),
    Mutant(
        "cluster_cr1_factor_dropped",
        "analysis/compare/cluster_bootstrap.py",
        "np.sqrt(m / (m - 1))",
        "np.sqrt(m / m)",
        "the CR1 small-sample factor sqrt(m / (m - 1)) is dropped",
        CLUSTER,
    ),
    Mutant(
        "cluster_draws_one_event_short",
        "analysis/compare/cluster_bootstrap.py",
        "rng.multinomial(n_events, np.full(n_events, 1.0 / n_events)",
        "rng.multinomial(n_events - 1, np.full(n_events, 1.0 / n_events)",
        "each bootstrap draw takes E - 1 events instead of E",
        CLUSTER,
    ),
    # --- voice -------------------------------------------------------------------------
    Mutant(
        "voice_partial_quote_swapped",
        "analysis/text/spans.py",
        "if reporter is not None and reporter.lemma not in CHARACTERISING:",
        "if reporter is not None and reporter.lemma in CHARACTERISING:",
        "a quote reported by a speech verb is called a scare quote, and one a characterising "
        "verb holds at a distance is called quoted",
        VOICE,
    ),
    Mutant(
        "voice_majority_threshold",
        "analysis/text/spans.py",
        "if long or (b - a) / nonspace >= 0.5:",
        "if long or (b - a) / nonspace >= 0.9:",
        "a sentence must be 90% inside quotes (not half) to count as quoted",
        VOICE,
    ),
    Mutant(
        "voice_pronoun_not_resolved",
        "analysis/text/spans.py",
        "    return last if is_pronoun(speaker) else speaker",
        "    return speaker",
        "'he said' no longer takes the last named speaker",
        VOICE,
    ),
    Mutant(
        "quotes_apostrophe_rule",
        "analysis/text/quotes.py",
        "if before.isalnum() and after.isalnum():",
        "if before.isalnum() or after.isalnum():",
        "a closing single quote followed by punctuation is taken for an apostrophe",
        VOICE,
    ),
    Mutant(
        "quotes_unclosed_double_dropped",
        "analysis/text/quotes.py",
        "    if double_open is not None:\n        spans.append(",
        "    if double_open is None:\n        spans.append(",
        "an unclosed double quote (a quotation running on) yields no span",
        VOICE,
    ),
)


class PatternError(RuntimeError):
    """A mutant's code no longer matches its file exactly once."""


def mutate(source: str, mutant: Mutant) -> str:
    count = source.count(mutant.find)
    if count != 1:
        raise PatternError(
            f"mutant {mutant.name!r}: the code it mutates occurs {count} times in "
            f"{mutant.path} (it must occur exactly once):\n{mutant.find}\n"
            "→ the code was rewritten: update this mutant in tests/mutation/check.py"
        )
    mutated = source.replace(mutant.find, mutant.replace)
    compile(mutated, mutant.path, "exec")  # a mutant must be valid Python
    return mutated


def copy_project(dest: Path) -> Path:
    """The files the tests need, copied (never linked) so mutating them is harmless."""
    tree = dest / "tree"
    ignore = shutil.ignore_patterns(
        "__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache", "*.egg-info"
    )
    for name in ("analysis", "tests", "corpora", "notebooks"):
        shutil.copytree(ROOT / name, tree / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", tree / "pyproject.toml")
    shared = ROOT.parent / "shared"
    if shared.is_dir():  # tests find the real datasets beside the project
        (dest / "shared").symlink_to(shared)
    return tree


def pytest_env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(tree),
        PYTHONDONTWRITEBYTECODE="1",  # a stale .pyc must never hide a mutant
        # The persistent test caches of the real project: content-addressed, safe to share.
        FRAMING_TEST_CACHE_DIR=os.environ.get(
            "FRAMING_TEST_CACHE_DIR", str(ROOT / "build" / "test-cache")
        ),
    )
    return env


def check_imports_from(tree: Path, env: dict[str, str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import analysis; print(analysis.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(out).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"the copy imports analysis from {out}, not from {tree}")


# A test id may hold spaces inside its parameter brackets: test_x[The ‘heroic’ troops.-2]
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+?(?:\[.*?\])?)(?: - |$)", re.M)


def run_tests(
    tree: Path, env: dict[str, str], tests: tuple[str, ...], stop: bool = True
) -> tuple[str, str, float]:
    """(outcome, failing test(s), seconds); outcome is passed, failed or timeout."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(["-x"] if stop else []),
        "-q",
        "-rfE",
        "-p",
        "no:cacheprovider",
        "--hypothesis-profile=mutation",
        *tests,
    ]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=tree, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        return "timeout", f"(no result in {TIMEOUT_SECONDS} s)", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if done.returncode == 0:
        return "passed", "", seconds
    failed = _FAILED.findall(done.stdout)
    if done.returncode != 1 or not failed:
        raise RuntimeError(
            f"pytest exited with code {done.returncode} (not a test failure):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return "failed", ", ".join(failed), seconds


def line_of(source: str, mutant: Mutant) -> int:
    """The line (1-based) where the mutated code starts in the unmutated file."""
    return source[: source.index(mutant.find)].count("\n") + 1


Row = tuple[Mutant, int, str, str, float]  # mutant, line, outcome, failing test, seconds


def table(rows: list[Row]) -> str:
    lines = [
        "| mutant | file:line | planted bug | caught by | seconds |",
        "|---|---|---|---|---:|",
    ]
    for mutant, line, outcome, test, seconds in rows:
        caught = {"failed": f"`{test}`", "timeout": "timeout", "passed": "**NOT CAUGHT**"}
        lines.append(
            f"| `{mutant.name}` | `{mutant.path}:{line}` | {mutant.bug} | {caught[outcome]} "
            f"| {seconds:.1f} |"
        )
    n_caught = sum(row[2] != "passed" for row in rows)
    lines.append("")
    lines.append(f"{n_caught} of {len(rows)} mutants caught.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run only this mutant (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--out", type=Path, default=RESULT, help="where to write the table")
    parser.add_argument(
        "--tests", action="append", help="run these tests instead of each mutant's own"
    )
    parser.add_argument(
        "--every-failure", action="store_true", help="do not stop at the first failing test"
    )
    args = parser.parse_args(argv)
    partial = bool(args.only or args.tests or args.every_failure)

    mutants = [m for m in MUTANTS if not args.only or m.name in args.only]
    unknown = set(args.only or ()) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutant(s) {sorted(unknown)}; see --list")
    # Every pattern must match before anything runs: fail fast and clearly.
    originals = {m.path: (ROOT / m.path).read_text(encoding="utf-8") for m in mutants}
    for m in mutants:
        mutate(originals[m.path], m)
    if args.list:
        for m in mutants:
            print(f"{m.name:32s} {m.path}: {m.bug}")
        return 0

    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        tree = copy_project(Path(tmp))
        env = pytest_env(tree)
        check_imports_from(tree, env)
        guarding = tuple(args.tests or dict.fromkeys(t for m in mutants for t in m.tests))
        outcome, test, seconds = run_tests(tree, env, guarding)
        print(f"unmutated: {outcome} in {seconds:.0f} s ({len(guarding)} test files)")
        if outcome != "passed":
            print(f"the tests fail without any mutation ({test}); fix them first")
            return 1
        rows = []
        for m in mutants:
            target = tree / m.path
            target.write_text(mutate(originals[m.path], m), encoding="utf-8")
            try:
                outcome, test, seconds = run_tests(
                    tree, env, tuple(args.tests or m.tests), stop=not args.every_failure
                )
            finally:
                target.write_text(originals[m.path], encoding="utf-8")
            shown = test or "NOT CAUGHT"
            print(f"{m.name:32s} {outcome:8s} {seconds:6.1f} s  {shown}", flush=True)
            rows.append((m, line_of(originals[m.path], m), outcome, test, seconds))

    report = table(rows)
    print()
    print(report)
    if not partial:  # only a full, standard run replaces the recorded table
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            "# Mutation check\n\nWritten by `python -m tests.mutation.check` (part of "
            "`make test-all`). Each row is a bug planted in a copy of the code, the "
            "first test that failed on it, and the wall time of the guarding tests on "
            "that mutant (one run on a shared, loaded 2-core machine).\n\n" + report,
            encoding="utf-8",
        )
        print(f"written to {args.out.relative_to(ROOT)}")
    return 0 if all(row[2] != "passed" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
