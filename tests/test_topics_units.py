"""Topic units, labels and event agreement: small hand-checked examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.errors import StageError, StudyConfigError
from analysis.stages.vectors import check_aligned
from analysis.study import TopicRename, TopicsConfig
from analysis.topics.evaluate import dominant_topics, event_agreement, partition_agreement
from analysis.topics.labels import topic_labels
from analysis.topics.model import TOKEN_PATTERN, auto_label
from analysis.topics.units import TOO_SHORT, build_units


def sentences() -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.DOC_ID: ["a", "a", "a", "b", "b"],
            S.SENT_ID: np.array([0, 1, 2, 0, 1], np.int32),
            S.OUTLET: ["X", "X", "X", "Y", "Y"],
            S.PARAGRAPH: np.array([0, 0, 1, 0, 0], np.int32),
            S.TEXT: ["First one here.", "Second one.", "Hi.", "Other outlet text.", "More."],
        }
    )


def vectors() -> np.ndarray:
    v = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.6, 0.8, 0], [0.6, 0.8, 0]], np.float32)
    return v


def test_sentence_units_are_the_sentences():
    units = build_units(sentences(), vectors(), "sentence")
    assert units.table[S.UNIT_ID].tolist() == [0, 1, 2, 0, 1]
    assert units.texts == sentences()[S.TEXT].tolist()
    np.testing.assert_array_equal(units.vectors, vectors())
    assert units.included.all()


def test_paragraph_vector_is_the_renormalised_mean_of_its_sentences():
    units = build_units(sentences(), vectors(), "paragraph")
    table = units.table
    assert list(zip(table[S.DOC_ID], table[S.UNIT_ID], strict=True)) == [
        ("a", 0),
        ("a", 1),
        ("b", 0),
    ]
    assert table[S.N_SENTENCES].tolist() == [2, 1, 2]
    assert units.texts[0] == "First one here. Second one."
    # mean of e1 and e2 is (0.5, 0.5, 0); renormalised: (1/sqrt2, 1/sqrt2, 0)
    np.testing.assert_allclose(units.vectors[0], [2**-0.5, 2**-0.5, 0], atol=1e-6)
    np.testing.assert_allclose(units.vectors[2], [0.6, 0.8, 0], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(units.vectors, axis=1), 1.0, atol=1e-6)


def test_short_units_are_kept_in_the_table_with_their_reason():
    units = build_units(sentences(), vectors(), "sentence", min_words=2)
    assert units.table[S.EXCLUDED].tolist() == [None, None, TOO_SHORT, None, TOO_SHORT]
    assert units.texts == ["First one here.", "Second one.", "Other outlet text."]
    assert len(units.vectors) == 3


def test_misaligned_embeddings_are_refused():
    keys = sentences()[[S.DOC_ID, S.SENT_ID]].iloc[::-1].reset_index(drop=True)
    with pytest.raises(StageError, match="not aligned"):
        check_aligned(sentences(), keys, vectors())


def test_auto_label_skips_overlapping_ngrams():
    terms = ["holub", "major taras", "taras", "taras holub", "spokesman", "kalvian"]
    assert auto_label(3, terms) == "holub, major taras, spokesman"
    assert auto_label(-1, terms) == "outliers"
    assert auto_label(4, []) == "topic 4"


def test_token_pattern_keeps_thousands_together():
    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer(token_pattern=TOKEN_PATTERN).build_analyzer()
    assert analyse("About 11,000 troops and 700 dead, 2024") == [
        "about",
        "11,000",
        "troops",
        "and",
        "700",
        "dead",
        "2024",
    ]


def info_and_terms():
    info = pd.DataFrame({S.TOPIC: [-1, 0, 1], S.AUTO_LABEL: ["outliers", "troops, port", "vote"]})
    terms = pd.DataFrame(
        {
            S.TOPIC: [0, 0, 1],
            S.RANK: [1, 2, 1],
            S.TERM: ["troops", "port", "vote"],
            S.WEIGHT: [0.3, 0.2, 0.5],
        }
    )
    return info, terms


def test_renames_apply_and_are_checked_against_top_terms():
    info, terms = info_and_terms()
    labels = topic_labels(
        info, terms, {0: TopicRename(label="Deployment", terms=["troops"]), 1: "UN vote"}
    )
    assert labels[S.LABEL].tolist() == ["outliers", "Deployment", "UN vote"]
    assert labels[S.RENAMED].tolist() == [False, True, True]
    with pytest.raises(
        StudyConfigError, match=r"topics.rename.0 .*expects top term\(s\) \['vote'\]"
    ):
        topic_labels(info, terms, {0: TopicRename(label="Deployment", terms=["vote"])})
    with pytest.raises(StudyConfigError, match=r"names topic\(s\) \[7\]"):
        topic_labels(info, terms, {7: "Nope"})


def test_rename_config_parses_both_forms():
    cfg = TopicsConfig.model_validate(
        {"rename": {3: "Deployment", 4: {"label": "Vote", "terms": ["vote"]}}}
    )
    assert cfg.rename[3] == "Deployment"
    assert cfg.rename[4].terms == ["vote"]
    with pytest.raises(ValueError, match="topic ids are -1"):
        TopicsConfig.model_validate({"rename": {-2: "x"}})
    with pytest.raises(ValueError, match="ngram_range"):
        TopicsConfig.model_validate({"ngram_range": [2, 1]})


def test_partition_agreement_by_hand():
    topics = np.array([0, 0, 0, 1, 1, 1])
    events = np.array(["A", "A", "B", "B", "B", "B"])
    scores = partition_agreement(topics, events)
    assert scores["purity"] == pytest.approx(5 / 6)  # topic 0: 2 of 3 A; topic 1: 3 of 3 B
    assert scores["inverse_purity"] == pytest.approx(5 / 6)  # A: 2 in 0; B: 3 in 1
    assert scores["events_with_specific_topic"] == 2
    assert scores["events_recovered"] == 2  # topic 0 holds 2/2 of A, topic 1 3/4 of B
    # B split over two topics: each is B's own, neither holds more than half of B
    split = partition_agreement(np.array([0, 0, 0, 1, 1, 1, 2, 2]), np.array(list("AABBBBBB")))
    assert split["events_with_specific_topic"] == 2
    assert split["events_recovered"] == 1
    identical = partition_agreement(np.array([0, 0, 1, 1]), np.array(["A", "A", "B", "B"]))
    assert identical["ami"] == pytest.approx(1.0) and identical["purity"] == 1.0


def test_dominant_topic_ignores_outliers_and_breaks_ties_low():
    units = pd.DataFrame(
        {
            S.DOC_ID: ["a", "a", "a", "a", "b", "b"],
            S.TOPIC: pd.array([-1, -1, 2, 1, 3, None], dtype="Int32"),
        }
    )
    assert dominant_topics(units).to_dict() == {"a": 1, "b": 3}
    result = event_agreement(units, pd.Series({"a": "E1", "b": "E2"}))
    assert result["articles"]["purity"] == 1.0
    assert result["outlier_share"] == pytest.approx(2 / 5)
