"""Whose voice is a sentence in? ``authorial``, ``quoted`` or ``scare_quoted``, with speaker.

Rules, in order (quotation spans come from :mod:`analysis.text.quotes`):

1. **quoted**: the sentence is mostly inside a quotation (at least half its characters),
   or it contains a quotation of five words or more, or an unclosed one (a quotation that
   runs on into the next paragraph);
2. a short quoted fragment (one to four words) is a **partial quote**, hence *quoted*,
   when the sentence attributes it with a speech verb or "according to" (Vorsk insisted
   the papers were a ‘crude forgery’), unless a distancing marker (so-called, what X
   calls, dubbed, branded) frames it; otherwise it is a **scare quote**: the outlet's own
   sentence holding words it does not adopt (the regime's ‘heroic’ troops);
3. **quoted** also covers attributed indirect speech with no quotation marks at all
   ("Holub said both men were…", "…, the ministry said", "according to the NIS, …");
4. everything else is **authorial**.

The speaker is the noun phrase attributed by the speech verb or "according to"; a
pronoun ("he said") takes the last named speaker earlier in the article. Rules like these
are transparent and fast; their accuracy against human codes is measured in the
validation stage, not assumed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from analysis.text.quotes import QuoteSpan, find_quotes, outermost

AUTHORIAL, QUOTED, SCARE = "authorial", "quoted", "scare_quoted"
SHORT_QUOTE_MAX_WORDS = 4

_SPEECH_LEMMAS = (
    "say",
    "tell",
    "add",
    "stated",
    "declare",
    "claim",
    "insist",
    "argue",
    "warn",
    "write",
    "announce",
    "allege",
    "deny",
    "assert",
    "explain",
    "note",
    "acknowledge",
    "admit",
    "confirm",
    "report",
    "estimate",
    "accuse",
    "vow",
    "promise",
    "reply",
    "respond",
    "counter",
    "maintain",
    "conclude",
    "suggest",
    "predict",
    "urge",
    "caution",
    "contend",
    "describe",
    "dismiss",
    "reject",
    "stress",
    "emphasise",
    "emphasize",
    "boast",
    "pledge",
    "brief",
    "assess",
    "believe",
    "recall",
    "testify",
    "comment",
    "remark",
    "complain",
    "charge",
    "proclaim",
    "hail",
    "praise",
    "condemn",
    "denounce",
    "concede",
    "dispute",
    "point out",
    "quote",
    "cite",
    "observe",
)
_IRREGULAR = {
    "stated": {"stated", "stating"},  # "state"/"states" are nearly always nouns in news
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "written", "writing"},
    "admit": {"admit", "admits", "admitted", "admitting"},
}


def _inflections(lemma: str) -> set[str]:
    if " " in lemma:
        verb, particle = lemma.split(" ", 1)
        return {f"{form} {particle}" for form in _inflections(verb)}
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    plural = lemma + "es" if lemma.endswith(("sh", "ch", "ss", "x")) else lemma + "s"
    return {lemma, plural, lemma + "ed", lemma + "ing"}


SPEECH_VERBS = sorted(
    {f for lemma in _SPEECH_LEMMAS for f in _inflections(lemma)}, key=len, reverse=True
)
_VERB = re.compile(r"\b(" + "|".join(re.escape(v) for v in SPEECH_VERBS) + r")\b")
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are|get|got)\s+$", re.I)
_ACCORDING = re.compile(
    r"\baccording to\s+(.+?)(?=\s+(?:who|which|that|quoted|cited|citing)\b|[,.;:()]|$)", re.I
)
# Verbs that report words (a partial quote: Vorsk insisted the papers were a ‘forgery’), as
# opposed to verbs that characterise (hailed a ‘victory’, dismissed it as ‘slander’), which
# journalists use to hold a term at a distance: those make scare quotes.
_SAYING = re.compile(
    r"\b(?:said|says|say|saying|told|tells|tell|added|adds|insisted|insists|claimed|claims|"
    r"argued|argues|warned|warns|wrote|writes|stated|promised|vowed|replied|responded|"
    r"explained|noted|acknowledged|admitted|confirmed|alleged|asserted|maintained|"
    r"predicted|suggested|stressed|countered|according to)\b",
    re.I,
)
_AS_QUOTE = re.compile(r"\bas\s+(?:an?\s+|the\s+)?[\"“‘'«„]")
_DISTANCING = re.compile(
    r"\b(?:so-called|so called|dubbed|branded|labell?ed|termed|what\s+[\w’' ]{1,40}?\s+"
    r"(?:calls?|called|describes?|described|terms?|termed)|calls?\s+(?:it|them|this|the)|"
    r"called\s+(?:it|them|this|the))\b",
    re.I,
)
_PRONOUN = re.compile(r"^(?:he|she|they|it|we|i)$", re.I)
_CAP_RUN = re.compile(
    r"(?:[A-Z][\w’'.\-]*|of|the|for|de|and|al|bin)(?:\s+(?:[A-Z][\w’'.\-]*|of|the|for|de|al|bin))*"
)
_LEADING_APPOSITIVE = re.compile(
    r"^(?:a|an|the|who|which|whose|spokesman|spokeswoman|head|member|chief|director|"
    r"minister|analyst|researcher|professor|commander|leader|author|one)\b",
)
_CLAUSE_BREAK = re.compile(r"(?:[;:]|\s[—–]\s|\bthat\b|\bwhile\b|\bbut\b|\band\b(?=\s+[A-Z]))")
_QUOTE_CHARS = "\"'“”‘’„«»"


@dataclass(frozen=True)
class Voice:
    voice: str
    speaker: str | None


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


_ABBREVIATION = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Jr|Sr|St|Gen|Col|Maj|Lt|Sgt|Prof|[A-Z])\.$")


def _clean_np(np_text: str) -> str | None:
    np_text = _strip_aux(np_text.strip(" ,;:\"'“”‘’«»„—–-")).strip(" ,")
    if np_text.endswith(".") and not _ABBREVIATION.search(np_text):
        np_text = np_text[:-1]
    np_text = re.sub(r"^(?:and|but|as|while|then)\s+", "", np_text, flags=re.I)
    if not np_text or len(np_text.split()) > 12:
        return None
    # Prefer a trailing run of capitalised words (Kalvian armed forces spokesman Major
    # Taras Holub -> Major Taras Holub) when there is one of two words or more.
    runs = [m.group().strip() for m in _CAP_RUN.finditer(np_text)]
    runs = [r for r in runs if r[:1].isupper() and len(r.split()) >= 2]
    if runs and np_text.endswith(runs[-1]):
        return runs[-1]
    return np_text


def _subject_before(sentence: str, verb_start: int) -> str | None:
    """The noun phrase a speech verb at ``verb_start`` attributes to."""
    pre = sentence[:verb_start]
    # "…,” Valk said" / "…, the ministry said": the subject follows the last quote or comma.
    last_quote = max(pre.rfind(c) for c in '”"’»')
    if last_quote >= 0 and pre[last_quote + 1 :].strip().lstrip(",").strip():
        candidate = pre[last_quote + 1 :].strip().lstrip(",").strip()
        if len(candidate.split()) <= 12:
            return _clean_np(candidate)
    breaks = list(_CLAUSE_BREAK.finditer(pre))
    clause = pre[breaks[-1].end() :] if breaks else pre
    parts = [p for p in clause.split(",")]
    parts = [p for p in parts if p.strip()]
    if not parts:
        return None
    # Walk back over an appositive: "Major Holub, spokesman of the armed forces, said".
    i = len(parts) - 1
    if clause.rstrip().endswith(","):
        while i > 0 and _LEADING_APPOSITIVE.match(parts[i].strip()):
            i -= 1
    subject = parts[i].strip()
    # "In a video released in April, one of the soldiers said": the adverbial is earlier.
    return _clean_np(subject)


def _subject_after(sentence: str, verb_end: int) -> str | None:
    """Inverted attribution: "…,” said Major Holub." """
    post = sentence[verb_end:]
    m = re.match(r"\s+((?:[A-Z][\w’'.\-]*|the|a|an|of)(?:\s+(?:[A-Z][\w’'.\-]*|of|the))*)", post)
    if not m:
        return None
    return _clean_np(m.group(1))


# Verbs that also have non-speech uses or double as nouns (the report, added 5,000 troops,
# adds another layer): they count as speech only when a clause or "that" follows.
_NEEDS_CLAUSE = {
    "add",
    "note",
    "report",
    "estimate",
    "claim",
    "charge",
    "comment",
    "counter",
    "brief",
    "quote",
    "cite",
    "praise",
    "hail",
    "describe",
    "dismiss",
    "reject",
    "deny",
    "dispute",
    "observe",
    "recall",
    "maintain",
    "conclude",
    "suggest",
    "assess",
    "believe",
    "stress",
    "pledge",
    "promise",
    "remark",
    "answer",
    "point out",
    "emphasise",
    "emphasize",
}
_LEMMA = {form: lemma for lemma in _SPEECH_LEMMAS for form in _inflections(lemma)}


def _lemma_of(word: str) -> str:
    return _LEMMA.get(word, word)


_DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|this|that|these|those|its|his|her|their|our|my|your|no|any|some|"
    r"little|every|each|such|own|of|to|whose|final|first|last|latest|new|official|"
    r"initial)|['’]s)\s*$",
    re.I,
)
_NEGATED = re.compile(r"\b(?:not|never|n['’]t|no longer)\s+(?:\w+\s+){0,2}$", re.I)
_EMPTY_OBJECT = re.compile(r"^\s+(?:nothing|a word|little|anything)\b", re.I)
_CLAUSE_AFTER = re.compile(
    r"^\s*(?:that\b|[,:.;!?\"“‘']|$|(?:the|a|an|it|he|she|they|we|its|his|her|their|both|"
    r"all|some|no|there|this|these|those|on|in|at|last|earlier|later)\b|[A-Z])"
)
_AUX_WORDS = frozenset(
    [
        "has",
        "have",
        "had",
        "was",
        "were",
        "is",
        "are",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "must",
        "should",
        "shall",
        "did",
        "does",
        "do",
        "also",
        "long",
        "repeatedly",
        "later",
        "previously",
        "already",
        "still",
        "nevertheless",
        "again",
        "once",
        "then",
        "now",
        "often",
        "publicly",
        "privately",
        "separately",
        "reportedly",
        "earlier",
        "immediately",
        "quickly",
        "flatly",
        "formally",
        "openly",
        "recently",
        "subsequently",
        "first",
        "last",
    ]
)


def _strip_aux(text: str) -> str:
    """Drop trailing auxiliaries and adverbs ("Kalvia's military has long") from a phrase.

    Token-based on purpose: an end-anchored regex for this backtracks badly on long text.
    """
    words = text.rstrip().split(" ")
    while words and (words[-1].lower() in _AUX_WORDS or words[-1].lower().endswith("ly")):
        words.pop()
    return " ".join(words)


_SPEAKER_NOUN = re.compile(
    r"\b(?:officials?|spokes(?:man|woman|person)|ministry|minister|analysts?|experts?|"
    r"observers?|sources?|agency|media|government|military|army|command|lawmakers?|"
    r"researchers?|diplomats?|soldiers?|prisoners?|residents?|witnesses|authorities|"
    r"service|statement|report|documents?|video|footage|leaders?|commanders?|"
    r"president|envoy|ambassador|critics|officers?|families|relatives|veterans?|"
    r"group|organisation|organization|council|committee|office|embassy|staff|"
    r"generals?|colonel|major|ministers|intelligence|he|she|they|it|we|i)\b",
    re.I,
)


# Capitalised only because they open a sentence: not evidence of a named speaker.
_FUNCTION_WORDS = {
    "In",
    "The",
    "A",
    "An",
    "After",
    "For",
    "When",
    "On",
    "At",
    "As",
    "With",
    "By",
    "During",
    "Since",
    "But",
    "And",
    "While",
    "Despite",
    "Although",
    "This",
    "That",
    "These",
    "Those",
    "Yet",
    "Over",
    "Under",
    "Before",
    "Until",
    "If",
    "Once",
    "Asked",
    "What",
    "Whatever",
    "Neither",
    "Nor",
    "Not",
    "Nobody",
    "No",
    "Such",
    "All",
    "Both",
    "Many",
    "Some",
}


def _plausible_speaker(np_text: str | None) -> bool:
    if not np_text:
        return False
    named = [w for w in np_text.split() if w[:1].isupper() and w not in _FUNCTION_WORDS]
    return bool(named) or bool(_SPEAKER_NOUN.search(np_text))


def _participle_subject(sentence: str, verb_start: int) -> str | None:
    """ ", stating …": the speaker is the subject of the main clause, not what precedes."""
    for part in sentence[:verb_start].split(","):
        words = part.split()
        if words and words[0][:1].isupper() and words[0] not in _FUNCTION_WORDS:
            run = _CAP_RUN.match(part.strip())
            return _clean_np(run.group()) if run else None
    return None


def attribution(sentence: str) -> tuple[bool, str | None, bool]:
    """(is attributed, speaker, speaker is a pronoun) for one sentence."""
    m = _ACCORDING.search(sentence)
    if m:
        return True, _clean_np(m.group(1)), False
    for verb in _VERB.finditer(sentence):
        before = sentence[: verb.start()]
        after = sentence[verb.end() :]
        word = verb.group(1)
        if _PASSIVE_BEFORE.search(before) and not re.search(r"quoted\s+as\s+saying", sentence):
            continue
        if _NEGATED.search(before) or _EMPTY_OBJECT.match(after):
            continue  # "did not report", "said nothing": no speech is being reported
        if _DETERMINER.search(_strip_aux(before)):
            continue  # a noun: "the report", "little say", "to say"
        if _lemma_of(word) in _NEEDS_CLAUSE and not _CLAUSE_AFTER.match(after):
            continue  # "adds another layer", "added 5,000 troops": not reported speech
        inverted = re.search(r"[,”\"’]\s*$", before) and verb.group(1) in ("said", "says", "added")
        speaker = _subject_after(sentence, verb.end()) if inverted else None
        if speaker is None and word.endswith("ing") and before.rstrip().endswith(","):
            speaker = _participle_subject(sentence, verb.start())
        if speaker is None:
            speaker = _subject_before(sentence, verb.start())
        if not _plausible_speaker(speaker):
            continue
        head = speaker.split()[-1] if speaker.split() else ""
        return True, speaker, bool(_PRONOUN.match(speaker)) or bool(_PRONOUN.match(head))
    return False, None, False


def label_sentences(text: str, spans: list[tuple[int, int]]) -> list[Voice]:
    """Voice and speaker of each sentence (given as character spans) of one article."""
    quotes = outermost(find_quotes(text))
    long_quotes = {
        i for i, q in enumerate(quotes) if not q.closed or q.n_words(text) > SHORT_QUOTE_MAX_WORDS
    }
    out: list[Voice] = []
    last_speaker: str | None = None
    for (start, end), indices in zip(spans, _quotes_by_sentence(quotes, spans), strict=True):
        sentence = text[start:end]
        length = max(1, end - start)
        inside: list[QuoteSpan] = [quotes[i] for i in indices]
        covered = sum(_overlap(start, end, q.start, q.end) for q in inside)
        attributed, speaker, pronoun = attribution(_strip_quotes(sentence, inside, start))
        if pronoun:
            speaker = last_speaker
        long_quote = any(i in long_quotes for i in indices)
        if covered / length >= 0.5 or long_quote:
            voice = QUOTED
        elif inside:
            unquoted = _strip_quotes(sentence, inside, start)
            partial = (
                attributed
                and bool(_SAYING.search(unquoted))
                and not _DISTANCING.search(sentence)
                and not _AS_QUOTE.search(sentence)
            )
            voice = QUOTED if partial else SCARE
            if not partial:
                speaker = _distancing_speaker(sentence)
        elif attributed:
            voice = QUOTED
        else:
            voice, speaker = AUTHORIAL, None
        if voice == QUOTED and speaker is None:
            speaker = last_speaker if inside else None
        if speaker and not _PRONOUN.match(speaker):
            last_speaker = speaker
        out.append(Voice(voice, speaker))
    return out


def _quotes_by_sentence(quotes: list[QuoteSpan], spans: list[tuple[int, int]]) -> list[list[int]]:
    """For each sentence span, the indices (in order) of the quotes overlapping it.

    Linear in sentences + quotes + overlaps (sentence spans are sorted and disjoint):
    testing every quote against every sentence took minutes on a 0.7 MB article.
    """
    starts = [s for s, _ in spans]
    out: list[list[int]] = [[] for _ in spans]
    for i, q in enumerate(quotes):
        j = max(bisect.bisect_right(starts, q.start) - 1, 0)
        while j < len(spans) and spans[j][0] < q.end:
            if _overlap(spans[j][0], spans[j][1], q.start, q.end):
                out[j].append(i)
            j += 1
    return out


def _strip_quotes(sentence: str, quotes: list[QuoteSpan], offset: int) -> str:
    """The sentence with quoted material blanked, so verbs inside quotes don't attribute."""
    chars = list(sentence)
    for q in quotes:
        for i in range(max(q.start, offset), min(q.end, offset + len(sentence))):
            chars[i - offset] = " " if chars[i - offset] not in _QUOTE_CHARS else chars[i - offset]
    return "".join(chars)


def _distancing_speaker(sentence: str) -> str | None:
    m = re.search(
        r"\bwhat\s+([\w’' ]{1,40}?)\s+(?:calls?|called|describes?|described|terms?)\b",
        sentence,
        re.I,
    )
    return _clean_np(m.group(1)) if m else None
