"""Voice detection on small hand-written cases, and on the real seed article."""

import pytest

from analysis.text.attribution import QUOTE, sentence_frames
from analysis.text.quotes import find_quotes
from analysis.text.sentences import sentence_spans
from analysis.text.voice import label_sentences


def quotes(text):
    return [text[q.start : q.end] for q in find_quotes(text)]


def voices(text):
    spans = [(s, e) for _, s, e in sentence_spans(text)]
    return [(v.voice, v.speaker) for v in label_sentences(text, spans)]


# --- quotation spans ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He called it a "liberation" again.', ['"liberation"']),
        ("The “heroes” returned.", ["“heroes”"]),
        ("The ‘heroic’ troops.", ["‘heroic’"]),
        ("The 'heroic' troops.", ["'heroic'"]),
        ("Er sagte „Befreiung“ dazu.", ["„Befreiung“"]),
        ("Il a parlé de «libération» hier.", ["«libération»"]),
        ("Sie nannten es »Befreiung« dort.", ["»Befreiung«"]),
    ],
)
def test_every_quote_style_is_found(text, expected):
    assert quotes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It's the soldiers' families who pay.",
        "It’s the soldiers’ families who pay, and they don’t forget.",
        "Rock ’n’ roll came back in the ’90s.",
        "Kim Jong Un ‘s soldiers fought.",  # a mistyped possessive, not an opening quote
        "The regiment's commander and the 1990s' veterans' groups met.",
    ],
)
def test_apostrophes_are_not_quotes(text):
    assert quotes(text) == []


def test_nested_single_inside_double():
    text = "“They praised the ‘heroic’ dead,” she said."
    assert quotes(text) == ["“They praised the ‘heroic’ dead,”", "‘heroic’"]


def test_plural_possessive_inside_a_single_quoted_phrase():
    text = "He mocked ‘the soldiers’ families’ fund."
    assert quotes(text) == ["‘the soldiers’ families’"]


def test_unclosed_double_quote_runs_to_paragraph_end_only():
    text = "“We will never forget them.\n“They are heroes,” Valk said. Nothing else."
    spans = find_quotes(text)
    assert [text[s.start : s.end] for s in spans] == [
        "“We will never forget them.",
        "“They are heroes,”",
    ]
    assert [s.closed for s in spans] == [False, True]


def test_unbalanced_single_quote_is_dropped():
    assert quotes("The ‘liberation of the region was declared.") == []


# --- sentence voices -----------------------------------------------------------------


def test_scare_quote_in_authorial_sentence():
    assert voices("The regime sent its ‘heroic’ troops to die.") == [("scare_quoted", None)]


def test_a_sentence_mostly_inside_short_quotes_is_quoted():
    """A short quotation holding half or more of its sentence makes it quoted, with no
    speaker; one holding well under half (held at a distance by "hails") stays a scare
    quote. Two short quotes are judged one by one (span-level voice)."""
    mostly = "“Heroes of the nation, sons of glory” on every front page."  # about 2/3 inside
    assert voices(mostly) == [("quoted", None)]
    under_half = "Every front page of the state press hails “heroes of the nation” again."
    assert voices(under_half) == [("scare_quoted", None)]


def test_direct_quote_with_attribution_and_speaker():
    assert voices("“Our sons are heroes,” Marshal Oren Valk said.") == [
        ("quoted", "Marshal Oren Valk")
    ]


def test_inverted_attribution():
    text = '"They were sent to die in waves," said Major Taras Holub.'
    assert voices(text) == [("quoted", "Major Taras Holub")]


def test_quote_spanning_two_sentences_is_quoted_in_both():
    text = "Valk spoke at length. “They are heroes. They will never be forgotten,” he said."
    got = voices(text)
    assert [v for v, _ in got] == ["authorial", "quoted"]


