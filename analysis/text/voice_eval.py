"""Character-level agreement of voice labels with gold spans, overall and per pattern.

Every non-whitespace character of an article gets a gold voice (from the gold spans;
authorial outside them) and a predicted voice (from the labels under test: sentence
labels, where every character takes its sentence's voice, or span labels). The two
figures the project reports are

- the share of **own**-gold characters (authorial, attribution) labelled own
  (authorial or attribution), and
- the share of **reported**-gold characters (quoted, scare_quoted, indirect) labelled
  reported (quoted or scare_quoted),

per gold pattern. With ``indirect_as_own`` indirect content counts as own instead: the
accounting in which every word outside quotation marks is the outlet's.

Characters outside every gold span are tagged ``narrative``, or ``mixed_narrative`` when
their sentence (the project's sentence splitter) holds a gold span.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.text.voice_gold import PATTERN, GoldArticle

OWN_GOLD = ("authorial", "attribution")
REPORTED_GOLD = ("quoted", "scare_quoted", "indirect")
OWN_LABELS = ("authorial", "attribution")
REPORTED_LABELS = ("quoted", "scare_quoted")
# Which predicted voice is an exact match for each gold voice (indirect speech: quoted).
EXACT = {**{v: v for v in OWN_LABELS + REPORTED_LABELS}, "indirect": "quoted"}
NARRATIVE, MIXED_NARRATIVE, ALL = "narrative", "mixed_narrative", "(all)"
AGREEMENT_COLUMNS = [
    PATTERN,
    "n_own",
    "own_as_own",
    "share_own",
    "n_reported",
    "reported_as_reported",
    "share_reported",
    "reported_exact",
]


def gold_chars(
    article: GoldArticle, sentences: Iterable[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per character: gold voice and gold pattern (object arrays)."""
    n = len(article.text)
    voice = np.full(n, "authorial", dtype=object)
    pattern = np.full(n, NARRATIVE, dtype=object)
    inside = np.zeros(n, dtype=bool)
    for row in article.spans.itertuples(index=False):
        voice[row.char_start : row.char_end] = row.voice
        pattern[row.char_start : row.char_end] = getattr(row, PATTERN)
        inside[row.char_start : row.char_end] = True
    cum = np.concatenate([[0], np.cumsum(inside)])
    implicit = ~inside
    for start, end in sentences:
        if cum[end] - cum[start] > 0:
            part = implicit[start:end]
            pattern[start:end][part] = MIXED_NARRATIVE
    return voice, pattern


def predicted_chars(n: int, spans: Iterable[tuple[int, int, str]]) -> np.ndarray:
    """Per character: the predicted voice (None where no span covers it)."""
    out = np.full(n, None, dtype=object)
    for start, end, voice in spans:
        out[start:end] = voice
    return out


def _nonspace(text: str) -> np.ndarray:
    return ~np.frompyfunc(str.isspace, 1, 1)(np.array(list(text), dtype=object)).astype(bool)


def article_counts(
    article: GoldArticle,
    sentences: list[tuple[int, int]],
    predicted: Iterable[tuple[int, int, str]],
    indirect_as_own: bool = False,
) -> pd.DataFrame:
    """Counts per gold pattern for one article (see :func:`voice_agreement`)."""
    gold, pattern = gold_chars(article, sentences)
    pred = predicted_chars(len(article.text), predicted)
    keep = _nonspace(article.text) if article.text else np.zeros(0, dtype=bool)
    gold, pattern, pred = gold[keep], pattern[keep], pred[keep]
    own_gold = np.isin(gold, OWN_GOLD + (("indirect",) if indirect_as_own else ()))
    reported_gold = ~own_gold
    own_pred = np.isin(pred, OWN_LABELS)
    reported_pred = np.isin(pred, REPORTED_LABELS)
    exact = np.array([EXACT[g] == p for g, p in zip(gold, pred, strict=True)], dtype=bool)
    frame = pd.DataFrame(
        {
            PATTERN: pattern,
            "n_own": own_gold,
            "own_as_own": own_gold & own_pred,
            "n_reported": reported_gold,
            "reported_as_reported": reported_gold & reported_pred,
            "reported_exact": reported_gold & exact,
        }
    )
    return frame.groupby(PATTERN, sort=True).sum().astype("int64").reset_index()


