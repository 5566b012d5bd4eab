"""Assemble the synthetic demo corpus from its annotated sources.

Reads every ``events_*.yaml`` beside this file, checks each article and sentence against
the annotation scheme (ANNOTATION.md), and writes

- ``../articles.jsonl``: one article per line (doc_id, outlet, event_id, published,
  title, url, text), sentences joined by a space and paragraphs by a blank line;
- ``../gold_sentences.csv``: one row per sentence with its character span in ``text``
  and its planted codes.

Usage:  python corpora/demo/source/build.py [--check]
``--check`` validates and reports counts without writing anything.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent
POLES = {
    "heroic_sacrifice": "sacrifice",
    "cannon_fodder": "sacrifice",
    "liberation_defence": "legitimacy",
    "aggression_occupation": "legitimacy",
    "voluntary_alliance": "deployment",
    "coerced_deployment": "deployment",
    "verified_fact": "credibility",
    "propaganda_claim": "credibility",
}
VOICES = {"authorial", "quoted", "scare_quoted"}
ARTICLE_KEYS = {"doc_id", "outlet", "event_id", "published", "title", "url", "paragraphs"}
OPTIONAL_ARTICLE_KEYS = {"syndicated_from"}
SENTENCE_KEYS = {"text", "pole", "voice", "speaker", "own_pole"}
MIN_WORDS, MAX_WORDS = 150, 400
GOLD_COLUMNS = [
    "doc_id",
    "sent_index",
    "paragraph",
    "char_start",
    "char_end",
    "frame",
    "pole",
    "own_pole",
    "voice",
    "speaker",
    "text",
]


class SourceError(ValueError):
    pass


def _outlets() -> set[str]:
    with open(DEMO / "outlets.csv", encoding="utf-8") as fh:
        return {row["outlet"] for row in csv.DictReader(fh)}


def _check_sentence(where: str, sent: dict) -> None:
    if not isinstance(sent, dict):
        raise SourceError(
            f"{where}: a sentence must be a mapping with keys {sorted(SENTENCE_KEYS)}"
        )
    missing = {"text", "voice"} - sent.keys()
    unknown = sent.keys() - SENTENCE_KEYS
    if missing or unknown:
        raise SourceError(
            f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"
        )
    if not isinstance(sent["text"], str) or not sent["text"].strip():
        raise SourceError(f"{where}: empty text")
    if sent["text"] != sent["text"].strip():
        raise SourceError(f"{where}: text has leading/trailing whitespace")
    if sent["voice"] not in VOICES:
        raise SourceError(f"{where}: voice {sent['voice']!r} not in {sorted(VOICES)}")
    for key in ("pole", "own_pole"):
        value = sent.get(key)
        if value is not None and value not in POLES:
            raise SourceError(f"{where}: {key} {value!r} not one of {sorted(POLES)}")
    if sent["voice"] == "authorial" and sent.get("own_pole") != sent.get("pole"):
        raise SourceError(f"{where}: an authorial sentence must have own_pole == pole")


def load_articles(only: str | None = None) -> list[dict]:
    outlets = _outlets()
    articles, seen = [], set()
    paths = [HERE / only] if only else sorted(HERE.glob("events_*.yaml"))
    for path in paths:
        docs = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for i, art in enumerate(docs):
            where = f"{path.name} article #{i + 1} ({art.get('doc_id', '?')})"
            missing = ARTICLE_KEYS - art.keys()
            unknown = art.keys() - ARTICLE_KEYS - OPTIONAL_ARTICLE_KEYS
            if missing or unknown:
                raise SourceError(
                    f"{where}: missing keys {sorted(missing)}, unknown {sorted(unknown)}"
                )
            if art["doc_id"] in seen:
                raise SourceError(f"{where}: duplicate doc_id")
            seen.add(art["doc_id"])
            if art["outlet"] not in outlets:
                raise SourceError(f"{where}: outlet {art['outlet']!r} not in outlets.csv")
            datetime.fromisoformat(str(art["published"]))
            for p, para in enumerate(art["paragraphs"]):
                if not para:
                    raise SourceError(f"{where}: paragraph {p + 1} is empty")
                for s, sent in enumerate(para):
                    _check_sentence(f"{where} paragraph {p + 1} sentence {s + 1}", sent)
            art["_source"] = path.name
            articles.append(art)
    return articles


def assemble(art: dict) -> tuple[dict, list[dict]]:
    """Join sentences into text, recording each sentence's character span."""
    parts: list[str] = []
    gold: list[dict] = []
    pos, index = 0, 0
    for p, para in enumerate(art["paragraphs"]):
        if p:
            parts.append("\n\n")
            pos += 2
        for s, sent in enumerate(para):
            if s:
                parts.append(" ")
                pos += 1
            text = sent["text"]
            pole = sent.get("pole")
            gold.append(
                {
                    "doc_id": art["doc_id"],
                    "sent_index": index,
                    "paragraph": p,
                    "char_start": pos,
                    "char_end": pos + len(text),
                    "frame": POLES.get(pole) if pole else None,
                    "pole": pole,
                    "own_pole": sent.get("own_pole"),
                    "voice": sent["voice"],
                    "speaker": sent.get("speaker"),
                    "text": text,
                }
            )
            parts.append(text)
            pos += len(text)
            index += 1
    text = "".join(parts)
    record = {k: art[k] for k in ("doc_id", "outlet", "event_id", "published", "title", "url")}
    record["published"] = str(art["published"])
    record["text"] = text
    return record, gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="validate only, write nothing")
    ap.add_argument("--only", help="validate a single events_*.yaml file (implies --check)")
    args = ap.parse_args(argv)
    try:
        articles = load_articles(args.only)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    records, gold = [], []
    problems = []
    for art in articles:
        rec, rows = assemble(art)
        n_words = len(rec["text"].split())
        if not MIN_WORDS <= n_words <= MAX_WORDS:
            problems.append(
                f"{art['_source']} {rec['doc_id']}: {n_words} words, want {MIN_WORDS}-{MAX_WORDS}"
            )
        records.append(rec)
        gold.extend(rows)
    records.sort(key=lambda r: (r["published"], r["doc_id"]))
    events = Counter(r["event_id"] for r in records)
    outlets = Counter(r["outlet"] for r in records)
    poles = Counter((g["pole"] or "none", g["voice"]) for g in gold)
    print(f"{len(records)} articles, {len(gold)} sentences, {len(events)} events")
    print("articles per event:", dict(sorted(events.items())))
    print("articles per outlet:", dict(outlets.most_common()))
    print("sentences by (pole, voice):")
    for (pole, voice), n in sorted(poles.items()):
        print(f"  {pole:24s} {voice:13s} {n}")
    for p in problems:
        print("problem:", p, file=sys.stderr)
    if problems:
        return 1
    if args.check or args.only:
        return 0
    out = io.StringIO()
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    (DEMO / "articles.jsonl").write_text(out.getvalue(), encoding="utf-8")
    order = {r["doc_id"]: i for i, r in enumerate(records)}
    gold.sort(key=lambda g: (order[g["doc_id"]], g["sent_index"]))
    with open(DEMO / "gold_sentences.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=GOLD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(gold)
    print(f"wrote {DEMO / 'articles.jsonl'} and {DEMO / 'gold_sentences.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
