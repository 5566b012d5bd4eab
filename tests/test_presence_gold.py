import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.aggregate import article_frames, outlet_frames
from analysis.errors import CorpusError
from analysis.frames.gold import align_gold, load_gold
from analysis.frames.presence import f1_optimal_threshold
from analysis.frames.thresholds import frame_thresholds
from analysis.study import Codebook, ScoringConfig
from tests.conftest import TINY_CODEBOOK

CODEBOOK = Codebook.model_validate(TINY_CODEBOOK)


def test_f1_optimal_threshold_by_hand():
    # framed: the three highest, plus one low outlier
    relevance = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.2])
    framed = np.array([1, 1, 1, 0, 0, 1], dtype=bool)
    tau, f1 = f1_optimal_threshold(relevance, framed)
    # cut at 0.7: P = 3/3, R = 3/4 -> F1 = 6/7; cutting at 0.2 gives P=4/6, R=1 -> 0.8
    assert tau == pytest.approx(0.7)
    assert f1 == pytest.approx(6 / 7)


def test_threshold_needs_both_classes():
    with pytest.raises(ValueError, match="both framed and unframed"):
        f1_optimal_threshold(np.array([0.1, 0.2]), np.array([True, True]))


def sentences():
    return pd.DataFrame(
        {
            S.DOC_ID: ["a", "a", "a", "b"],
            S.SENT_ID: [0, 1, 2, 0],
            S.CHAR_START: [0, 10, 30, 0],
            S.CHAR_END: [9, 29, 40, 20],
        }
    )


def test_gold_aligns_by_overlap_not_exact_offsets():
    gold = pd.DataFrame(
        {
            S.DOC_ID: ["a", "a", "b"],
            S.CHAR_START: [0, 11, 50],
            S.CHAR_END: [9, 40, 60],
            S.POLE: ["heroic_sacrifice", None, "cannon_fodder"],
            S.VOICE: ["authorial", "quoted", "quoted"],
        }
    )
    out = align_gold(sentences(), gold)
    assert list(out["gold_pole"].fillna("-")) == ["heroic_sacrifice", "-", "-", "-"]
    # sentence a/1 (10-29) overlaps the span 11-40 by 18 of its 19 chars; a/2 (30-40) by all 10
    assert list(out["gold_voice"].fillna("-")) == ["authorial", "quoted", "quoted", "-"]


