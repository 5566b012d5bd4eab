"""Gold spans checked against the articles they code, and re-anchored when the text moved.

A gold file locates each coded span by ``doc_id`` and character offsets. When the
article text changes (a correction line prepended, a cleaner ingest), the same offsets
point at other words and the codes silently attach to the wrong sentences. So a span that
carries its own ``text`` is compared with the article at its offsets (after normalising
Unicode and whitespace):

- ``verified``: the text is there;
- ``moved``: the text is elsewhere in the same article, exactly once: the span takes
  the new offsets;
- ``rejected``: the article is unknown, or the text is not in it, or is in it more than
  once (which one was coded cannot be told);
- ``unchecked``: the row has no text to compare (kept as written).

Every row gets one outcome, in ``build/<study>/gold_anchoring.csv``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from analysis import schema as S

ANCHOR_COLUMNS = ["line", S.DOC_ID, S.CHAR_START, S.CHAR_END, "outcome", "new_start", "new_end"]


def normalized(text: str) -> str:
    """Compatibility-normalised text with runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class Anchored:
    gold: pd.DataFrame  # the kept rows, with offsets into the current articles
    report: pd.DataFrame  # one row per gold row: ANCHOR_COLUMNS + reason

    def counts(self) -> dict[str, int]:
        return self.report["outcome"].value_counts().to_dict()


def anchor_gold(gold: pd.DataFrame, sentences: pd.DataFrame) -> Anchored:
    """Check every gold span (``gold`` indexed by file line) against ``sentences``."""
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, start, end, text in sentences[
        [S.DOC_ID, S.CHAR_START, S.CHAR_END, S.TEXT]
    ].itertuples(index=False):
        by_doc.setdefault(doc_id, []).append((int(start), int(end), text))
    has_text = S.TEXT in gold.columns
    rows, keep, starts, ends = [], [], [], []
    for line, row in gold.iterrows():
        doc_id, start, end = row[S.DOC_ID], int(row[S.CHAR_START]), int(row[S.CHAR_END])
        text = row[S.TEXT] if has_text else None
        outcome, new, reason = _anchor(by_doc.get(doc_id), start, end, text)
        rows.append([int(line), doc_id, start, end, outcome, *(new or (None, None)), reason])
        keep.append(outcome != "rejected")
        starts.append(new[0] if new else start)
        ends.append(new[1] if new else end)
    report = pd.DataFrame(rows, columns=[*ANCHOR_COLUMNS, "reason"])
    kept = gold.assign(**{S.CHAR_START: starts, S.CHAR_END: ends})[keep]
    return Anchored(kept, report)


def _anchor(
    sents: list[tuple[int, int, str]] | None, start: int, end: int, text: str | None
) -> tuple[str, tuple[int, int] | None, str]:
    if sents is None:
        return "rejected", None, "no article with this doc_id (rejected or not in the corpus)"
    if not isinstance(text, str) or not normalized(text):
        return "unchecked", None, "no text in the gold row to compare"
    want = normalized(text)
    pieces = [t[max(start, s) - s : min(end, e) - s] for s, e, t in sents if s < end and e > start]
    if normalized(" ".join(pieces)) == want:
        return "verified", None, ""
    whole = [(s, e) for s, e, t in sents if normalized(t) == want]
    if not whole:
        needle = text.strip()
        whole = [(s + i, s + i + len(needle)) for s, _, t in sents for i in _find_all(t, needle)]
    if len(whole) == 1:
        return "moved", whole[0], f"text found at {whole[0][0]}-{whole[0][1]}"
    if not whole:
        return "rejected", None, "the text is not in this article (it changed since coding)"
    return "rejected", None, f"the text occurs {len(whole)} times in this article"


def _find_all(haystack: str, needle: str) -> list[int]:
    found, i = [], haystack.find(needle)
    while i >= 0 and needle:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found
