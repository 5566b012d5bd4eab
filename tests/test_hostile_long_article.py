"""Voice labelling is linear in article length (issue 11: a 30 MB article hung in
"sentences"): a long article is labelled exactly like its paragraphs one by one."""

from __future__ import annotations

import random

from analysis.text.sentences import sentence_spans
from analysis.text.voice import label_sentences

PIECES = [
    'The minister said "the troops are heroes" on Monday.',
    "Critics called them “cannon fodder”, officials said.",
    '"This is a long quotation. It runs over two sentences," he said.',
    "An unclosed “quotation starts here and never ends.",
    "Talks continue next week.",
    "‘Single quotes’ appear too, as in the ‘so-called’ deal.",
    "\n\n",
]


def _text(seed: int, n: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(PIECES) for _ in range(n))


def test_a_long_article_is_labelled_like_its_paragraphs_alone():
    """Paragraph-local quotes: labelling the whole article equals labelling each paragraph
    (a long article is just many paragraphs; nothing crosses a blank line)."""
    paragraph = _text(1, 30).replace("\n\n", " ").strip() + "\n\n"
    text = paragraph * 200
    spans = [(s, e) for _, s, e in sentence_spans(text, "en")]
    one = [(s, e) for _, s, e in sentence_spans(paragraph, "en")]
    single = [v.voice for v in label_sentences(paragraph, one)]
    assert [v.voice for v in label_sentences(text, spans)] == single * 200
