import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from analysis.corpus.normalize import normalize_field, normalize_text


def test_nfc_and_every_kind_of_line_break_and_space():
    decomposed = "Cafe\u0301 in\u00a0Zu\u0308rich\r\nsecond\u2028third\x0cfourth\u2009 line"
    assert normalize_text(decomposed) == "Café in Zürich\nsecond\nthird\nfourth line"


def test_quotation_marks_and_apostrophes_are_left_exactly_as_written():
    text = 'He said "no", ‘heroic’, «liberation», „so“, 「はい」 and it\'s ‚fine‘ ‹ok›.'
    assert normalize_text(text) == text


def test_invisible_characters_go_and_joiners_stay():
    assert normalize_text("co\u00adop\u200beration\ufeff \x07bell") == "cooperation bell"
    persian = "می\u200cخواهم"  # the zero-width non-joiner is part of the word
    assert normalize_text(persian) == persian


def test_paragraphs_kept_with_at_most_one_blank_line_and_lines_trimmed():
    text = "  First line.  \n\n\n\n   Second\tparagraph.\n \n\nThird. "
    assert normalize_text(text) == "First line.\n\nSecond paragraph.\n\nThird."


def test_fields_become_one_line():
    assert normalize_field(" The\nDaily \u00a0 Herald\t") == "The Daily Herald"


@given(st.text())
def test_normalising_twice_changes_nothing_and_the_result_is_nfc(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\r" not in once and "\n\n\n" not in once and once == once.strip()
