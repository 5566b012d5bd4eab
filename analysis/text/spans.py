"""Voice spans: every sentence cut into the outlet's words and the words it reports.

A span is a stretch of one sentence with one voice:

- ``authorial``: the outlet's own words;
- ``attribution``: a reporting frame, its verb and speaker ("officials said on Monday
  that", ", she said,", "according to the NIS"): the outlet's words about someone's
  speech, authorial by definition (see :mod:`analysis.text.attribution`);
- ``quoted``: words reported as someone's: a quotation (inside quotation marks), a partial
  quote (a short quoted fragment a frame reports), or indirect speech (the clause a frame
  reports, without quotation marks; ``in_quotes`` is then False);
- ``scare_quoted``: a short quoted fragment (one to four words) in the outlet's own
  clause, held at a distance rather than reported (the regime's 'heroic' troops, the
  so-called "liberation", hailed as a 'victory').

The speaker of a quotation is the frame next to it (before or after, in any sentence the
quotation spans), else the frame reporting it, else the last speaker quoted (a quotation
continuing in a new paragraph); a pronoun speaker takes the last named one.

Quotations and sentences are both sorted, so one sweep pairs them: the cost is linear in
the length of the article (``benchmarks/voice_linear.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from analysis.text.attribution import QUOTE, Frame, sentence_frames
from analysis.text.quotes import QuoteSpan, find_quotes, outermost
from analysis.text.reporting import CHARACTERISING
from analysis.text.speakers import clean_speaker, is_pronoun

AUTHORIAL, ATTRIBUTION, QUOTED, SCARE = "authorial", "attribution", "quoted", "scare_quoted"
SPAN_VOICES = (AUTHORIAL, ATTRIBUTION, QUOTED, SCARE)
SHORT_QUOTE_MAX_WORDS = 4
MAX_SENTENCE_CHARS = 20_000  # longer "sentences" get no frame analysis (see _label_sentence)
_DISTANCING = re.compile(
    r"(?:\bso-called|\bso called|\bdubbed|\bbranded|\blabell?ed|\btermed|\bnicknamed|"
    r"\bwhat\s+[\w’' ]{1,40}?\s+(?:calls?|called|describes?|described|terms?|termed)"
    r"(?:\s+(?:the|a|an|its|their|his|her))?|\bas|\bas\s+(?:an?|the))\s*$",
    re.I,
)
# "— Name (@handle) December 13, 2019" closing a paragraph: an embedded social-media post.
_POST_SIGNATURE = re.compile(
    r"[—–-]\s*(?P<who>[^—–\n]{1,80}?)\s*\(@\w{1,30}\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$"
)
_SOURCE_LABEL = re.compile(r"^(?:[A-Z][\w&.’'-]*\s*){1,4}:$")  # "Reuters:" on a line of its own
_DISTANCING_SPEAKER = re.compile(
    r"\bwhat\s+([\w’' ]{1,40}?)\s+(?:calls?|called|describes?|described|terms?)\b", re.I
)


@dataclass(frozen=True)
class Span:
    sentence: int  # index of the sentence in the article
    start: int  # character offsets into the article text
    end: int
    voice: str
    speaker: str | None
    in_quotes: bool  # inside quotation marks (direct or partial quote, scare quote)


@dataclass
class _Sentence:
    start: int
    end: int
    labels: list[str]
    speakers: list[str | None]
    quote_of: list[int]  # index of the quotation covering each character, or -1
    cuts: list[int]  # sorted positions where a label may change (a run never spans one)


def _masked(text: str, start: int, end: int, pieces: list[tuple[int, int]]) -> str:
    chars = list(text[start:end])
    for ps, pe in pieces:
        chars[ps - start : pe - start] = QUOTE * (pe - ps)
    return "".join(chars)


def _adjacent(masked: str, frame: Frame, ps: int, pe: int) -> bool:
    """Is the frame right after or right before a quotation (only punctuation between)?"""
    if frame.start < pe and frame.end > ps:
        return False
    a, b = (pe, frame.start) if frame.start >= pe else (frame.end, ps)
    return b - a <= 40 and not masked[a:b].strip(" ,.:;—–-")


def _quote_voice(
    quote: QuoteSpan,
    text: str,
    ps: int,
    pe: int,
    masked: str,
    frames: list[Frame],
    rel: int,
    nonspace: int,
) -> tuple[str, Frame | None]:
    """Voice of one piece of a quotation in a sentence, and the frame that reports it."""
    a, b = ps - rel, pe - rel
    adjacent = [f for f in frames if _adjacent(masked, f, a, b)]
    covering = [f for f in frames if any(cs <= a < ce for cs, ce in f.content)]
    reporter = (adjacent or covering or [None])[0]
    whole = quote.start == ps and quote.end == pe
    long = not quote.closed or quote.n_words(text) > SHORT_QUOTE_MAX_WORDS or not whole
    if long or (b - a) / nonspace >= 0.5:
        return QUOTED, reporter
    if _DISTANCING.search(masked[max(0, a - 60) : a]):
        return SCARE, None
    if reporter is not None and reporter.lemma not in CHARACTERISING:
        return QUOTED, reporter
    return SCARE, None


def _resolve(speaker: str | None, last: str | None) -> str | None:
    return last if is_pronoun(speaker) else speaker


def _paragraph_regions(
    text: str, start: int, state: dict
) -> list[tuple[int, int, str, str | None]]:
    """Quotations without quotation marks covering a paragraph that starts at ``start``:
    an embedded post ("text — Name (@handle) date") and a block quotation (the paragraph
    after one that ends in a reporting frame and a colon: "Dreazen explains:")."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    regions = []
    tail_from = max(start, end - 200)  # bounded: the signature closes the paragraph
    sig = _POST_SIGNATURE.search(text, tail_from, end)
    if sig and sig.start() > start:
        who = sig.group("who").strip()
        regions.append((start, sig.start(), QUOTED, who))
        regions.append((sig.start(), end, ATTRIBUTION, who))
    elif state.get("block") is not None and text[start] not in "\"“„«'‘":
        regions.append((start, end, QUOTED, state["block"]))
    return regions


