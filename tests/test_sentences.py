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


# Sentences written for these tests in news style (AP party-state tags, titles, units).
NEWS_STYLE = [
    (
        "Senate Majority Leader Ann Vell, D-N.Y., said the bill would pass. Critics disagreed.",
        [
            "Senate Majority Leader Ann Vell, D-N.Y., said the bill would pass.",
            "Critics disagreed.",
        ],
    ),
    (
        "Sen. Rob Kale, D-W.Va., and Sen. Lia Moss, R-S.C., opposed it. The vote failed.",
        ["Sen. Rob Kale, D-W.Va., and Sen. Lia Moss, R-S.C., opposed it.", "The vote failed."],
    ),
    (
        "Gov. Tam Reed (R-Fla.) signed it in Washington, D.C., on Monday. Aides cheered.",
        ["Gov. Tam Reed (R-Fla.) signed it in Washington, D.C., on Monday.", "Aides cheered."],
    ),
    (
        "The package weighs 5 lbs. and costs $20. It shipped late.",
        ["The package weighs 5 lbs. and costs $20.", "It shipped late."],
    ),
    (
        "Officials met Dr. Who at noon. Nothing was agreed.",
        ["Officials met Dr. Who at noon.", "Nothing was agreed."],
    ),
    (
        "The sergeant met John F. Kennedy Jr. at the base. It was brief.",
        ["The sergeant met John F. Kennedy Jr. at the base.", "It was brief."],
    ),
    # Real sentence ends after an abbreviation stay ends.
    (
        "The troops returned to the U.S. The families waited.",
        ["The troops returned to the U.S.", "The families waited."],
    ),
    (
        "He bought shares in Vell Inc. The deal closed on Friday.",
        ["He bought shares in Vell Inc.", "The deal closed on Friday."],
    ),
]


def test_news_abbreviations_do_not_split_sentences():
    for text, expected in NEWS_STYLE:
        got = [text[s:e] for _, s, e in sentence_spans(text)]
        assert got == expected, text


def test_false_boundary_rules():
    from analysis.text.sentences import false_boundary

    assert false_boundary("Leader Ann Vell, D-N.", "Y., said the bill")  # party-state tag
    assert false_boundary("Rep. Ann Vell, D-N.", "Y, who chairs it")  # final dot missing
    assert false_boundary("He met Dr.", "Who")  # a title never ends a sentence
    assert false_boundary("It weighs 5 lbs.", "and more")  # lowercase continues
    assert false_boundary("It cost approx.", "40 dollars")  # a unit before a number
    assert not false_boundary("They went to the U.S.", "The families waited.")
    assert not false_boundary("Really?", "yes")  # only full stops are repaired
    assert not false_boundary("It was over…", "The rest")


def test_fragments_are_marked_counted_and_kept():
    from analysis.text.sentences import word_count

    articles = pd.DataFrame(
        {
            S.DOC_ID: ["a"],
            S.OUTLET: ["X"],
            S.TEXT: [
                "Advertisement\nThe rally drew thousands of people to the square. "
                "Activists and...\nOr not."
            ],
        }
    )
    out = split_sentences(articles, min_words=4)
    assert list(out[S.TEXT]) == [
        "Advertisement",
        "The rally drew thousands of people to the square.",
        "Activists and...",
        "Or not.",
    ]
    assert list(out[S.FRAGMENT]) == [True, False, True, True]
    assert list(out[S.N_WORDS]) == [1, 9, 2, 2]
    assert word_count("Ann Vell, D-N.Y., said it’s over…") == 6
    assert not split_sentences(articles, min_words=1)[S.FRAGMENT].any()
