"""Who is speaking: the subject of a reporting verb, and its cleaned speaker name.

"Kalvian armed forces spokesman Major Taras Holub" becomes "Major Taras Holub" (a trailing
run of capitalised words wins), auxiliaries and adverbs before the verb are dropped
("Kalvia's military has long" → "Kalvia's military"), and a subject that is neither
named nor a speaking noun (officials, the ministry, analysts, he) is not a speaker, so
"The war adds another layer" is not attributed to anyone.
"""

from __future__ import annotations

import re

from analysis.text.clauses import LOOK, QUOTE, next_break
from analysis.text.reporting import words

PRONOUN = re.compile(r"^(?:he|she|they|it|we|i)$", re.I)
_CAP_RUN = re.compile(
    r"(?:[A-Z][\w’'.\-]*|of|the|for|de|and|al|bin)(?:\s+(?:[A-Z][\w’'.\-]*|of|the|for|de|al|bin))*"
)
_ABBREVIATION = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Jr|Sr|St|Gen|Col|Maj|Lt|Sgt|Prof|[A-Z])\.$")
_AUX_WORDS = words(
    "has have had was were is are will would could can may might must should shall did "
    "does do also long repeatedly later previously already still nevertheless again once "
    "then now often publicly privately separately reportedly earlier immediately quickly "
    "flatly formally openly recently subsequently first last both all afterward "
    "afterwards however meanwhile too"
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
    r"defectors|people|voters|men|women|man|woman|soldiers?|troops|investigators|"
    r"commentators|activists|residents|he|she|they|it|we|i)\b",
    re.I,
)
# Capitalised only because they open a sentence: not evidence of a named speaker.
_FUNCTION_WORDS = words(
    "In The A An After For When On At As With By During Since But And While Despite "
    "Although This That These Those Yet Over Under Before Until If Once Asked What "
    "Whatever Neither Nor Not Nobody No Such All Both Many Some Still Even Then Now "
    "Meanwhile However Indeed Earlier Later Last To"
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
    if not any(c.isupper() for c in np_text[1:]):
        return np_text  # no run of capitalised words to prefer
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


# --- finding the subject of a reporting verb in a masked sentence -----------------
LONG_QUOTE_CHARS = 20  # a masked quotation at least this long ends a clause
_HARD_BREAK = re.compile(r"[;:()\[\]]|\s[—–]\s|—|--|\x1a+")
_BOUNDARY_WORD = re.compile(
    r"\b(?:that|which|who|whom|what|as|while|when|after|before|because|although|though|"
    r"if|since|where|but|and|so|yet|whether|until|once)\s+",
    re.I,
)
_EMBEDDING = words(
    "that which who whom what while when after before because although though if since "
    "where whether until once"
)
_SKIPPABLE_PART = re.compile(
    r"^\s*(?:a|an|the|who|which|whose|spokes\w+|head|member|chief|director|minister|"
    r"analyst|researcher|professor|commander|leader|author|one|former|deputy|however|"
    r"meanwhile|though|too|also|in turn|for (?:his|her|their|its) part|[a-z]+'s)\b",
)
_DETERMINERS = words("the a an his her its their this these those some many one two")


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


def subject(masked: str, verb_start: int, floor: int = 0) -> tuple[int, str, str]:
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


def inverted_speaker(masked: str, verb_end: int) -> tuple[str | None, int]:
    """ "…,” said Major Holub in a statement." → (speaker, end of the frame)."""
    m = re.match(
        r"\s+((?:[A-Z][\w’'.\-]*|the|a|an|of|[a-z]+)(?:\s+(?:[A-Z][\w’'.\-]*|of|the|[a-z]+))*)",
        masked[verb_end : verb_end + LOOK],
    )
    if not m:
        return None, verb_end
    return clean_speaker(m.group(1)), next_break(masked, verb_end)


def noun_subject(kind: str, text: str) -> bool:
    """A short noun phrase before *say*, *tell* and the like is a speaker even when no
    list knows it ("the software giant said")."""
    words = text.split()
    return kind == "always" and 0 < len(words) <= 8 and words[0].lower() in _DETERMINERS
