"""Split articles into sentences with character offsets into the article text.

Line breaks are hard boundaries (news text puts headlines, datelines and paragraphs on
lines of their own); within a line, sentencex finds sentence ends and keeps quotations
that contain full stops together. ``paragraph`` numbers the non-empty lines.

sentencex ends a sentence after some abbreviations news style uses mid-sentence: the
party-and-state tag "D-N.Y." ("…Schumer, D-N." | "Y., said…"), a title before a name
("Dr." | "Who"), a unit before a lowercase word ("5 lbs." | "and…"). A boundary is undone
(:func:`false_boundary`) when the text after it cannot start a sentence (a lowercase
word, a comma, a digit after a unit) or the text before it cannot end one (a title, a
lone initial continued by another abbreviation part).

A unit with fewer than ``min_words`` words is a *fragment*: cut-off text ("After…", the
truncated summaries of NeuS), a stray heading, a leftover of a bad split. Fragments stay
in the sentences table (``fragment`` true) so offsets and counts stay whole, but are not
scored, aggregated or sampled for coding.
"""

from __future__ import annotations

import re

import pandas as pd
import sentencex
from tqdm.auto import tqdm

from analysis import schema as S
from analysis.text.spans import article_spans
from analysis.text.voice import sentence_voice

_LINE = re.compile(r"[^\n]+")
_DEFAULT_LANGUAGE = "en"

# Titles and abbreviations that stand before a name or number and never end a sentence.
_TITLE_WORDS = (
    "mr mrs ms mx dr sen sens rep reps gov govs lt gen gens col sgt capt cmdr adm maj cpl "
    "pvt rev prof hon pres supt atty insp det no nos vs v st mt"
)
_TITLES = frozenset(_TITLE_WORDS.split())
# Units and abbreviations that may end a sentence, but not when a lowercase word or a
# number follows ("5 lbs. and", "approx. 40").
_UNIT_WORDS = (
    "ft lb lbs oz mi mph km kg sq deg approx est min max hr hrs yr yrs mo mos pct "
    "inc corp co ltd bros dept univ assn"
)
_UNITS = frozenset(_UNIT_WORDS.split())
_LAST_TOKEN = re.compile(r"([A-Za-z][A-Za-z.\-]*)\.$")
_INITIAL = re.compile(r"(?:^|[\s(\-–.])[A-Z]\.$")  # "D-N." "U." "(R." " F."
_ABBREV_PART = re.compile(r"^[A-Z][a-z]{0,3}[.,]")  # "Y.," "Va.," "C.", "Y," after "D-N."
_CANNOT_START = re.compile(r"^[a-z,;:%)\]}]")


def false_boundary(left: str, right: str) -> bool:
    """Whether sentencex's boundary between ``left`` and ``right`` is an abbreviation's."""
    left, right = left.rstrip(), right.lstrip()
    if not right or not left.endswith((".", "…")):
        return False
    if _CANNOT_START.match(right):
        return True
    if left.endswith(("..", "…")):
        return False
    token = _LAST_TOKEN.search(left)
    word = token.group(1).lower() if token else ""
    if word in _TITLES:
        return True
    if word in _UNITS and right[0].isdigit():
        return True
    return bool(_INITIAL.search(left) and _ABBREV_PART.match(right))


def sentence_spans(
    text: str, language: str = _DEFAULT_LANGUAGE, repair: bool = True
) -> list[tuple[int, int, int]]:
    """(paragraph, start, end) of each sentence; whitespace is trimmed off every span.

    ``repair=False`` keeps sentencex's boundaries as they are (for measuring the repair).
    """
    spans: list[tuple[int, int, int]] = []
    paragraph = -1
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        paragraph += 1
        offset = line.start()
        line_spans: list[tuple[int, int, int]] = []
        for b in sentencex.get_sentence_boundaries(language, line.group()):
            seg = b["text"]
            stripped = seg.strip()
            if not stripped:
                continue
            start = offset + b["start_index"] + (len(seg) - len(seg.lstrip()))
            end = start + len(stripped)
            if (
                repair
                and line_spans
                and false_boundary(text[line_spans[-1][1] : line_spans[-1][2]], stripped)
            ):
                line_spans[-1] = (paragraph, line_spans[-1][1], end)
            else:
                line_spans.append((paragraph, start, end))
        spans.extend(line_spans)
    return spans


