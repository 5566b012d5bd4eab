"""Event alignment: clustering, confidence, pins, scores (no model needed here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import adjusted_rand_score

from analysis import schema as S
from analysis.errors import CorpusError
from analysis.events import EventAligner, alignment_scores, assign_events, bcubed, load_pins
from analysis.events.align import days_since_epoch
from analysis.events.vectors import combine, lead_vectors
from analysis.study import EventsConfig


def planted(n_events=6, per_event=4, dim=32, noise=0.15, gap_days=5.0, seed=0):
    """Articles of ``n_events`` events: each event a random direction plus noise, its
    articles published within a day of each other, events ``gap_days`` apart."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_events, dim))
    truth = np.repeat(np.arange(n_events), per_event)
    X = centres[truth] + noise * rng.normal(size=(len(truth), dim))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    days = truth * gap_days + rng.uniform(0, 1, len(truth))
    outlets = np.tile([f"o{i}" for i in range(per_event)], n_events)
    return X.astype(np.float32), days, outlets, truth


def same_partition(a, b) -> bool:
    return adjusted_rand_score(a, b) == 1.0


def test_planted_events_are_recovered_exactly():
    X, days, outlets, truth = planted()
    labels = EventAligner(threshold=0.7, window_days=3).fit_predict(X, days, outlets)
    assert same_partition(labels, truth)


def test_the_window_splits_identical_stories_far_apart_in_time():
    X, days, outlets, truth = planted(n_events=2, per_event=3)
    X[3:] = X[:3]  # the second event reads exactly like the first...
    days[3:] = days[:3] + 10  # ...ten days later
    labels = EventAligner(threshold=0.7, window_days=3).fit_predict(X, days, outlets)
    assert same_partition(labels, truth)
    wide = EventAligner(threshold=0.7, window_days=30).fit_predict(X, days, outlets)
    assert len(np.unique(wide)) == 1


def test_no_event_spans_more_than_the_window():
    # A chain of near-identical articles one day apart: single linkage would make one
    # event of the whole chain; every inferred event must fit inside the window.
    rng = np.random.default_rng(1)
    base = rng.normal(size=16)
    X = base + 0.05 * rng.normal(size=(12, 16))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    days = np.arange(12, dtype=float)
    aligner = EventAligner(threshold=0.5, window_days=2).fit(X, days)
    for label in np.unique(aligner.labels_):
        member_days = days[aligner.labels_ == label]
        assert member_days.max() - member_days.min() <= 2


def test_component_shortcut_equals_average_linkage_on_the_full_matrix():
    X, days, _, _ = planted(n_events=8, per_event=5, noise=0.6, gap_days=1.0, seed=3)
    threshold, window = 0.45, 2.0
    fast = EventAligner(threshold, window).fit(X, days)
    sim = X.astype(np.float64) @ X.T.astype(np.float64)
    dist = 1 - sim
    dist[np.abs(days[:, None] - days[None, :]) > window] = 1e12
    np.fill_diagonal(dist, 0)
    order = np.lexsort((np.arange(len(days)), days))  # the aligner's order: ties matter
    tree = linkage(squareform(dist[np.ix_(order, order)], checks=False), "average")
    full = np.empty(len(days), dtype=int)
    full[order] = fcluster(tree, 1 - threshold, "distance")
    assert same_partition(fast.labels_, full)
    assert fast.n_components_ > 1  # the shortcut actually split the problem


def test_one_article_per_outlet_keeps_two_same_day_stories_apart():
    rng = np.random.default_rng(2)
    shared = rng.normal(size=24)
    a = shared + 0.6 * rng.normal(size=24)  # two stories of one day, both about the same
    b = shared + 0.6 * rng.normal(size=24)  # subject, each covered by the same 3 outlets
    X = np.vstack([a + 0.2 * rng.normal(size=(3, 24)), b + 0.2 * rng.normal(size=(3, 24))])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    days = np.zeros(6)
    outlets = np.array(["x", "y", "z", "x", "y", "z"])
    truth = np.array([0, 0, 0, 1, 1, 1])
    loose = EventAligner(0.3, 3, one_per_outlet=False).fit_predict(X, days, outlets)
    strict = EventAligner(0.3, 3, one_per_outlet=True).fit_predict(X, days, outlets)
    assert len(np.unique(loose)) == 1  # the threshold alone merges them
    assert same_partition(strict, truth)


def test_undated_articles_match_on_similarity_or_stay_alone():
    X, days, outlets, truth = planted(n_events=3, per_event=3)
    days = days.copy()
    days[4] = np.nan  # an article of event 1 lost its date
    matched = EventAligner(0.7, 3, undated="match").fit_predict(X, days, outlets)
    assert same_partition(matched, truth)
    alone = EventAligner(0.7, 3, undated="alone").fit_predict(X, days, outlets)
    assert np.sum(alone == alone[4]) == 1
    assert same_partition(np.delete(alone, 4), np.delete(truth, 4))


