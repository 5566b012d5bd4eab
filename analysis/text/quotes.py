"""Find quotation spans in article text.

Quotes are found over a whole paragraph, not sentence by sentence, because quotations
span sentences. Handled:

- double quotes: straight ``"``, curly ``“ ”``, low-high ``„ “`` and ``„ ”``, guillemets
  ``« »`` (and the reversed ``» «``);
- single quotes: curly ``‘ ’`` and straight ``'``, told apart from apostrophes
  (it's, don’t, the soldiers’ families, ’90s, a stray ‘s);
- nesting (single inside double), and news style's multi-paragraph quotations, where each
  paragraph opens with a quote mark and only the last one closes: an unclosed double quote
  runs to the end of its paragraph.

An unclosed *single* quote is treated as an apostrophe and yields no span: straight
single quotes are far more often apostrophes than unbalanced quotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
LOOK_AHEAD = 400  # characters searched for the close of a single quotation
_PARAGRAPH = re.compile(r"[^\n]+")
# Characters after which a straight or curly single quote can open a quotation.
_OPEN_BEFORE = set(' \t([{—–-/“"«„')
# Characters before which a single quote can close one.
_CLOSE_AFTER = set(' \t.,;:!?)]}—–-…”"»')


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # index of the opening mark (or paragraph start when it had none)
    end: int  # index just past the closing mark (or paragraph end when unclosed)
    kind: str  # "double" or "single"
    closed: bool

    def content(self, text: str) -> str:
        inner = text[self.start : self.end]
        return inner.strip("\"'“”‘’„«» \t.,;:")

    def n_words(self, text: str) -> int:
        return len(_WORD.findall(text[self.start : self.end]))


def _single_closes(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace():
        return False
    if before.isalnum() and after.isalnum():  # it's, don’t: an apostrophe inside a word
        return False
    return after in _CLOSE_AFTER or after.isspace()


def _single_opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if not (before in _OPEN_BEFORE or before.isspace()):
        return False
    if not after.isalnum():
        return False
    rest = text[i + 1 : i + 4]
    # ‘s / 's after a space is a mistyped possessive (Kim ‘s), ’90s an elided year.
    return not (re.match(r"s\b", rest) or re.match(r"\d\ds\b", rest))


def _find_in_paragraph(text: str, offset: int, para: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    double_open: tuple[int, str] | None = None  # (index, opening mark)
    single_open: int | None = None
    n = len(para)
    i = 0
    while i < n:
        ch = para[i]
        if ch in '"“”„«»':
            if double_open is None:
                if ch == "”":
                    # A closer with no opener: the quotation began in an earlier paragraph.
                    spans.append(QuoteSpan(offset, offset + i + 1, "double", True))
                else:
                    double_open = (i, ch)
            else:
                start, mark = double_open
                closes = {
                    '"': ch == '"',
                    "“": ch in '”"',
                    "„": ch in '“”"',
                    "«": ch == "»",
                    "»": ch == "«",
                }[mark]
                if closes:
                    spans.append(QuoteSpan(offset + start, offset + i + 1, "double", True))
                    double_open = None
                elif ch in "“„«" and mark == "“":
                    # A new opener before the old one closed: the old one was unbalanced.
                    double_open = (i, ch)
        elif ch in "'‘’":
            if single_open is None:
                if ch in "'‘" and _single_opens(para, i):
                    single_open = i
            elif ch in "'’" and _single_closes(para, i):
                if para[i - 1] in "sS" and _later_single_close(para, i + 1):
                    pass  # plural possessive inside the quotation: the soldiers’ families
                elif sum(c.isalnum() for c in para[single_open + 1 : i]) < 2:
                    single_open = None  # rock ’n’ roll: elisions, not a quotation
                else:
                    spans.append(QuoteSpan(offset + single_open, offset + i + 1, "single", True))
                    single_open = None
            elif ch == "‘" and _single_opens(para, i):
                single_open = i  # the earlier ‘ was never closed: take the new one
        i += 1
    if double_open is not None:
        spans.append(QuoteSpan(offset + double_open[0], offset + n, "double", False))
    return spans


def _later_single_close(para: str, start: int) -> bool:
    """Is there another closing single quote before the sentence or paragraph ends?

    Looks at most ``LOOK_AHEAD`` characters ahead, so a paragraph is scanned in linear time.
    """
    for j in range(start, min(len(para), start + LOOK_AHEAD)):
        ch = para[j]
        if ch in "'’" and _single_closes(para, j):
            return True
        if ch in ".!?" and (j + 1 == len(para) or para[j + 1].isspace()):
            return False
    return False


def find_quotes(text: str) -> list[QuoteSpan]:
    """All quotation spans in ``text``, in order of their start."""
    spans: list[QuoteSpan] = []
    for para in _PARAGRAPH.finditer(text):
        spans.extend(_find_in_paragraph(text, para.start(), para.group()))
    return sorted(spans, key=lambda s: (s.start, -s.end))


def outermost(spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Drop spans nested inside another (a ‘scare quote’ inside a “quotation”)."""
    out: list[QuoteSpan] = []
    for span in spans:
        if out and span.start >= out[-1].start and span.end <= out[-1].end:
            continue
        out.append(span)
    return out
