"""Bytes to text: byte-order marks, UTF-8, a configured encoding, or a detected one.

Order: a byte-order mark wins (UTF-8/16/32); else the encoding set in study.yaml, read
strictly; else UTF-8, read strictly; else charset-normalizer's best guess, which is
reported (a guess can be wrong, and the researcher can pin ``encoding:``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from analysis.errors import CorpusError

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool  # True when the encoding was detected rather than known


def decode(data: bytes, path: Path, encoding: str | None = None) -> Decoded:
    """Decode ``data`` read from ``path``; raise CorpusError naming the line if impossible."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(
                _strict(data, codec, path, declared=f"{codec} (byte-order mark)"), codec, False
            )
    if encoding is not None:
        return Decoded(_strict(data, encoding, path, declared=encoding), encoding, False)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        raise CorpusError(
            "not a text file (it holds NUL bytes)",
            path=str(path),
            hint="check that `path:` points at the corpus file, and its `format:`",
        )
    guessed = _guess(data[: 1 << 20])  # the first MiB is plenty to tell
    if guessed is None:
        raise CorpusError(
            "cannot tell the text encoding (it is not UTF-8)",
            path=str(path),
            hint="set `encoding:` for this corpus entry in study.yaml (e.g. latin-1, cp1252)",
        )
    return Decoded(_strict(data, guessed, path, declared=f"{guessed} (detected)"), guessed, True)


def _guess(data: bytes) -> str | None:
    """charset-normalizer's best guess; among equally good ones, Windows-1252.

    On short Western European text several single-byte encodings fit equally well, and
    the detector's pick between them is arbitrary (cp1250 for German "ü", which reads
    French "à" as "ŕ"). cp1252, a superset of Latin-1's printable characters, is by far
    the most common of them in news exports.
    """
    results = from_bytes(data)
    best = results.best()
    if best is None or best.encoding is None:
        return None
    for r in results:
        tied = r.chaos <= best.chaos and r.coherence >= best.coherence - 0.1
        if tied and _WESTERN in {codecs.lookup(c).name for c in r.could_be_from_charset}:
            return _WESTERN
    return codecs.lookup(best.encoding).name


_WESTERN = codecs.lookup("cp1252").name


def _looks_utf16(data: bytes) -> bool:
    head = data[:4096]
    return head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4


def _strict(data: bytes, codec: str, path: Path, *, declared: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"not valid {declared}: byte {data[exc.start : exc.start + 1]!r} at offset {exc.start}",
            path=str(path),
            line=line,
            hint="set `encoding:` for this corpus entry to the file's real encoding",
        ) from exc
