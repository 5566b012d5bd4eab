"""Every CSV the project writes for people is safe to open in a spreadsheet (issue 11).

OWASP's advice: a cell starting with = + - @ tab or carriage return is a formula to
Excel, LibreOffice and Google Sheets, so it gets a leading apostrophe. One helper
(``analysis.io.write_csv``) writes every such CSV, and no module writes one otherwise.
"""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pandas as pd

from analysis.io import FORMULA_START, read_csv_table, write_csv
from analysis.pipeline import run
from analysis.study import Study
from tests.conftest import ROOT

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_write_csv_neutralises_every_formula_start_and_reads_back(tmp_path):
    frame = pd.DataFrame({"text": [*HOSTILE, "plain", "'quoted"], "n": range(8)})
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    assert not any(c.startswith(FORMULA_START) for c in _cells(path))
    assert read_csv_table(path, "t")["text"].tolist() == frame["text"].tolist()


def test_no_module_writes_a_csv_except_through_write_csv():
    """A new CSV writer must go through write_csv: ``DataFrame.to_csv`` appears only in
    analysis/io.py."""
    offenders = []
    for path in (ROOT / "analysis").rglob("*.py"):
        if path == ROOT / "analysis" / "io.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "to_csv":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_csv_a_run_writes_is_formula_safe(make_study, build_root):
    """Hostile ids, outlets, titles, dates and texts through the articles and events stages:
    rejects.csv, problems.csv, boilerplate.csv, outlets.csv and event_review.csv."""
    heroic = "The fallen soldiers gave their lives heroically for the motherland."
    articles = [
        {"doc_id": "=cmd", "outlet": "+Herald", "title": "@title", "text": heroic,
         "published": "=1+1"},
        {"doc_id": "-id", "outlet": "+Herald", "title": "=T", "text": f"Advertisement\n{heroic}",
         "published": "2025-03-01"},
        {"doc_id": "@empty", "outlet": "=Times", "text": "   "},
        {"doc_id": "\tok", "outlet": "=Times", "text": "-Officials met on Monday."},
    ]  # fmt: skip
    folder = make_study(articles, outlets=["+Herald", "=Times"])
    study = Study.load(folder, build_root)
    run(study, targets=["events"])
    written = sorted(study.build_dir.glob("**/*.csv"))
    names = {p.name for p in written}
    assert {"rejects.csv", "problems.csv", "outlets.csv", "event_review.csv"} <= names
    for path in written:
        bad = [c for c in _cells(path) if c.startswith(FORMULA_START)]
        assert bad == [], path.name
    rejects = read_csv_table(study.build_dir / "rejects.csv", "rejects")
    assert rejects["doc_id"].tolist() == ["@empty"]  # read back as written
