"""From a fetched page to an article: charset, main text, title, date, author, language.

The charset is detected, not trusted: Russian pages labelled UTF-8 but sent as cp1251
exist. Bytes that decode as UTF-8 are UTF-8 (single-byte Cyrillic or Latin text almost
never does by accident); otherwise the declared charset is used only when
charset-normalizer finds it among the plausible ones, else its best guess is used and
the mismatch recorded. The main text and metadata come from trafilatura (with htmldate
for the date), through the same extractor ingestion uses for saved HTML.

Runs in worker processes: everything here is a pure function of its arguments.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import asdict, dataclass

from charset_normalizer import from_bytes

from analysis.corpus.html import extract as extract_html

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_HTML_LANG = re.compile(r"""<html[^>]*\slang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<p[\s>]", re.I)
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (e.g. a Word file)",
    b"RIFF": "a RIFF file (image or audio)",
}


@dataclass(frozen=True)
class Extracted:
    outcome: str | None  # None: an article; else not_html or extraction_empty
    reason: str | None = None
    text: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    sitename: str | None = None
    charset: str | None = None
    charset_declared: str | None = None
    declared_language: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def declared_charset(content_type: str | None, body: bytes) -> str | None:
    """The charset named by the Content-Type header, else by a meta tag."""
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", content_type, re.I)
        if m:
            return _codec(m.group(1))
    m = _META_CHARSET.search(body[:4096])
    return _codec(m.group(1).decode("ascii", "replace")) if m else None


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str | None) -> tuple[str, str, str | None]:
    """(text, charset used, charset declared)."""
    declared = declared_charset(content_type, body)
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), "utf-8", declared
    try:
        return body.decode("utf-8"), "utf-8", declared
    except UnicodeDecodeError:
        pass
    results = from_bytes(body[: 1 << 20])
    best = results.best()
    plausible = {_codec(c) for r in results for c in r.could_be_from_charset} - {None}
    if declared and declared != "utf-8" and (not plausible or declared in plausible):
        used = declared
    elif best is not None and best.encoding:
        used = _web_choice(results, best)
    else:
        used = "cp1252"
    return body.decode(used, errors="replace"), used, declared


# Among encodings that fit the bytes equally well, the ones web pages actually use
# (charset-normalizer alone may pick mac-cyrillic for cp1251 Russian, as measured).
_WEB_ORDER = [
    _codec(c)
    for c in (
        "cp1251",
        "cp1252",
        "koi8_r",
        "cp949",
        "euc_kr",
        "shift_jis",
        "gb18030",
        "big5",
        "cp1250",
        "iso8859_2",
        "cp1253",
        "cp1254",
        "cp1256",
        "cp1255",
        "iso8859_15",
    )
]


def _web_choice(results, best) -> str:
    tied = [
        r for r in results if r.chaos <= best.chaos + 0.01 and r.coherence >= best.coherence - 0.1
    ]
    candidates = {_codec(c) for r in tied for c in r.could_be_from_charset}
    for codec in _WEB_ORDER:
        if codec in candidates:
            return codec
    return _codec(best.encoding) or "cp1252"


def not_html_reason(body: bytes, content_type: str | None) -> str | None:
    """Why ``body`` is not an HTML page, or None when it is (or may be)."""
    head = body[:16].lstrip()
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return f"the body is {what} (Content-Type {content_type or 'missing'!r})"
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return None
    if _HTML_SNIFF.search(body[:2048]):
        return None
    return f"Content-Type {kind or 'missing'!r} and no HTML markup at the start"


def extract_page(body: bytes, content_type: str | None, min_words: int = 15) -> Extracted:
    """The article in one fetched page (a pure function, safe in a worker process)."""
    why = not_html_reason(body, content_type)
    if why:
        return Extracted(outcome="not_html", reason=why)
    html, used, declared = decode_page(body, content_type)
    page = extract_html(html)
    lang = _HTML_LANG.search(html[:4096])
    common = {
        "charset": used,
        "charset_declared": declared,
        "declared_language": lang.group(1).lower() if lang else None,
    }
    n_words = len(page.text.split()) if page.text else 0
    if n_words < min_words:
        return Extracted(
            outcome="extraction_empty",
            reason=f"no main text found in the page ({n_words} words; "
            f"collect.min_words is {min_words})",
            **common,
        )
    text = page.text
    first, _, rest = text.partition("\n")
    if page.title and first.strip() == page.title.strip() and rest.strip():
        text = rest  # the headline is the title, not the article's first paragraph
    return Extracted(
        outcome=None,
        text=text,
        title=page.title,
        published=page.date,
        author=page.author,
        sitename=page.sitename,
        **common,
    )
