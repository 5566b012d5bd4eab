"""The fine-tuned scorer: reproducible, out of fold, cached by its gold, and it learns.

Everything runs the real packaged MiniLM on tiny synthetic sentences (written here) with a
handful of optimiser steps, so the tests stay in the fast tier.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import f1_score

from analysis import schema as S
from analysis import stages  # noqa: F401  (registers the stages)
from analysis.errors import StudyConfigError
from analysis.frames.finetune import FinetunedClassifier, resolve_device
from analysis.frames.supervised import cross_fitted_proba, out_of_fold_proba
from analysis.pipeline import run
from analysis.study import Study

SUBJECTS = ["The mayor", "Local residents", "The committee", "The minister", "Teachers", "Doctors"]
OBJECTS = ["the new bridge", "the budget plan", "the school reform", "the harbour project"]
PRAISE = ["warmly praised", "celebrated", "applauded"]
BLAME = ["angrily condemned", "bitterly denounced", "ridiculed"]

# Few steps, short sequences: enough to move the model, fast on a busy CPU.
TINY = dict(batch_size=8, max_seq_length=24, train_layers=1, show_progress=False)


def planted(n_per_class: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Praise vs blame sentences sharing subjects and objects; groups are the subjects."""
    rows = []
    for label, verbs in (("praise", PRAISE), ("blame", BLAME)):
        combos = list(itertools.product(SUBJECTS, verbs, OBJECTS))
        picks = np.random.default_rng(seed).permutation(len(combos))[:n_per_class]
        rows += [
            (f"{combos[i][0]} {combos[i][1]} {combos[i][2]}.", label, combos[i][0]) for i in picks
        ]
    texts, labels, groups = (np.array(col, dtype=object) for col in zip(*rows, strict=True))
    return texts, labels, groups


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """One tiny fine-tuned model, saved: (texts, labels, params, model)."""
    texts, labels, _ = planted(6)
    params = dict(TINY, epochs=1, device="cpu", random_state=3)
    params["cache_dir"] = tmp_path_factory.mktemp("finetuned")
    return texts, labels, params, FinetunedClassifier(**params).fit(texts, labels)


def test_same_gold_and_seed_give_identical_scores_on_cpu(saved):
    texts, labels, params, first = saved
    fresh = {**params, "cache_dir": None}  # trained again, not loaded
    second = FinetunedClassifier(**fresh).fit(texts, labels)
    assert not second.loaded_
    assert np.array_equal(first.predict_proba(texts), second.predict_proba(texts))  # bit for bit
    reseeded = FinetunedClassifier(**{**fresh, "random_state": 4}).fit(texts, labels)
    assert not np.array_equal(first.predict_proba(texts), reseeded.predict_proba(texts))


def test_contrastive_strategy_is_reproducible_too():
    texts, labels, _ = planted(4)
    params = dict(TINY, strategy="contrastive", epochs=1, device="cpu", random_state=1)
    first = FinetunedClassifier(**params).fit(texts, labels).predict_proba(texts)
    second = FinetunedClassifier(**params).fit(texts, labels).predict_proba(texts)
    assert np.array_equal(first, second)
    np.testing.assert_allclose(first.sum(axis=1), 1.0)


def test_planted_signal_is_learned_out_of_fold():
    texts, labels, groups = planted(24)
    estimator = FinetunedClassifier(
        **TINY, epochs=3, learning_rate=1e-4, head_learning_rate=5e-3, device="cpu"
    )
    proba, classes = out_of_fold_proba(estimator, texts, labels, groups, n_splits=3, seed=0)
    predicted = classes[proba.argmax(axis=1)]
    # Chance is 0.5; the subjects of each test fold were never seen in training.
    assert f1_score(labels, predicted, pos_label="praise") > 0.85


class Memoriser(ClassifierMixin, BaseEstimator):
    """Certain of the label of every text it was trained on; uniform on any other text."""

    def fit(self, X, y, groups=None):
        self.classes_ = np.unique(y)
        self.seen_ = dict(zip(X, y, strict=True))
        return self

    def predict_proba(self, X):
        out = np.full((len(X), len(self.classes_)), 1 / len(self.classes_))
        for row, text in enumerate(X):
            if text in self.seen_:
                out[row] = self.classes_ == self.seen_[text]
        return out


def test_no_coded_sentence_is_scored_by_a_model_that_saw_its_label():
    texts, labels, groups = planted(24)
    noise = np.random.default_rng(0).permutation(labels)  # labels with no signal at all
    coded = np.arange(len(texts)) % 4 != 0
    proba, _ = cross_fitted_proba(texts, noise, coded, groups, seed=0, estimator=Memoriser())
    # A memoriser is certain exactly where it saw the text: never on a coded sentence.
    assert np.all(proba[coded] == 0.5)
    # The uncoded ones are scored by the model fitted on all gold; none of them is in it.
    assert np.all(proba[~coded] == 0.5)
    # Planting an uncoded copy of a coded sentence shows the full model is the one used.
    copy_texts = np.append(texts, texts[1])
    copy_labels = np.append(noise, noise[1])
    proba, classes = cross_fitted_proba(
        copy_texts,
        copy_labels,
        np.append(coded, False),
        np.append(groups, "copy"),
        seed=0,
        estimator=Memoriser(),
    )
    assert classes[proba[-1].argmax()] == noise[1] and proba[-1].max() == 1.0


