"""Tables for papers: the results a paper cites, as CSV, LaTeX or Excel, with a dictionary.

``framing export corpora/<study> --format csv|latex|xlsx`` (or ``export_tables`` from a
notebook) writes, under ``build/<study>/export/<format>/``, the result tables (n,
estimates, intervals, p- and q-values) and ``data_dictionary``: for every column its
table, type, whether it is part of the table's key, and what it means, with its unit.

CSV cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are written with a leading apostrophe, as
OWASP recommends; so is text that starts with an apostrophe, so ``read_csv_table``
can strip exactly one and give back the table as it was. Excel sheets get the same
treatment (openpyxl would otherwise store such text as a formula). Numbers are written
in full (shortest round-trip representation), so the CSV read back equals the Parquet.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from analysis import schema as S
from analysis.errors import FramingError
from analysis.io import atomic_path, spreadsheet_safe, unescape_cell, write_csv, write_text
from analysis.pipeline import load_table, table_path
from analysis.study import Study

log = logging.getLogger(__name__)

FORMATS = ("csv", "latex", "xlsx")
DICTIONARY = "data_dictionary"

TABLES: dict[str, str] = {
    "comparison_effects": (
        "Each level of each compared outlet attribute (by = outlet: each outlet): its "
        "event-adjusted mean and its effect (distance from the mean of levels), with "
        "intervals that resample events and outlets within levels."
    ),
    "comparison_differences": (
        "Every pair of levels compared within events: difference, interval, permutation "
        "p-value and Benjamini-Hochberg q-value."
    ),
    "comparison_tests": "Per frame and attribute: does the attribute matter at all (omnibus).",
    "outlet_poles": (
        "Per outlet: percentage of sentences taking each pole, mean over articles, with a "
        "Wilson-type interval from the spread between articles."
    ),
    "outlet_frames": (
        "Per outlet: framing balance, mean over articles, with a BCa bootstrap interval "
        "resampling articles."
    ),
    "outlet_topics": "Per outlet: mean share of each topic, with a cluster-bootstrap interval.",
    "topic_effects": "Per outlet and topic: event-adjusted share and difference from the mean.",
    "validation": "Agreement of the automated codes with the human (gold) codes, out of sample.",
}

COLUMNS: dict[str, str] = {
    S.BY: "the outlet attribute compared (outlet: one by one; else a column of outlets.csv)",
    S.LEVEL: "a value of that attribute (the outlet's name when by = outlet)",
    S.LEVEL_A: "first level of the pair",
    S.LEVEL_B: "second level of the pair (the difference is level_a minus level_b)",
    S.OUTLET: "outlet name, as in outlets.csv",
    S.FRAME: "codebook frame id",
    S.VIEW: "sentences used: all, own (the outlet's authorial voice), reported (quoted)",
    S.MEASURE: (
        "balance: framing balance (-1..1, positive toward the frame's first pole); share: % "
        "of sentences taking the pole; presence: % of sentences engaging the frame"
    ),
    S.POLE: "the pole of a share (empty for balance and presence)",
    S.UNIT: "unit of estimate and interval: balance, % of sentences, or percentage points",
    S.ESTIMATE: (
        "comparison_effects: the level on the average compared event (adjusted mean); "
        "comparison_differences: level_a minus level_b within events; topic_effects: "
        "event-adjusted share; validation: see metric"
    ),
    S.CI_LOW: "lower bound of the confidence interval (level set in study.yaml, default 95%)",
    S.CI_HIGH: "upper bound of the confidence interval",
    S.STD_ERROR: "standard error (events and outlets within levels resampled)",
    S.DF: "degrees of freedom of the t interval (Satterthwaite)",
    S.DIFF: "effect: the estimate minus the mean over levels (outlets, for topic_effects)",
    S.DIFF_CI_LOW: "lower bound of the effect's interval",
    S.DIFF_CI_HIGH: "upper bound of the effect's interval",
    S.N_OUTLETS: "outlets behind the estimate",
    S.N_OUTLETS_A: "outlets in level_a",
    S.N_OUTLETS_B: "outlets in level_b",
    S.N_LEVELS: "levels compared",
    S.N_EVENTS: "events behind the estimate",
    S.N_SHARED_EVENTS: "events covered by both levels",
    S.N_ARTICLES: "articles behind the estimate",
    S.N_SENTENCES: "sentences behind the estimate",
    S.N_BOOT_USED: "bootstrap draws of events that could estimate it",
    S.RESAMPLED: (
        "events+outlets: the interval covers other outlets of the kind; events: a level with "
        "one outlet, the interval speaks for that outlet only"
    ),
    S.P_VALUE: "permutation p-value (two-sided)",
    S.Q_VALUE: "Benjamini-Hochberg adjusted p-value (frames x pairs of one attribute, measure)",
    S.SIGNIFICANT: "q_value at or below the study's false discovery rate (compare.fdr)",
    S.N_PERMUTATIONS: "permutations behind the p-value",
    S.EXACT: "True when every permutation was enumerated (an exact p-value)",
    S.TEST: "within-event label swaps (outlets) or outlet labels permuted (levels of outlets)",
    S.STATISTIC: "root mean square of the level effects (the omnibus test's statistic)",
    S.PERCENT: "% of sentences taking the pole (mean over articles)",
    S.MEAN: "mean over articles",
    S.TOPIC: "topic id (-1: outliers)",
    S.N_CLUSTERS: "clusters (events or articles) resampled for the interval",
    S.CLUSTER_BY: "what the interval resamples: event or article",
    S.P_OUTLET: "joint test that no outlet differs (topic_effects)",
    S.MODEL: "the model behind the estimate",
    "method": "coding method: axis (codebook axes), supervised (classifier), voice_rules",
    S.METRIC: "agreement metric",
    S.LABEL: "the code the metric is for (empty: all codes)",
    S.VALUE: "the metric's value",
    "support": "coded sentences behind the value",
}


def dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per table and column: type, key, meaning."""
    rows = []
    for name, table in tables.items():
        key = S.TABLE_KEYS.get(name, ())
        rows.append(
            {
                "table": name,
                "column": "",
                "dtype": "",
                "key": False,
                "description": f"{TABLES.get(name, '')} Key: {', '.join(key)}.",
            }
        )
        for column in table.columns:
            rows.append(
                {
                    "table": name,
                    "column": column,
                    "dtype": str(table[column].dtype),
                    "key": column in key,
                    "description": COLUMNS.get(column, ""),
                }
            )
    return pd.DataFrame(rows)


