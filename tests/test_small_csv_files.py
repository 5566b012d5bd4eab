"""The small CSV files a researcher writes (outlets, gold, pins) are read by one reader
that names the file and the line of every problem (issue 11): a ragged row, an unclosed
quote, a repeated outlet (at the repeat), a pin whose columns shifted.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema as S
from analysis.errors import CorpusError
from analysis.events.pins import load_pins
from analysis.frames.gold import load_gold
from analysis.io import read_csv_table
from analysis.study import Codebook
from tests.conftest import TINY_CODEBOOK
from tests.test_ingest_support import article, jsonl, run, write_study

BOOK = Codebook.model_validate(TINY_CODEBOOK)

HEADER = "outlet,country,ownership,language,group\n"


def test_reader_keeps_the_file_line_of_every_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,x\n', encoding="utf-8")
    table = read_csv_table(path, "table")
    assert table.index.tolist() == [2, 5]  # the second record starts after a blank line
    assert table["b"].tolist() == ["two\nlines", "x"]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("a,b\n1,2\n3,4,5\n", 3, "3 fields but the header has 2"),
        ("a,b\n1,2\n3\n", 3, "1 field but the header has 2"),
        ('a,b\n1,"2\n3,4\n', 2, "never closed"),
        ("a,a\n1,2\n", 1, "appears twice"),
    ],
)
def test_reader_names_the_file_and_line_of_a_broken_row(tmp_path, content, line, words):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        read_csv_table(path, "table")
    assert err.value.line == line and err.value.path == str(path)
    assert words in str(err.value)


def test_reader_undoes_formula_escaping(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n'=SUM(1)\n'plain\n", encoding="utf-8")
    assert read_csv_table(path, "t")["a"].tolist() == ["=SUM(1)", "'plain"]


def _outlet_study(tmp_path, outlets_csv: str, articles=None):
    files = {
        "a.jsonl": jsonl(articles or [article("a", outlet="Herald")]),
        "outlets.csv": outlets_csv,
    }
    return write_study(tmp_path / "s", files, {"path": "a.jsonl"}, outlets="outlets.csv")


def test_ragged_outlets_row_names_the_file_and_line(tmp_path):
    study = _outlet_study(tmp_path, HEADER + "Herald,X,private,en,g1\nTimes,Y,state,en,g2,extra\n")
    with pytest.raises(CorpusError) as err:
        run(study)
    assert err.value.line == 3 and err.value.path.endswith("outlets.csv")


def test_duplicate_outlet_row_is_reported_at_the_repeat(tmp_path):
    rows = "Herald,X,private,en,g1\nTimes,Y,state,en,g2\nHerald,Z,state,en,g3\n"
    with pytest.raises(CorpusError) as err:
        run(_outlet_study(tmp_path, HEADER + rows))
    assert err.value.line == 4 and err.value.field == S.OUTLET
    assert "first on line 2" in str(err.value)


def test_outlet_names_are_normalised_like_the_articles(tmp_path):
    # NFD "é", a no-break space and a trailing space in outlets.csv; NFC in the articles
    outlets = HEADER + "Le Monde\u0301\u00a0Daily ,X,private,fr,g1\n"
    articles = [article("a", outlet="Le Mondé Daily")]
    result = run(_outlet_study(tmp_path, outlets, articles))
    assert result.outlets[S.OUTLET].tolist() == ["Le Mondé Daily"]


def test_outlets_that_normalise_to_the_same_name_are_a_duplicate(tmp_path):
    outlets = HEADER + "Herald,X,private,en,g1\nHerald\u00a0,X,private,en,g1\n"
    with pytest.raises(CorpusError, match="first on line 2"):
        run(_outlet_study(tmp_path, outlets))


def test_ragged_pins_row_names_the_line(tmp_path):
    path = tmp_path / "event_pins.csv"
    path.write_text("doc_id,event_id\na,e1\nb,e2,note,more\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_pins(path, ["a", "b"])
    assert err.value.line == 3


def test_pins_with_a_shifted_first_row_report_the_real_doc_id(tmp_path):
    # pandas takes a first data row with one field too many as "index + row" and shifts
    # every column; the pin must be read (or refused) as written, never under another id.
    path = tmp_path / "event_pins.csv"
    path.write_text("doc_id,event_id\nx1,a,e1\nb,e2\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_pins(path, ["a", "b"])
    assert err.value.line == 2 and "3 fields" in str(err.value)


def test_pin_errors_name_the_line_after_blank_and_multiline_rows(tmp_path):
    path = tmp_path / "event_pins.csv"
    path.write_text('doc_id,event_id,note\na,e1,"two\nlines"\n\nzz,e2,\n', encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_pins(path, ["a", "b"])
    assert err.value.line == 5 and "'zz'" in str(err.value)


def test_ragged_gold_row_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("doc_id,char_start,char_end,pole\na,0,10,x\nb,0,10,y,extra\n", "utf-8")
    with pytest.raises(CorpusError) as err:
        load_gold(path, BOOK)
    assert err.value.line == 3


def test_gold_offsets_that_are_not_integers_name_their_line(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text('doc_id,char_start,char_end\na,"1\n0",5\nb,x,4\n', "utf-8")
    with pytest.raises(CorpusError) as err:
        load_gold(path, BOOK)
    assert err.value.line == 2  # "1\n0" is not an integer; the row starts on line 2


def test_gold_file_that_is_a_folder_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="not a file"):
        load_gold(tmp_path, BOOK)


def test_reader_accepts_a_byte_order_mark_and_crlf(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n")
    assert read_csv_table(path, "t").to_dict("records") == [{"a": "1", "b": "2"}]
    assert isinstance(read_csv_table(path, "t"), pd.DataFrame)
