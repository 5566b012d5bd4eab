"""Strip boilerplate lines from article text, and say exactly what was stripped.

Two rules, both applied to whole lines only and never to a line longer than
``max_words`` words (so a paragraph that merely mentions a newsletter stays):

- patterns: full-line regular expressions, matched case-insensitively. The built-in
  ones below cover what web exports carry ("Advertisement", "Read more: ...",
  newsletter sign-ups, cookie notices, copyright lines, "Story continued below");
  a study adds its own in ``ingest.boilerplate.patterns``.
- repeated: a line that recurs verbatim in at least ``repeated`` different articles of
  one outlet is that outlet's page template. Identical texts count once, so an article
  ingested twice does not make its own lines "repeated"; a line with quotation marks is
  never stripped by this rule (a quote repeated across stories is content).

Every stripped line is returned with its article, line number and rule.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from analysis import schema as S

BUILTIN_PATTERNS: dict[str, str] = {
    "advertisement": r"(advertisement|advertising|ad|sponsored( content)?|paid (post|content)"
    r"|promoted( content)?)[.:]?",
    "read_more": r"(read|see|watch|listen) (more|also|next|the full (story|article))\b.{0,160}",
    # "Related:", "More On This...", "MORE:"; a bare "More." stays (it may end a text).
    "related": r"(related|recommended|also read)( (stories|articles|coverage|content|news"
    r"|reading|videos?))?\s*[.:…]*|more( (stories|articles|coverage|news|videos?|on this"
    r"( story| topic)?))?\s*(:|…|\.\.\.)",
    "continue_reading": r"(continue reading|keep reading|(story|article) continue[sd]? below)"
    r"\b.{0,60}",
    "newsletter": r"(please )?(subscribe|sign up|sign-up|signup|register|join|get)\b.{0,120}"
    r"\b(newsletters?|e-?mails?|inbox|alerts?|briefings?|digest|subscriptions?)\b.{0,160}",
    "subscribe": r"(subscribe|subscribers? only|become a (member|subscriber))( (now|today|here))?"
    r"\s*[.!]?",
    "click_here": r".{0,80}\b(click|tap) here\b.{0,160}",
    "follow_us": r"follow (us|@\w+|\w+( \w+)? on (twitter|facebook|instagram|x|linkedin|tiktok))"
    r"\b.{0,120}",
    "share": r"(share|tweet|e-?mail|print|save|comment)( (this|the) (article|story|page|post))?"
    r"( (on|via) \w+)?\s*[.!:]?",
    "social_buttons": r"((facebook|twitter|linkedin|whatsapp|pinterest|reddit|email|print"
    r"|copy link|messenger)\s*[|·•,/]?\s*){2,}",
    "cookies": r"(?=.*\bcookies?\b)(?=.*\b(accept|agree|consent|polic(y|ies)|settings"
    r"|preferences|browsing|continu\w*)\b).+",
    "copyright": r"(copyright|©|\(c\))(\s|\d).{0,200}",
    "rights_reserved": r".{0,120}\ball rights reserved\b.{0,120}",
    "loading": r"loading\s*(\.{3}|…)?",
    "caption_toggle": r"(enlarge this image|toggle caption|hide caption|image caption)\b.{0,200}",
    # "(Reuters photo: A. Name)", "File photo: AP", "Image credit: Getty Images"; not
    # "The big picture: ..." (content).
    "photo_credit": r"\(?([\w.'’-]+ ){0,2}(photo|photograph|image|video)s?( credits?)?:"
    r".{1,80}\)?",
    "navigation": r"(skip to (main )?content|jump to|back to top|menu|home|search|log ?in|sign in"
    r"|sign out|close|next|previous|prev|top)\s*[.!]?",
    "embed_marker": r"\[(pullquote|embed|image|video|caption|ad)[^\]]{0,80}\]",
    "opinion_disclaimer": r"the (views|opinions) expressed (in this|by|here).{0,200}",
}

# Quotation marks that open or close quoted speech (not the apostrophe ’).
_QUOTE_MARKS = re.compile('["“”«»„‟‘‹›「」『』]')


@dataclass
class Stripped:
    texts: list[str]
    n_lines: np.ndarray  # lines stripped per article
    lines: pd.DataFrame  # one row per stripped line (S.BOILERPLATE)


class BoilerplateStripper(BaseEstimator):
    """Fit the repeated-line rule on a corpus, then strip boilerplate lines."""

    def __init__(
        self,
        builtin: bool = True,
        patterns: Sequence[str] = (),
        repeated: int | None = 5,
        max_words: int = 25,
    ):
        self.builtin = builtin
        self.patterns = patterns
        self.repeated = repeated
        self.max_words = max_words

    def _rules(self) -> list[tuple[str, str]]:
        rules = [(f"builtin:{k}", v) for k, v in BUILTIN_PATTERNS.items()] if self.builtin else []
        return rules + [(f"pattern:{p}", p) for p in self.patterns]

    def fit(self, texts: Sequence[str], outlets: Sequence[str]) -> BoilerplateStripper:
        rules = self._rules()
        self.rule_names_ = [name for name, _ in rules]
        # One alternation with a named group per rule: one regex call per line.
        self.matcher_ = (
            re.compile(
                "|".join(f"(?P<r{i}>(?:{p}))" for i, (_, p) in enumerate(rules)), re.IGNORECASE
            )
            if rules
            else None
        )
        self.repeated_lines_: dict[str, dict[str, int]] = {}
        if self.repeated is not None:
            counts: dict[str, Counter[str]] = defaultdict(Counter)
            seen: set[tuple[str, bytes]] = set()
            for text, outlet in zip(texts, outlets, strict=True):
                key = (outlet, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest())
                if key in seen:
                    continue
                seen.add(key)
                counts[outlet].update(
                    {line for line in text.split("\n") if self._repeat_candidate(line)}
                )
            for outlet, counter in counts.items():
                frequent = {line: n for line, n in counter.items() if n >= self.repeated}
                if frequent:
                    self.repeated_lines_[outlet] = frequent
        return self

    def _repeat_candidate(self, line: str) -> bool:
        return bool(line) and self._short(line) and not _QUOTE_MARKS.search(line)

    def _short(self, line: str) -> bool:
        # Normalised lines have single spaces between words: spaces + 1 = words.
        return line.count(" ") < self.max_words

    def match(self, line: str, outlet: str) -> str | None:
        """The rule that makes ``line`` boilerplate in ``outlet``'s articles, or None."""
        if not line or not self._short(line):
            return None
        if self.matcher_ is not None:
            m = self.matcher_.fullmatch(line.strip())
            if m is not None:
                return self.rule_names_[int(m.lastgroup[1:])]
        repeated = self.repeated_lines_.get(outlet)
        if repeated and line in repeated:
            return f"repeated:{repeated[line]}"
        return None

    def transform(
        self, texts: Sequence[str], outlets: Sequence[str], doc_ids: Sequence[str]
    ) -> Stripped:
        out_texts: list[str] = []
        counts = np.zeros(len(texts), dtype=np.int64)
        rows: dict[str, list] = {c: [] for c in (S.DOC_ID, S.OUTLET, S.LINE_NO, S.RULE, S.TEXT)}
        for i, (text, outlet, doc_id) in enumerate(zip(texts, outlets, doc_ids, strict=True)):
            lines = text.split("\n")
            kept: list[str] = []
            for line_no, line in enumerate(lines):
                rule = self.match(line, outlet)
                if rule is None:
                    kept.append(line)
                    continue
                counts[i] += 1
                for col, value in zip(rows, (doc_id, outlet, line_no, rule, line), strict=True):
                    rows[col].append(value)
            out_texts.append(_tidy("\n".join(kept)) if counts[i] else text)
        lines_df = pd.DataFrame(rows)
        return Stripped(out_texts, counts, lines_df)


_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    return _BLANK_RUNS.sub("\n\n", text).strip()
