"""The topic model on planted topics: determinism, stop words, outliers, save and load.

Documents are drawn from four planted topics, each with its own vocabulary and its own
direction in embedding space; the texts also carry English stop words, which must not
surface as topic terms. (Outlier reduction is tested on the demo corpus, in
test_topics_demo.py: UMAP folds synthetic stragglers into the nearest cluster, so a
planted corpus has no outliers to reduce.)
"""

from __future__ import annotations

import inspect
import json
import os
import socket
import subprocess
import sys
from contextlib import nullcontext

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from analysis import schema as S
from analysis.errors import StageError
from analysis.topics.model import TopicModel
from analysis.topics.persist import MANIFEST, load_topic_model, read_manifest, save_topic_model

VOCABULARIES = {
    0: ["harbour", "ship", "cargo", "dock", "port", "crane", "vessel", "container"],
    1: ["election", "ballot", "vote", "candidate", "poll", "campaign", "turnout", "seat"],
    2: ["vaccine", "clinic", "doctor", "hospital", "patient", "nurse", "ward", "dose"],
    3: ["drought", "harvest", "farm", "crop", "rain", "wheat", "field", "soil"],
}
STOP = ["the", "and", "of", "is", "was", "it", "to", "in"]
PER_TOPIC, DIM = 60, 384  # the packaged encoder's width, so new texts can be assigned


