"""Reporting verbs: which words in a sentence report someone's speech or belief.

A reporting verb opens an attribution frame ("officials said", "he accused", "analysts
believe"). Three kinds, by what they need after them to count as reporting:

- ``ALWAYS``: verbs that report whatever follows (say, tell, tweet, insist, ...);
- ``CLAUSAL``: verbs with other, non-reporting uses (the report, added 5,000 troops,
  adds another layer) that report only when a clause, a quotation or *that* follows;
- ``THAT_ONLY``: verbs that report only before *that* or a wh-word ("found that",
  "revealed that"; "found the body" is not reporting).

Belief verbs (believe, fear, expect) are ``CLAUSAL``: "Officials believe the drones…" is
attributed belief, framed like indirect speech. Nothing here looks inside quotation
marks: callers blank quoted material first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (word lists stay readable)."""
    return frozenset(text.split())


ALWAYS = (
    "say", "tell", "stated", "declare", "insist", "argue", "warn", "write", "announce",
    "allege", "assert", "explain", "acknowledge", "admit", "confirm", "vow", "reply",
    "respond", "contend", "boast", "testify", "proclaim", "concede", "tweet", "exclaim",
    "reiterate", "complain", "predict", "caution", "urge", "claim", "shout", "scream",
    "yell", "chant",
)  # fmt: skip
CLAUSAL = (
    "add", "note", "report", "estimate", "charge", "comment", "counter", "brief", "deny",
    "dispute", "observe", "recall", "conclude", "maintain", "demand", "suggest", "assess", "stress",
    "pledge", "promise", "emphasise", "emphasize", "point out", "believe",
    "think", "fear", "suspect", "expect", "worry", "hope", "doubt", "ask", "accuse",
    "threaten", "agree", "signal", "speculate", "indicate", "project", "call on", "call for",
    "advise",
)  # fmt: skip
THAT_ONLY = ("find", "reveal", "determine", "know", "learn", "recommend", "remark")
# Verbs after which a bare noun phrase opens a clause ("said the men were volunteers");
# after the others it is an object ("announced a cease-fire", "confirmed the deal").
CLAUSE_DEFAULT = words("say add claim insist argue assert allege contend")
BELIEF = frozenset(("believe", "think", "fear", "suspect", "expect", "worry", "hope", "doubt"))
# Directives and commitments report a to-infinitive: urged all sides | to show restraint.
DIRECTIVE = frozenset(
    (
        "urge", "vow", "pledge", "promise", "threaten", "ask", "tell", "warn", "call on",
        "call for", "advise",
    )
)  # fmt: skip
# Verbs that characterise the speech act rather than report words; a short quotation
# after them is held at a distance (hailed a 'victory', dismissed it as 'slander').
CHARACTERISING = frozenset(("hail", "praise", "condemn", "denounce", "dismiss", "reject"))

_IRREGULAR = {
    "stated": {"stated", "stating"},  # "state"/"states" are nearly always nouns in news
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "written", "writing"},
    "admit": {"admit", "admits", "admitted", "admitting"},
    "think": {"think", "thinks", "thought", "thinking"},
    "find": {"find", "finds", "found"},
    "know": {"know", "knows", "knew"},
    "learn": {"learned", "learnt"},
    "tweet": {"tweeted", "tweeting"},  # "tweet(s)" are nearly always nouns
    "signal": {"signal", "signals", "signaled", "signalled", "signaling", "signalling"},
    "agree": {"agree", "agrees", "agreed", "agreeing"},
    "vow": {"vow", "vows", "vowed", "vowing"},
}


def inflections(lemma: str) -> set[str]:
    """The inflected forms of a (possibly phrasal) verb lemma."""
    if " " in lemma:
        verb, particle = lemma.split(" ", 1)
        return {f"{form} {particle}" for form in inflections(verb)}
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    plural = lemma + "es" if lemma.endswith(("sh", "ch", "ss", "x")) else lemma + "s"
    return {lemma, plural, lemma + "ed", lemma + "ing"}


KIND: dict[str, str] = {}
LEMMA: dict[str, str] = {}
for _kind, _lemmas in (("that", THAT_ONLY), ("clausal", CLAUSAL), ("always", ALWAYS)):
    for _lemma in _lemmas:
        for _form in inflections(_lemma):
            KIND[_form] = _kind  # later kinds win: "acknowledge" is ALWAYS
            LEMMA[_form] = _lemma
