"""Unicode and whitespace normalisation of article text and fields.

Text becomes NFC; invisible characters (zero-width spaces, soft hyphens, byte-order
marks, control characters) are removed; every kind of line break becomes ``\\n``; runs
of spaces (including no-break and thin spaces) become one space; lines are trimmed; at
most one blank line separates paragraphs. Quotation marks and apostrophes are left
exactly as written: voice detection depends on them.
"""

from __future__ import annotations

import re
import unicodedata

# Removed outright: C0/C1 controls except tab and line breaks, soft hyphen, zero-width
# space, word joiner, invisible operators, byte-order mark / zero-width no-break space.
# ZWJ and ZWNJ (U+200C/D) stay: Persian and Indic scripts need them.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060-\u2064\ufeff]")
_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BLANK_RUNS = re.compile("\n\n\n+")
_ALL_WHITESPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Article text: NFC, no invisible characters, tidy whitespace, paragraphs kept."""
    text = unicodedata.normalize("NFC", text)
    text = _OTHER_LINE_BREAKS.sub("\n", text.replace("\r\n", "\n"))
    text = _INVISIBLE.sub("", text)
    # split() without arguments splits on every kind of space (no-break, thin, tab...);
    # per line, so it also trims. Faster than a regex over every space of the corpus.
    text = "\n".join([" ".join(line.split()) for line in text.split("\n")])
    return _BLANK_RUNS.sub("\n\n", text).strip()


def normalize_field(value: str) -> str:
    """A one-line field (title, outlet, id): as text, with every line break a space."""
    value = unicodedata.normalize("NFC", value)
    value = _INVISIBLE.sub("", value)
    return _ALL_WHITESPACE.sub(" ", value).strip()
