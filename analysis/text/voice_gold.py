"""Character-level voice gold: the real-text development set and the demo's planted spans.

A gold file lists spans of article text, ``doc_id, char_start, char_end, voice, pattern``
(see ``corpora/dev_voice/GUIDE.md``). Characters outside every span are authorial.
The development set stores no text: its articles are read from ``../shared/data`` and
checked against the SHA-256 recorded in ``articles.csv``, so a changed source is an error,
never a silent misalignment.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import schema as S
from analysis.errors import CorpusError

GOLD_VOICES = ("authorial", "attribution", "quoted", "scare_quoted", "indirect")
PATTERN = "pattern"
_SPAN_COLUMNS = (S.DOC_ID, S.CHAR_START, S.CHAR_END, S.VOICE, PATTERN)


@dataclass(frozen=True)
class GoldArticle:
    doc_id: str
    text: str
    spans: pd.DataFrame  # char_start, char_end, voice, pattern; sorted, non-overlapping


def read_gold_spans(path: Path) -> pd.DataFrame:
    """A gold span file, validated: known voices, offsets in order, no overlaps."""
    if not path.exists():
        raise CorpusError("gold span file not found", path=str(path))
    spans = pd.read_csv(path, dtype={S.DOC_ID: str, S.VOICE: str, PATTERN: str})
    missing = [c for c in _SPAN_COLUMNS if c not in spans.columns]
    if missing:
        raise CorpusError(f"missing column(s) {missing}", path=str(path), field=missing[0])
    for i, row in enumerate(spans.itertuples(index=False), start=2):
        where = {"path": str(path), "line": i}
        if row.voice not in GOLD_VOICES:
            hint = f"use one of {list(GOLD_VOICES)}"
            raise CorpusError(f"unknown voice {row.voice!r}", field=S.VOICE, hint=hint, **where)
        if not 0 <= row.char_start < row.char_end:
            raise CorpusError("char_start must be below char_end", field=S.CHAR_START, **where)
    spans = spans.sort_values([S.DOC_ID, S.CHAR_START], kind="stable").reset_index(drop=True)
    same_doc = spans[S.DOC_ID].eq(spans[S.DOC_ID].shift())
    overlap = same_doc & (spans[S.CHAR_START] < spans[S.CHAR_END].shift())
    if overlap.any():
        doc = spans.loc[overlap.idxmax(), S.DOC_ID]
        raise CorpusError(f"overlapping gold spans in {doc!r}", path=str(path))
    return spans


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dev_set_texts(data_dir: Path, doc_ids: set[str]) -> dict[str, str]:
    """The texts of the development set's articles, read from ``data_dir`` (../shared/data).

    ABP: ``content_original``; NeuS: a side's ``newBody`` paragraphs joined by a blank line.
    """
    texts: dict[str, str] = {}
    if any(d.startswith("abp:") for d in doc_ids):
        abp = pd.read_parquet(
            data_dir / "abp" / "articles_train_sample.parquet", columns=["ID", "content_original"]
        )
        for row_id, text in zip(abp["ID"], abp["content_original"], strict=True):
            if f"abp:{row_id}" in doc_ids:
                texts[f"abp:{row_id}"] = text
    if any(d.startswith("neus:") for d in doc_ids):
        with open(data_dir / "neus" / "stories.jsonl", encoding="utf-8") as fh:
            for line in fh:
                story = json.loads(line)
                for side, article in story["news"].items():
                    key = f"neus:{story['id']}:{side}"
                    if key in doc_ids:
                        texts[key] = "\n\n".join(article["newBody"])
    return texts


def load_dev_set(folder: Path, data_dir: Path) -> list[GoldArticle]:
    """The development set's articles with their gold spans, hashes checked."""
    index_path = folder / "articles.csv"
    index = pd.read_csv(index_path, dtype=str)
    spans = read_gold_spans(folder / "spans.csv")
    unknown = set(spans[S.DOC_ID]) - set(index[S.DOC_ID])
    if unknown:
        raise CorpusError(
            f"spans of articles not in articles.csv: {sorted(unknown)[:3]}",
            path=str(folder / "spans.csv"),
        )
    texts = dev_set_texts(data_dir, set(index[S.DOC_ID]))
    articles = []
    for line, row in enumerate(index.itertuples(index=False), start=2):
        text = texts.get(row.doc_id)
        if text is None or _sha256(text) != row.text_sha256:
            raise CorpusError(
                f"article {row.doc_id} is {'missing from' if text is None else 'changed in'} "
                f"{data_dir}",
                path=str(index_path),
                line=line,
                field="text_sha256",
                hint="the gold offsets index the text that was annotated; re-annotate "
                "this article (GUIDE.md) or restore the original data",
            )
        articles.append(_article(row.doc_id, text, spans))
    return articles


def load_gold_articles(texts: dict[str, str], spans_path: Path) -> list[GoldArticle]:
    """Gold articles whose texts are at hand (the demo's): every span must fit its text."""
    spans = read_gold_spans(spans_path)
    unknown = set(spans[S.DOC_ID]) - set(texts)
    if unknown:
        raise CorpusError(f"spans of unknown articles {sorted(unknown)[:3]}", path=str(spans_path))
    return [_article(doc_id, text, spans) for doc_id, text in texts.items()]


def _article(doc_id: str, text: str, spans: pd.DataFrame) -> GoldArticle:
    own = spans[spans[S.DOC_ID] == doc_id].drop(columns=S.DOC_ID).reset_index(drop=True)
    if len(own) and int(own[S.CHAR_END].max()) > len(text):
        raise CorpusError(f"gold span beyond the end of article {doc_id!r}")
    return GoldArticle(doc_id, text, own)


def load_demo_gold(demo: Path) -> list[GoldArticle]:
    """The demo's articles (``articles.jsonl``) with the spans its builder planted."""
    texts = {}
    with open(demo / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            texts[record[S.DOC_ID]] = record[S.TEXT]
    return load_gold_articles(texts, demo / "gold_spans.csv")
