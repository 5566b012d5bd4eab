"""Issue 5 on the demo: framing by voice, and agreement with the planted gold codes."""

import json

import pytest

from analysis import schema as S
from analysis.io import read_meta
from analysis.pipeline import load_table, table_path


def metric(validation, method, frame, name):
    row = validation[(validation["method"] == method) & (validation["metric"] == name)]
    if frame is not None:
        row = row[row["frame"] == frame]
    return float(row["value"].item())


def test_own_voice_recovers_the_planted_extremes(demo_run, record_property):
    study, *_ = demo_run
    outlets = load_table(study, "outlets").set_index(S.OUTLET)
    scores = load_table(study, "outlet_frames")
    own = scores[(scores[S.FRAME] == "sacrifice") & (scores[S.VIEW] == "own")].set_index(S.OUTLET)
    record_property("sacrifice_own_means", own[S.MEAN].round(4).to_dict())
    assert own[S.MEAN].idxmax() == outlets.index[outlets[S.GROUP] == "sending_state"].item()
    assert own[S.MEAN].idxmin() == outlets.index[outlets[S.GROUP] == "opposing_side"].item()


def test_scare_quoting_tabloid_reports_more_heroism_than_it_adopts(demo_run):
    """The Daily Sentinel quotes the regime's heroic words to mock them: its reported
    sentences sit well to the heroic side of its own voice (planted in the corpus)."""
    study, *_ = demo_run
    scores = load_table(study, "outlet_frames")
    ds = scores[(scores[S.OUTLET] == "Daily Sentinel") & (scores[S.FRAME] == "sacrifice")]
    by_view = ds.set_index(S.VIEW)
    assert by_view.loc["reported", S.MEAN] - by_view.loc["own", S.MEAN] > 0.02


def test_frames_agree_with_gold_out_of_sample(demo_run, record_property):
    """Floors are set below the measured values (sacrifice macro F1 0.64 axis / 0.66
    classifier, alpha 0.42 / 0.48, direction AUC 0.92) with room for small changes, and
    well above chance (a 3-way macro F1 of ~0.33; alpha 0)."""
    study, *_ = demo_run
    v = load_table(study, "validation")
    measured = {
        (m, name): round(metric(v, m, "sacrifice", name), 3)
        for m in ("axis", "supervised")
        for name in ("f1_macro", "krippendorff_alpha", "auc_macro")
    }
    record_property("sacrifice_validation", measured)
    assert measured[("axis", "f1_macro")] >= 0.55
    assert measured[("supervised", "f1_macro")] >= 0.55
    assert measured[("axis", "krippendorff_alpha")] >= 0.3
    assert metric(v, "axis", "sacrifice", "auc_direction") >= 0.85
    assert measured[("supervised", "auc_macro")] >= 0.85
    # The other frames: 3-way macro F1 (chance ~0.33); legitimacy measured 0.397 on the
    # integrated pipeline (legitimacy lowest); the floor keeps them clear of chance.
    for frame in ("legitimacy", "deployment", "credibility"):
        assert metric(v, "axis", frame, "f1_macro") > 0.37, frame


def test_voice_detection_agrees_with_gold(demo_run, record_property):
    study, *_ = demo_run
    v = load_table(study, "validation")
    accuracy = metric(v, "voice_rules", None, "accuracy")
    alpha = metric(v, "voice_rules", None, "krippendorff_alpha")
    record_property("voice_accuracy", round(accuracy, 3))
    assert accuracy >= 0.8 and alpha >= 0.65
    f1 = v[(v["method"] == "voice_rules") & (v["metric"] == "f1")].set_index("label")["value"]
    assert f1["scare_quoted"] >= 0.65


@pytest.mark.slow
def test_supervised_scoring_method_runs_end_to_end(demo_run, tmp_path):
    """scoring.method: supervised replaces the axes with cross-fitted classifiers."""
    import yaml

    from analysis.pipeline import run
    from analysis.study import Study
    from tests.conftest import DEMO

    folder = tmp_path / "demo_supervised"
    folder.mkdir()
    config = yaml.safe_load((DEMO / "study.yaml").read_text())
    config["name"] = "demo_supervised"
    config["scoring"] = {"method": "supervised"}
    for key in ("corpus",):
        for entry in config[key]:
            entry["path"] = str(DEMO / entry["path"])
    config["outlets"] = str(DEMO / config["outlets"])
    config["gold"] = str(DEMO / config["gold"])
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    study = Study.load(folder, tmp_path / "build")
    run(study, targets=["aggregate"])
    scores = load_table(study, "outlet_frames")
    own = scores[(scores[S.FRAME] == "sacrifice") & (scores[S.VIEW] == "own")].set_index(S.OUTLET)
    assert own[S.MEAN].idxmax() == "Dravenian Central News Agency"
    assert own[S.MEAN].idxmin() == "Kalvia Independent"
    thresholds = load_table(study, "frame_thresholds")
    assert set(thresholds[S.THRESHOLD_SOURCE]) == {"supervised"}


def test_validation_notebook_writes_the_figure_with_its_provenance(demo_run, demo_notebooks):
    study, _, _, figures = demo_run
    assert demo_notebooks["06_validation"].exists()
    folder = figures / "demo"
    assert (folder / "validation.pdf").read_bytes().startswith(b"%PDF")
    sidecar = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    assert (sidecar["study"], sidecar["figure"]) == ("demo", "validation")
    assert sidecar["files"] == ["validation.pdf", "validation.svg", "validation.png"]
    assert sidecar["caption"].startswith("Out-of-sample agreement")
    # the figure names the exact table it was drawn from
    validation = read_meta(table_path(study, "validation"))
    assert sidecar["tables"] == {"validation": validation["fingerprint"]}


def test_own_view_keeps_the_outlets_words_in_mixed_sentences(demo_run):
    """The own view holds authorial sentences and, with spans, the outlet's own part of
    sentences that also quote: more units than authorial sentences, never fewer."""
    study, *_ = demo_run
    sentences = load_table(study, "sentences")
    scores = load_table(study, "frame_scores")
    one_frame = scores[scores[S.FRAME] == scores[S.FRAME].iloc[0]]
    n_own = int((one_frame[S.VIEW] == "own").sum())
    n_authorial = int((sentences[S.VOICE] == "authorial").sum())
    assert n_own > n_authorial
    spans = load_table(study, "spans")
    mixed = spans.groupby(S.SENT_KEY)[S.VOICE].nunique() > 1
    assert mixed.sum() > 0.3 * len(sentences)
