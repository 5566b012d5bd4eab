"""Degenerate codebooks (issue 11): poles the model cannot tell apart gave every
sentence position 0.0 while frames were still "present"; exemplars in another language
ran silently in an English-model study."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.errors import StudyConfigError
from analysis.frames.axes import PoleAxisScorer, foreign_exemplars
from analysis.study import Codebook
from tests.conftest import TINY_CODEBOOK

runner = CliRunner()


def _codebook(a: list[str], b: list[str]) -> dict:
    book = copy.deepcopy(TINY_CODEBOOK)
    book["frames"][0]["poles"][0]["exemplars"] = a
    book["frames"][0]["poles"][1]["exemplars"] = b
    return book


@pytest.mark.parametrize(
    "b", [["Same words here."], ["  same WORDS   here."], ["Other.", "Same words here."]]
)
def test_an_exemplar_on_both_poles_is_a_config_error(make_study, build_root, b):
    folder = make_study(codebook=_codebook(["Same words here."], b))
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "codebook.frames[0]" in result.output and "on both poles" in result.output


def test_poles_the_model_maps_to_one_point_are_an_error_with_the_measured_cosine():
    book = Codebook.model_validate(_codebook(["Heroes."], ["Heroes ."]))
    v = np.array([0.6, 0.8, 0.0])
    with pytest.raises(StudyConfigError, match=r"cannot tell its poles apart \(cosine .*1\.0000"):
        PoleAxisScorer(book).fit(np.vstack([v, v]), ["heroic_sacrifice", "cannon_fodder"])


def test_distinct_poles_fit():
    book = Codebook.model_validate(_codebook(["Heroes."], ["Fodder."]))
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    scorer = PoleAxisScorer(book).fit(X, ["heroic_sacrifice", "cannon_fodder"])
    assert scorer.transform(X)[:, 0].tolist() == pytest.approx([0.7071, -0.7071], abs=1e-4)


def test_foreign_exemplars_are_named_for_an_english_model():
    book = Codebook.model_validate(
        _codebook(
            ["Die gefallenen Soldaten haben ihr Leben heldenhaft für das Vaterland gegeben."],
            ["The conscripts were sent to die as cannon fodder."],
        )
    )
    found = foreign_exemplars(book, "all-MiniLM-L6-v2")
    assert [(pole, language) for pole, _, language, _ in found] == [("heroic_sacrifice", "de")]
    assert foreign_exemplars(book, "paraphrase-multilingual-MiniLM-L12-v2") == []
    assert foreign_exemplars(Codebook.model_validate(TINY_CODEBOOK), "all-MiniLM-L6-v2") == []
