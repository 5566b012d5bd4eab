"""Split articles into sentences with character offsets into the article text.

Line breaks are hard boundaries (news text puts headlines, datelines and paragraphs on
lines of their own); within a line, sentencex finds sentence ends and keeps quotations
that contain full stops together. ``paragraph`` numbers the non-empty lines.
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


def split_articles(
    articles: pd.DataFrame, progress: bool = True
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
    return sentences, pd.DataFrame(span_rows).astype({S.SENT_ID: "int32"})


def split_sentences(articles: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
    """The sentences of :func:`split_articles` alone (for callers that need no spans)."""
    return split_articles(articles, progress=progress)[0]
