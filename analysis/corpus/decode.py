"""Bytes to text, line by line: one bad byte never re-decodes a whole file.

Order: a byte-order mark wins (UTF-8/16/32, the whole file); else the encoding set in
study.yaml, read strictly line by line (a line it cannot decode is a bad line, and the
reader rejects the record holding it); else UTF-8. A line that is not valid UTF-8 keeps
every valid UTF-8 sequence it holds, and only its invalid bytes are read in an encoding
detected from the failing lines (charset-normalizer), which is reported with the lines
it touched. So a guessed encoding never applies to a record that decodes fine: a UTF-8
export with two stray bytes on one line stays UTF-8 everywhere else, and a legacy
(cp1252, Latin-1...) file is read as before, since each of its non-ASCII bytes is
invalid UTF-8. Bytes the detected encoding cannot read either make a bad line.

Lines are split on ``\\n`` bytes, which is safe for every ASCII-compatible encoding.
Other encodings (UTF-16 and UTF-32, with or without a mark) are decoded as a whole, and
each code unit they cannot read becomes a surrogate escape, which marks its line bad: so
there too one bad unit costs only the record that holds it. A UTF-8 mark declares the
file UTF-8: its lines are read as UTF-8, a line that is not is bad, and nothing is guessed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
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
MAX_LISTED_LINES = 20


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool  # True when some bytes were read in a detected encoding
    # 1-based line -> why it could not be decoded (its bytes are kept as U+DC80..U+DCFF
    # surrogate escapes, so the file's structure survives; the reader rejects the record)
    bad_lines: dict[int, str] = field(default_factory=dict)
    guessed_lines: tuple[int, ...] = ()  # lines whose invalid UTF-8 bytes used the guess
    n_lines: int = 0

    def guess_report(self) -> str:
        """The reason of the ``encoding_guessed`` problem: which lines, read how."""
        lines = list(self.guessed_lines)
        if not lines:  # the whole file (an encoding whose lines cannot be split as bytes)
            return (
                f"not UTF-8; read as {self.encoding} (detected). If characters look wrong, "
                "set `encoding:` for this corpus entry"
            )
        shown = ", ".join(map(str, lines[:MAX_LISTED_LINES]))
        more = f" and {len(lines) - MAX_LISTED_LINES} more" if len(lines) > MAX_LISTED_LINES else ""
        return (
            f"{len(lines)} of {self.n_lines} lines hold bytes that are not valid UTF-8 "
            f"(line{'s' if len(lines) > 1 else ''} {shown}{more}); those bytes were read as "
            f"{self.encoding} (detected) and everything else as UTF-8. If characters on "
            "those lines look wrong, fix them or set `encoding:` for this corpus entry"
        )


def decode(data: bytes, path: Path, encoding: str | None = None) -> Decoded:
    """Decode ``data`` read from ``path`` (see the module docstring)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig":
                return _by_line(data[len(bom) :], path, "utf-8", declared=True, bom=True)
            return _whole(data, codec, f"{codec} (byte-order mark)", _FIX_LINE, guessed=False)
    if encoding is not None and not _ascii_compatible(encoding):
        return _whole(data, encoding, encoding, _SET_ENCODING, guessed=False)
    return _by_line(data, path, encoding or "utf-8", declared=encoding is not None)