def read_csv_table(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    """A CSV written by ``export_tables`` read back as the table it came from."""
    text = {c for c, t in dtypes.items() if t in ("object", "str", "string")}
    numbers = {c: t for c, t in dtypes.items() if c not in text}
    table = pd.read_csv(
        path,
        dtype={**numbers, **{c: object for c in text}},
        keep_default_na=False,
        na_values={c: [""] for c in dtypes},
    )
    for column in text:
        table[column] = table[column].map(lambda v: unescape_cell(v) if isinstance(v, str) else v)
    return table


def export_tables(study: Study, fmt: str = "csv") -> list[Path]:
    """Write the study's result tables and their dictionary; return the files written."""
    if fmt not in FORMATS:
        raise FramingError(f"unknown export format {fmt!r}", hint=f"use one of {list(FORMATS)}")
    tables = {}
    for name in TABLES:
        if table_path(study, name).exists():
            tables[name] = load_table(study, name)
        else:
            log.info("export: table %s was not built for this study; left out", name)
    if "comparison_effects" not in tables:
        raise FramingError(
            f"study {study.name!r} has no comparison tables yet",
            hint=f"run `framing run {study.root}` (or `make STUDY={study.name}`) first",
        )
    folder = study.build_dir / "export" / fmt
    every = {**tables, DICTIONARY: dictionary(tables)}
    if fmt == "csv":
        written = []
        for name, table in every.items():
            target = folder / f"{name}.csv"
            write_csv(table, target, keep_if_unchanged=False)
            written.append(target)
        return written
    if fmt == "latex":
        written = []
        for name, table in every.items():
            target = folder / f"{name}.tex"
            write_text(target, _latex(name, table))
            written.append(target)
        return written
    target = folder / f"{study.name}_tables.xlsx"
    with atomic_path(target) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, table in every.items():
            spreadsheet_safe(table).to_excel(writer, sheet_name=name[:31], index=False)
    return [target]


def _latex(name: str, table: pd.DataFrame) -> str:
    caption = TABLES.get(name, "Columns of the exported tables.")
    return table.to_latex(
        index=False,
        longtable=True,
        escape=True,
        na_rep="",
        float_format=lambda x: f"{x:.3g}",
        caption=caption,
        label=f"tab:{name}",
    )
