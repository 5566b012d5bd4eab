"""Assemble the synthetic demo corpus from its annotated sources.

Reads every ``events_*.yaml`` beside this file, checks each article and sentence against
the annotation scheme (ANNOTATION.md), and writes

- ``../articles.jsonl``: one article per line (doc_id, outlet, event_id, published,
  title, url, text), sentences joined by a space and paragraphs by a blank line;
- ``../gold_sentences.csv``: one row per sentence with its character span in ``text``
  and its planted codes;
- ``../gold_spans.csv``: the planted voice of every character that is not the outlet's
  own narrative (see ANNOTATION.md, "Voice spans"), in the format of the real-text
  development set (``corpora/dev_voice/GUIDE.md``).

Usage:  python corpora/demo/source/build.py [--check]
``--check`` validates and reports counts without writing anything.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import re
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
SENTENCE_KEYS = {"text", "pole", "voice", "speaker", "own_pole", "frame", "reported", "narrative"}
SPAN_KEYS = ("frame", "reported", "narrative")  # substrings of a quoted sentence (ANNOTATION.md)
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
SPAN_COLUMNS = ["doc_id", "char_start", "char_end", "voice", "pattern"]
SINGLE_CLOSE = {"‘": "’", "'": "'"}  # a single quotation closes with its own kind of mark
BELIEF = re.compile(
    r"\b(?:believes?|believed|thinks?|thought|fears?|feared|expects?|expected|"
    r"suspects?|suspected|reckons?|estimates?|estimated)\b"
)
LOADED = re.compile(
    r"\b(?:accused|insist(?:s|ed)?|claim(?:s|ed)?|boast(?:s|ed)|admitted|conceded|"
    r"blasted|slammed|dismiss(?:es|ed)|branded|hailed|praised|denounced|condemned|"
    r"rejected|disputed|countered)\b"
)


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
    for key in SPAN_KEYS:
        if key not in sent:
            continue
        if sent["voice"] != "quoted":
            raise SourceError(f"{where}: {key!r} marks spans of quoted sentences only")
        parts = sent[key]
        if not isinstance(parts, list) or not all(isinstance(x, str) and x for x in parts):
            raise SourceError(f"{where}: {key!r} must be a list of substrings of the text")
        for part in parts:
            if part != "*" and part not in sent["text"]:
                raise SourceError(f"{where}: {key} {part!r} is not in the sentence")


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


def quotation_marks(paragraph: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of each outermost quotation the writer typed in a paragraph.

    The demo's typography: curly double quotes pair “ with ”, straight double quotes
    alternate, a single quote opens (‘ or ') after a space or dash before a letter and is
    closed by the same kind of mark before a non-letter (so apostrophes, as in soldiers'
    or it's, never open or close one). A double quote left open runs to the paragraph end.
    """
    spans: list[tuple[int, int, bool]] = []
    double = single = None
    for i, ch in enumerate(paragraph):
        prev = paragraph[i - 1] if i else " "
        nxt = paragraph[i + 1] if i + 1 < len(paragraph) else " "
        opens_single = (prev.isspace() or prev in '(“"—') and nxt.isalnum()
        if ch == "“" or (ch == '"' and double is None):
            double = i if double is None else double
        elif ch in '”"' and double is not None:
            spans.append((double, i + 1, True))
            double = None
        elif ch in "‘'" and single is None and opens_single:
            single = i
        elif single is not None and ch == SINGLE_CLOSE.get(paragraph[single]) and not nxt.isalnum():
            spans.append((single, i + 1, True))
            single = None
    if double is not None:
        spans.append((double, len(paragraph), False))
    outer: list[tuple[int, int, bool]] = []
    for span in sorted(spans):
        if outer and span[0] < outer[-1][1]:
            continue  # a quotation nested in another belongs to the outer one
        outer.append(span)
    return outer


def _locate(text: str, parts: list[str]) -> list[tuple[int, int]]:
    if parts == ["*"]:
        return [(0, len(text))]
    return [(text.index(p), text.index(p) + len(p)) for p in parts]


def _frame_pattern(frame: str) -> str:
    if BELIEF.search(frame):
        return "belief_frame"
    return "loaded_verb" if LOADED.search(frame) else "frame"


