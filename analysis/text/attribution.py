"""Attribution frames in one sentence, and the reported content each one governs.

The sentence comes *masked*: every character inside quotation marks (marks included) is
replaced by ``QUOTE`` (U+001A), so verbs inside quotations never attribute, and a
quotation is one opaque block whose place is still known.

A frame is the reporting verb with its speaker and what describes the act of saying:
"Iranian officials said Sunday that", ", the NIS said in a statement,", "according to
the Post,". How far the reported content runs follows the guide of the development set
(``corpora/dev_voice/GUIDE.md``):

- after a frame whose verb takes a clause ("officials said [the men were volunteers]"),
  the content runs from the clause (after *that*, when there is one) to the end of the
  sentence; a later frame in the sentence takes its own words back;
- a frame after a comma or a quotation that takes no clause of its own is *trailing*
  ("[the men were volunteers], officials said"): its content is the clause before it;
  around a parenthetical frame ("[the men], he said, [were volunteers]") both sides are;
- a noun phrase after the verb is part of the frame, not content: "both denied the
  report", "accused the minister of a reckless gamble" are the outlet's description of a
  speech act (authorial by definition); with *hail*, *tout*, *portray* … *as*, what
  follows *as* is the speaker's characterisation, hence content;
- directives and commitments report their to-infinitive ("urged all sides | to show
  restraint"); *according to* reports the clause it is attached to; a reporting noun
  reports its that-clause ("the notion that …").

All look-arounds are bounded (``LOOK`` characters), so the cost is linear in the length
of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.text.reporting import (
    BELIEF,
    CLAUSE_DEFAULT,
    DIRECTIVE,
    according_to,
    reporting_verbs,
)
from analysis.text.speakers import clean_speaker, main_subject, plausible_speaker, strip_aux

QUOTE = "\x1a"
LOOK = 200  # characters looked at around a verb (keeps everything linear)
LONG_QUOTE_CHARS = 20  # a masked quotation at least this long ends a clause

_BREAK = re.compile(r"[,;:\x1a()]|[.!?](?=\s|$|\x1a)|\s[—–]\s|—|--")
_HARD_BREAK = re.compile(r"[;:()\[\]]|\s[—–]\s|—|--|\x1a+")
_CLAUSE_BREAK = re.compile(r"[;:]|\x1a{20,}")
_BOUNDARY_WORD = re.compile(
    r"\b(?:that|which|who|whom|what|as|while|when|after|before|because|although|though|"
    r"if|since|where|but|and|so|yet|whether|until|once)\s+",
    re.I,
)
_EMBEDDING = frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "what",
        "while",
        "when",
        "after",
        "before",
        "because",
        "although",
        "though",
        "if",
        "since",
        "where",
        "whether",
        "until",
        "once",
    ]
)
_SKIPPABLE_PART = re.compile(
    r"^\s*(?:a|an|the|who|which|whose|spokes\w+|head|member|chief|director|minister|"
    r"analyst|researcher|professor|commander|leader|author|one|former|deputy|however|"
    r"meanwhile|though|too|also|in turn|for (?:his|her|their|its) part|[a-z]+'s)\b",
)
_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "must",
        "should",
        "shall",
        "has",
        "have",
        "had",
        "did",
        "does",
        "do",
    ]
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
_CLAUSE_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "its",
        "their",
        "this",
        "these",
        "those",
        "some",
        "many",
        "all",
        "both",
        "no",
        "most",
        "every",
        "to",
    ]
)
_DETERMINERS = frozenset(
    ["the", "a", "an", "his", "her", "its", "their", "this", "these", "those", "some", "many"]
)
_PREPOSITION = frozenset(
    [
        "in",
        "on",
        "at",
        "during",
        "to",
        "after",
        "before",
        "from",
        "with",
        "via",
        "through",
        "for",
        "outside",
        "inside",
        "near",
        "about",
        "over",
        "under",
        "by",
        "alongside",
        "across",
        "ahead",
    ]
)
_STRICT_FINITE = re.compile(
    r"^\s*(?:(?:he|she|it|they|we|i|there)\b|(?:[\w’'-]+\s+){0,6}?(?:is|are|was|were|will|"
    r"would|could|can|may|might|must|should|shall|has|have|had|did|does|do)\b)",
    re.I,
)
_REPORT_NOUN = re.compile(
    r"\b(?:complaint|claim|claims|argument|notion|narrative|idea|angle|accusation|"
    r"allegation|assertion|insistence|belief|view|contention|suggestion|theory|"
    r"insinuation|message|consensus|concerns?|fears?|expectations?|warnings?|assessment|"
    r"conclusion|findings?|assurances?|reports)\s+(?:[\w’'-]+\s+)?(?:(?:is|was|being)\s+)?that\b",
    re.I,
)
_CHARACTERISE_AS = re.compile(
    r"\b(?:touts?|touted|touting|hail(?:s|ed|ing)?|portray(?:s|ed|ing)?|depict(?:s|ed|ing)?|"
    r"describ(?:e|es|ed|ing)|cast(?:s|ing)?|paint(?:s|ed|ing)?|fram(?:e|es|ed|ing)|"
    r"characteri[sz](?:e|es|ed|ing)|dismiss(?:es|ed|ing)?|label(?:s|ed|led|ing|ling)?)\b"
    r"((?:\s+[\w’'.-]+){1,8}?)\s+as\b"
)
# What may precede a participial frame: ", saying", "by saying", ", this time claiming".
_PARTICIPLE_LEAD = re.compile(
    r"(?:,|\b(?:by|as|while|before|after|when|and))(?:\s+[\w’'-]+){0,2}\s*$", re.I
)
_WHAT_X = re.compile(r"\bwhat\s+[\w’' ]{1,40}\s*$", re.I)
_CALL = re.compile(r"\b(?:call|calls|called|calling)\b")
_WORD = re.compile(r"[\w’'-]+")
_AUX_START = re.compile(
    r"^\s*(?:is|are|was|were|will|would|has|have|had|can|could|may|might|must|should)\b", re.I
)
_MODAL_BEFORE = re.compile(r"\b(?:could|would|might|may|can|will|should)\s+(?:\w+\s+)?$", re.I)


@dataclass(frozen=True)
class Frame:
    start: int  # sentence-relative offsets of the frame
    end: int
    speaker: str | None
    lemma: str
    content: tuple[tuple[int, int], ...]  # what the frame reports (may hold quotations)
    kind: str = "start"  # what precedes the subject (see _subject); "and": coordinated


def _finite(segment: str) -> bool:
    """Does a stretch of text read as a clause (a finite verb, or a pronoun subject)?"""
    words = [w.lower() for w in _WORD.findall(segment)]
    if _PRONOUN_START.match(segment) and len(words) > 1:
        return True
    return any(w in _AUX or w.endswith("n't") or w.endswith("n’t") for w in words)


def _next_break(masked: str, pos: int) -> int:
    """Position of the next comma, stop, colon, semicolon, quotation or dash after ``pos``."""
    m = _BREAK.search(masked, pos, min(len(masked), pos + LOOK))
    return m.start() if m else min(len(masked), pos + LOOK)


def _clause_begin(masked: str, pos: int, stop: int) -> int | None:
    """Where a clause starts after a prepositional phrase ("said at the time [she was …]")."""
    words = list(_WORD.finditer(masked, pos, stop))
    for i, w in enumerate(words):
        word = w.group().lower()
        if word == "that":
            return w.end()
        after_prep = i > 0 and words[i - 1].group().lower() in _PREPOSITION
        if i == 0 or after_prep:
            continue
        opens = _PRONOUN_START.match(w.group()) or word in _CLAUSE_OPENERS or word != w.group()
        clause = masked[w.start() : stop]
        if opens and (_STRICT_FINITE.match(clause) or _finite(clause)):
            return w.start()
    return None


def _after_verb(masked: str, verb_end: int, lemma: str, kind: str) -> tuple[int, int | None, bool]:
    """What follows a reporting verb: (end of the frame, start of the content after it or
    None, whether the frame may be trailing).

    A frame may be trailing (report the clause *before* it) only when nothing but
    adjuncts follows its verb: "…, the NIS said in a statement", not "…, European
    countries had trouble maintaining their commitments".
    """
    stop = _next_break(masked, verb_end)
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
    if that and not _finite(segment[: that.start()]):
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
        words = list(_WORD.finditer(rest))
        for w in words[1:6]:
            word = w.group().lower()
            if _PRONOUN_START.match(w.group()) or word in _CLAUSE_OPENERS:
                begin = pos + w.start()
                if word == "to" or _finite(masked[begin:stop]):
                    return begin, begin, False
                break
    if lemma in DIRECTIVE:
        to = re.search(r"\bto\b", rest)
        if to and not _finite(rest[: to.start()]):
            return pos + to.start(), pos + to.start(), False
    first = _WORD.match(rest.lstrip())
    if first and first.group().lower() in _PREPOSITION:
        begin = _clause_begin(masked, pos, stop)
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
        begin = _clause_begin(masked, pos, stop)
        return (begin, begin, False) if begin is not None else (stop, None, True)
    if lemma in CLAUSE_DEFAULT or _finite(rest) or (lemma in BELIEF and rest.strip()):
        return pos, pos, False
    return stop, None, False  # a noun phrase: part of the frame ("denied the report")


def _clause_start(masked: str, end: int) -> int:
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


def _np_before(masked: str, start: int, verb_start: int, kind: str) -> tuple[int, str, str]:
    """(frame start, head noun phrase, kind) for a clause running from ``start`` to the verb.

    "Major Holub, spokesman of the armed forces, said" and "McConnell, however, has said"
    are one subject (a clause ending in a comma holds an appositive); "…, the ministry
    said" is a subject after a comma, so the frame may be trailing.
    """
    clause = masked[start:verb_start]
    core = clause
    if core.rstrip().endswith(")") and "(" in core:  # "Cory Booker (D., N.J.) said"
        core = core[: core.rfind("(")]
    parts = core.split(",")
    if len(parts) == 1:
        return start, core.strip(" ,\x1a"), kind
    last = len(parts) - 1
    if not strip_aux(parts[last].strip()):
        speakers = [p for p in parts[:last] if plausible_speaker(clean_speaker(p))]
        head = speakers[0] if speakers else parts[0]
        return start, head.strip(" ,\x1a"), kind
    comma = start + sum(len(p) + 1 for p in parts[:last]) - 1
    return comma, parts[last].strip(" ,\x1a"), "comma"


def _subject(masked: str, verb_start: int, floor: int = 0) -> tuple[int, str, str]:
    """(start, head text, what precedes) of the subject of the verb at ``verb_start``.

    What precedes is "comma" when the subject follows a comma, a dash or a long
    quotation (the frame may then be trailing), "and" for a coordinated verb with no
    subject of its own, "conj" for a coordinated clause, "as" after *as*, "embedded"
    after a subordinator or relative, else "start". Relative clauses inside the subject
    ("Microsoft, which has tracked the group since 2013, said") are skipped: the last
    boundary that leaves a plausible speaker wins.
    """
    lo = max(floor, verb_start - LOOK)
    start, kind = lo, "start"
    for m in _HARD_BREAK.finditer(masked, lo, verb_start):
        run = m.group()
        if run.startswith(QUOTE) and len(run) < LONG_QUOTE_CHARS:
            continue  # a short quotation inside a noun phrase: the “America First” policy
        if run in ("(", ")", "[", "]"):
            continue
        start = m.end()
        kind = (
            "quote" if run.startswith(QUOTE) else ("comma" if "—" in run or "–" in run else "start")
        )
    clause = masked[start:verb_start]
    cuts = [(0, kind)]
    for m in _BOUNDARY_WORD.finditer(clause):
        word = m.group().strip().lower()
        rest = clause[m.end() :]
        if word in ("and", "but", "yet", "so"):
            if not strip_aux(rest.strip(" ,")):
                cuts.append((m.end(), "and"))
            elif rest[:1].isupper() or word != "and":
                cuts.append((m.end(), "conj"))
        else:
            cuts.append(
                (m.end(), "as" if word == "as" else ("embedded" if word in _EMBEDDING else "start"))
            )
    for cut, k in reversed(cuts):
        found = _np_before(masked, start + cut, verb_start, k)
        if k == "and" and not strip_aux(found[1]):
            return found[0], "", "and"
        if plausible_speaker(clean_speaker(found[1])):
            return found
    cut, k = cuts[-1]
    return _np_before(masked, start + cut, verb_start, k)


def _inverted_speaker(masked: str, verb_end: int) -> tuple[str | None, int]:
    """ "…,” said Major Holub in a statement." → (speaker, end of the frame)."""
    m = re.match(
        r"\s+((?:[A-Z][\w’'.\-]*|the|a|an|of|[a-z]+)(?:\s+(?:[A-Z][\w’'.\-]*|of|the|[a-z]+))*)",
        masked[verb_end : verb_end + LOOK],
    )
    if not m:
        return None, verb_end
    return clean_speaker(m.group(1)), _next_break(masked, verb_end)


def _continuation(masked: str, frame_end: int, kind: str, parenthetical: bool) -> int | None:
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


def _according_frames(masked: str) -> list[Frame]:
    frames = []
    n = len(masked)
    for a_start, a_end in according_to(masked):
        np_end = _next_break(masked, a_end)
        who = re.search(r"\s(?:who|which|that)\s", masked[a_end:np_end])
        if who:
            np_end = a_end + who.start()
        paren = re.match(r"\s*\([^()]{0,40}\)", masked[np_end:])
        if paren:  # "according to the American Academy of Pediatrics (AAP)"
            np_end += paren.end()
        lead = masked[:a_start].strip(" ,\x1a")
        trailing = not masked[np_end:].strip(" .,!?;:\x1a")
        start = a_start
        if masked[:a_start].rstrip().endswith(","):
            start = masked[:a_start].rstrip().rfind(",")
        if trailing and lead and lead.lower() not in ("and", "but"):
            content = ((_clause_start(masked, start), start),)
        else:
            content = ((np_end, n),)
        frames.append(
            Frame(start, np_end, clean_speaker(masked[a_end:np_end]), "according to", content)
        )
    return frames


def _verb_frames(masked: str) -> list[Frame]:
    frames: list[Frame] = []
    n = len(masked)
    previous: Frame | None = None
    for verb in reporting_verbs(masked):
        floor = previous.end if previous is not None else 0
        subj_start, subj_text, kind = _subject(masked, verb.start, floor)
        before = masked[: verb.start].rstrip()
        inverted = not subj_text and (before.endswith(",") or before.endswith(QUOTE))
        participle = verb.form.endswith("ing") and bool(_PARTICIPLE_LEAD.search(before))
        if inverted and not participle:
            speaker, frame_end = _inverted_speaker(masked, verb.end)
            content_after, trailing_ok = None, True
        elif kind == "quote" and not participle:
            # "“…,” Gray tweeted late Tuesday as it became clear …": the quotation is what
            # is reported; what follows the verb describes the act (unless *that* opens it).
            speaker = clean_speaker(subj_text)
            frame_end, content_after, trailing_ok = _after_verb(
                masked, verb.end, verb.lemma, verb.kind
            )
            segment = masked[verb.end : frame_end]
            if content_after is not None and not re.search(r"\b(?:that|whether)\s*$", segment):
                frame_end, content_after = _next_break(masked, verb.end), None
        else:
            speaker = clean_speaker(subj_text)
            frame_end, content_after, trailing_ok = _after_verb(
                masked, verb.end, verb.lemma, verb.kind
            )
        coordinated = participle or (kind == "and" and not subj_text)
        if coordinated:
            speaker = previous.speaker if previous else None
            lead = _PARTICIPLE_LEAD.search(before) if participle else None
            kind = "and"
            if lead is not None and not lead.group().lstrip(", ").lower().startswith("and"):
                # ", stating …", "after determining that …": the participle's subject is
                # the main clause's ("Putin lauded the ties …, stating, ‘…’").
                kind = "participle"
                speaker = speaker or main_subject(masked[: lead.start()])
        elif not plausible_speaker(speaker) and not _noun_subject(verb.kind, subj_text):
            continue
        start = _PARTICIPLE_LEAD.search(before).start() if participle else subj_start
        content: list[tuple[int, int]] = []
        if kind == "quote" and not participle:  # "If X “…,” he pledged that “…”"
            clause = _clause_start(masked, start)
            if masked[clause:start].strip(" ,\x1a"):
                content.append((clause, start))
        if content_after is not None:
            content.append((content_after, n))
        elif trailing_ok and not participle and (kind == "comma" or inverted):
            clause = _clause_start(masked, start)
            if masked[clause:start].strip(" ,\x1a"):
                content.append((clause, start))
        if content_after is None:
            after = _continuation(masked, frame_end, kind, bool(content))
            if after is not None:
                content.append((after, n))
        frame = Frame(start, max(frame_end, verb.end), speaker, verb.lemma, tuple(content), kind)
        frames.append(frame)
        previous = frame
    return frames


def _noun_subject(kind: str, text: str) -> bool:
    """A short noun phrase before *say*, *tell* and the like is a speaker even when no
    list knows it ("the software giant said")."""
    words = text.split()
    return kind == "always" and 0 < len(words) <= 8 and words[0].lower() in _DETERMINERS


_SPEAKING = re.compile(r",\s+speaking\s+(?:at|from|to|on|in|during|after|before|with)\b")


def _speaking_frames(masked: str, found: list[Frame]) -> list[Frame]:
    """ ", speaking from the White House Monday": describes the act of saying; it ends the
    content of the frame before it."""
    out = []
    for m in _SPEAKING.finditer(masked):
        if not any(f.start <= m.start() < f.end for f in found):
            out.append(Frame(m.start(), _next_break(masked, m.end()), None, "speak", (), "and"))
    return out


def _call_frames(masked: str, found: list[Frame]) -> list[Frame]:
    """ "called the move a 'power grab'": *call* before a quotation frames a partial quote."""
    out = []
    for m in _CALL.finditer(masked):
        if _WHAT_X.search(masked[max(0, m.start() - 60) : m.start()]):
            continue  # "what Belgorin calls the “liberation”": a scare quote
        if masked[max(0, m.start() - 3) : m.start()] == "so-" or any(
            f.start <= m.start() < f.end for f in found
        ):
            continue
        tail = masked[m.end() : m.end() + 80]
        q = tail.find(QUOTE)
        if q < 0 or len(_WORD.findall(tail[:q])) > 6 or re.search(r"[,.;:]", tail[:q]):
            continue
        start, text, _kind = _subject(masked, m.start())
        speaker = clean_speaker(text)
        if not m.group().endswith("ing") and not plausible_speaker(speaker):
            continue
        out.append(Frame(start, m.end() + q, speaker, "call", ()))
    return out


def _as_frames(masked: str, found: list[Frame]) -> list[Frame]:
    """ "hailed the vote as [a big victory]": the characterisation after *as* is content."""
    out = []
    for m in _CHARACTERISE_AS.finditer(masked):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        start, text, _kind = _subject(masked, m.start())
        if not plausible_speaker(clean_speaker(text)) or _MODAL_BEFORE.search(masked[: m.start()]):
            continue  # no speaker, or a hypothetical ("could paint Trump as …")
        after = m.end()
        if masked[after:].lstrip(" ").startswith(QUOTE):
            continue  # "dismissed it as ‘slander’": a scare quote, not content
        out.append(
            Frame(start, after, clean_speaker(text), "as", ((after, _next_break(masked, after)),))
        )
    return out


def _noun_frames(masked: str, found: list[Frame]) -> list[Frame]:
    """ "the notion that [content]", "his claim that [content]": a reporting noun."""
    out = []
    for m in _REPORT_NOUN.finditer(masked):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        rest = masked[m.end() : m.end() + LOOK]
        if _AUX_START.match(rest) or len(_WORD.findall(rest)) < 3:
            continue  # "what a vile notion that is": a pronoun, not a clause
        out.append(Frame(m.start(), m.end(), None, "noun", ((m.end(), len(masked)),)))
    return out


_NOT_VERBS = frozenset(("according to", "call", "as", "noun", "speak"))


def sentence_frames(masked: str) -> list[Frame]:
    """Attribution frames of one masked sentence, in order of their start.

    A frame that is neither coordinated with an earlier one nor trailing, inside an
    earlier frame's content ("she approached what she says she thought was her unit",
    "he said officials believe …"), is part of that content: nested reported speech. A
    coordinated verb with no frame before it ("Swarming and shouting down …") is no frame,
    unless it is a plain verb of saying ("…, who met him in October and said …").
    """
    frames = _according_frames(masked) + _verb_frames(masked)
    frames += _call_frames(masked, frames)
    frames += _as_frames(masked, frames)
    frames += _noun_frames(masked, frames)
    frames += _speaking_frames(masked, frames)
    frames.sort(key=lambda f: f.start)
    kept: list[Frame] = []
    for f in frames:
        if f.kind == "and" and not kept and f.lemma not in CLAUSE_DEFAULT | _NOT_VERBS:
            continue
        nested = any(
            cs <= f.start < ce
            for k in kept
            if k.lemma != "noun" and (k.lemma != "according to" or f.kind == "embedded")
            for cs, ce in k.content
        )
        if nested and f.kind in ("embedded", "start") and f.lemma not in _NOT_VERBS:
            continue
        kept.append(f)
    return kept