def voice_agreement(counts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Sum per-article counts; add the shares and an ``(all)`` row."""
    total = pd.concat(list(counts), ignore_index=True).groupby(PATTERN, sort=True).sum()
    total.loc[ALL] = total.sum()
    total = total.reset_index()
    total["share_own"] = total["own_as_own"] / total["n_own"].where(total["n_own"] > 0)
    total["share_reported"] = total["reported_as_reported"] / total["n_reported"].where(
        total["n_reported"] > 0
    )
    return total[AGREEMENT_COLUMNS]


def sentence_level(
    sentences: list[tuple[int, int]], voices: list[str]
) -> list[tuple[int, int, str]]:
    """Sentence labels as predicted spans: every character takes its sentence's voice."""
    return [(s, e, v) for (s, e), v in zip(sentences, voices, strict=True)]


def evaluate(
    articles: Iterable[GoldArticle], indirect_as_own: bool = False
) -> dict[str, pd.DataFrame]:
    """Agreement tables of sentence-level and span-level labels with the gold spans.

    ``{"sentence": ..., "span": ...}``: the sentence labels are the ones derived from the
    spans (:func:`analysis.text.voice.sentence_voice`), so the two differ only in
    whether a sentence's voice is one label or one per span.
    """
    from analysis.text.sentences import sentence_spans
    from analysis.text.spans import article_spans
    from analysis.text.voice import sentence_voice

    before, after = [], []
    for article in articles:
        sents = [(s, e) for _, s, e in sentence_spans(article.text)]
        spans = article_spans(article.text, sents)
        by_sentence: list[list] = [[] for _ in sents]
        for span in spans:
            by_sentence[span.sentence].append(span)
        voices = [sentence_voice(own).voice for own in by_sentence]
        before.append(
            article_counts(article, sents, sentence_level(sents, voices), indirect_as_own)
        )
        after.append(
            article_counts(
                article, sents, [(x.start, x.end, x.voice) for x in spans], indirect_as_own
            )
        )
    return {"sentence": voice_agreement(before), "span": voice_agreement(after)}


def span_validation_rows(
    articles: Iterable[GoldArticle], sentences: pd.DataFrame, spans: pd.DataFrame
) -> list[tuple[str, list[dict]]]:
    """Validation-table rows of a study's sentence and span labels against gold spans.

    ``[("voice_sentences", rows), ("voice_spans", rows)]``; each row is a share
    (``share_own`` or ``share_reported``) for one pattern (``label``), with the number of
    gold characters as ``support``.
    """
    sent_by_doc = {d: g for d, g in sentences.groupby(S.DOC_ID, sort=False)}
    span_by_doc = {d: g for d, g in spans.groupby(S.DOC_ID, sort=False)}
    before, after = [], []
    for article in articles:
        sents = sent_by_doc.get(article.doc_id)
        if sents is None:
            continue  # not in the study (filtered out at ingestion)
        bounds = list(zip(sents[S.CHAR_START], sents[S.CHAR_END], strict=True))
        before.append(article_counts(article, bounds, sentence_level(bounds, list(sents[S.VOICE]))))
        own = span_by_doc.get(article.doc_id, spans.iloc[0:0])
        predicted = zip(own[S.CHAR_START], own[S.CHAR_END], own[S.VOICE], strict=True)
        after.append(article_counts(article, bounds, list(predicted)))
    out = []
    for method, counts in (("voice_sentences", before), ("voice_spans", after)):
        rows = []
        if counts:
            for r in voice_agreement(counts).itertuples(index=False):
                for side in ("own", "reported"):
                    support = getattr(r, f"n_{side}")
                    if support:
                        value = getattr(r, f"share_{side}")
                        rows.append(
                            {
                                "metric": f"share_{side}",
                                "label": r.pattern,
                                "value": float(value),
                                "support": int(support),
                            }
                        )
        out.append((method, rows))
    return out
