"""Duplicate detection against known truth: planted copies with a known similarity."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import yaml

from analysis import schema as S
from analysis.corpus.dedup import DuplicateFinder, _jaccard
from analysis.corpus.ingest import ingest
from analysis.study import Study
from tests.conftest import DEMO


def random_text(rng: np.random.Generator, n_words: int, vocab: int = 5000) -> list[str]:
    return [f"w{int(i)}" for i in rng.integers(0, vocab, n_words)]


def edit(rng: np.random.Generator, words: list[str], share: float) -> list[str]:
    """Replace ``share`` of the words at random positions with new ones."""
    out = list(words)
    for i in rng.choice(len(out), int(share * len(out)), replace=False):
        out[i] = f"new{int(rng.integers(1_000_000))}"
    return out


def test_shingle_similarity_on_a_hand_worked_example():
    finder = DuplicateFinder(shingle_words=2)
    a = finder.shingles("The cat sat on the mat.")  # the cat|cat sat|sat on|on the|the mat
    b = finder.shingles("“The cat sat on the hat!”")  # 4 shared, 1 new: 4 / 6
    assert len(a) == 5 and len(b) == 5
    assert _jaccard(a, b) == pytest.approx(4 / 6)
    assert len(finder.shingles("— … !!")) == 0  # no words, no shingles


def test_planted_copies_are_found_and_nothing_else():
    rng = np.random.default_rng(20250210)
    originals = [random_text(rng, 300) for _ in range(60)]
    texts = [" ".join(w) for w in originals]
    truth = {}
    # Light edits (5% of words: Jaccard ~0.6-0.8 with 5-word shingles) and heavy ones.
    for k, share in enumerate([0.0, 0.01, 0.02, 0.03, 0.30, 0.50]):
        texts.append(" ".join(edit(rng, originals[k], share)))
        truth[len(texts) - 1] = k
    finder = DuplicateFinder(threshold=0.7).fit(texts)
    shingles = [finder.shingles(t) for t in texts]
    for i, j in itertools.combinations(range(len(texts)), 2):
        similar = _jaccard(shingles[i], shingles[j]) >= 0.7
        linked = finder.duplicate_of_[j] == i or finder.duplicate_of_[i] == j
        assert similar == linked, (i, j)
    found = {i: int(o) for i, o in enumerate(finder.duplicate_of_) if o >= 0}
    expected = {i: k for i, k in truth.items() if _jaccard(shingles[i], shingles[k]) >= 0.7}
    assert found == expected and len(expected) >= 3  # 0%, 1%, 2% edits at least
    assert finder.kind_[60] == "exact" and finder.similarity_[60] == 1.0
    assert all(finder.kind_[i] == "near" for i in expected if i != 60)


def test_the_earliest_copy_is_the_original_and_chains_join_one_group():
    rng = np.random.default_rng(7)
    base = random_text(rng, 400)
    v1 = edit(rng, base, 0.01)
    v2 = edit(rng, v1, 0.01)
    texts = [" ".join(v2), " ".join(v1), " ".join(base), "unrelated " * 50]
    published = [3.0, 2.0, 1.0, 0.0]  # the base text is the earliest of the three
    finder = DuplicateFinder().fit(texts, published)
    assert finder.duplicate_of_.tolist() == [2, 2, -1, -1]
    undated_first = DuplicateFinder().fit(texts, [np.inf, np.inf, 1.0, 0.0])
    assert undated_first.duplicate_of_.tolist() == [2, 2, -1, -1]
    in_order = DuplicateFinder().fit(texts)
    assert in_order.duplicate_of_.tolist() == [-1, 0, 0, -1]


def test_demo_syndicated_copies_are_found_as_near_duplicates(tmp_path):
    """The demo's source files say which articles carry another's wire copy."""
    planted = {}
    for path in sorted((DEMO / "source").glob("events_*.yaml")):
        for doc in yaml.safe_load(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and doc.get("syndicated_from"):
                planted[doc["doc_id"]] = doc["syndicated_from"]
    assert len(planted) >= 3
    study = Study.load(DEMO, tmp_path / "build")
    articles = ingest(study).articles
    marked = articles.dropna(subset=[S.DUPLICATE_OF]).set_index(S.DOC_ID)
    assert marked[S.DUPLICATE_OF].to_dict() == planted
    assert set(marked[S.DUPLICATE_KIND]) == {"near"}
    assert (marked[S.DUPLICATE_SIMILARITY] >= study.config.ingest.duplicates.threshold).all()
    assert (marked[S.DUPLICATE_SIMILARITY] < 1).all()


def test_result_does_not_depend_on_input_order_except_for_ties():
    rng = np.random.default_rng(3)
    base = random_text(rng, 200)
    texts = [" ".join(base), " ".join(edit(rng, base, 0.01)), " ".join(random_text(rng, 200))]
    published = [1.0, 2.0, 3.0]
    forward = DuplicateFinder().fit(texts, published).duplicate_of_.tolist()
    backward = DuplicateFinder().fit(texts[::-1], published[::-1]).duplicate_of_.tolist()
    assert forward == [-1, 0, -1]
    assert backward == [-1, 2, -1]