def _quotation_pattern(sent: dict, piece: str, whole: tuple[int, int, bool], bounds) -> str:
    qa, qb, closed = whole
    if not closed:
        return "multi_paragraph_quote"
    if qa < bounds[0] or qb > bounds[1]:
        return "multi_sentence_quote"
    if sent.get("reported") or len(piece.split()) <= 4:
        return "partial_quote"
    return "direct_quote"


def _sentence_labels(where: str, sent: dict, start: int, end: int, marks) -> list:
    """(voice, pattern) of each character of one planted sentence (ANNOTATION.md)."""
    text = sent["text"]
    pieces = [(max(a, start), min(b, end), (a, b, c)) for a, b, c in marks if a < end and b > start]
    labels: list[tuple[str, str | None]] = [("authorial", None)] * (end - start)
    if sent["voice"] == "quoted":
        if not pieces and not sent.get("frame"):
            raise SourceError(
                f"{where}: a quoted sentence without quotation marks needs `frame:` "
                "(its attribution frame; the rest is indirect)"
            )
        frame_text = text if sent.get("frame") == ["*"] else " ".join(sent.get("frame", []))
        content = "attributed_belief" if BELIEF.search(frame_text or text) else "indirect_speech"
        outside = ("attribution", _frame_pattern(text)) if pieces else ("indirect", content)
        labels = [outside] * (end - start)
        for a, b in _locate(text, sent.get("frame", [])):
            labels[a:b] = [("attribution", _frame_pattern(text[a:b]))] * (b - a)
        for a, b in _locate(text, sent.get("reported", [])):
            labels[a:b] = [("indirect", content)] * (b - a)
        for a, b in _locate(text, sent.get("narrative", [])):
            labels[a:b] = [("authorial", "narrative_tail")] * (b - a)
    elif sent["voice"] == "scare_quoted" and not pieces:
        raise SourceError(f"{where}: a scare-quoted sentence without quotation marks")
    elif sent["voice"] == "authorial" and pieces:
        raise SourceError(f"{where}: quotation marks in an authorial sentence")
    for a, b, whole in pieces:
        if sent["voice"] == "scare_quoted":
            value = ("scare_quoted", "scare_quote")
        else:
            piece = text[a - start : b - start]
            value = ("quoted", _quotation_pattern(sent, piece, whole, (start, end)))
        labels[a - start : b - start] = [value] * (b - a)
    return labels


def voice_spans(art: dict, gold: list[dict]) -> list[dict]:
    """Gold voice spans of one article from its planted sentence codes (ANNOTATION.md)."""
    by_paragraph: dict[int, list[dict]] = {}
    for g in gold:
        by_paragraph.setdefault(g["paragraph"], []).append(g)
    sentences = [s for para in art["paragraphs"] for s in para]
    rows: list[dict] = []
    for rows_of_para in by_paragraph.values():
        p_start = rows_of_para[0]["char_start"]
        paragraph = " ".join(r["text"] for r in rows_of_para)
        marks = [(p_start + a, p_start + b, c) for a, b, c in quotation_marks(paragraph)]
        for g in rows_of_para:
            where = f"{art['doc_id']} sentence {g['sent_index']}"
            start, end = g["char_start"], g["char_end"]
            labels = _sentence_labels(where, sentences[g["sent_index"]], start, end, marks)
            for (voice, pattern), run in itertools.groupby(enumerate(labels), key=lambda x: x[1]):
                run = list(run)
                if pattern is not None:
                    span = {"doc_id": art["doc_id"], "char_start": start + run[0][0]}
                    span.update(char_end=start + run[-1][0] + 1, voice=voice, pattern=pattern)
                    rows.append(span)
    return rows


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
    records, gold, spans = [], [], []
    problems = []
    for art in articles:
        rec, rows = assemble(art)
        try:
            spans.extend(voice_spans(art, rows))
        except SourceError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
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
    spans.sort(key=lambda r: (order[r["doc_id"]], r["char_start"]))
    with open(DEMO / "gold_spans.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=SPAN_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(spans)
    written = ", ".join(str(DEMO / f) for f in ("articles.jsonl", "gold_sentences.csv"))
    print(f"wrote {written} and {DEMO / 'gold_spans.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
