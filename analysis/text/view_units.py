"""The text that stands for each sentence in the outlet's own view and in what it reports.

A sentence in one voice is its own unit in that view, with the very text of the sentence,
so its vector is the sentence's (the embedding cache is keyed by text: nothing is encoded
twice). A sentence that mixes voices gives one unit per view:

- ``own``: its authorial and attribution spans;
- ``reported``: its quoted and scare-quoted spans (direct, partial and indirect speech).

How a unit is written (``method``), measured in ``benchmarks/voice_units.py`` on the demo
gold (``own_pole`` / ``pole`` codes of the mixed sentences):

- ``masked`` (default): the sentence with the other voice's spans replaced by "…", so the
  unit keeps its syntax ("“…,” she said, drawing cheers from a hall packed with
  loyalists");
- ``alone``: the view's spans only, joined by spaces.

A part of a mixed sentence with fewer than ``min_words`` words of its own voice is not
embedded: "he said" carries no framing, and the vector of a bare reporting clause says
nothing about the outlet. It is left out of the view (no unit), not counted as unframed
text. Sentences in one voice are kept whatever their length, as in the ``all`` view.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis import schema as S

OWN_VOICES = ("authorial", "attribution")
REPORTED_VOICES = ("quoted", "scare_quoted")
VIEW_VOICES = {"own": OWN_VOICES, "reported": REPORTED_VOICES}
MASK = "…"
METHODS = ("masked", "alone")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def unit_text(
    sentence: str,
    offset: int,
    spans: list[tuple[int, int, str]],
    keep: tuple[str, ...],
    method: str,
) -> tuple[str, int]:
    """(text, number of kept words) of one view of one sentence.

    ``spans`` are (start, end, voice) in article offsets; ``offset`` is the sentence's.
    """
    kept = [(s - offset, e - offset) for s, e, v in spans if v in keep]
    n_words = sum(len(_WORD.findall(sentence[s:e])) for s, e in kept)
    if method == "alone":
        return " ".join(sentence[s:e] for s, e in kept), n_words
    if method != "masked":
        raise ValueError(f"unknown unit method {method!r}; use one of {METHODS}")
    parts, cursor = [], 0
    for s, e, v in spans:
        s, e = s - offset, e - offset
        if v in keep:
            parts.append(sentence[cursor:e])
        else:
            parts.append(sentence[cursor:s])
            if not parts[-1].endswith(MASK) and not (parts[-1].rstrip().endswith(MASK)):
                parts.append(MASK)
        cursor = e
    parts.append(sentence[cursor:])
    return re.sub(r"(?:…\s*){2,}", MASK + " ", "".join(parts)).strip(), n_words


def view_units(
    sentences: pd.DataFrame,
    spans: pd.DataFrame,
    method: str = "masked",
    min_words: int = 3,
    indirect_view: str = "reported",
) -> pd.DataFrame:
    """One row per sentence and view that has a unit: sent_key, view, text, n_words.

    ``indirect_view`` decides where indirect speech goes: "reported" (its content is the
    speaker's claim) or "own" (the outlet's paraphrase); measured, see the module doc.
    """
    voice = spans[S.VOICE].to_numpy(dtype=object).copy()
    if indirect_view == "own":
        indirect = (voice == "quoted") & ~spans[S.IN_QUOTES].to_numpy(dtype=bool)
        voice[indirect] = "authorial"
    by_sentence: dict[str, list[tuple[int, int, str]]] = {}
    for key, s, e, v in zip(
        spans[S.SENT_KEY], spans[S.CHAR_START], spans[S.CHAR_END], voice, strict=True
    ):
        by_sentence.setdefault(key, []).append((int(s), int(e), v))
    rows = []
    for key, text, start in zip(
        sentences[S.SENT_KEY], sentences[S.TEXT], sentences[S.CHAR_START], strict=True
    ):
        sentence_spans = by_sentence.get(key, [])
        for view, keep in VIEW_VOICES.items():
            if not any(v in keep for _, _, v in sentence_spans):
                continue
            if all(v in keep for _, _, v in sentence_spans):
                unit, n_words = text, len(_WORD.findall(text))  # the sentence itself
            else:
                unit, n_words = unit_text(text, int(start), sentence_spans, keep, method)
                if n_words < min_words:
                    continue  # too short to carry a frame alone
            rows.append({S.SENT_KEY: key, S.VIEW: view, S.TEXT: unit, S.N_WORDS: n_words})
    return pd.DataFrame(rows, columns=[S.SENT_KEY, S.VIEW, S.TEXT, S.N_WORDS])
