"""Span-level voice, pattern by pattern, on sentences written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.text.quotes import QuoteSpan
from analysis.text.sentences import sentence_spans
from analysis.text.spans import article_spans, quotes_by_sentence
from analysis.text.voice import label_sentences

OWN = {"authorial", "attribution"}
REPORTED = {"quoted", "scare_quoted"}


def spans(text: str):
    sents = [(s, e) for _, s, e in sentence_spans(text)]
    return [(text[x.start : x.end], x.voice, x.speaker) for x in article_spans(text, sents)]


def voice_of(text: str, fragment: str) -> set[str]:
    """The voices given to the characters of ``fragment`` (whitespace ignored)."""
    start = text.index(fragment)
    end = start + len(fragment)
    sents = [(s, e) for _, s, e in sentence_spans(text)]
    found = set()
    for x in article_spans(text, sents):
        if x.start < end and x.end > start:
            found.add(x.voice)
    return found


def side(text: str, fragment: str) -> str:
    voices = voice_of(text, fragment)
    if voices <= OWN:
        return "own"
    if voices <= REPORTED:
        return "reported"
    return f"mixed {sorted(voices)}"


# --- the patterns of issue 12 ------------------------------------------------------


def test_loaded_verb_frame_is_the_outlets_own():
    text = "He accused the minister of a reckless gamble, saying “the budget will sink us all.”"
    assert side(text, "He accused the minister of a reckless gamble") == "own"
    assert voice_of(text, "“the budget will sink us all.”") == {"quoted"}


def test_narrative_after_the_frame_stays_authorial():
    text = (
        "“We will rebuild every bridge,” the governor said, drawing cheers from a hall "
        "packed with loyalists."
    )
    assert voice_of(text, "the governor said") == {"attribution"}
    assert voice_of(text, "drawing cheers from a hall packed with loyalists.") == {"authorial"}
    assert spans(text)[0] == ("“We will rebuild every bridge,”", "quoted", "the governor")


def test_went_so_far_as_to_claim():
    text = "The spokesman went so far as to claim that the protesters were paid actors."
    assert voice_of(text, "The spokesman went so far as to claim that") == {"attribution"}
    assert side(text, "the protesters were paid actors.") == "reported"


def test_attributed_belief():
    text = "Officials believe the drones were launched from a fishing boat."
    assert voice_of(text, "Officials believe") == {"attribution"}
    assert side(text, "the drones were launched from a fishing boat.") == "reported"


def test_indirect_speech_frame_before_trailing_and_parenthetical():
    lead = "The ministry said on Tuesday that the recruits were volunteers."
    assert side(lead, "The ministry said on Tuesday that") == "own"
    assert side(lead, "the recruits were volunteers.") == "reported"
    trailing = "The recruits were volunteers, the ministry said in a statement."
    assert side(trailing, "The recruits were volunteers") == "reported"
    assert side(trailing, "the ministry said in a statement.") == "own"
    middle = "The recruits, the ministry said, were volunteers."
    assert side(middle, "The recruits") == "reported"
    assert side(middle, "the ministry said") == "own"
    assert side(middle, "were volunteers.") == "reported"


def test_according_to_reports_its_clause():
    text = "About 300 people were hurt, according to the regional health office."
    assert side(text, "About 300 people were hurt") == "reported"
    assert side(text, "according to the regional health office.") == "own"
    assert spans(text)[0][2] == "the regional health office"


def test_directive_reports_its_infinitive():
    text = "The envoy urged both delegations to return to the table."
    assert side(text, "The envoy urged both delegations") == "own"
    assert side(text, "to return to the table.") == "reported"


def test_noun_phrase_after_a_reporting_verb_is_the_frame():
    for text in ("Both governments denied the report.", "The senator praised the firefighters."):
        assert side(text, text) == "own", text


@pytest.mark.parametrize(
    "text",
    [
        "The regime paraded its ‘victorious’ battalions through the capital.",
        "The so-called “peace plan” leaves the border unsettled.",
        "What the ministry calls a “correction” cost savers half their money.",
        "The council dismissed the findings as ‘fiction’.",
    ],
)
def test_scare_quotes(text):
    quoted = [s for s in spans(text) if s[1] != "authorial"]
    assert [v for _, v, _ in quoted] == ["scare_quoted"]
    assert side(text, text.split(" ")[0]) == "own"


def test_partial_quotes_are_quoted():
    text = "The mayor called the decision a “betrayal”."
    assert voice_of(text, "“betrayal”") == {"quoted"}
    assert side(text, "The mayor called the decision a") == "own"
    text = "The mayor said the decision was “a betrayal of every family on this street.”"
    assert side(text, "the decision was") == "reported"
    assert voice_of(text, "“a betrayal of every family on this street.”") == {"quoted"}


def test_multi_sentence_quote_takes_the_speaker_of_its_frame():
    text = "“We were never told. Nobody asked us. We just went,” the sergeant said."
    assert spans(text)[0] == (text[: text.index(" the sergeant")], "quoted", "the sergeant")
    text = "“We were never told,” the sergeant said. “Nobody asked us. We just went.”"
    quoted = [s for s in spans(text) if s[1] == "quoted"]
    assert len(quoted) == 2 and {who for _, _, who in quoted} == {"the sergeant"}


def test_multi_paragraph_quote():
    text = (
        "The nurse described the first months.\n\n"
        "“The first winter was the hardest. We ran out of bandages by January.\n\n"
        "“By spring we had learned to make do,” she said."
    )
    assert side(text, "“The first winter was the hardest.") == "reported"
    assert side(text, "We ran out of bandages by January.") == "reported"
    assert side(text, "“By spring we had learned to make do,”") == "reported"
    assert side(text, "The nurse described the first months.") == "own"


def test_block_quote_after_a_frame_and_a_colon():
    text = (
        "The minister explains:\n\n"
        "We built the road in two years and paid for every metre of it.\n\n"
        "Few engineers agree."
    )
    assert side(text, "We built the road in two years") == "reported"
    assert side(text, "Few engineers agree.") == "own"


def test_embedded_post():
    text = "Polls close at eight tonight. Go vote! — Jane Roe (@janeroe) May 3, 2021"
    assert side(text, "Go vote!") == "reported"
    assert voice_of(text, "— Jane Roe (@janeroe) May 3, 2021") == {"attribution"}


@pytest.mark.parametrize(
    "text",
    [
        "The river froze early this year.",
        "The war adds another layer of complexity.",
        "The units crossed the state border in August.",
        "Neither capital has confirmed that the convoy left.",
        "To say otherwise is to ignore the record.",
        "Their old promises that the factory would reopen came to nothing.",
        "Data released by the ministry show that exports fell.",
    ],
)
def test_the_outlets_own_sentences(text):
    assert side(text, text) == "own", spans(text)


# --- structure ------------------------------------------------------------------------


_WORDS = st.sampled_from(
    ["the", "ministry", "said", "officials", "believe", "he", "troops", "were", "heroes"]
)
_PIECES = st.one_of(
    _WORDS,
    st.sampled_from(["“", "”", "‘", "’", '"', "'", ",", ".", ";", ":", "—", "\n\n"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=60))
def test_spans_partition_every_sentence(pieces):
    text = " ".join(pieces)
    sents = [(s, e) for _, s, e in sentence_spans(text)]
    found = article_spans(text, sents)
    covered = [False] * len(text)
    for x in found:
        s, e = sents[x.sentence]
        assert s <= x.start < x.end <= e
        assert not text[x.start].isspace() and not text[x.end - 1].isspace()
        for i in range(x.start, x.end):
            assert not covered[i], "spans overlap"
            covered[i] = True
    for s, e in sents:
        assert all(covered[i] or text[i].isspace() for i in range(s, e))


class _Counting(list):
    reads = 0

    def __getitem__(self, i):
        type(self).reads += 1
        return super().__getitem__(i)


@pytest.mark.parametrize("n", [50, 400])
def test_pairing_quotes_with_sentences_is_linear(n):
    """The old rule read every quotation for every sentence (n² reads); the sweep reads
    each at most a bounded number of times, with multi-sentence quotations included."""
    quotes, sentences = _Counting(), []
    for i in range(n):
        base = 100 * i
        sentences += [(base, base + 40), (base + 41, base + 90)]
        quotes.append(QuoteSpan(base + 10, base + 60, "double", True))  # spans both
    _Counting.reads = 0
    paired = list(quotes_by_sentence(quotes, sentences))
    assert paired[0] == [0] and paired[1] == [0] and paired[-1] == [n - 1]
    assert _Counting.reads <= 4 * (len(quotes) + len(sentences))  # the old rule: n × 2n


def test_sentence_labels_are_a_view_of_the_spans():
    text = (
        "The regime paraded its ‘victorious’ battalions. “We are proud,” the colonel said. "
        "Officials believe the drones came from the sea. The river froze early."
    )
    sents = [(s, e) for _, s, e in sentence_spans(text)]
    assert [v.voice for v in label_sentences(text, sents)] == [
        "scare_quoted",
        "quoted",
        "quoted",
        "authorial",
    ]
