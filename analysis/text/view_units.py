"""The text that stands for each sentence in the outlet's own view and in what it reports.

A sentence in one voice is its own unit in that view, with the very text of the sentence,
so its vector is the sentence's (the embedding cache is keyed by text: nothing is encoded
twice). A sentence that mixes voices gives one unit per view:

- ``own``: its authorial and attribution spans;
- ``reported``: its quoted and scare-quoted spans (direct, partial and indirect speech).

Three choices, each measured on the demo's 751 mixed-voice sentences against their
planted codes (own parts against ``own_pole``, reported parts against ``pole``; 3-way
macro F1 pooled over frames with the codebook axes; ``benchmarks/voice_units.py``,
results in ``benchmarks/results/voice_units.json``):

- **How a part is embedded** (``method``): ``alone``, the view's spans joined by spaces,
  scored better than ``masked``, the sentence with the other voice replaced by "…"
  (own F1 0.191 vs 0.177, reported 0.460 vs 0.453), and both better than the sentence
  label (the whole sentence in both views: own 0.135, with 22% of unframed own parts
  scored as framed, against 9% alone). Default ``alone``.
- **What is too short to embed alone** (``min_words``): the outlet's own part of a mixed
  sentence below 6 words ("“…,” Holub said.", "the ministry said") is left out of the
  own view: own F1 rose from 0.191 (every part kept) to 0.202 at 6 words, and the share
  of unframed parts scored as framed fell from 9.4% to 7.0%; at 8 words F1 fell again
  (0.194). Reported parts are kept from one word: a scare quote is one to four words and
  is exactly the framing that view is for (dropping parts under 3 words cost reported F1
  0.460 → 0.423). A sentence in one voice is kept whatever its length, as in ``all``.
- **Where indirect speech goes** (``indirect_view``): its frame ("officials said") is
  always own; its content ("the men were volunteers") goes to ``reported``. Moving the
  content to ``own`` raised the share of unframed own parts scored as framed from 7.0%
  to 14.6% and lowered own F1 (0.202 → 0.165) and reported F1 (0.460 → 0.418). The
  content is the speaker's claim in the outlet's paraphrase; to study the paraphrase's
  wording, set ``indirect_view: own``.

Encoding cost: only the parts of mixed sentences are new texts (1,055 on the demo's 1,300
sentences); every other unit reuses its sentence's vector.
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
    method: str = "alone",
    min_words: int = 6,
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
                if n_words < (min_words if view == "own" else 1):
                    continue  # "he said": too short to carry the outlet's framing
            rows.append({S.SENT_KEY: key, S.VIEW: view, S.TEXT: unit, S.N_WORDS: n_words})
    return pd.DataFrame(rows, columns=[S.SENT_KEY, S.VIEW, S.TEXT, S.N_WORDS])
