"""Hostile gold files (issue 11): a span whose article text moved, a file that codes
another corpus, rows that cannot be located. Each row is verified, moved to where its
text now is, or rejected with its reason; never attached to the wrong sentence.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.errors import CorpusError
from analysis.frames.anchor import anchor_gold
from analysis.frames.annotate import import_sheet
from analysis.frames.axes import PoleAxisScorer
from analysis.frames.gold import ANCHOR_REPORT, study_gold
from analysis.frames.thresholds import frame_thresholds
from analysis.frames.validation import validate_codes
from analysis.io import read_csv_table
from analysis.pipeline import load_table, run
from analysis.study import Codebook, ScoringConfig, Study
from tests.conftest import TINY_CODEBOOK

A = "The conscripts were sent to die as cannon fodder."
B = "Officials met on Monday."


def _sentences(rows):
    return pd.DataFrame(rows, columns=[S.DOC_ID, S.CHAR_START, S.CHAR_END, S.TEXT])


def _gold(rows, with_text=True):
    cols = [S.DOC_ID, S.CHAR_START, S.CHAR_END, S.POLE] + ([S.TEXT] if with_text else [])
    frame = pd.DataFrame(rows, columns=cols)
    frame.index = pd.Index(range(2, 2 + len(rows)), name="line")
    return frame


def test_each_gold_row_gets_one_outcome():
    sents = _sentences([("d", 30, 30 + len(A), A), ("d", 81, 81 + len(B), B), ("e", 0, 1, "x")])
    gold = _gold(
        [
            ("d", 30, 30 + len(A), "p", f"  {A}\n"),  # verified (whitespace normalised)
            ("d", 0, len(B), "q", B),  # moved: B is now at 81
            ("d", 0, 10, "q", "Not in the article."),  # rejected: text not found
            ("zz", 0, 10, "q", A),  # rejected: unknown article
            ("d", 30, 40, "q", None),  # unchecked: no text
        ]
    )
    result = anchor_gold(gold, sents)
    assert result.report["outcome"].tolist() == [
        "verified",
        "moved",
        "rejected",
        "rejected",
        "unchecked",
    ]
    assert result.report["line"].tolist() == [2, 3, 4, 5, 6]
    assert result.gold.loc[3, [S.CHAR_START, S.CHAR_END]].tolist() == [81, 81 + len(B)]
    assert 4 not in result.gold.index and 5 not in result.gold.index
    assert "not in this article" in result.report.loc[2, "reason"]


def test_a_span_whose_text_occurs_twice_is_rejected_not_guessed():
    sents = _sentences([("d", 0, len(B), B), ("d", 100, 100 + len(B), B)])
    result = anchor_gold(_gold([("d", 50, 60, "p", B)]), sents)
    assert result.report["outcome"].tolist() == ["rejected"]
    assert "2 times" in result.report["reason"].iloc[0]


def test_a_part_of_a_sentence_is_found_inside_it():
    sents = _sentences([("d", 10, 10 + len(A), A)])
    result = anchor_gold(_gold([("d", 0, 13, "p", "cannon fodder")]), sents)
    start = 10 + A.index("cannon fodder")
    assert result.gold[[S.CHAR_START, S.CHAR_END]].values.tolist() == [[start, start + 13]]


def _shifted_study(make_study, build_root, prefix: str, gold_rows):
    articles = [
        {"doc_id": "a", "outlet": "Herald", "text": prefix + f"{A} {B}"},
        {"doc_id": "b", "outlet": "Times", "text": prefix + f"{B} {A}"},
    ]
    folder = make_study(articles, extra={"gold": "gold.csv"})
    pd.DataFrame(gold_rows, columns=[S.DOC_ID, S.CHAR_START, S.CHAR_END, S.POLE, S.TEXT]).to_csv(
        folder / "gold.csv", index=False
    )
    study = Study.load(folder, build_root)
    run(study, targets=["sentences"])
    return study, load_table(study, "sentences")


def test_gold_follows_its_text_after_a_correction_line_is_prepended(make_study, build_root):
    """The issue's case: offsets coded before a correction line was added to each article.
    Before, the codes attached to whatever sentence now sat at the old offsets."""
    rows = [
        ("a", 0, len(A), "cannon_fodder", A),
        ("b", 0, len(B), "", B),
    ]
    study, sents = _shifted_study(
        make_study, build_root, "Correction: an earlier version erred. ", rows
    )
    aligned = study_gold(study, sents).merge(sents, on=[S.DOC_ID, S.SENT_ID])
    coded = aligned[aligned["gold_sacrifice"].notna()]
    assert coded[S.TEXT].tolist() == [A]  # the fodder sentence, not the correction line
    report = read_csv_table(study.build_dir / ANCHOR_REPORT, "report")
    assert report["outcome"].tolist() == ["moved", "moved"]


def test_a_gold_file_that_codes_another_corpus_is_an_error(make_study, build_root):
    rows = [("x1", 0, len(A), "cannon_fodder", A), ("x2", 0, len(B), "", B)]
    study, sents = _shifted_study(make_study, build_root, "", rows)
    with pytest.raises(CorpusError) as err:
        study_gold(study, sents)
    assert err.value.path.endswith("gold.csv")
    assert "none of the 2 gold rows matches an article" in str(err.value)
    report = read_csv_table(study.build_dir / ANCHOR_REPORT, "report")
    assert set(report["reason"]) == {"no article with this doc_id (rejected or not in the corpus)"}


def test_imported_codes_keep_the_coded_text_for_anchoring(tmp_path):
    path = tmp_path / "coded.csv"
    pd.DataFrame(
        {
            S.DOC_ID: ["a", "b"],
            S.SENT_ID: [0, 0],
            S.CHAR_START: [0, 0],
            S.CHAR_END: [len(A), len(B)],
            S.TEXT: [A, B],
            S.CODER: ["ana", "ana"],
            "sacrifice": ["cannon_fodder", ""],
            "voice": ["authorial", ""],
        }
    ).to_csv(path, index=False)
    codes = import_sheet(path, Codebook.model_validate(TINY_CODEBOOK)).codes
    assert codes[S.TEXT].tolist() == [A]


def _aligned_gold(codes: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {"gold_sacrifice": codes, "gold_voice": ["authorial"] * len(codes)}, dtype=object
    )


def test_a_gold_file_that_misses_a_frame_falls_back_to_the_default_threshold(caplog):
    """Before: ValueError from f1_optimal_threshold, a raw traceback from frame_scores."""
    book = Codebook.model_validate(TINY_CODEBOOK)
    relevance = np.linspace(0, 1, 10)[:, None]
    config = ScoringConfig(min_gold_per_code=3)
    table = frame_thresholds(relevance, book, config, _aligned_gold([None] * 10))
    assert table[[S.THRESHOLD, S.THRESHOLD_SOURCE]].values.tolist() == [
        [config.default_threshold, "default"]
    ]
    with caplog.at_level(logging.WARNING):
        table = frame_thresholds(relevance, book, config, _aligned_gold(["cannon_fodder"] * 10))
    assert table[[S.THRESHOLD, S.THRESHOLD_SOURCE]].values.tolist() == [
        [config.default_threshold, "default"]
    ]
    assert "gold set too small" in caplog.text and "sacrifice" in caplog.text
    assert "too small" in table[S.NOTE].iloc[0]
    mixed = ["cannon_fodder"] * 3 + ["heroic_sacrifice"] * 3 + ["none"] * 4
    table = frame_thresholds(relevance[::-1], book, config, _aligned_gold(mixed))
    assert table[S.THRESHOLD_SOURCE].tolist() == ["gold"]


def test_a_gold_file_without_a_frame_column_is_read_as_not_coded():
    book = Codebook.model_validate(TINY_CODEBOOK)
    gold = pd.DataFrame({"gold_voice": ["quoted"] * 4})
    table = frame_thresholds(np.zeros((4, 1)), book, ScoringConfig(), gold)
    assert table[[S.THRESHOLD_SOURCE, S.N_CODED]].values.tolist() == [["default", 0]]


def test_a_frame_with_too_few_gold_codes_is_reported_not_a_crash():
    book = Codebook.model_validate(TINY_CODEBOOK)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 4))
    scorer = PoleAxisScorer(book).fit(
        rng.normal(size=(2, 4)), ["heroic_sacrifice", "cannon_fodder"]
    )
    sentences = pd.DataFrame({S.VOICE: ["authorial"] * 20})
    gold = _aligned_gold(["cannon_fodder"] * 2 + ["none"] * 18)
    table = validate_codes(
        sentences, X, gold, scorer, np.arange(20) % 10, seed=0, min_gold_per_code=15, n_boot=50
    )
    mine = table[table[S.FRAME] == "sacrifice"]
    counts = mine[mine[S.METRIC] == "n_gold"].set_index(S.LABEL)[S.VALUE].to_dict()
    assert counts["cannon_fodder"] == 2 and counts["none"] == 18
    assert "supervised" not in set(mine[S.METHOD])  # not trained on two examples


def test_every_demo_gold_span_is_verified_fragments_included(tmp_path):
    """Spans over sentences too short to score ("Free will?") are still the coded text:
    anchoring reads every sentence, scoring then leaves fragments out."""
    from tests.conftest import DEMO

    study = Study.load(DEMO, tmp_path / "build")
    run(study, targets=["sentences"])
    sentences = load_table(study, "sentences")
    assert sentences[S.FRAGMENT].any()
    study_gold(study, sentences)
    report = read_csv_table(study.build_dir / ANCHOR_REPORT, "report")
    assert set(report["outcome"]) == {"verified"}
