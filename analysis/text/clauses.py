"""Where a reporting frame ends and what it reports begins, in one masked sentence.

A masked sentence has every character inside quotation marks replaced by ``QUOTE``
(U+001A: neither a word character nor whitespace), so a quotation is one opaque block.
The heuristics here read what follows a reporting verb: adjuncts of the act of saying
("on Monday", "in a statement", "told reporters") stay in the frame; a clause ("the men
were volunteers", "that …", "whether …", "to show restraint" after a directive) is
reported content; a bare noun phrase ("denied the report") is part of the frame. Every
look-ahead is bounded by ``LOOK`` characters, so the cost is linear in the sentence.
"""

from __future__ import annotations

import re

from analysis.text.reporting import BELIEF, CLAUSE_DEFAULT, DIRECTIVE, words

QUOTE = "\x1a"
LOOK = 200  # characters looked at around a verb (keeps everything linear)

_BREAK = re.compile(r"[,;:\x1a()]|[.!?](?=\s|$|\x1a)|\s[—–]\s|—|--")
_CLAUSE_BREAK = re.compile(r"[;:]|\x1a{20,}")
_AUX = words(
    "is are was were will would could can may might must should shall has have had did does do"
)
_PRONOUN_START = re.compile(r"^\s*(?:he|she|it|they|we|i|there|you)\b", re.I)
_TIME_ADJUNCT = re.compile(
    r"\s*(?:(?:on|last|this|early|late|earlier|later|also|again|publicly|privately|"
    r"repeatedly|recently|previously|once|then|now|today|yesterday|tonight|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|year|night|"
    r"morning|afternoon|evening)\b[\s,]*)+",
    re.I,
)
_OBJECT_TAKERS = frozenset(("tell", "ask", "urge", "warn", "remind", "call on"))
_CLAUSE_OPENERS = words(
    "the a an his her its their this these those some many all both no most every to"
)
_PREPOSITION = words(
    "in on at during to after before from with via through for outside inside near about "
    "over under by alongside across ahead"
)
_STRICT_FINITE = re.compile(
    r"^\s*(?:(?:he|she|it|they|we|i|there)\b|(?:[\w’'-]+\s+){0,6}?(?:is|are|was|were|will|"
    r"would|could|can|may|might|must|should|shall|has|have|had|did|does|do)\b)",
    re.I,
)
WORD = re.compile(r"[\w’'-]+")
AUX_START = re.compile(
    r"^\s*(?:is|are|was|were|will|would|has|have|had|can|could|may|might|must|should)\b", re.I
)


def finite(segment: str) -> bool:
    """Does a stretch of text read as a clause (a finite verb, or a pronoun subject)?"""
    words = [w.lower() for w in WORD.findall(segment)]
    if _PRONOUN_START.match(segment) and len(words) > 1:
        return True
    return any(w in _AUX or w.endswith("n't") or w.endswith("n’t") for w in words)


def next_break(masked: str, pos: int) -> int:
    """Position of the next comma, stop, colon, semicolon, quotation or dash after ``pos``."""
    m = _BREAK.search(masked, pos, min(len(masked), pos + LOOK))
    return m.start() if m else min(len(masked), pos + LOOK)


def clause_begin(masked: str, pos: int, stop: int) -> int | None:
    """Where a clause starts after a prepositional phrase ("said at the time [she was …]")."""
    words = list(WORD.finditer(masked, pos, stop))
    for i, w in enumerate(words):
        word = w.group().lower()
        if word == "that":
            return w.end()
        after_prep = i > 0 and words[i - 1].group().lower() in _PREPOSITION
        if i == 0 or after_prep:
            continue
        opens = _PRONOUN_START.match(w.group()) or word in _CLAUSE_OPENERS or word != w.group()
        clause = masked[w.start() : stop]
        if opens and (_STRICT_FINITE.match(clause) or finite(clause)):
            return w.start()
    return None


