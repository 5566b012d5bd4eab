"""Whose voice is a sentence in? ``authorial``, ``quoted`` or ``scare_quoted``, with speaker.

Voice is decided on spans (:mod:`analysis.text.spans`); the sentence label is a view of
them, kept for sentence-level work (the ``all`` view, validation against sentence-coded
gold, annotation sheets):

- **quoted** when the sentence holds reported words: a quotation, a partial quote or
  indirect speech (its frame is the outlet's, its content is not);
- else **scare_quoted** when it holds a scare-quoted fragment;
- else **authorial**.

The speaker is the speaker of the sentence's first quoted span (or, for a scare quote,
the "what X calls" source when the sentence names one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analysis.text.spans import AUTHORIAL, QUOTED, SCARE, Span, article_spans

VOICES = (AUTHORIAL, QUOTED, SCARE)


@dataclass(frozen=True)
class Voice:
    voice: str
    speaker: str | None


def sentence_voice(spans: Iterable[Span]) -> Voice:
    """The sentence label derived from the sentence's spans."""
    spans = list(spans)
    for voice in (QUOTED, SCARE):
        hits = [s for s in spans if s.voice == voice]
        if hits:
            return Voice(voice, next((s.speaker for s in hits if s.speaker), None))
    return Voice(AUTHORIAL, None)


def label_sentences(text: str, sentences: list[tuple[int, int]]) -> list[Voice]:
    """Voice and speaker of each sentence (given as character spans) of one article."""
    by_sentence: list[list[Span]] = [[] for _ in sentences]
    for span in article_spans(text, sentences):
        by_sentence[span.sentence].append(span)
    return [sentence_voice(spans) for spans in by_sentence]