def test_labels_do_not_depend_on_input_order():
    X, days, outlets, _ = planted(n_events=5, per_event=4, noise=0.5, gap_days=1.5, seed=4)
    first = EventAligner(0.4, 2).fit_predict(X, days, outlets)
    perm = np.random.default_rng(0).permutation(len(days))
    second = EventAligner(0.4, 2).fit_predict(X[perm], days[perm], outlets[perm])
    assert same_partition(first[perm], second)


def test_cohesion_and_nearest_other_event():
    X, days, outlets, truth = planted(n_events=2, per_event=3, gap_days=1.0)
    aligner = EventAligner(0.7, 3).fit(X, days, outlets)
    sim = X @ X.T
    for i in range(len(truth)):
        mates = [j for j in range(len(truth)) if truth[j] == truth[i] and j != i]
        others = [j for j in range(len(truth)) if truth[j] != truth[i]]
        assert aligner.cohesion_[i] == pytest.approx(sim[i, mates].mean(), abs=1e-5)
        best = others[int(np.argmax(sim[i, others]))]
        assert aligner.nearest_other_[i] == best
        assert aligner.nearest_other_similarity_[i] == pytest.approx(sim[i, best], abs=1e-5)


def test_bcubed_matches_a_hand_calculation():
    # Items 1,2 (true a) and 3 (true b) are predicted together; item 4 (true b) alone.
    # Precision per item: 2/3, 2/3, 1/3, 1 -> 2/3. Recall: 1, 1, 1/2, 1/2 -> 3/4.
    p, r, f1 = bcubed(["a", "a", "b", "b"], [1, 1, 1, 2])
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(3 / 4)
    assert f1 == pytest.approx(12 / 17)
    assert bcubed([1, 1, 2], [5, 5, 7]) == (1.0, 1.0, 1.0)
    scores = alignment_scores(["a", "a", "b", "b"], [1, 1, 1, 2])
    assert scores["n_reference_events"] == 2 and scores["n_inferred_events"] == 2


def test_lead_vectors_average_the_first_sentences_and_combine_weights_title():
    keys = pd.DataFrame({S.DOC_ID: ["d1", "d1", "d1", "d2"], S.SENT_ID: [0, 1, 2, 0]})
    V = np.array([[1, 0], [0, 1], [5, 5], [2, 0]], dtype=np.float32)
    lead, has = lead_vectors(pd.Series(["d1", "d2", "d3"]), keys, V, n_lead=2)
    np.testing.assert_allclose(lead, [[0.5, 0.5], [2, 0], [0, 0]])
    assert has.tolist() == [True, True, False]
    title = np.array([[0, 1], [0, 1], [1, 0]], dtype=np.float64)
    out = combine(title, np.array([True, False, True]), lead, has, title_weight=0.5)
    expected0 = 0.5 * np.array([0, 1]) + 0.5 * np.array([1, 1]) / np.sqrt(2)
    np.testing.assert_allclose(out[0], expected0 / np.linalg.norm(expected0), atol=1e-6)
    np.testing.assert_allclose(out[1], [1, 0], atol=1e-6)  # no title: lead alone
    np.testing.assert_allclose(out[2], [1, 0], atol=1e-6)  # no lead: title alone


def articles_frame(X_truth, given=None, days=None):
    n = len(X_truth)
    published = pd.to_datetime(days, unit="D", utc=True) if days is not None else pd.NaT
    table = pd.DataFrame(
        {
            S.DOC_ID: [f"d{i:02d}" for i in range(n)],
            S.OUTLET: [f"o{i % 4}" for i in range(n)],
            S.PUBLISHED: published,
        }
    )
    if given is not None:
        table[S.EVENT_ID] = given
    return table


def test_given_ids_are_kept_and_inference_is_scored_against_them():
    X, days, _, truth = planted(n_events=4, per_event=4)
    arts = articles_frame(truth, given=[f"E{t}" for t in truth], days=days)
    events, metrics = assign_events(arts, X, EventsConfig(mode="given"))
    assert (events[S.EVENT_ID] == arts[S.EVENT_ID]).all()
    assert set(events[S.EVENT_SOURCE]) == {"given"} and (events[S.CONFIDENCE] == 1).all()
    assert metrics.empty
    assert (events[S.N_OUTLETS] == 4).all() and (events[S.N_ARTICLES] == 4).all()

    events, metrics = assign_events(arts, X, EventsConfig(mode="infer", threshold=0.7))
    assert set(events[S.EVENT_SOURCE]) == {"inferred"}
    assert same_partition(events[S.EVENT_ID], truth)
    scores = dict(zip(metrics[S.METRIC], metrics[S.VALUE], strict=True))
    assert scores["adjusted_rand_index"] == 1.0 and scores["bcubed_f1"] == 1.0
    # Inferred ids name the event's earliest article, so they survive unrelated edits.
    first = arts.loc[np.argmin(days[truth == 0]), S.DOC_ID]
    assert events.loc[truth == 0, S.EVENT_ID].unique().tolist() == [f"auto-{first}"]
    assert events[S.CONFIDENCE].between(0.7, 1).all()


