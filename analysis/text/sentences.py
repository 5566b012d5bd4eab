"""Split articles into sentences with character offsets into the article text.

Line breaks are hard boundaries (news text puts headlines, datelines and paragraphs on
lines of their own); within a line, sentencex finds sentence ends and keeps quotations
that contain full stops together. ``paragraph`` numbers the non-empty lines.
"""

from __future__ import annotations

import re

import pandas as pd
import sentencex

from analysis import schema as S
from analysis.text.voice import label_sentences

_LINE = re.compile(r"[^\n]+")
_DEFAULT_LANGUAGE = "en"


def sentence_spans(text: str, language: str = _DEFAULT_LANGUAGE) -> list[tuple[int, int, int]]:
    """(paragraph, start, end) of each sentence; whitespace is trimmed off every span."""
    spans = []
    paragraph = -1
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        paragraph += 1
        offset = line.start()
        for b in sentencex.get_sentence_boundaries(language, line.group()):
            seg = b["text"]
            stripped = seg.strip()
            if not stripped:
                continue
            start = offset + b["start_index"] + (len(seg) - len(seg.lstrip()))
            spans.append((paragraph, start, start + len(stripped)))
    return spans


def split_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: doc_id, sent_id, sent_key, outlet, paragraph, char offsets,
    text, voice.

    ``voice`` is authorial, quoted or scare_quoted and ``speaker`` who is quoted, found over
    the whole article (quotations span sentences; see :mod:`analysis.text.voice`).
    """
    has_language = S.LANGUAGE in articles.columns
    rows: dict[str, list] = {
        c: []
        for c in (
            S.DOC_ID,
            S.SENT_ID,
            S.OUTLET,
            S.PARAGRAPH,
            S.CHAR_START,
            S.CHAR_END,
            S.TEXT,
            S.VOICE,
            S.SPEAKER,
        )
    }
    for art in articles.itertuples(index=False):
        doc_id, outlet, text = getattr(art, S.DOC_ID), getattr(art, S.OUTLET), getattr(art, S.TEXT)
        language = getattr(art, S.LANGUAGE) if has_language else None
        if not isinstance(language, str) or not language:
            language = _DEFAULT_LANGUAGE
        spans = sentence_spans(text, language)
        voices = label_sentences(text, [(start, end) for _, start, end in spans])
        for i, ((paragraph, start, end), voice) in enumerate(zip(spans, voices, strict=True)):
            rows[S.DOC_ID].append(doc_id)
            rows[S.SENT_ID].append(i)
            rows[S.OUTLET].append(outlet)
            rows[S.PARAGRAPH].append(paragraph)
            rows[S.CHAR_START].append(start)
            rows[S.CHAR_END].append(end)
            rows[S.TEXT].append(text[start:end])
            rows[S.VOICE].append(voice.voice)
            rows[S.SPEAKER].append(voice.speaker)
    out = pd.DataFrame(rows).astype({S.SENT_ID: "int32", S.PARAGRAPH: "int32"})
    out.insert(2, S.SENT_KEY, sentence_key(out[S.DOC_ID], out[S.SENT_ID]))
    return out


def sentence_key(doc_id: pd.Series, sent_id: pd.Series) -> pd.Series:
    """The study-wide sentence key ``f"{doc_id}#{sent_id}"`` (sent_id restarts per article,
    so merging on it alone pairs sentences of different articles)."""
    return doc_id.astype(str) + "#" + sent_id.astype(int).astype(str)
