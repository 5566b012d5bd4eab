"""Who is speaking: the noun phrase an attribution frame names, cleaned to a speaker.

"Kalvian armed forces spokesman Major Taras Holub" becomes "Major Taras Holub" (a trailing
run of capitalised words wins), auxiliaries and adverbs before the verb are dropped
("Kalvia's military has long" → "Kalvia's military"), and a subject that is neither
named nor a speaking noun (officials, the ministry, analysts, he) is not a speaker, so
"The war adds another layer" is not attributed to anyone.
"""

from __future__ import annotations

import re

PRONOUN = re.compile(r"^(?:he|she|they|it|we|i)$", re.I)
_CAP_RUN = re.compile(
    r"(?:[A-Z][\w’'.\-]*|of|the|for|de|and|al|bin)(?:\s+(?:[A-Z][\w’'.\-]*|of|the|for|de|al|bin))*"
)
_ABBREVIATION = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Jr|Sr|St|Gen|Col|Maj|Lt|Sgt|Prof|[A-Z])\.$")
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
        "both",
        "all",
        "afterward",
        "afterwards",
        "however",
        "meanwhile",
        "too",
    ]
)
_SPEAKER_NOUN = re.compile(
    r"\b(?:officials?|spokes(?:man|woman|person)|ministry|minister|analysts?|experts?|"
    r"observers?|sources?|agency|media|government|military|army|command|lawmakers?|"
    r"researchers?|diplomats?|soldiers?|prisoners?|residents?|witnesses|authorities|"
    r"service|statement|reports?|documents?|video|footage|leaders?|commanders?|"
    r"president|envoy|ambassador|critics|officers?|families|relatives|veterans?|"
    r"group|organisation|organization|council|committee|office|embassy|staff|"
    r"generals?|colonel|major|ministers|intelligence|company|companies|firm|"
    r"prosecutors?|lawyers?|attorneys?|judge|court|senators?|governors?|supporters|"
    r"protesters|police|scientists|study|survey|polls?|data|economists|aides?|"
    r"administration|department|party|campaign|chairman|chairwoman|secretary|"
    r"defectors|people|voters|he|she|they|it|we|i)\b",
    re.I,
)
# Capitalised only because they open a sentence: not evidence of a named speaker.
_FUNCTION_WORDS = frozenset(
    [
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
        "Still",
        "Even",
        "Then",
        "Now",
        "Meanwhile",
        "However",
        "Indeed",
        "Earlier",
        "Later",
        "Last",
        "To",
    ]
)


def strip_aux(text: str) -> str:
    """Drop trailing auxiliaries and adverbs from a phrase (token-based: no backtracking)."""
    words = text.rstrip().split(" ")
    while words and (words[-1].lower() in _AUX_WORDS or words[-1].lower().endswith("ly")):
        words.pop()
    return " ".join(words)


def clean_speaker(np_text: str | None) -> str | None:
    """A speaker name from the noun phrase before (or after) a reporting verb."""
    if not np_text:
        return None
    np_text = strip_aux(np_text.strip(" ,;:\"'“”‘’«»„—–-()")).strip(" ,")
    if np_text.endswith(".") and not _ABBREVIATION.search(np_text):
        np_text = np_text[:-1]
    np_text = re.sub(r"^(?:and|but|as|while|then|which|who|that)\s+", "", np_text, flags=re.I)
    if not np_text or len(np_text.split()) > 12:
        return None
    runs = [m.group().strip() for m in _CAP_RUN.finditer(np_text)]
    runs = [r for r in runs if r[:1].isupper() and len(r.split()) >= 2]
    if runs and np_text.endswith(runs[-1]):
        return runs[-1]
    return np_text


def plausible_speaker(np_text: str | None) -> bool:
    """Named (a capitalised word that is not a sentence opener) or a speaking noun."""
    if not np_text:
        return False
    named = [w for w in np_text.split() if w[:1].isupper() and w not in _FUNCTION_WORDS]
    return bool(named) or bool(_SPEAKER_NOUN.search(np_text))


def is_pronoun(speaker: str | None) -> bool:
    if not speaker:
        return False
    words = speaker.split()
    return bool(PRONOUN.match(speaker)) or bool(words and PRONOUN.match(words[-1]))


def main_subject(clause: str) -> str | None:
    """The named subject of a main clause: the first comma-separated part that opens with
    a capitalised word other than a sentence opener ("In a letter, Putin lauded …")."""
    for part in clause.split(","):
        words = part.split()
        if words and words[0][:1].isupper() and words[0] not in _FUNCTION_WORDS:
            run = _CAP_RUN.match(part.strip())
            return clean_speaker(run.group()) if run else None
    return None