def test_auto_mode_infers_only_where_no_id_is_given():
    X, days, _, truth = planted(n_events=3, per_event=4)
    given = [f"E{t}" if t == 0 else None for t in truth]
    arts = articles_frame(truth, given=given, days=days)
    events, _ = assign_events(arts, X, EventsConfig(threshold=0.7))
    assert (events.loc[truth == 0, S.EVENT_SOURCE] == "given").all()
    assert (events.loc[truth != 0, S.EVENT_SOURCE] == "inferred").all()
    assert same_partition(events[S.EVENT_ID], truth)


def test_disabled_inference_leaves_articles_without_an_id_alone():
    _, days, _, truth = planted(n_events=2, per_event=2)
    arts = articles_frame(truth, given=["E1", None, "E1", None], days=days)
    events, _ = assign_events(arts, None, EventsConfig(enabled=False))
    alone = events[events[S.EVENT_SOURCE] == "inferred"]
    assert len(alone) == 2 and (alone[S.N_ARTICLES] == 1).all()
    assert alone[S.NOTE].str.contains("events.enabled is false").all()


def test_pins_override_inference(tmp_path):
    X, days, _, truth = planted(n_events=2, per_event=3)
    arts = articles_frame(truth, days=days)
    pins_file = tmp_path / "event_pins.csv"
    pins_file.write_text("doc_id,event_id,note\nd00,storm,moved by hand\nd04,storm,\n")
    pins = load_pins(pins_file, arts[S.DOC_ID])
    events, _ = assign_events(arts, X, EventsConfig(threshold=0.7), pins)
    pinned = events.set_index(S.DOC_ID).loc[["d00", "d04"]]
    assert (pinned[S.EVENT_ID] == "storm").all() and (pinned[S.EVENT_SOURCE] == "pinned").all()
    assert (pinned[S.N_ARTICLES] == 2).all()
    rest = events[~events[S.DOC_ID].isin(["d00", "d04"])]
    assert rest[S.EVENT_ID].nunique() == 2  # the others keep their inferred events


@pytest.mark.parametrize(
    ("content", "line", "field", "message"),
    [
        ("doc,event_id\nd00,x\n", 1, S.DOC_ID, "column 'doc_id' is missing"),
        ("doc_id,event_id\nd00,x\nd99,y\n", 3, S.DOC_ID, "'d99' is not in the study"),
        ("doc_id,event_id\nd00,x\nd00,y\n", 3, S.DOC_ID, "pinned twice (first on line 2)"),
        ("doc_id,event_id\nd00,\n", 2, S.EVENT_ID, "event_id is empty"),
        ("doc_id,event_id\n ,x\n", 2, S.DOC_ID, "doc_id is empty"),
    ],
)
def test_bad_pins_name_the_line_and_field(tmp_path, content, line, field, message):
    path = tmp_path / "event_pins.csv"
    path.write_text(content)
    with pytest.raises(CorpusError) as err:
        load_pins(path, ["d00", "d01"])
    assert err.value.line == line and err.value.field == field
    assert message in str(err.value) and str(path) in str(err.value)


def test_empty_pins_file_pins_nothing(tmp_path):
    path = tmp_path / "event_pins.csv"
    path.write_text("")
    assert load_pins(path, ["d00"]).empty


def test_days_since_epoch_keeps_missing_dates_missing():
    out = days_since_epoch(pd.Series(pd.to_datetime(["1970-01-02T12:00Z", None], utc=True)))
    assert out[0] == pytest.approx(1.5) and np.isnan(out[1])


def test_a_pins_file_named_in_the_study_must_exist(make_study):
    from analysis.errors import StudyConfigError
    from analysis.stages.events import pins_path
    from analysis.study import Study

    default = Study.load(make_study())
    assert pins_path(default) is None  # the default file is optional
    (default.root / "event_pins.csv").write_text("doc_id,event_id\n")
    assert pins_path(default) == default.root / "event_pins.csv"

    named = Study.load(make_study(name="named", extra={"events": {"pins": "reviewed.csv"}}))
    with pytest.raises(StudyConfigError, match=r"events\.pins: file not found"):
        pins_path(named)


def test_event_settings_are_validated_with_their_path(make_study):
    from analysis.errors import StudyConfigError
    from analysis.study import Study

    with pytest.raises(StudyConfigError, match=r"events.threshold"):
        Study.load(make_study(name="bad", extra={"events": {"threshold": 1.5}}))
    with pytest.raises(StudyConfigError, match=r"events.treshold"):
        Study.load(make_study(name="typo", extra={"events": {"treshold": 0.5}}))