def test_model_is_saved_keyed_by_gold_and_an_unchanged_gold_never_retrains(
    saved, monkeypatch, caplog
):
    texts, labels, params, first = saved
    models = params["cache_dir"]
    assert not first.loaded_
    assert len(list(models.glob("*/model.safetensors"))) == 1

    def no_training(*args, **kwargs):
        raise AssertionError("an unchanged gold set must not re-train")

    with monkeypatch.context() as patch:
        patch.setattr(FinetunedClassifier, "_train_end_to_end", no_training)
        caplog.set_level(logging.INFO, logger="analysis.frames.finetune")
        again = FinetunedClassifier(**params).fit(texts, labels)
    assert again.loaded_
    assert "loaded" in caplog.text and "nothing trained" in caplog.text
    assert np.array_equal(first.predict_proba(texts), again.predict_proba(texts))

    edited = labels.copy()
    edited[0] = "blame" if labels[0] == "praise" else "praise"
    retrained = FinetunedClassifier(**params).fit(texts, edited)
    assert not retrained.loaded_
    assert retrained.model_key_ != first.model_key_
    assert len(list(models.glob("*/model.safetensors"))) == 2
    # Settings and seed are part of the key too.
    base = FinetunedClassifier(**params)
    for change in ({"epochs": 2}, {"random_state": 1}, {"learning_rate": 1e-4}, {"threads": 2}):
        changed = clone(base).set_params(**change)
        assert changed.model_key(texts, labels) != base.model_key(texts, labels)


def test_device_auto_takes_a_gpu_when_torch_sees_one(monkeypatch):
    import torch

    assert resolve_device("auto") == "cpu"  # this machine has no GPU
    with pytest.raises(StudyConfigError, match="no such device"):
        resolve_device("cuda")
    with pytest.raises(StudyConfigError, match="unknown device"):
        resolve_device("tpu")
    texts, labels, _ = planted(3)
    cpu_key = FinetunedClassifier(device="auto").model_key(texts, labels)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("cuda") == "cuda"
    # A model trained on a GPU is never mistaken for the CPU one.
    assert FinetunedClassifier(device="auto").model_key(texts, labels) != cpu_key
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert resolve_device("auto") == "mps"


def test_only_the_top_layers_train_and_are_saved(saved):
    from safetensors import safe_open

    path = saved[3]._model_path()
    with safe_open(str(path), framework="pt") as fh:
        names = list(fh.keys())
    layers = {int(n.split(".layer.")[1].split(".")[0]) for n in names if ".layer." in n}
    assert layers == {5}  # MiniLM-L6 has layers 0-5; train_layers=1 trains the top one only
    assert not any("embeddings" in n for n in names)
    assert any(n.startswith("head.") for n in names)


@pytest.mark.slow
def test_finetuned_scoring_method_end_to_end(make_study, build_root, caplog):
    """scoring.method: finetuned scores every sentence; a re-run loads, trains nothing."""
    finetune_cfg = {"epochs": 1, "batch_size": 8, "max_seq_length": 32, "device": "cpu"}
    # The tiny gold set has 9-12 sentences per code: below the default minimum of 15.
    scoring = {"method": "finetuned", "finetune": finetune_cfg, "min_gold_per_code": 5}
    folder = make_study(extra={"scoring": scoring})
    study = Study.load(folder, build_root)
    run(study, targets=["sentences"])
    sentences = pd.read_parquet(study.build_dir / "sentences.parquet")
    heroic = sentences[S.TEXT].str.contains("hero|glory|honour|glorious", case=False)
    fodder = sentences[S.TEXT].str.contains("fodder|die|expendable|squandered", case=False)
    gold = sentences[[S.DOC_ID, S.CHAR_START, S.CHAR_END]].assign(
        pole=np.select([heroic, fodder], ["heroic_sacrifice", "cannon_fodder"], ""),
        voice="authorial",
    )
    uncoded = sentences[S.DOC_ID].isin(["h0", "f0"]).to_numpy()  # scored by the full model
    gold[~uncoded].to_csv(folder / "gold.csv", index=False)
    config = yaml.safe_load((folder / "study.yaml").read_text())
    (folder / "study.yaml").write_text(yaml.safe_dump({**config, "gold": "gold.csv"}))
    study = Study.load(folder, build_root)
    caplog.set_level(logging.INFO, logger="analysis.frames.finetune")
    run(study, targets=["frame_scores"])
    scores = pd.read_parquet(study.build_dir / "frame_scores.parquet")
    # every sentence, and its own / reported voice units, scored by the fine-tuned models
    assert len(scores[scores[S.VIEW] == "all"]) == len(sentences)
    assert set(scores[S.VIEW]) <= {"all", "own", "reported"}
    assert scores[S.POSITION].between(-1, 1).all()
    saved = list((study.build_dir / "finetuned").glob("*/model.safetensors"))
    assert len(saved) == 6  # one per fold, and one on all gold for the uncoded sentences
    assert "saved" in caplog.text
    caplog.clear()
    run(Study.load(folder, build_root), targets=["frame_scores"], force=["frame_scores"])
    assert "saved" not in caplog.text and caplog.text.count("nothing trained") == len(saved)
    again = pd.read_parquet(study.build_dir / "frame_scores.parquet")
    pd.testing.assert_frame_equal(scores, again)


def test_unknown_strategy_is_a_config_error():
    texts, labels, _ = planted(2)
    with pytest.raises(StudyConfigError, match="strategy"):
        FinetunedClassifier(strategy="magic").fit(texts, labels)