_WORD = re.compile(r"\w+(?:[’'\-.]\w+)*")


def word_count(text: str) -> int:
    """Words as a reader counts them: "D-N.Y." and "don't" are one word, "…" none."""
    return len(_WORD.findall(text))


def split_articles(
    articles: pd.DataFrame, min_words: int = 1, progress: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sentences, spans) of every article.

    ``sentences``: one row per sentence with doc_id, sent_id, sent_key, outlet, paragraph,
    char offsets, text, and the sentence-level ``voice`` and ``speaker`` derived from its
    spans (:mod:`analysis.text.voice`). ``spans``: one row per voice span
    (:mod:`analysis.text.spans`) with its key, its sentence's key and its char offsets.
    The cost is linear in the length of each article; a progress bar counts articles.
    """
    has_language = S.LANGUAGE in articles.columns
    sent_cols = (S.DOC_ID, S.SENT_ID, S.SENT_KEY, S.OUTLET, S.PARAGRAPH, S.CHAR_START)
    sent_cols += (S.CHAR_END, S.TEXT, S.VOICE, S.SPEAKER)
    span_cols = (S.SPAN_KEY, S.SENT_KEY, S.DOC_ID, S.SENT_ID, S.OUTLET, S.CHAR_START)
    span_cols += (S.CHAR_END, S.VOICE, S.IN_QUOTES, S.SPEAKER, S.TEXT)
    rows: dict[str, list] = {c: [] for c in sent_cols}
    span_rows: dict[str, list] = {c: [] for c in span_cols}
    bar = tqdm(
        articles.itertuples(index=False),
        total=len(articles),
        desc="sentences",
        unit="article",
        disable=not progress,
    )
    for art in bar:
        doc_id, outlet, text = getattr(art, S.DOC_ID), getattr(art, S.OUTLET), getattr(art, S.TEXT)
        language = getattr(art, S.LANGUAGE) if has_language else None
        if not isinstance(language, str) or not language:
            language = _DEFAULT_LANGUAGE
        sentences = sentence_spans(text, language)
        spans = article_spans(text, [(start, end) for _, start, end in sentences])
        by_sentence: list[list] = [[] for _ in sentences]
        for span in spans:
            by_sentence[span.sentence].append(span)
        for i, ((paragraph, start, end), own) in enumerate(
            zip(sentences, by_sentence, strict=True)
        ):
            voice = sentence_voice(own)
            key = S.sent_key(doc_id, i)
            for col, value in zip(
                sent_cols,
                (doc_id, i, key, outlet, paragraph, start, end, text[start:end]),
                strict=False,
            ):
                rows[col].append(value)
            rows[S.VOICE].append(voice.voice)
            rows[S.SPEAKER].append(voice.speaker)
            for j, span in enumerate(own):
                values = (S.span_key(doc_id, i, j), key, doc_id, i, outlet, span.start)
                values += (span.end, span.voice, span.in_quotes, span.speaker)
                values += (text[span.start : span.end],)
                for col, value in zip(span_cols, values, strict=True):
                    span_rows[col].append(value)
    sentences = pd.DataFrame(rows).astype({S.SENT_ID: "int32", S.PARAGRAPH: "int32"})
    sentences[S.N_WORDS] = sentences[S.TEXT].map(word_count).astype("int32")
    sentences[S.FRAGMENT] = sentences[S.N_WORDS] < min_words
    return sentences, pd.DataFrame(span_rows).astype({S.SENT_ID: "int32"})


def split_sentences(
    articles: pd.DataFrame, min_words: int = 1, progress: bool = False
) -> pd.DataFrame:
    """The sentences of :func:`split_articles` alone (for callers that need no spans)."""
    return split_articles(articles, min_words=min_words, progress=progress)[0]