def test_multi_sentence_quote_split_by_the_splitter_keeps_speaker():
    text = (
        "The assault began at dawn. “The first wave reached the tree line. "
        "Nobody came back from it. We counted the bodies for two days,” Holub said."
    )
    got = voices(text)
    assert got[0] == ("authorial", None)
    assert all(v == "quoted" for v, _ in got[1:])
    assert got[-1][1] == "Holub"


def test_indirect_speech_is_quoted():
    text = "Kalvian officials said the men had been told it was an exercise."
    assert voices(text) == [("quoted", "Kalvian officials")]


def test_according_to_names_the_source():
    text = "About 700 soldiers were killed, according to the National Intelligence Service."
    assert voices(text) == [("quoted", "the National Intelligence Service")]


def test_appositive_between_speaker_and_verb():
    text = "Major Taras Holub, spokesman of the Kalvian armed forces, said both men were alive."
    assert voices(text) == [("quoted", "Major Taras Holub")]


def test_pronoun_speaker_takes_last_named_speaker():
    text = "Dr. Elias Marr said the losses were high. He said the men were poorly trained."
    assert voices(text) == [("quoted", "Dr. Elias Marr"), ("quoted", "Dr. Elias Marr")]


def test_partial_quote_with_saying_verb_is_quoted():
    text = "Vorsk insisted the papers were a ‘crude forgery’."
    assert voices(text)[0][0] == "quoted"


def test_characterising_verbs_make_scare_quotes():
    for text in (
        "Belgorin dismissed the footage as ‘staged’.",
        "What Belgorin calls the “liberation” of Brennar continued.",
        "State media hailed a ‘brilliant victory’ on Monday.",
    ):
        assert voices(text)[0][0] == "scare_quoted", text
    assert voices("What Belgorin calls the “liberation” of Brennar continued.")[0][1] == "Belgorin"


@pytest.mark.parametrize(
    "text",
    [
        "The Aldmark report has been circulated widely.",
        "The men had little say in being there.",
        "Dravenia did not report on the fighting.",
        "Korsgrad said nothing about the losses.",
        "He was told he was going to an exercise.",
        "The war adds another layer of complexity.",
        "The units crossed the state border in August.",
    ],
)
def test_not_reported_speech(text):
    assert voices(text)[0][0] == "authorial", sentence_frames(text.replace(QUOTE, " "))


# --- the real seed article (read at test time; its text is not copied here) ---------


@pytest.fixture
def seed(shared_data):
    text = (shared_data / "seed" / "nk_troops_article.txt").read_text("utf-8")
    spans = [(s, e) for _, s, e in sentence_spans(text)]
    labelled = label_sentences(text, spans)
    return [(text[s:e], v.voice, v.speaker) for (s, e), v in zip(spans, labelled, strict=True)]


def test_seed_heroic_scare_quotes(seed):
    heroic = [(s, v) for s, v, _ in seed if "‘heroic’" in s]
    assert len(heroic) >= 2
    assert all(v == "scare_quoted" for _, v in heroic)


def test_seed_kim_speech_and_liberation_quote(seed):
    speech = [(i, v, who) for i, (s, v, who) in enumerate(seed) if "liberation of Kursk" in s]
    assert len(speech) == 1
    i, voice, speaker = speech[0]
    assert voice == "quoted" and speaker == "Kim"
    # The sentence after the speech comments on it in the outlet's own voice.
    assert seed[i + 1][1] == "authorial"
    assert seed[i - 1][1] == "authorial"


def test_seed_victorious_conclusion_and_heroes_are_held_at_a_distance(seed):
    held = [v for s, v, _ in seed if "‘heroes’" in s or "‘victorious conclusion’" in s]
    assert held and all(v == "scare_quoted" for v in held)


def test_seed_attributed_speech_names_its_sources(seed):
    speakers = {who for _, v, who in seed if v == "quoted"}
    assert "Putin" in speakers and "State media" in speakers


def test_seed_reporting_sentences_are_mostly_authorial(seed):
    unquoted = [v for s, v, _ in seed if not any(c in s for c in '‘’"“”')]
    assert unquoted.count("authorial") / len(unquoted) >= 0.8