def after_verb(masked: str, verb_end: int, lemma: str, kind: str) -> tuple[int, int | None, bool]:
    """What follows a reporting verb: (end of the frame, start of the content after it or
    None, whether the frame may be trailing).

    A frame may be trailing (report the clause *before* it) only when nothing but
    adjuncts follows its verb: "…, the NIS said in a statement", not "…, European
    countries had trouble maintaining their commitments".
    """
    stop = next_break(masked, verb_end)
    segment = masked[verb_end:stop]
    if not segment.strip():
        if stop < len(masked) and masked[stop] == ":":
            return stop + 1, stop + 1, False  # "X said: …"
        if stop < len(masked) and masked[stop] == QUOTE:
            return verb_end, verb_end, False  # "Trump said “…” and …"
        if masked[stop : stop + 1] == "," and masked[stop + 1 :].lstrip(" ").startswith(QUOTE):
            return stop + 1, stop + 1, False  # "supporters chanted, “…”"
        return verb_end, None, True
    wh = re.match(r"\s*(?:why|how|what|who|when|where|whether|if)\b", segment)
    if wh:
        return verb_end, verb_end + len(segment) - len(segment.lstrip()), False
    that = re.search(r"\b(?:that|whether)\b", segment)
    if that and not finite(segment[: that.start()]):
        return verb_end + that.end(), verb_end + that.end(), False
    pos = verb_end
    adj = _TIME_ADJUNCT.match(masked, pos, stop)
    if adj:
        pos = adj.end()
    rest = masked[pos:stop]
    if not rest.strip() or rest.strip().lower() in ("this", "so"):
        if masked[stop : stop + 1] == ":":
            return stop + 1, stop + 1, False  # "Obama also said this: …"
        if masked[stop : stop + 1] == "," and masked[stop + 1 :].lstrip(" ").startswith(QUOTE):
            return stop + 1, stop + 1, False  # "The president tweeted Wednesday, “…”"
        return stop, None, True  # "Microsoft announced Friday."
    if lemma in _OBJECT_TAKERS:  # told reporters | the deal was off
        words = list(WORD.finditer(rest))
        for w in words[1:6]:
            word = w.group().lower()
            if _PRONOUN_START.match(w.group()) or word in _CLAUSE_OPENERS:
                # "told reporters | the troops belong …": a second noun phrase after the
                # listener opens the reported clause.
                begin = pos + w.start()
                return begin, begin, False
    if lemma in DIRECTIVE:
        to = re.search(r"\bto\b", rest)
        if to and not finite(rest[: to.start()]):
            return pos + to.start(), pos + to.start(), False
    first = WORD.match(rest.lstrip())
    if first and first.group().lower() in _PREPOSITION:
        begin = clause_begin(masked, pos, stop)
        if begin is not None:
            return begin, begin, False
        if (
            lemma in CLAUSE_DEFAULT
            and masked[stop : stop + 1] == ","
            and _STRICT_FINITE.match(masked[stop + 1 : stop + 1 + LOOK])
        ):
            return pos, pos, False  # "said in lieu of an explanation, the decision was …"
        return stop, None, True  # "said in a statement"
    if lemma in _OBJECT_TAKERS:
        begin = clause_begin(masked, pos, stop)
        return (begin, begin, False) if begin is not None else (stop, None, True)
    if lemma in CLAUSE_DEFAULT or finite(rest) or (lemma in BELIEF and rest.strip()):
        return pos, pos, False
    return stop, None, False  # a noun phrase: part of the frame ("denied the report")


def clause_start(masked: str, end: int) -> int:
    """Start of the clause a trailing frame reports: after the last colon, semicolon or
    long quotation before ``end`` (bounded); dashes and commas stay inside it."""
    lo = max(0, end - LOOK)
    last = lo
    for m in _CLAUSE_BREAK.finditer(masked, lo, end):
        last = m.end()
    while masked[last:end][:1].isspace():
        last += 1
    conj = re.match(r"(?:and|but|yet|so)\b\s*", masked[last:end], re.I)
    return last + conj.end() if conj else last


def continuation(masked: str, frame_end: int, kind: str, parenthetical: bool) -> int | None:
    """Content after a frame that ends at a comma: "As X noted, [content]" and the second
    half around a parenthetical frame ("[The men], he said, [were volunteers]")."""
    if not masked[frame_end:].startswith(","):
        return None
    after = frame_end + 1
    rest = masked[after : after + LOOK]
    if kind == "as" and rest.strip():
        return after  # "As the Times reported, [content]"
    if parenthetical and _STRICT_FINITE.match(rest):
        return after
    return None
