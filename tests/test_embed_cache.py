"""A damaged, read-only or full embedding cache: a named error with its remedy, or it works.

Each case here ended in a raw sqlite or OS error before (issue 11). The vectors are
made up (no model needed) except where the encoder must re-encode a damaged one.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from analysis.embed import EmbeddingCache, Encoder
from analysis.errors import CacheCorruptError, CacheFullError, CacheUnwritableError
from tests.fs_helpers import read_only

TEXTS = ["The troops were hailed as heroes.", "They were sent to die.", "Families waited."]


def unit(seed: int, dim: int = 8) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=dim).astype(np.float32)
    return v / np.linalg.norm(v)


def filled(path: Path, n: int = 3) -> dict[str, np.ndarray]:
    items = {f"k{i}": unit(i) for i in range(n)}
    cache = EmbeddingCache(path)
    cache.put(items)
    cache.close()
    return items


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_cache_file_names_the_file_and_the_remedy(tmp_path, damage):
    path = tmp_path / "embeddings.sqlite"
    filled(path, n=2000)  # several pages, so a truncation cuts into the table
    if damage == "garbage":
        path.write_bytes(b"this is not a database " * 100)
    else:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    with pytest.raises(CacheCorruptError, match=rf"{path}[\s\S]*(mv|clean-cache)") as info:
        cache = EmbeddingCache(path)
        cache.get([f"k{i}" for i in range(2000)])
    assert str(path) in info.value.message


@pytest.mark.parametrize(
    "blob",
    [
        b"\x00\x01\x02",  # a short blob: not whole float32s
        np.full(8, np.nan, np.float32).tobytes(),  # NaN
        (unit(7) * 3).tobytes(),  # not unit length
        unit(7, dim=5).tobytes(),  # wrong length (unit, but not the model's dimension)
    ],
    ids=["short", "nan", "norm", "length"],
)
def test_bad_cached_vectors_are_left_out_and_counted(tmp_path, blob):
    path = tmp_path / "embeddings.sqlite"
    filled(path)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO vectors VALUES ('bad', 0, ?)", (blob,))
    cache = EmbeddingCache(path)
    got = cache.get(["k0", "k1", "k2", "bad"], unit=True)
    if blob == unit(7, dim=5).tobytes():
        # one-off lengths are caught by the encoder, which knows the majority length
        assert "bad" in got
    else:
        assert sorted(got) == ["k0", "k1", "k2"] and cache.n_invalid == 1


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["nan", "short", "length"])
def test_the_encoder_re_encodes_a_damaged_vector_and_repairs_the_cache(tmp_path, damage):
    enc = Encoder(cache_dir=tmp_path, show_progress=False)
    good = enc.encode(TEXTS)
    key = enc.keys(TEXTS)[1]
    bad = {"nan": np.full(384, np.nan, np.float32), "short": good[1][:100], "length": unit(1, 383)}
    with sqlite3.connect(tmp_path / "embeddings.sqlite") as db:
        db.execute("UPDATE vectors SET vec = ? WHERE key = ?", (bad[damage].tobytes(), key))
    fresh = Encoder(cache_dir=tmp_path, show_progress=False)
    np.testing.assert_array_equal(fresh.encode(TEXTS), good)
    assert (fresh.last_stats.n_encoded, fresh.last_stats.n_damaged) == (1, 1)
    repaired = Encoder(cache_dir=tmp_path, show_progress=False)
    repaired.encode(TEXTS)
    assert repaired.last_stats.n_encoded == 0


def test_a_read_only_cache_that_holds_every_vector_works(tmp_path):
    folder = tmp_path / "cache"
    items = filled(folder / "embeddings.sqlite")
    with read_only(folder):
        cache = EmbeddingCache(folder / "embeddings.sqlite")
        got = cache.get(list(items), unit=True)
        assert cache.read_only
        cache.close()
        for k, v in items.items():
            np.testing.assert_array_equal(got[k], v)


@pytest.mark.slow
def test_an_encoder_on_a_read_only_cache_encodes_what_is_missing_without_storing_it(tmp_path):
    folder = tmp_path / "cache"
    first = Encoder(cache_dir=folder, show_progress=False).encode(TEXTS[:2])
    with read_only(folder):
        enc = Encoder(cache_dir=folder, show_progress=False)
        X = enc.encode(TEXTS)
        assert (enc.last_stats.n_cached, enc.last_stats.n_encoded) == (2, 1)
        np.testing.assert_array_equal(X[:2], first)
        enc.encode(TEXTS)  # kept in memory for the run
        assert enc.last_stats.n_encoded == 0
        enc.cache.close()


def test_a_read_only_build_folder_names_the_folder_and_the_remedy(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    with read_only(build), pytest.raises(CacheUnwritableError, match=r"FRAMING_CACHE_DIR") as info:
        EmbeddingCache(build / "cache" / "embeddings.sqlite")
    assert str(build / "cache") in info.value.message


def test_a_full_disk_names_the_file_and_the_remedy(tmp_path):
    path = tmp_path / "embeddings.sqlite"
    filled(path)
    cache = EmbeddingCache(path)
    # SQLite's own size cap gives the same SQLITE_FULL error as a full disk.
    pages = cache._db.execute("PRAGMA page_count").fetchone()[0]
    cache._db.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(CacheFullError, match=rf"{path}: the disk is full[\s\S]*free some space"):
        cache.put({f"n{i}": unit(i, 384) for i in range(500)})
    assert len(cache) == 3  # the failed write left the cache as it was


def test_an_unreadable_cache_folder_is_not_a_traceback(tmp_path):
    target = tmp_path / "file-not-folder"
    target.write_text("a file where the cache folder should be")
    with pytest.raises(CacheUnwritableError, match=str(target)):
        EmbeddingCache(target / "embeddings.sqlite")
    shutil.rmtree(tmp_path, ignore_errors=True)
