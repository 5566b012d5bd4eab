"""Loading models: any sentence-transformers folder, offline by default, fail fast."""

from __future__ import annotations

import time

import numpy as np
import pytest

from analysis.embed import Encoder, resolve_model
from analysis.errors import ModelUnavailableError
from tests.tiny_model import build_tiny_model


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


def test_a_model_folder_loads_and_encodes_offline(tiny_model, tmp_path):
    enc = Encoder(str(tiny_model), cache_dir=tmp_path, show_progress=False)
    assert enc.model_id == f"path:{tiny_model.resolve()}"
    texts = ["the army said", "north and south", "the ministry report on the war front"]
    X = enc.encode(texts)
    assert X.shape == (3, 32)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-5)
    again = Encoder(str(tiny_model), cache_dir=tmp_path, show_progress=False)
    np.testing.assert_array_equal(again.encode(texts[::-1]), X[::-1])
    assert again.last_stats.n_cached == 3 and again._model is None


def test_a_model_folder_gives_exact_vectors_in_any_company(tiny_model, tmp_path):
    enc = Encoder(str(tiny_model), cache_dir=tmp_path, show_progress=False, batch_size=4)
    texts = [f"the {a} {b} said" for a in ("army", "city", "river") for b in ("north", "west")]
    alone = np.vstack([enc._encode_uncached([t]) for t in texts])
    assert enc.row_independent is True
    np.testing.assert_array_equal(enc._encode_uncached(texts), alone)
    np.testing.assert_array_equal(
        enc._encode_uncached(texts[::-1] + texts), np.vstack([alone[::-1], alone])
    )


def test_an_unknown_hub_model_fails_at_once_with_the_hint(tmp_path):
    """Offline by default: no retries against the hub (it took 97 s before)."""
    start = time.monotonic()
    enc = Encoder("some-org/not-downloaded-model", cache_dir=tmp_path, show_progress=False)
    assert enc.spec.load_target is None
    with pytest.raises(ModelUnavailableError, match=r"downloading is off[\s\S]*allow_download"):
        enc.encode(["anything"])
    assert time.monotonic() - start < 5


def test_going_online_is_an_explicit_opt_in():
    spec = resolve_model("some-org/not-downloaded-model", allow_download=True)
    assert spec.online and spec.load_target == "some-org/not-downloaded-model"
    assert not resolve_model("some-org/not-downloaded-model").online


def test_a_missing_folder_is_not_taken_for_a_hub_name(tmp_path):
    spec = resolve_model(str(tmp_path / "no" / "such" / "model"))
    assert spec.load_target is None


def test_the_progress_bar_moves_after_every_batch(tiny_model, tmp_path, monkeypatch):
    """It used to move once per 512 texts, and sat at 0 for minutes on a busy machine."""
    import analysis.embed as E

    bars = []

    class Recorder:
        def __init__(self, total, **kwargs):
            self.total, self.updates = total, []
            bars.append(self)

        def update(self, n):
            self.updates.append(n)

        def close(self):
            pass

    monkeypatch.setattr(E, "tqdm", Recorder)
    enc = Encoder(str(tiny_model), cache_dir=tmp_path, batch_size=4, threads=2)
    texts = [f"the army {'north ' * (i % 5)}said {i}" for i in range(40)]
    enc.encode(texts)
    (bar,) = bars
    assert bar.total == 40 and sum(bar.updates) == 40  # a total, so tqdm shows an ETA
    assert len(bar.updates) >= 10 and max(bar.updates) <= 4