def test_gold_file_errors_name_line_and_field(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("doc_id,char_start,char_end,pole\na,0,5,x\nb,zero,5,y\n")
    with pytest.raises(CorpusError, match=r"gold\.csv, line 3, field 'char_start': not an integer"):
        load_gold(path, CODEBOOK)
    path.write_text("doc_id,start\n")
    with pytest.raises(CorpusError, match=r"field 'char_start': missing column"):
        load_gold(path, CODEBOOK)


def test_thresholds_from_gold_config_or_default():
    codebook = CODEBOOK
    relevance = np.array([[0.9], [0.8], [0.3], [0.2], [0.1]])
    gold = pd.DataFrame(
        {
            "gold_sacrifice": ["heroic_sacrifice", "cannon_fodder", "none", "none", None],
            "gold_voice": ["authorial"] * 5,
        }
    )
    enough = ScoringConfig(min_gold_per_code=1)
    t = frame_thresholds(relevance, codebook, enough, gold)
    assert t.loc[0, S.THRESHOLD] == pytest.approx(0.8) and t.loc[0, S.THRESHOLD_SOURCE] == "gold"
    assert t.loc[0, S.F1] == pytest.approx(1.0) and t.loc[0, S.N_CODED] == 4  # last: uncoded
    t = frame_thresholds(relevance, codebook, ScoringConfig(presence_threshold=0.5), gold)
    assert (t.loc[0, S.THRESHOLD], t.loc[0, S.THRESHOLD_SOURCE]) == (0.5, "config")
    t = frame_thresholds(relevance, codebook, ScoringConfig(default_threshold=0.4), None)
    assert (t.loc[0, S.THRESHOLD], t.loc[0, S.THRESHOLD_SOURCE]) == (0.4, "default")


def test_a_tiny_gold_set_is_reported_but_does_not_set_thresholds(caplog):
    relevance = np.array([[0.9], [0.8], [0.3], [0.2]])
    gold = pd.DataFrame({"gold_sacrifice": ["heroic_sacrifice", "cannon_fodder", "none", "none"]})
    config = ScoringConfig(default_threshold=0.4, min_gold_per_code=2)
    with caplog.at_level("INFO", logger="analysis.frames.thresholds"):
        t = frame_thresholds(relevance, CODEBOOK, config, gold)
    assert (t.loc[0, S.THRESHOLD], t.loc[0, S.THRESHOLD_SOURCE]) == (0.4, "default")
    assert t.loc[0, S.N_CODED] == 4  # still reported
    assert "heroic_sacrifice 1, cannon_fodder 1, none 2" in t.loc[0, S.NOTE]
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "gold set too small" in warnings[0].getMessage()
    # at the minimum, the gold set decides
    config = ScoringConfig(min_gold_per_code=1)
    assert frame_thresholds(relevance, CODEBOOK, config, gold).loc[0, S.THRESHOLD_SOURCE] == "gold"


def test_article_score_counts_absent_sentences_as_neutral():
    scores = pd.DataFrame(
        {
            S.DOC_ID: ["a"] * 4,
            S.SENT_ID: [0, 1, 2, 3],
            S.OUTLET: ["o"] * 4,
            S.FRAME: ["f"] * 4,
            S.POSITION: [0.4, -0.2, -0.05, -0.05],
            S.RELEVANCE: [0.5, 0.5, 0.1, 0.1],
            S.PRESENT: [True, True, False, False],
        }
    )
    art = article_frames(scores)
    assert art.loc[0, S.POSITION] == pytest.approx((0.4 - 0.2) / 4)
    assert art.loc[0, S.SHARE_PRESENT] == 0.5 and art.loc[0, S.N_SENTENCES] == 4
    assert art.loc[0, S.VIEW] == "all"


def test_outlet_means_weight_articles_equally():
    art = pd.DataFrame(
        {
            S.DOC_ID: ["a", "b", "c"],
            S.OUTLET: ["o", "o", "o"],
            S.FRAME: ["f"] * 3,
            S.VIEW: ["all"] * 3,
            S.POSITION: [0.1, 0.2, 0.6],
            S.SHARE_PRESENT: [1.0] * 3,
            S.N_SENTENCES: [1, 50, 3],
        }
    )
    out = outlet_frames(art, n_boot=200, ci=0.95, seed=1)
    assert out.loc[0, S.MEAN] == pytest.approx(0.3) and out.loc[0, S.N_ARTICLES] == 3


def test_tiny_gold_set_is_reported_in_one_line_without_sklearn_warnings(
    make_study, build_root, caplog, recwarn
):
    import yaml

    from analysis.pipeline import load_table, run
    from analysis.study import Study

    folder = make_study()
    study = Study.load(folder, build_root)
    run(study, targets=["sentences"])
    sentences = load_table(study, "sentences")
    wanted = {
        "The nation will remember the glorious heroes for ever.": "heroic_sacrifice",
        "They were expendable bodies thrown into a meat grinder.": "cannon_fodder",
        "The meeting took place in the capital.": "none",
    }
    picked = sentences[sentences[S.TEXT].isin(wanted)].groupby(S.TEXT).head(3)
    rows = [
        f"{r.doc_id},{r.char_start},{r.char_end},x,{wanted[r.text]},authorial"
        for r in picked.itertuples()
    ]
    (folder / "gold.csv").write_text(
        "doc_id,char_start,char_end,coder,sacrifice,voice\n" + "\n".join(rows) + "\n"
    )
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["gold"] = "gold.csv"
    (folder / "study.yaml").write_text(yaml.safe_dump(config))
    study = Study.load(folder, build_root)
    with caplog.at_level("INFO"):
        run(study, targets=["frame_scores", "validation"])
    thresholds = load_table(study, "frame_thresholds")
    assert list(thresholds[S.THRESHOLD_SOURCE]) == ["default"]
    assert thresholds.loc[0, S.N_CODED] == len(picked) <= 9
    too_small = [r for r in caplog.records if "gold set too small" in r.getMessage()]
    assert len(too_small) == 1 and too_small[0].levelname == "WARNING"
    validation = load_table(study, "validation")
    counts = validation[validation["metric"] == "n_gold"].set_index("label")["support"]
    assert counts.sum() == len(picked)  # the tiny gold set is still reported
    assert "supervised" not in set(validation["method"])  # no classifier on 3 per code
    noisy = [w for w in recwarn.list if "sklearn" in w.filename or "sklearn" in str(w.category)]
    assert noisy == [], [str(w.message) for w in noisy]
