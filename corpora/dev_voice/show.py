"""Print one development-set article with its gold spans marked, to check them by eye.

The text is read from ../shared/data (it is never stored in the project) and printed to
the terminal only. Each gold span is shown as ⟦code:pattern│text⟧ with code A authorial,
F attribution, Q quoted, S scare-quoted, I indirect; ``--rules`` marks the span labels of
the rules the same way (A, F, Q, S), for comparison.

Usage:  python corpora/dev_voice/show.py abp:HMAh4k8gazOKmHCj [--rules]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.text.sentences import sentence_spans
from analysis.text.spans import article_spans
from analysis.text.voice_gold import load_dev_set

HERE = Path(__file__).resolve().parent
CODE = {"authorial": "A", "attribution": "F", "quoted": "Q", "scare_quoted": "S", "indirect": "I"}


def marked(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    out, cursor = [], 0
    for start, end, voice, pattern in spans:
        out += [text[cursor:start], f"⟦{CODE[voice]}:{pattern}│", text[start:end], "⟧"]
        cursor = end
    return "".join([*out, text[cursor:]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("doc_id")
    ap.add_argument("--rules", action="store_true", help="mark the rules' spans instead")
    ap.add_argument("--data", type=Path, default=HERE.parents[2].parent / "shared" / "data")
    args = ap.parse_args(argv)
    articles = {a.doc_id: a for a in load_dev_set(HERE, args.data)}
    if args.doc_id not in articles:
        print(f"error: {args.doc_id} is not in {HERE / 'articles.csv'}", file=sys.stderr)
        return 2
    article = articles[args.doc_id]
    if args.rules:
        sentences = [(s, e) for _, s, e in sentence_spans(article.text)]
        spans = [
            (x.start, x.end, x.voice, "rules")
            for x in article_spans(article.text, sentences)
            if x.voice != "authorial"
        ]
    else:
        spans = list(
            article.spans[["char_start", "char_end", "voice", "pattern"]].itertuples(
                index=False, name=None
            )
        )
    print(marked(article.text, spans))
    return 0


if __name__ == "__main__":
    sys.exit(main())
