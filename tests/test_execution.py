"""Dask execution (analysis/execution.py): a run on a cluster gives the same tables as a
run in one process, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis import execution
from analysis.io import read_meta
from analysis.pipeline import Context, run
from analysis.study import ExecutionConfig, Study

pytest.importorskip("distributed")


def test_shards_keep_each_article_whole_and_cover_every_row_once():
    rng = np.random.default_rng(3)
    doc_ids = rng.choice([f"d{i:03d}" for i in range(40)], size=500)
    parts = execution.shards(doc_ids, 6)
    assert len(parts) == 6
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(500))
    docs = [set(doc_ids[p]) for p in parts]
    for i, a in enumerate(docs):
        assert all(a.isdisjoint(b) for b in docs[i + 1 :])  # an article is in one shard
        if i:
            assert max(docs[i - 1]) < min(a)  # shards are ranges of doc_id, in order
    assert all(np.all(np.diff(p) > 0) for p in parts)  # rows keep their order
    assert len(execution.shards(doc_ids[:3], 10)) == len(set(doc_ids[:3]))


def test_stitch_puts_shard_rows_back_in_place():
    rows = [np.array([0, 3]), np.array([1, 2, 4])]
    parts = [np.array([[0.0], [3.0]]), np.array([[1.0], [2.0], [4.0]])]
    assert execution.stitch(rows, parts).ravel().tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    frames = [
        pd.DataFrame({"row": [0, 0, 3, 3], "k": [0, 1, 0, 1]}),
        pd.DataFrame({"row": [1, 1, 2, 2, 4, 4], "k": [0, 1, 0, 1, 0, 1]}),
    ]
    joined = execution.stitch_frames(rows, frames, per_row=2)
    assert joined["row"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert joined["k"].tolist() == [0, 1] * 5


def test_scheduler_option_and_bad_values():
    base = ExecutionConfig()
    assert base.scheduler == "none"
    assert base.with_option("local:3").model_dump()["workers"] == 3
    assert base.with_option("tcp://10.0.0.5:8786").scheduler == "tcp://10.0.0.5:8786"
    with pytest.raises(ValueError, match="not none, local or a scheduler address"):
        base.with_option("locl")
    with pytest.raises(ValueError, match="workers"):
        base.with_option("local:0")


def test_a_dask_run_gives_identical_tables(make_study, build_root, tmp_path, monkeypatch):
    """Both runs start from an empty embedding cache, so each encodes every text itself."""
    folder = make_study(extra={"execution": {"scheduler": "none"}})
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache-single"))
    single = Study.load(folder, tmp_path / "build-single")
    _, single_ctx = run(single, targets=["aggregate"])

    sharded: list[int] = []
    real_shards = execution.shards
    monkeypatch.setattr(
        execution, "shards", lambda d, n: sharded.append(n) or real_shards(d, n), raising=True
    )
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache-dask"))
    dask = Study.load(folder, tmp_path / "build-dask")
    dask.config = dask.config.model_copy(
        update={"execution": ExecutionConfig(scheduler="local", workers=2, processes=False)}
    )
    _, dask_ctx = run(dask, targets=["aggregate"])

    assert sharded and all(n == 2 * execution.SHARDS_PER_THREAD for n in sharded)
    assert dask_ctx.counters["encoded"] >= single_ctx.counters["encoded"] > 0
    assert "dask" not in dask_ctx.resources  # the cluster is closed after the run
    tables = sorted(p.name for p in single.build_dir.glob("*.parquet"))
    assert {"embeddings.parquet", "frame_scores.parquet", "article_frames.parquet"} <= set(tables)
    assert tables == sorted(p.name for p in dask.build_dir.glob("*.parquet"))
    for name in tables:
        a, b = single.build_dir / name, dask.build_dir / name
        assert pq.read_table(a).equals(pq.read_table(b)), name  # vectors bit for bit too
        pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b), check_exact=True)
        assert read_meta(a)["fingerprint"] == read_meta(b)["fingerprint"], name


def test_frame_scores_of_a_row_do_not_depend_on_the_other_rows():
    """Shards hold different numbers of rows; a row's product must keep its bits."""
    from analysis.frames.axes import row_products

    rng = np.random.default_rng(11)
    X, M = rng.normal(size=(300, 384)), rng.normal(size=(3, 384))
    whole = row_products(X, M)
    for _ in range(20):
        cuts = np.sort(rng.choice(np.arange(1, 300), size=rng.integers(1, 8), replace=False))
        pieces = [row_products(part, M) for part in np.split(X, cuts)]
        assert np.array_equal(np.vstack(pieces), whole)
    assert np.array_equal(row_products(X[7:8], M)[0], whole[7])
    np.testing.assert_allclose(whole, X @ M.T, rtol=1e-12, atol=1e-12)


def _sum_rows(rows, values):
    return float(values[rows].sum())


def test_consecutive_calls_with_the_same_data_do_not_lose_it():
    """Stages scatter the same frame or matrix one after another. With content-hashed
    keys, the release of one call's copy raced the next call's scatter and cancelled its
    tasks ("lost dependencies"; failed 278 of 300 rounds in a loop like this one)."""
    from types import SimpleNamespace

    config = SimpleNamespace(
        execution=ExecutionConfig(scheduler="local", workers=2, processes=False)
    )
    ctx = Context(study=SimpleNamespace(config=config))
    doc_ids = np.repeat([f"d{i}" for i in range(8)], 5)
    values = np.arange(len(doc_ids), dtype=float)
    try:
        for _ in range(60):
            _, parts = execution.map_shards(ctx, _sum_rows, doc_ids, values)
            assert sum(parts) == values.sum()
    finally:
        execution.close(ctx)
