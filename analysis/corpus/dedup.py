"""Exact and near-duplicate articles: every copy kept, each marked with its original.

Exact duplicates have the same normalised text. Near-duplicates (a wire story
republished with a new dateline or an extra paragraph, an article ingested twice with
small edits) have a Jaccard similarity of word shingles at or above ``threshold``.
Candidates come from MinHash-LSH (datasketch), so the work grows with the corpus, not
with its square; each candidate pair is then confirmed with the exact Jaccard
similarity of the two shingle sets, so the result does not depend on hash luck near the
threshold.

Confirmed pairs are joined into groups. Each group's original is its earliest article
(by ``priority``: published date, then input order); every other member points at it
with ``duplicate_of``, with its kind ("exact" or "near") and its similarity to the
original.

Shingles: the text is lowercased and split on whitespace; punctuation at the ends of
each word is dropped (so curly and straight quotes do not matter); each run of
``shingle_words`` words is hashed (blake2b per word, combined in a polynomial hash).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH
from sklearn.base import BaseEstimator
from tqdm import tqdm

_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant for the polynomial hash
_TOP32 = np.uint64(32)


class _WordHashes(dict):
    """word -> stable 64-bit hash; punctuation-only tokens -> 0 (dropped)."""

    def __missing__(self, token: str) -> int:
        core = _EDGE_PUNCTUATION.sub("", token)
        value = (
            int.from_bytes(hashlib.blake2b(core.encode("utf-8"), digest_size=8).digest(), "little")
            | 1
            if core
            else 0
        )
        self[token] = value
        return value


class DuplicateFinder(BaseEstimator):
    """Find exact and near-duplicate texts (sklearn-style: parameters, then ``fit``)."""

    def __init__(
        self,
        threshold: float = 0.6,
        shingle_words: int = 5,
        num_perm: int = 128,
        seed: int = 1,
    ):
        self.threshold = threshold
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.seed = seed

    def shingles(self, text: str, words: _WordHashes | None = None) -> np.ndarray:
        """Sorted unique 64-bit shingle hashes of ``text`` (empty when it has no words)."""
        words = words if words is not None else _WordHashes()
        tokens = text.lower().split()
        h = np.fromiter(map(words.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
        h = h[h != 0]
        k = min(self.shingle_words, len(h))
        if k == 0:
            return h
        n = len(h) - k + 1
        acc = h[:n].copy()
        with np.errstate(over="ignore"):
            for j in range(1, k):
                acc = acc * _MIX + h[j : n + j]
        return np.unique(acc)

    def fit(self, texts: Sequence[str], priority: Sequence[float] | None = None):
        """Mark duplicates among ``texts``; lower ``priority`` = preferred as the original.

        Sets ``duplicate_of_`` (index of the original, -1 if none), ``kind_``
        ("exact"/"near"/None), ``similarity_`` (NaN if none), ``n_candidates_``.
        """
        n = len(texts)
        order = np.arange(n) if priority is None else np.asarray(priority, dtype=float)
        rank = np.lexsort((np.arange(n), order))  # by priority, ties by position
        position = np.empty(n, dtype=np.int64)
        position[rank] = np.arange(n)

        digests = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        representative: dict[bytes, int] = {}
        for i in rank:  # the preferred copy of each exact text represents it
            representative.setdefault(digests[i], int(i))
        reps = sorted(representative.values())

        parent = list(range(n))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def union(i: int, j: int) -> None:
            a, b = find(i), find(j)
            if a != b:
                if position[a] < position[b]:
                    parent[b] = a
                else:
                    parent[a] = b

        for i in range(n):
            union(i, representative[digests[i]])

        words = _WordHashes()
        quiet = True if len(reps) < 2000 else None  # None: only on a terminal
        shingles = {
            i: self.shingles(texts[i], words)
            for i in tqdm(reps, desc="shingles", unit="doc", disable=quiet, leave=False)
        }
        self.n_candidates_ = 0
        if len(reps) > 1:
            for i, j in self._candidates(reps, shingles):
                self.n_candidates_ += 1
                if find(i) != find(j) and _jaccard(shingles[i], shingles[j]) >= self.threshold:
                    union(i, j)

        self.duplicate_of_ = np.full(n, -1, dtype=np.int64)
        self.kind_: list[str | None] = [None] * n
        self.similarity_ = np.full(n, np.nan)
        for i in range(n):
            root = find(i)
            if root == i:
                continue
            self.duplicate_of_[i] = root
            if digests[i] == digests[root]:
                self.kind_[i], self.similarity_[i] = "exact", 1.0
            else:
                a = shingles[representative[digests[i]]]
                b = shingles[representative[digests[root]]]
                self.kind_[i], self.similarity_[i] = "near", _jaccard(a, b)
        return self

    def _candidates(self, reps: list[int], shingles: dict[int, np.ndarray]):
        # The LSH bands are tuned a little below the threshold for recall; every candidate
        # is confirmed with the exact similarity.
        lsh = MinHashLSH(threshold=max(0.05, self.threshold - 0.1), num_perm=self.num_perm)
        template = MinHash(num_perm=self.num_perm, seed=self.seed, scheme="affine32")
        sketches: dict[int, MinHash] = {}
        for i in tqdm(
            reps,
            desc="minhash",
            unit="doc",
            disable=True if len(reps) < 2000 else None,
            leave=False,
        ):
            if len(shingles[i]) == 0:
                continue
            m = MinHash(
                num_perm=self.num_perm,
                seed=self.seed,
                scheme="affine32",
                hashfunc=int,
                permutations=template.permutations,
            )
            m.update_batch((shingles[i] >> _TOP32).astype(np.uint32).tolist())
            sketches[i] = m
            lsh.insert(i, m)
        for i, m in sketches.items():
            for j in lsh.query(m):
                if j > i:
                    yield i, j


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)