def _fill(
    labels: list, speakers: list, a: int, b: int, voice: str, speaker: str | None, cuts: set
) -> None:
    if b > a:
        labels[a:b] = [voice] * (b - a)
        speakers[a:b] = [speaker] * (b - a)
        cuts.update((a, b))


def _label_sentence(
    text: str, start: int, end: int, quotes: list[tuple[int, QuoteSpan]], state: dict
) -> _Sentence:
    pieces = [(max(q.start, start), min(q.end, end)) for _, q in quotes]
    masked = _masked(text, start, end, pieces)
    # A "sentence" this long is a table or a dump without punctuation: only its
    # quotation marks are read (keeps the worst case linear).
    frames = sentence_frames(masked) if end - start <= MAX_SENTENCE_CHARS else []
    nonspace = len(masked) - masked.count(" ") or 1
    n = end - start
    labels = [AUTHORIAL] * n
    speakers: list[str | None] = [None] * n
    quote_of = [-1] * n
    cuts = {0, n}  # every place a label may change
    resolved = {}
    for f in frames:
        resolved[id(f)] = _resolve(f.speaker, state["last"])
        if resolved[id(f)] and not is_pronoun(resolved[id(f)]):
            state["last"] = resolved[id(f)]
    starts = sorted(f.start for f in frames)
    for f in frames:
        for cs, ce in f.content:
            # Content after a frame stops at the next frame: each character is filled
            # once or twice, never once per frame (linear even in a very long sentence).
            later = [s for s in starts if s > cs]
            _fill(labels, speakers, cs, min([ce, *later[:1]]), QUOTED, resolved[id(f)], cuts)
    for f in frames:
        _fill(labels, speakers, f.start, f.end, ATTRIBUTION, resolved[id(f)], cuts)
    for rs, re_, voice, who in state["regions"]:
        _fill(labels, speakers, max(rs, start) - start, min(re_, end) - start, voice, who, cuts)
    for (qid, quote), (ps, pe) in zip(quotes, pieces, strict=True):
        voice, reporter = _quote_voice(quote, text, ps, pe, masked, frames, start, nonspace)
        speaker = resolved[id(reporter)] if reporter is not None else None
        if voice == SCARE:
            m = _DISTANCING_SPEAKER.search(masked[max(0, ps - start - 60) : ps - start])
            speaker = clean_speaker(m.group(1)) if m else None
        elif speaker:
            state["quote_speaker"].setdefault(qid, speaker)
        _fill(labels, speakers, ps - start, pe - start, voice, speaker, cuts)
        quote_of[ps - start : pe - start] = [qid] * (pe - ps)
    stripped = text[start:end].rstrip()
    if stripped.endswith(":") and not pieces:
        colon = stripped.rfind(":")
        # "Dreazen explains:", "Obama also said this:": a frame whose content opens at
        # the colon (not "added to the hysteria:", whose verb has words after it).
        framed = [f for f in frames if any(cs >= colon for cs, _ in f.content)]
        if framed:
            state["block_candidate"] = resolved[id(framed[-1])]
        elif _SOURCE_LABEL.match(text[start:end].strip()):
            state["block_candidate"] = text[start:end].strip()[:-1]
    return _Sentence(start, end, labels, speakers, quote_of, sorted(c for c in cuts if 0 <= c <= n))


