"""Where the heavy stages run: in this process (the default), or on a Dask cluster.

``execution:`` in study.yaml (or ``framing run --scheduler``) picks ``none``, ``local``
(a :class:`distributed.LocalCluster` of ``workers`` processes, one thread each) or the
address of a running scheduler (e.g. one started by dask-jobqueue on SLURM, see the
README). Encoding, frame scoring and the per-article aggregation split their rows into
shards by ranges of ``doc_id`` and map a function over them (:func:`map_shards`); the
stage puts the pieces back in the single-process order, so its tables are identical
whatever runs them (``tests/test_execution.py``).

Only row-wise or per-article work is sharded: each shard holds every row of its
articles, and the exact encoding scheme makes a vector independent of its batch
companions (analysis/embed.py), so no result depends on how rows are split.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.errors import StudyConfigError

if TYPE_CHECKING:
    from analysis.pipeline import Context
    from analysis.study import ExecutionConfig

log = logging.getLogger(__name__)

SHARDS_PER_THREAD = 2  # a few shards per worker thread keep every worker busy to the end


def start_client(config: ExecutionConfig) -> Any:
    """A Dask client for ``config``, or None when the run stays in this process."""
    if config.scheduler == "none":
        return None
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise StudyConfigError(
            f"execution.scheduler is {config.scheduler!r} but Dask is not installed",
            hint="pip install 'dask[distributed]>=2024.1', or use `execution: {scheduler: none}`",
        ) from exc
    if config.scheduler == "local":
        cluster = LocalCluster(
            n_workers=config.workers,
            threads_per_worker=1,
            processes=config.processes,
            dashboard_address=None,
        )
        log.info("dask: local cluster of %d workers x 1 thread", config.workers)
        return Client(cluster)
    try:
        client = Client(config.scheduler, timeout=config.connect_timeout)
    except OSError as exc:
        raise StudyConfigError(
            f"no Dask scheduler answered at {config.scheduler!r}: {exc}",
            hint="start the scheduler first (README: Running on a cluster), or use "
            "`execution: {scheduler: local}`",
        ) from exc
    log.info("dask: scheduler %s, %d worker threads", config.scheduler, n_threads(client))
    return client


def client(ctx: Context) -> Any:
    """The run's Dask client (started once per run), or None."""
    return ctx.resource("dask", lambda: start_client(ctx.study.config.execution))


def close(ctx: Context) -> None:
    """Close the run's client and the local cluster it started, if any."""
    dask = ctx.resources.pop("dask", None)
    if dask is None:
        return
    cluster = dask.cluster
    dask.close()
    if cluster is not None:
        cluster.close()


def n_threads(dask: Any) -> int:
    return max(1, sum(dask.nthreads().values()))


def shards(doc_ids: Sequence | np.ndarray, n_shards: int) -> list[np.ndarray]:
    """Row positions of each shard: contiguous ranges of the sorted doc_ids, so every row
    of an article is in one shard; within a shard, rows keep their order."""
    doc_ids = np.asarray(doc_ids)
    if len(doc_ids) == 0:
        return [np.arange(0)]
    unique = np.unique(doc_ids)
    starts = np.array([chunk[0] for chunk in np.array_split(unique, n_shards) if len(chunk)])
    shard_of = np.searchsorted(starts, doc_ids, side="right") - 1
    return [np.flatnonzero(shard_of == i) for i in range(len(starts))]


def map_shards(
    ctx: Context, func: Callable[..., Any], doc_ids: Sequence | np.ndarray, *args: Any
) -> tuple[list[np.ndarray], list[Any]]:
    """``func(rows, *args)`` for every shard's row positions, on the cluster if there is
    one (else once, over all rows, here). Returns the shards' positions and results, in
    doc_id order."""
    dask = client(ctx)
    if dask is None:
        rows = [np.arange(len(doc_ids))]
        return rows, [func(rows[0], *args)]
    rows = shards(doc_ids, SHARDS_PER_THREAD * n_threads(dask))
    # hash=False: a content-hashed key is shared by the next call that scatters the same
    # data, and the release of this call's copy can overtake that scatter (dask/distributed
    # #4612), cancelling its tasks with "lost dependencies".
    scattered = [dask.scatter(a, broadcast=True, hash=False) if _big(a) else a for a in args]
    futures = [dask.submit(func, r, *scattered, pure=False) for r in rows]
    return rows, dask.gather(futures)


def _big(value: Any) -> bool:
    """Large arguments are sent to every worker once, not once per shard."""
    return isinstance(value, np.ndarray) or hasattr(value, "columns")


def stitch(rows: list[np.ndarray], parts: list[np.ndarray]) -> np.ndarray:
    """Row-aligned shard results (arrays) back into one array in the original row order."""
    n = sum(len(r) for r in rows)
    first = next((p for p in parts if len(p)), parts[0])
    out = np.empty((n, *first.shape[1:]), dtype=first.dtype)
    for r, p in zip(rows, parts, strict=True):
        if len(r):
            out[r] = p
    return out


def stitch_frames(rows: list[np.ndarray], parts: list, per_row: int = 1):
    """Shard results that are DataFrames with ``per_row`` rows per input row (in input
    order) back into one frame in the original row order."""
    import pandas as pd

    if len(parts) == 1:
        return parts[0]
    position = np.concatenate([r for r in rows])
    key = (np.repeat(position, per_row) * per_row) + np.tile(np.arange(per_row), len(position))
    joined = pd.concat(parts, ignore_index=True)
    return joined.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)


def concat_by(parts: list, column: str, order: Sequence[str]):
    """Per-article shard results (DataFrames grouped by ``column`` in ``order``, then
    sorted by doc_id) joined as one run over all articles would have made them."""
    import pandas as pd

    if len(parts) == 1:
        return parts[0]
    joined = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    rank = joined[column].map({v: i for i, v in enumerate(order)}).to_numpy()
    return joined.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


# --- encoding on a worker -----------------------------------------------------------

_local = threading.local()  # one encoder per worker thread (an Encoder is not thread-safe)


def encode_rows(
    rows: np.ndarray, texts: np.ndarray, model: str, kwargs: dict, cache_dir: str | None
) -> tuple[np.ndarray, int, int]:
    """Encode ``texts[rows]`` on a worker through its cache: (vectors, encoded, cached).

    The worker keeps its encoder (and its loaded model) for the next shard; it runs one
    encoding thread, since Dask gives each task a thread of its own.
    """
    from pathlib import Path

    from analysis.embed import Encoder

    key = (model, tuple(sorted(kwargs.items())), cache_dir)
    encoders = _local.__dict__.setdefault("encoders", {})
    if key not in encoders:
        encoders[key] = Encoder(
            model,
            cache_dir=Path(cache_dir) if cache_dir else None,
            show_progress=False,
            **{**kwargs, "threads": 1},
        )
    enc = encoders[key]
    vectors = enc.encode([texts[i] for i in rows])
    return vectors, enc.last_stats.n_encoded, enc.last_stats.n_cached