def _by_line(data: bytes, path: Path, primary: str, declared: bool, bom: bool = False) -> Decoded:
    """Each ``\\n``-separated line in ``primary``; failing lines as the docstring says."""
    lines = data.split(b"\n")
    texts: list[str] = []
    failing: list[int] = []
    for i, line in enumerate(lines):
        try:
            texts.append(line.decode(primary))
        except UnicodeDecodeError:
            texts.append("")
            failing.append(i)
    bad: dict[int, str] = {}
    guessed_lines: list[int] = []
    guess = None
    if failing and not declared:
        if b"\x00" in data[:4096] and not _looks_utf16(data):
            raise CorpusError(
                "not a text file (it holds NUL bytes)",
                path=str(path),
                hint="check that `path:` points at the corpus file, and its `format:`",
            )
        guess = _guess(b"\n".join(lines[i] for i in failing)[: 1 << 20])
        if guess is not None and not _ascii_compatible(guess):  # UTF-16 without a mark
            return _whole(data, guess, f"{guess} (detected)", _SET_ENCODING, guessed=True)
    for i in failing:
        line = lines[i]
        if guess is not None:
            try:
                texts[i] = _utf8_with_fallback(line, guess)
                guessed_lines.append(i + 1)
                continue
            except UnicodeDecodeError:
                pass
        texts[i] = line.decode(primary, errors="surrogateescape")
        bad[i + 1] = _why(line, primary, declared, guess, bom)
    n_lines = len(lines) - (1 if lines and not lines[-1] else 0)
    return Decoded(
        "\n".join(texts),
        guess if guessed_lines else ("utf-8-sig" if bom else primary),
        bool(guessed_lines),
        bad,
        tuple(guessed_lines),
        n_lines,
    )


def _utf8_with_fallback(line: bytes, fallback: str) -> str:
    """``line`` as UTF-8, each invalid byte run read in ``fallback`` (strictly)."""
    out: list[str] = []
    pos = 0
    while pos < len(line):
        try:
            out.append(line[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            out.append(line[pos : pos + exc.start].decode("utf-8"))
            start, end = pos + exc.start, pos + exc.end
            out.append(line[start:end].decode(fallback))
            pos = end
    return "".join(out)


def _why(line: bytes, codec: str, declared: bool, guess: str | None, bom: bool = False) -> str:
    try:
        line.decode(codec)
    except UnicodeDecodeError as exc:
        byte = line[exc.start : exc.start + 1]
        what = f"not valid {codec}: byte {byte!r} at column {exc.start + 1}"
    else:  # pragma: no cover - only failing lines are explained
        what = f"not valid {codec}"
    if bom:
        return f"{what} (the file starts with a UTF-8 byte-order mark); fix or remove the line"
    if declared:
        return f"{what}; set `encoding:` for this corpus entry to the file's real encoding"
    if guess is None:
        return f"{what}, and no other encoding could be detected; fix the line or set `encoding:`"
    return f"{what}, nor {guess} (the encoding detected for the file's other non-UTF-8 lines)"


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "\n a".encode(encoding) == b"\n a"
    except (LookupError, UnicodeError):
        return False


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
    name = codecs.lookup(best.encoding).name
    return None if name == "utf-8" else name


_WESTERN = codecs.lookup("cp1252").name


def _looks_utf16(data: bytes) -> bool:
    head = data[:4096]
    return head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4


def _whole(data: bytes, codec: str, declared: str, hint: str, guessed: bool) -> Decoded:
    """``data`` decoded as a whole; a line holding a unit ``codec`` cannot read is bad.

    An unreadable unit's bytes become surrogate escapes (U+DC00 + byte), characters a
    UTF-16 or UTF-32 decoder never yields, so they mark exactly the lines they are on and
    the record there is rejected; the rest of the file is read as usual.
    """
    text = data.decode(codec, errors=_ESCAPE)
    bad: dict[int, str] = {}
    lines = text.split("\n")
    for i, line in enumerate(lines):
        hit = _ESCAPED.search(line)
        if hit:
            units = bytes(ord(c) - 0xDC00 for c in hit.group())
            bad[i + 1] = (
                f"not valid {declared}: bytes {units!r} at character {hit.start() + 1}; {hint}"
            )
    n_lines = len(lines) - (1 if lines and not lines[-1] else 0)
    return Decoded(text, codec, guessed, bad, (), n_lines)


def _escape_units(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


_FIX_LINE = "fix or remove the line"
_SET_ENCODING = "fix the line, or set `encoding:` for this corpus entry to the file's real encoding"
_ESCAPE = "analysis-escape-units"
codecs.register_error(_ESCAPE, _escape_units)
_ESCAPED = re.compile("[\udc00-\udcff]+")