def planted_corpus(seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(VOCABULARIES), DIM))
    docs, vectors, truth = [], [], []
    for topic, words in VOCABULARIES.items():
        for _ in range(PER_TOPIC):
            tokens = list(rng.choice(words, 6)) + list(rng.choice(STOP, 6))
            docs.append(" ".join(rng.permutation(tokens)))
            vectors.append(centres[topic] + 0.35 * rng.normal(size=DIM))
            truth.append(topic)
    vectors = np.asarray(vectors, np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return docs, vectors, np.asarray(truth)


@pytest.fixture(scope="module")
def corpus():
    return planted_corpus()


@pytest.fixture(scope="module")
def fitted(corpus):
    docs, vectors, _ = corpus
    return TopicModel(min_topic_size=10, random_state=11).fit(docs, vectors)


def test_two_fits_give_identical_topics(corpus, fitted):
    docs, vectors, _ = corpus
    again = TopicModel(min_topic_size=10, random_state=11).fit(docs, vectors)
    np.testing.assert_array_equal(fitted.topics_, again.topics_)
    np.testing.assert_array_equal(fitted.probabilities_, again.probabilities_)
    pd.testing.assert_frame_equal(fitted.terms(), again.terms())
    doc_ids = [f"d{i}" for i in range(len(docs))]
    pd.testing.assert_frame_equal(fitted.info(doc_ids), again.info(doc_ids))


def test_layout_is_reproducible_when_arpack_restarts(corpus, monkeypatch):
    """Ten identical documents (like a boilerplate sentence) form a complete-graph
    component; UMAP's spectral start vector is then an exact eigenvector, ARPACK breaks
    down and restarts from a random vector (umap #1277). The layout must not change."""
    import scipy.sparse.linalg

    from analysis.topics import model as topic_model

    docs, vectors, _ = corpus
    vectors = vectors.copy()
    vectors[:10] = -vectors[100:].mean(axis=0)
    vectors[:10] /= np.linalg.norm(vectors[0])

    def layout():
        model = TopicModel(min_topic_size=10, random_state=11, umap={"n_neighbors": 8})
        return model.fit(docs, vectors).model_.umap_model.embedding_

    np.testing.assert_array_equal(layout(), layout())
    if "rng" in inspect.signature(scipy.sparse.linalg.eigsh).parameters:
        # the control: unseeded, the same fit gives a different layout every time
        monkeypatch.setattr(topic_model, "seeded_arpack", lambda seed: nullcontext())
        assert not np.array_equal(layout(), layout())


def test_planted_topics_are_found_with_content_words_as_terms(corpus, fitted):
    truth = corpus[2]
    assert adjusted_rand_score(truth, fitted.topics_) >= 0.9
    terms = fitted.terms()
    assert not set(terms[S.TERM].str.split().explode()) & set(STOP)
    # each found topic is named after one planted vocabulary
    for topic, group in terms[terms[S.TOPIC] >= 0].groupby(S.TOPIC):
        top = set(group.sort_values(S.RANK)[S.TERM].head(3))
        assert any(top <= set(words) for words in VOCABULARIES.values()), (topic, top)


def test_fit_uses_the_given_vectors_and_never_encodes(corpus, monkeypatch):
    from analysis.embed import Encoder

    def refuse(*args, **kwargs):
        raise AssertionError("the topic stage must not encode")

    monkeypatch.setattr(Encoder, "encode", refuse)
    docs, vectors, _ = corpus
    model = TopicModel(
        min_topic_size=10, random_state=3, reduce_outliers=True, outlier_strategy="embeddings"
    ).fit(docs, vectors)
    assert model.fitted_


def test_too_few_units_leave_everything_in_topic_minus_one():
    docs, vectors, _ = planted_corpus()
    model = TopicModel(min_topic_size=10).fit(docs[:12], vectors[:12])
    assert not model.fitted_
    assert (model.topics_ == -1).all()
    info = model.info(["a"] * 12)
    assert info[S.TOPIC].tolist() == [-1] and info[S.N_UNITS].item() == 12
    assert model.terms().empty
    with pytest.raises(ValueError, match="not fitted"):
        save_topic_model(model, __import__("pathlib").Path("unused"))


# --- save and load --------------------------------------------------------------------
@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a network connection fails (and is recorded)."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network blocked in this test: connect to {address!r}")

    def refuse_create(address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network blocked in this test: connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    return attempts


def test_save_load_round_trip_with_the_network_blocked(
    corpus, fitted, tmp_path, no_network, session_cache
):
    docs, vectors, _ = corpus
    folder = save_topic_model(fitted, tmp_path / "topic_model", {"study": "test"})
    files = sorted(p.name for p in folder.iterdir())
    assert not [f for f in files if f.endswith((".pkl", ".pickle", ".bin", ".joblib"))]
    assert {"topic_embeddings.safetensors", "ctfidf.safetensors", MANIFEST} <= set(files)
    assert json.loads((folder / "config.json").read_text())["embedding_model"] == (
        "sentence-transformers/all-MiniLM-L6-v2"
    )

    loaded = load_topic_model(folder)
    original = fitted.model_

    def as_lists(representations):  # JSON turns (term, weight) tuples into lists
        return {t: [(w, pytest.approx(float(x))) for w, x in v] for t, v in representations.items()}

    assert as_lists(loaded.topic_representations_) == as_lists(original.topic_representations_)
    assert loaded.topic_sizes_ == original.topic_sizes_
    np.testing.assert_allclose(loaded.topic_embeddings_, original.topic_embeddings_)
    assert (loaded.c_tf_idf_ != original.c_tf_idf_).nnz == 0
    # (BERTopic's safetensors format drops representative documents; topic_info keeps them)
    info = [m.get_topic_info().drop(columns="Representative_Docs") for m in (loaded, original)]
    pd.testing.assert_frame_equal(*info)
    # a loaded model assigns documents to the nearest topic vector, offline
    predicted, _ = loaded.transform(docs, embeddings=vectors)
    assert (np.asarray(predicted) == fitted.topics_).mean() >= 0.95
    # new texts are encoded through the project's cache with the packaged model
    topics, _ = loaded.transform(["the cargo ship reached the harbour dock"])
    assert len(topics) == 1
    assert no_network == [], f"loading tried the network: {no_network}"


def test_saving_replaces_a_model_atomically_and_load_checks_hashes(fitted, tmp_path):
    folder = tmp_path / "topic_model"
    save_topic_model(fitted, folder)
    first = read_manifest(folder)["files"]
    save_topic_model(fitted, folder)  # over an existing folder
    assert read_manifest(folder)["files"] == first
    assert [p.name for p in tmp_path.iterdir()] == ["topic_model"]  # no temp folders left
    with open(folder / "ctfidf.safetensors", "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(StageError, match=r"ctfidf.safetensors: missing or changed"):
        load_topic_model(folder)
    with pytest.raises(StageError, match="not a saved topic model"):
        load_topic_model(tmp_path)


@pytest.mark.slow
def test_numba_cache_defaults_to_the_build_tree_once_topics_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["FRAMING_BUILD_DIR"] = str(tmp_path / "build")
    code = (
        "import os, analysis.topics.persist as p\n"
        "assert 'NUMBA_CACHE_DIR' not in os.environ  # importing changes nothing\n"
        "print(os.path.exists(os.environ['FRAMING_BUILD_DIR']))\n"
        "p.TopicModel(min_topic_size=2).build(10)  # topics run: umap/hdbscan load\n"
        "from numba.core import config\nprint(config.CACHE_DIR)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    created, cache = out.stdout.split()
    assert created == "False"
    assert cache == str(tmp_path / "build" / "cache" / "numba")