_Run = tuple[int, int, str, int, "str | None"]  # start, end, voice, quotation index, speaker


def _runs(text: str, sent: _Sentence) -> Iterator[_Run]:
    """Maximal runs of one voice, quotation and speaker, trimmed of whitespace."""
    bounds = list(zip(sent.cuts, sent.cuts[1:], strict=False))
    i = 0
    while i < len(bounds):
        first = bounds[i][0]
        key = (sent.labels[first], sent.quote_of[first], sent.speakers[first])
        j = i + 1
        while j < len(bounds):
            at = bounds[j][0]
            if (sent.labels[at], sent.quote_of[at], sent.speakers[at]) != key:
                break
            j += 1
        a, b = sent.start + first, sent.start + bounds[j - 1][1]
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            voice, qid, speaker = key
            yield a, b, voice, qid, speaker
        i = j


def _merge(spans: list[Span]) -> list[Span]:
    """Join neighbours of one voice and speaker separated only by whitespace."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and last.sentence == span.sentence
            and (last.voice, last.speaker, last.in_quotes)
            == (span.voice, span.speaker, span.in_quotes)
        ):
            out[-1] = Span(
                last.sentence, last.start, span.end, span.voice, span.speaker, span.in_quotes
            )
        else:
            out.append(span)
    return out


def quotes_by_sentence(
    quotes: Sequence[QuoteSpan], sentences: Sequence[tuple[int, int]]
) -> Iterator[list[int]]:
    """For each sentence in turn, the indices of the quotations overlapping it.

    Both are sorted and the quotations do not overlap one another, so one sweep pairs
    them: a quotation is passed over once it ends before the current sentence, and each
    sentence looks only at the quotations that start before it ends. In all, quotations
    are read at most 4 × (quotations + sentences) times (``tests/test_spans.py`` counts
    it), where the sentence-level rule read every quotation for every sentence.
    """
    first = 0  # first quotation that may still overlap the current sentence
    for start, end in sentences:
        while first < len(quotes) and quotes[first].end <= start:
            first += 1
        found, j = [], first
        while j < len(quotes) and quotes[j].start < end:
            if quotes[j].end > start:
                found.append(j)
            j += 1
        yield found


def article_spans(text: str, sentences: list[tuple[int, int]]) -> list[Span]:
    """Voice spans of every sentence (given as sorted character spans) of one article."""
    quotes = outermost(find_quotes(text))
    state: dict = {"last": None, "quote_speaker": {}}
    # Runs, not per-character labels, are kept for the whole article: memory stays
    # proportional to the number of spans, and garbage collection does not grow with it.
    runs: list[list[_Run]] = []
    paired = quotes_by_sentence(quotes, sentences)
    state["regions"], previous_end = [], None
    for start, end in sentences:
        if previous_end is None or "\n" in text[previous_end:start]:  # a new paragraph
            state["block"] = (
                state.pop("block_candidate", None) if previous_end is not None else None
            )
            state["regions"] = _paragraph_regions(text, start, state)
        elif "block_candidate" in state:
            del state["block_candidate"]  # the colon did not end its paragraph
        previous_end = end
        overlapping = [(j, quotes[j]) for j in next(paired)]
        runs.append(list(_runs(text, _label_sentence(text, start, end, overlapping, state))))
        for qid, _ in overlapping:
            if qid in state["quote_speaker"]:
                state["last"] = state["quote_speaker"][qid]
    # A quotation without a frame of its own continues the last speaker's words.
    last = None
    for qid in range(len(quotes)):
        if qid in state["quote_speaker"]:
            last = state["quote_speaker"][qid]
        elif last is not None:
            state["quote_speaker"][qid] = last
    speakers = state["quote_speaker"]
    spans: list[Span] = []
    for index, sentence_runs in enumerate(runs):
        spans.extend(
            _merge(
                [
                    Span(
                        index,
                        a,
                        b,
                        v,
                        speakers.get(q, who) if q >= 0 and v == QUOTED else who,
                        q >= 0,
                    )
                    for a, b, v, q, who in sentence_runs
                ]
            )
        )
    return spans