# A lowercase word (not the tail of a hyphenated one) and a particle of a phrasal verb.
_TOKEN = re.compile(r"(?<![\w-])([a-z]+)\b(?:\s+(on|for|out)\b)?")
_ACCORDING = re.compile(r"\b(?:according to|by (?:most|some|many|all) accounts)\b", re.I)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|being|be|is|are|get|got)\s+(?:[\w’'-]+\s+){0,2}$", re.I
)
_NEGATED = re.compile(r"\b(?:not|never|n['’]t|no longer)\s+(?:\w+\s+){0,2}$", re.I)
# "neither Korsgrad nor Belgorin has confirmed", "not one word … said": nobody says it.
_NEGATIVE_SUBJECT = re.compile(
    r"\b(?:neither|nor|no one|nobody|none of|not one|not a single)\b[^,.;:]{0,60}$", re.I
)
_EMPTY_OBJECT = re.compile(
    r"^\s+(?:nothing|a word|little|anything|so|a lot|a great deal|much|volumes|more)\b", re.I
)
_DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|this|that|these|those|its|his|her|their|our|my|your|no|any|some|"
    r"little|every|each|such|own|of|whose|final|first|last|latest|new|"
    r"initial|all|beyond|without|in|for|with|about)|['’]s)\s*$",
    re.I,
)
# A plural noun after a determiner and one modifier: "Belgorin's old promises that".
_NOUN_PLURAL = re.compile(
    r"(?:\b(?:the|its|his|her|their|our|these|those|such)|['’]s)\s+(?:old|new|many|repeated|"
    r"earlier|previous|recent|latest|frequent|public|private|own|various|numerous|several|"
    r"false|vague|empty|hollow|similar|such|daily|weekly|regular|official)\s*$",
    re.I,
)
_AUX_TAIL = re.compile(
    r"(?:\s+(?:has|have|had|was|were|is|are|will|would|could|can|may|might|must|should|"
    r"shall|did|does|do|also|long|repeatedly|later|previously|already|still|again|once|"
    r"then|now|often|publicly|privately|separately|reportedly|earlier|immediately|"
    r"quickly|flatly|formally|openly|recently|subsequently|first|last|\w+ly))+$",
    re.I,
)
_CLAUSE_AFTER = re.compile(
    r"^\s*(?:that\b|what\b|whether\b|why\b|how\b|who\b|when\b|where\b|if\b|to\b|[,:.;!?\"“‘']"
    r"|$|(?:the|a|an|it|he|she|they|we|i|its|his|her|their|both|all|some|no|there|this|these|"
    r"those|on|in|at|last|earlier|later|many|most|several|one|two|three|any|each)\b|[A-Z])"
)
_THAT_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:that|whether|why|how|what|if)\b", re.I
)  # "found (on Monday) that"
_REFUSED = re.compile(
    r"\b(?:declined|declines|refused|refuses|failed|fails|unable|able|reluctant|hesitant|"
    r"nothing|little|much|more|anything)\s+to\s+$",
    re.I,
)
_TO_SOON = re.compile(r"^(?:\s+[\w’'.-]+){0,6}?\s+to\b")
_BARE_INFINITIVE = re.compile(r"(?:^|[.;:!?]\s*)\s*to\s+$", re.I)
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|you|You)\s+(?:\w+\s+)?$")


_AUX_START = re.compile(
    r"^\s*(?:is|are|was|were|will|would|has|have|had|can|could|may|might|must|should)\b", re.I
)
_CLAUSE_VERB = re.compile(
    r"\b(?:is|are|was|were|will|would|could|can|may|might|must|should|has|have|had|did|"
    r"does|do|\w+ed|\w+n['’]t)\b",
    re.I,
)


def _that_clause(after: str) -> bool:
    """Is a that-clause (not the pronoun: "knew that beforehand") next?"""
    m = _THAT_AFTER.match(after)
    if not m:
        return False
    rest = re.split(r"[,.;:!?]", after[m.end() :], maxsplit=1)[0]
    return not _AUX_START.match(rest) and bool(_CLAUSE_VERB.search(rest))


@dataclass(frozen=True)
class ReportingVerb:
    start: int
    end: int
    form: str
    lemma: str
    kind: str  # "always", "clausal" or "that"


def reporting_verbs(masked: str) -> list[ReportingVerb]:
    """Reporting verbs of a sentence whose quoted material is blanked, in order.

    Skipped: passives ("was told"), negations ("did not say", "said nothing"), noun uses
    ("the report", "little say"), first- and second-person subjects ("I think": the
    author's own voice), and verbs that need a clause or *that* where none follows.
    """
    out = []
    for m in _TOKEN.finditer(masked):
        word, particle = m.group(1), m.group(2)
        form = f"{word} {particle}" if particle and f"{word} {particle}" in KIND else word
        if form not in KIND:
            continue
        start, end = m.start(1), m.start(1) + len(form) if form == word else m.end()
        # Bounded look-back and look-ahead keep the scan linear in the sentence.
        window, after = masked[max(0, start - 200) : start], masked[end : end + 200]
        participle = form.endswith(("ed", "en", "told", "said", "thought", "found", "known"))
        passive = participle and _PASSIVE_BEFORE.search(window)
        if passive and not re.search(r"quoted\s+as\s+$", window):
            continue
        if _NEGATED.search(window) or _EMPTY_OBJECT.match(after):
            continue
        stripped = _AUX_TAIL.sub("", window)
        if _DETERMINER.search(stripped) and not form.endswith("ing"):
            continue
        if _REFUSED.search(window) or _BARE_INFINITIVE.search(window):
            continue  # "declined to say", "To say otherwise is …": no speech is reported
        if _NEGATIVE_SUBJECT.search(window):
            continue
        if form.endswith("s") and not form.endswith("ss") and _NOUN_PLURAL.search(stripped):
            continue  # "Belgorin's old promises": a noun
        if participle and re.match(r"\s+by\b", after):
            continue  # "data confirmed by the ministry": a reduced passive
        lemma = LEMMA[form]
        if lemma in BELIEF and _FIRST_PERSON.search(window):
            continue
        kind = KIND[form]
        belief_gap = lemma in BELIEF and _AUX_START.match(after)  # "they believed were …"
        directive = lemma in DIRECTIVE and _TO_SOON.match(after[:80])  # "called on X to"
        if kind == "clausal" and not (_CLAUSE_AFTER.match(after[:80]) or belief_gap or directive):
            continue
        if kind == "that" and not _that_clause(after[:120]):
            continue
        out.append(ReportingVerb(start, end, form, lemma, kind))
    return out


def according_to(masked: str) -> list[tuple[int, int]]:
    """(start, end) of every "according to" / "by most accounts" in the sentence."""
    return [(m.start(), m.end()) for m in _ACCORDING.finditer(masked)]
