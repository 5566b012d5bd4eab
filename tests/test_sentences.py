import pandas as pd

from analysis import schema as S
from analysis.text.sentences import sentence_spans, split_sentences


def test_offsets_point_into_the_text_and_are_trimmed():
    text = "Headline without a full stop\n\n  First sentence here. Second one follows.\nThird."
    spans = sentence_spans(text)
    got = [(p, text[s:e]) for p, s, e in spans]
    assert got == [
        (0, "Headline without a full stop"),
        (1, "First sentence here."),
        (1, "Second one follows."),
        (2, "Third."),
    ]


def test_quotations_with_full_stops_stay_in_one_sentence():
    text = 'He added: "Our sons are heroes. They will return." Then he left.'
    got = [text[s:e] for _, s, e in sentence_spans(text)]
    assert got == ['He added: "Our sons are heroes. They will return."', "Then he left."]


def test_abbreviations_do_not_split():
    text = "Mr. Valk met Dr. Marr in the U.S. capital. They spoke."
    got = [text[s:e] for _, s, e in sentence_spans(text)]
    assert got == ["Mr. Valk met Dr. Marr in the U.S. capital.", "They spoke."]


def test_split_sentences_table_matches_schema_and_round_trips():
    articles = pd.DataFrame(
        {
            S.DOC_ID: ["a", "b"],
            S.OUTLET: ["X", "Y"],
            S.TEXT: ["One. Two.\n\nThree.", "Only one sentence"],
        }
    )
    out = split_sentences(articles)
    assert list(out[S.SENT_ID]) == [0, 1, 2, 0]
    assert list(out[S.PARAGRAPH]) == [0, 0, 1, 0]
    for row in out.itertuples():
        text = articles.set_index(S.DOC_ID).loc[row.doc_id, S.TEXT]
        assert text[row.char_start : row.char_end] == row.text
