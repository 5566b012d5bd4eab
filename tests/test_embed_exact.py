"""Exact *and* batched: a text's vector has the same bits in any company.

Each target text is encoded alone, then again inside random companion sets (random
companions, many of the same token length so they share its batches, random batch
sizes, one or two worker threads), and every bit is compared. The same protocol on plain
padded batches finds differences, so the comparison can fail.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from analysis.embed import Encoder

VOCAB = [
    "troops",
    "soldiers",
    "army",
    "officials",
    "ministry",
    "families",
    "reporters",
    "analysts",
    "commanders",
    "the",
    "a",
    "their",
    "its",
    "said",
    "reported",
    "claimed",
    "denied",
    "confirmed",
    "praised",
    "mourned",
    "heroic",
    "brave",
    "young",
    "wounded",
    "fallen",
    "foreign",
    "state",
    "official",
    "local",
    "front",
    "border",
    "region",
    "city",
    "village",
    "capital",
    "river",
    "bridge",
    "hospital",
    "ceremony",
    "on",
    "in",
    "near",
    "after",
    "before",
    "during",
    "across",
    "with",
    "without",
    "since",
    "monday",
    "tuesday",
    "week",
    "month",
    "thousands",
    "hundreds",
    "dozens",
    "several",
    "many",
    "few",
]


def sentences(n: int, seed: int, longest: int = 40) -> list[str]:
    """Made-up sentences of 3 to ``longest`` words (many share a token length)."""
    rng = random.Random(seed)
    out = set()
    while len(out) < n:
        words = [rng.choice(VOCAB) for _ in range(rng.randint(3, longest))]
        out.add(" ".join(words).capitalize() + ".")
    return sorted(out)


@pytest.fixture(scope="module")
def encoder(tmp_path_factory):
    return Encoder(cache_dir=tmp_path_factory.mktemp("exact"), show_progress=False)


def companion_rounds(encoder, targets, pool, n_rounds, seed, exact=True, most=60):
    """Yield (round, vectors of the targets) with each round's own random companions."""
    rng = random.Random(seed)
    encoder.exact = exact
    try:
        for r in range(n_rounds):
            companions = rng.sample(pool, rng.randint(1, most))
            batch = targets + companions
            rng.shuffle(batch)
            encoder.batch_size = rng.choice([1, 2, 3, 5, 8, 16, 32, 64])
            encoder.threads = rng.choice([1, 2])
            X = encoder._encode_uncached(batch)
            where = {t: i for i, t in enumerate(batch)}
            yield r, X[[where[t] for t in targets]]
    finally:
        encoder.exact, encoder.batch_size, encoder.threads = True, 32, 2


def check(encoder, n_targets, n_rounds, seed, longest=40, most=60):
    pool = sentences(400, seed, longest)
    targets = pool[:n_targets]
    alone = np.vstack([encoder._encode_uncached([t]) for t in targets])
    assert encoder.row_independent, "the self-check found rows depending on their batch"
    for r, X in companion_rounds(encoder, targets, pool[n_targets:], n_rounds, seed, most=most):
        differing = [targets[i] for i in np.flatnonzero((alone != X).any(axis=1))]
        assert not differing, f"round {r}: {len(differing)} texts changed bits: {differing[:2]}"
    return targets, pool, alone


def test_vectors_are_bit_identical_in_any_company(encoder):
    targets, pool, alone = check(encoder, n_targets=8, n_rounds=4, seed=1, longest=12, most=24)
    # The same protocol on plain padded batches does see the companions.
    changed = 0
    for _, X in companion_rounds(encoder, targets, pool[8:], 2, seed=2, exact=False, most=24):
        changed += int((alone != X).any(axis=1).sum())
    assert changed > 0


@pytest.mark.slow
def test_fifty_texts_in_two_hundred_companion_sets(encoder):
    check(encoder, n_targets=50, n_rounds=200, seed=3)
