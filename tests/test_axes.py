import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.frames.axes import PoleAxisScorer, score_sentences
from analysis.study import Codebook

CODEBOOK = Codebook.model_validate(
    {
        "frames": [
            {
                "id": "f",
                "poles": [{"id": "a", "exemplars": ["a1", "a2"]}, {"id": "b", "exemplars": ["b1"]}],
            },
            {"id": "u", "poles": [{"id": "c", "exemplars": ["c1"]}]},
        ]
    }
)


def fitted():
    # 3-d toy space: pole a along x (two exemplars), pole b along y, pole c along z.
    X = np.array([[1.0, 0.1, 0], [1.0, -0.1, 0], [0, 1.0, 0], [0, 0, 1.0]])
    return PoleAxisScorer(CODEBOOK).fit(X, ["a", "a", "b", "c"])


def test_axis_is_difference_of_pole_centroids():
    scorer = fitted()
    # centroid a = (1, 0, 0), centroid b = (0, 1, 0); axis ∝ (1, -1, 0)
    np.testing.assert_allclose(scorer.axes_[0], np.array([1, -1, 0]) / np.sqrt(2))
    np.testing.assert_allclose(scorer.axes_[1], [0, 0, 1])


def test_positions_by_hand():
    scorer = fitted()
    X = np.array([[1.0, 0, 0], [0, 1.0, 0], [1.0, 1.0, 0], [0, 0, 2.0]])
    pos = scorer.transform(X)
    np.testing.assert_allclose(pos[:, 0], [1 / np.sqrt(2), -1 / np.sqrt(2), 0, 0], atol=1e-12)
    np.testing.assert_allclose(pos[:, 1], [0, 0, 0, 1], atol=1e-12)
    rel = scorer.relevance(X)
    # relevance = max cosine with either pole centroid
    np.testing.assert_allclose(rel[:, 0], [1, 1, 1 / np.sqrt(2), 0], atol=1e-12)


def test_missing_pole_embeddings_raise():
    with pytest.raises(ValueError, match="no exemplar embeddings given for pole 'b'"):
        PoleAxisScorer(CODEBOOK).fit(np.eye(3), ["a", "a", "c"])


def test_score_sentences_long_table():
    scorer = fitted()
    sentences = pd.DataFrame({S.DOC_ID: ["d", "d"], S.SENT_ID: [0, 1], S.OUTLET: ["o", "o"]})
    X = np.array([[1.0, 0, 0], [0, 0.6, 0.8]])
    out = score_sentences(sentences, X, scorer, {"f": 0.9, "u": 0.5})
    assert list(out[S.FRAME]) == ["f", "u", "f", "u"]
    assert out[S.POSITION].iloc[0] == pytest.approx(1 / np.sqrt(2))
    # relevance on f: 1.0 then 0.6 (< 0.9); on u: 0.0 then 0.8 (>= 0.5)
    assert list(out[S.PRESENT]) == [True, False, False, True]
