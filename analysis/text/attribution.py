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

from analysis.text.clauses import (
    AUX_START,
    LOOK,
    QUOTE,
    WORD,
    after_verb,
    clause_start,
    continuation,
    next_break,
)
from analysis.text.reporting import (
    CLAUSE_DEFAULT,
    according_to,
    reporting_verbs,
)
from analysis.text.speakers import (
    clean_speaker,
    inverted_speaker,
    main_subject,
    noun_subject,
    plausible_speaker,
    subject,
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
_MODAL_BEFORE = re.compile(r"\b(?:could|would|might|may|can|will|should)\s+(?:\w+\s+)?$", re.I)


@dataclass(frozen=True)
class Frame:
    start: int  # sentence-relative offsets of the frame
    end: int
    speaker: str | None
    lemma: str
    content: tuple[tuple[int, int], ...]  # what the frame reports (may hold quotations)
    kind: str = "start"  # what precedes the subject (see subject); "and": coordinated


def _according_frames(masked: str) -> list[Frame]:
    frames = []
    n = len(masked)
    for a_start, a_end in according_to(masked):
        np_end = next_break(masked, a_end)
        who = re.search(r"\s(?:who|which|that)\s", masked[a_end:np_end])
        if who:
            np_end = a_end + who.start()
        paren = re.match(r"\s*\([^()]{0,40}\)", masked[np_end : np_end + 60])
        if paren:  # "according to the American Academy of Pediatrics (AAP)"
            np_end += paren.end()
        lo = max(0, a_start - LOOK)  # bounded windows keep a long sentence linear
        before = masked[lo:a_start].rstrip()
        lead = before.strip(" ,\x1a")
        trailing = not masked[np_end : np_end + LOOK + 1].strip(" .,!?;:\x1a")
        start = lo + before.rfind(",") if before.endswith(",") else a_start
        if trailing and lead and lead.lower() not in ("and", "but"):
            content = ((clause_start(masked, start), start),)
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
        subj_start, subj_text, kind = subject(masked, verb.start, floor)
        lo = max(0, verb.start - LOOK)  # bounded: linear even in a very long sentence
        before = masked[lo : verb.start].rstrip()
        inverted = not subj_text and (before.endswith(",") or before.endswith(QUOTE))
        participle = verb.form.endswith("ing") and bool(_PARTICIPLE_LEAD.search(before))
        if inverted and not participle:
            speaker, frame_end = inverted_speaker(masked, verb.end)
            content_after, trailing_ok = None, True
        elif kind == "quote" and not participle:
            # "“…,” Gray tweeted late Tuesday as it became clear …": the quotation is what
            # is reported; what follows the verb describes the act (unless *that* opens it).
            speaker = clean_speaker(subj_text)
            frame_end, content_after, trailing_ok = after_verb(
                masked, verb.end, verb.lemma, verb.kind
            )
            segment = masked[verb.end : frame_end]
            if content_after is not None and not re.search(r"\b(?:that|whether)\s*$", segment):
                frame_end, content_after = next_break(masked, verb.end), None
        else:
            speaker = clean_speaker(subj_text)
            frame_end, content_after, trailing_ok = after_verb(
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
                speaker = speaker or main_subject(before[: lead.start()])
        elif not plausible_speaker(speaker) and not noun_subject(verb.kind, subj_text):
            continue
        start = lo + _PARTICIPLE_LEAD.search(before).start() if participle else subj_start
        content: list[tuple[int, int]] = []
        if kind == "quote" and not participle:  # "If X “…,” he pledged that “…”"
            clause = clause_start(masked, start)
            if masked[clause:start].strip(" ,\x1a"):
                content.append((clause, start))
        if content_after is not None:
            content.append((content_after, n))
        elif trailing_ok and not participle and (kind == "comma" or inverted):
            clause = clause_start(masked, start)
            if masked[clause:start].strip(" ,\x1a"):
                content.append((clause, start))
        if content_after is None:
            after = continuation(masked, frame_end, kind, bool(content))
            if after is not None:
                content.append((after, n))
        frame = Frame(start, max(frame_end, verb.end), speaker, verb.lemma, tuple(content), kind)
        frames.append(frame)
        previous = frame
    return frames


_SPEAKING = re.compile(r",\s+speaking\s+(?:at|from|to|on|in|during|after|before|with)\b")


def _speaking_frames(masked: str, found: list[Frame]) -> list[Frame]:
    """ ", speaking from the White House Monday": describes the act of saying; it ends the
    content of the frame before it."""
    out = []
    for m in _SPEAKING.finditer(masked):
        if not any(f.start <= m.start() < f.end for f in found):
            out.append(Frame(m.start(), next_break(masked, m.end()), None, "speak", (), "and"))
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
        if q < 0 or len(WORD.findall(tail[:q])) > 6 or re.search(r"[,.;:]", tail[:q]):
            continue
        start, text, _kind = subject(masked, m.start())
        speaker = clean_speaker(text)
        participle = m.group().endswith("ing")
        if not (participle or plausible_speaker(speaker) or noun_subject("always", text)):
            continue
        out.append(Frame(start, m.end() + q, speaker, "call", ()))
    return out


def _as_frames(masked: str, found: list[Frame]) -> list[Frame]:
    """ "hailed the vote as [a big victory]": the characterisation after *as* is content."""
    out = []
    for m in _CHARACTERISE_AS.finditer(masked):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        start, text, _kind = subject(masked, m.start())
        if not plausible_speaker(clean_speaker(text)) or _MODAL_BEFORE.search(masked[: m.start()]):
            continue  # no speaker, or a hypothetical ("could paint Trump as …")
        after = m.end()
        if masked[after:].lstrip(" ").startswith(QUOTE):
            continue  # "dismissed it as ‘slander’": a scare quote, not content
        out.append(
            Frame(start, after, clean_speaker(text), "as", ((after, next_break(masked, after)),))
        )
    return out


def _noun_frames(masked: str, found: list[Frame]) -> list[Frame]:
    """ "the notion that [content]", "his claim that [content]": a reporting noun."""
    out: list[Frame] = []
    if "that" not in masked:
        return out
    for m in _REPORT_NOUN.finditer(masked):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        rest = masked[m.end() : m.end() + LOOK]
        if AUX_START.match(rest) or len(WORD.findall(rest)) < 3:
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
