"""How should the parts of a mixed-voice sentence be embedded? Measured on the demo gold.

For every demo sentence planted as quoted or scare-quoted (it mixes the outlet's words and
someone else's), the gold says which pole the outlet adopts in its own words (`own_pole`)
and which pole the sentence's words carry (`pole`). Each way of writing the own and
reported units (analysis/text/view_units.py) is scored with the demo codebook's axes, the
presence threshold of each frame chosen once on the sentence-level gold, and compared:

- own units against `own_pole`, reported units against `pole` (3-way code per frame:
  pole A, pole B, none; macro F1 pooled over frames, and the share of units whose gold is
  "none" that are scored as framed);
- by `method` (alone / masked / the whole sentence in both views), by where indirect
  speech goes (reported / own), and by `min_words` (own parts shorter than this are not
  embedded; reported parts are kept from one word: a scare quote is one to four words);
- the number of texts that need encoding beyond the sentences themselves.

Usage: .venv/bin/python benchmarks/voice_units.py
Writes benchmarks/results/voice_units.json. Needs the embedding model (cached vectors
are reused), not ../shared/data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.embed import Encoder
from analysis.frames.axes import PoleAxisScorer
from analysis.frames.gold import GOLD_PREFIX, align_gold, load_gold
from analysis.frames.presence import f1_optimal_threshold
from analysis.frames.validation import NONE, axis_labels, gold_labels
from analysis.io import write_text
from analysis.provenance import package_versions
from analysis.study import Study
from analysis.text.sentences import split_articles
from analysis.text.view_units import view_units

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"
RESULTS = ROOT / "benchmarks" / "results" / "voice_units.json"
MIN_WORDS = (0, 1, 2, 3, 4, 5, 6, 8)


def sentence_units(sentences: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """The sentence-level baseline: a mixed sentence's whole text stands in both views."""
    rows = []
    voices = spans.groupby(S.SENT_KEY)[S.VOICE].agg(set)
    for key, text in zip(sentences[S.SENT_KEY], sentences[S.TEXT], strict=True):
        present = voices.get(key, set())
        if present & {"authorial", "attribution"}:
            rows.append({S.SENT_KEY: key, S.VIEW: "own", S.TEXT: text})
        if present & {"quoted", "scare_quoted"}:
            rows.append({S.SENT_KEY: key, S.VIEW: "reported", S.TEXT: text})
    return pd.DataFrame(rows)


def codes(scorer: PoleAxisScorer, X: np.ndarray, taus: np.ndarray, frames) -> np.ndarray:
    """3-way code per unit and frame, shape (n, n_frames)."""
    position, relevance = scorer.transform(X), scorer.relevance(X)
    present = relevance >= taus
    return np.column_stack(
        [axis_labels(position[:, j], present[:, j], f) for j, f in enumerate(frames)]
    )


def score(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """Macro F1 over the 3-way codes pooled over frames, and the false-framing rate."""
    from sklearn.metrics import f1_score

    t, p = truth.reshape(-1), predicted.reshape(-1)
    labels = sorted(set(t) | set(p))
    none = t == NONE
    return {
        "macro_f1": float(f1_score(t, p, labels=labels, average="macro", zero_division=0)),
        "false_framing": float(np.mean(p[none] != NONE)) if none.any() else None,
        "recall_framed": float(np.mean(p[~none] == t[~none])) if (~none).any() else None,
        "n": len(truth),
    }


def main() -> int:
    study = Study.load(DEMO)
    frames = study.config.codebook.frames
    articles = pd.read_json(DEMO / "articles.jsonl", lines=True, dtype={"doc_id": str})
    sentences, spans = split_articles(articles, progress=False)
    gold = align_gold(sentences, load_gold(DEMO / "gold_sentences.csv"))
    gold.index = sentences[S.SENT_KEY]
    encoder = Encoder(study.config.embedding.model, batch_size=study.config.embedding.batch_size)

    texts, poles = [], []
    for frame in frames:
        for pole in frame.poles:
            texts += pole.exemplars
            poles += [pole.id] * len(pole.exemplars)
    scorer = PoleAxisScorer(study.config.codebook).fit(encoder.encode(texts, "exemplars"), poles)
    X_sent = encoder.encode(sentences[S.TEXT].tolist(), "sentences")
    relevance = scorer.relevance(X_sent)
    coded = gold[GOLD_PREFIX + S.VOICE].notna().to_numpy()
    taus = np.array(
        [
            f1_optimal_threshold(
                relevance[coded, j], gold_labels(gold[GOLD_PREFIX + S.POLE], f)[coded] != NONE
            )[0]
            for j, f in enumerate(frames)
        ]
    )
    mixed = gold[GOLD_PREFIX + S.VOICE].isin(["quoted", "scare_quoted"])
    mixed_keys = gold.index[mixed.to_numpy()]
    target = {
        "own": np.column_stack(
            [gold_labels(gold.loc[mixed_keys, GOLD_PREFIX + "own_pole"], f) for f in frames]
        ),
        "reported": np.column_stack(
            [gold_labels(gold.loc[mixed_keys, GOLD_PREFIX + S.POLE], f) for f in frames]
        ),
    }
    sentence_texts = set(sentences[S.TEXT])
    results = []
    # Every min_words for the default unit method, and the alternatives at the default
    # min_words (each new method or indirect_view needs its own texts encoded).
    configs = [("sentence", "reported", 0)]
    for method in ("alone", "masked"):
        configs += [(method, "reported", k) for k in MIN_WORDS]
    configs += [("alone", "own", 6), ("masked", "own", 6)]
    for method, indirect, min_words in configs:
        if method == "sentence":
            units = sentence_units(sentences, spans)
        else:
            units = view_units(sentences, spans, method, min_words, indirect)
        X = encoder.encode(units[S.TEXT].tolist(), f"units {method}") if len(units) else None
        unit_codes = codes(scorer, X, taus, frames)
        row = {
            "method": method,
            "indirect_view": indirect,
            "min_words": min_words,
            "extra_texts": len(set(units[S.TEXT]) - sentence_texts),
        }
        n_words = units[S.N_WORDS].to_numpy() if S.N_WORDS in units else np.zeros(len(units))
        variants = [("own", 0), ("reported", 0)]
        if (method, indirect, min_words) == ("alone", "reported", 6):
            variants.append(("reported", 3))  # what dropping short reported parts would cost
        for view, shortest in variants:
            here = ((units[S.VIEW] == view).to_numpy()) & (n_words >= shortest)
            by_key = dict(zip(units.loc[here, S.SENT_KEY], unit_codes[here], strict=True))
            none = np.array([NONE] * len(frames), dtype=object)
            predicted = np.vstack([by_key.get(k, none) for k in mixed_keys])
            row[view if not shortest else f"{view}_min_words_{shortest}"] = score(
                target[view], predicted
            )
        results.append(row)
        print(
            f"{method:8s} indirect->{indirect:8s} min_words={min_words}: "
            f"own F1 {row['own']['macro_f1']:.3f} (false framing {row['own']['false_framing']:.3f})"
            f"  reported F1 {row['reported']['macro_f1']:.3f}  extra texts {row['extra_texts']}"
        )
    out = {
        "what": "own/reported unit embedding on the demo's mixed-voice sentences",
        "n_mixed_sentences": int(mixed.sum()),
        "thresholds": dict(zip([f.id for f in frames], taus.round(4).tolist(), strict=True)),
        "model": encoder.model_id,
        "results": results,
        "packages": package_versions(),
    }
    write_text(RESULTS, json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
