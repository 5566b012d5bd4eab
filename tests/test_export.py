"""`framing export`: result tables as CSV (read back equal to the Parquet), LaTeX and
Excel, with a data dictionary, and cells a spreadsheet would run as formulas defused."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from analysis import schema as S
from analysis.compare import compare_study
from analysis.errors import FramingError
from analysis.export import DICTIONARY, TABLES, export_tables, read_csv_table
from analysis.io import write_table
from analysis.pipeline import load_table, table_path
from analysis.study import CompareConfig, Study
from tests.test_compare_tables import synthetic

HOSTILE = '=HYPERLINK("http://127.0.0.1","x")'  # a level name a spreadsheet would run


@pytest.fixture
def study(make_study, build_root):
    study = Study.load(make_study(), build_root)
    frames, poles, articles, events, outlets = synthetic()
    outlets[S.GROUP] = outlets[S.GROUP].replace({"hot": HOSTILE, "cold": "-cold"})
    cfg = CompareConfig(n_boot=100, n_perm=99, by=["outlet", "group"])
    tables = compare_study(frames, poles, articles, events, outlets, cfg, seed=1).as_dict()
    for name in ("comparison_effects", "comparison_differences", "comparison_tests"):
        write_table(tables[name], table_path(study, name), {"stage": "test"})
    return study


def test_csv_read_back_equals_the_parquet(study):
    written = export_tables(study, "csv")
    names = {p.stem for p in written}
    assert {"comparison_effects", "comparison_differences", DICTIONARY} <= names
    dictionary = pd.read_csv(
        next(p for p in written if p.stem == DICTIONARY), keep_default_na=False
    )
    for path in written:
        if path.stem == DICTIONARY:
            continue
        original = load_table(study, path.stem)
        columns = dictionary[(dictionary["table"] == path.stem) & (dictionary["column"] != "")]
        dtypes = dict(zip(columns["column"], columns["dtype"], strict=True))
        back = read_csv_table(path, dtypes)
        pd.testing.assert_frame_equal(back, original, check_exact=True)
    raw = (study.build_dir / "export" / "csv" / "comparison_effects.csv").read_text()
    assert "'" + HOSTILE.replace('"', '""') in raw and "\n=" not in raw and ",=" not in raw
    assert ",'-cold," in raw


def test_every_table_has_a_documented_key_in_the_dictionary(study):
    written = export_tables(study, "csv")
    dictionary = pd.read_csv(next(p for p in written if p.stem == DICTIONARY))
    for table in ("comparison_effects", "comparison_differences", "comparison_tests"):
        rows = dictionary[dictionary["table"] == table]
        assert set(rows.loc[rows["key"], "column"]) == set(S.TABLE_KEYS[table])
        described = rows[rows["column"].notna()]
        assert described["description"].notna().all(), table
        original = load_table(study, table)
        assert not original.duplicated(list(S.TABLE_KEYS[table])).any()


def test_latex_and_excel_are_written_and_excel_cells_are_not_formulas(study):
    tex = export_tables(study, "latex")
    assert all(p.suffix == ".tex" for p in tex)
    assert "\\begin{longtable}" in tex[0].read_text()
    (xlsx,) = export_tables(study, "xlsx")
    book = openpyxl.load_workbook(xlsx)
    assert {"comparison_effects", DICTIONARY} <= set(book.sheetnames)
    cells = [c for row in book["comparison_effects"].iter_rows() for c in row]
    hostile = [c for c in cells if isinstance(c.value, str) and HOSTILE in c.value]
    assert hostile and all(c.data_type == "s" and c.value.startswith("'") for c in hostile)


def test_an_unknown_format_or_an_unbuilt_study_says_what_to_do(make_study, build_root):
    study = Study.load(make_study(name="empty"), build_root)
    with pytest.raises(FramingError, match="unknown export format"):
        export_tables(study, "docx")
    with pytest.raises(FramingError, match="no comparison tables") as err:
        export_tables(study, "csv")
    assert "framing run" in str(err.value)
    assert set(TABLES) >= {"comparison_effects", "comparison_differences"}
