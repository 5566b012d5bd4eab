"""The embedding cache: float32 vectors in one SQLite file, keyed by content hash.

Safe to share between processes (WAL), survives interruption (each put is one
transaction) and needs no server. What can go wrong with a file on disk is answered
with an error that names the file and says what to do (:mod:`analysis.errors`):

- a file that is not a database (garbage, truncated): :class:`CacheCorruptError`;
- a folder that cannot be created: :class:`CacheUnwritableError`;
- a full disk: :class:`CacheFullError`.

A read-only cache is opened read-only: every vector it holds is served, and
:meth:`EmbeddingCache.put` raises :class:`CacheReadOnly`, which the encoder turns into
one warning (new vectors are then kept for the run only). Single bad rows (a short blob,
a NaN, a vector of the wrong length or norm) are not errors: :meth:`EmbeddingCache.get`
leaves them out and counts them, so the encoder re-encodes them and overwrites the row.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analysis.errors import CacheCorruptError, CacheError, CacheFullError, CacheUnwritableError

log = logging.getLogger(__name__)

UNIT_NORM_TOLERANCE = 1e-3  # float32 normalisation lands within ~1e-7 of 1
_SQL_PARAMS = 900  # SQLite's bound-parameter limit, with room to spare


class CacheReadOnly(Exception):
    """The cache file or its folder is read-only: vectors can be read, not added."""


def _remedy(path: Path) -> str:
    return (
        f"move the file aside (`mv {path} {path}.bad`) or delete it (`make clean-cache`); "
        "it is only a cache, and the next run re-encodes what it needs"
    )


class EmbeddingCache:
    """Float32 vectors in SQLite, keyed by :func:`analysis.embed.text_key`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.read_only = False
        self.n_invalid = 0  # bad rows met by get() over this cache's life
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if not self.path.exists():
                raise CacheUnwritableError(
                    f"cannot create the embedding cache folder {self.path.parent}: "
                    f"{exc.strerror or exc}",
                    hint="make the folder writable, or point FRAMING_CACHE_DIR at a writable one",
                ) from exc
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=60)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)"
            )
            return db
        except sqlite3.OperationalError as exc:
            if not self._is_read_only_error(exc):
                raise self._error(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        return self._open_read_only()

    def _open_read_only(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise CacheUnwritableError(
                f"the embedding cache {self.path} does not exist and its folder is read-only",
                hint="make the folder writable, or point FRAMING_CACHE_DIR at a writable one",
            )
        # mode=ro still needs the WAL index beside the file; immutable=1 reads the file
        # alone, which is right for a read-only folder nobody can write to either.
        last: sqlite3.Error | None = None
        for query in ("mode=ro", "immutable=1"):
            try:
                db = sqlite3.connect(f"file:{self.path}?{query}", uri=True, timeout=60)
                db.execute("SELECT COUNT(*) FROM vectors LIMIT 1").fetchone()
            except sqlite3.OperationalError as exc:
                last = exc
                continue
            except sqlite3.DatabaseError as exc:
                raise self._error(exc) from exc
            self.read_only = True
            log.warning(
                "embedding cache %s is read-only: cached vectors are used, new ones are "
                "kept for this run only",
                self.path,
            )
            return db
        assert last is not None
        raise self._error(last) from last

    @staticmethod
    def _is_read_only_error(exc: sqlite3.Error) -> bool:
        text = str(exc).lower()
        return "readonly" in text or "read-only" in text or "unable to open" in text

    def _error(self, exc: sqlite3.Error) -> CacheError:
        text = str(exc).lower()
        if "disk is full" in text or "disk i/o" in text:
            return CacheFullError(
                f"embedding cache {self.path}: the disk is full ({exc})",
                hint="free some space, or point FRAMING_CACHE_DIR at a disk with room",
            )
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return CacheCorruptError(
                f"embedding cache {self.path} is damaged ({exc})", hint=_remedy(self.path)
            )
        if self._is_read_only_error(exc):
            return CacheUnwritableError(
                f"embedding cache {self.path} cannot be written ({exc})",
                hint="make it writable, or point FRAMING_CACHE_DIR at a writable folder",
            )
        return CacheError(f"embedding cache {self.path}: {exc}", hint=_remedy(self.path))

    def get(
        self, keys: Sequence[str], dim: int | None = None, unit: bool = False
    ) -> dict[str, np.ndarray]:
        """The stored vectors of ``keys`` that are present and sound.

        A row is left out (and counted in ``n_invalid``) when its blob is not whole
        float32s, when it is not ``dim`` long, holds a NaN or infinity, or (with
        ``unit``) is not unit length: the caller then encodes it again.
        """
        found: dict[str, np.ndarray] = {}
        bad = 0
        try:
            for start in range(0, len(keys), _SQL_PARAMS):
                batch = list(keys[start : start + _SQL_PARAMS])
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})", batch
                ).fetchall()
                for key, blob in rows:
                    vec = self._sound(blob, dim, unit)
                    if vec is None:
                        bad += 1
                    else:
                        found[key] = vec
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        if bad:
            self.n_invalid += bad
            log.warning(
                "embedding cache %s: %d stored vectors are damaged (wrong length, not finite "
                "or not unit length); they are encoded again and replaced",
                self.path,
                bad,
            )
        return found

    @staticmethod
    def _sound(blob: object, dim: int | None, unit: bool) -> np.ndarray | None:
        if not isinstance(blob, bytes) or not blob or len(blob) % 4:
            return None
        vec = np.frombuffer(blob, dtype=np.float32)
        if dim is not None and vec.shape[0] != dim:
            return None
        if not np.isfinite(vec).all():
            return None
        if unit and abs(float(np.dot(vec, vec)) - 1.0) > 2 * UNIT_NORM_TOLERANCE:
            return None
        return vec

    def put(self, items: dict[str, np.ndarray]) -> None:
        if self.read_only:
            raise CacheReadOnly(str(self.path))
        rows = [
            (k, v.shape[0], np.ascontiguousarray(v, np.float32).tobytes()) for k, v in items.items()
        ]
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)", rows
                )
        except sqlite3.OperationalError as exc:
            if self._is_read_only_error(exc):
                self.read_only = True
                raise CacheReadOnly(str(self.path)) from exc
            raise self._error(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def __len__(self) -> int:
        try:
            return self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def close(self) -> None:
        self._db.close()
