"""The topics and topic_prevalence stages in the pipeline, on a small study of three themes."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
import yaml

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.pipeline import load_table, run
from analysis.stages.topics import model_dir
from analysis.study import Study
from analysis.topics.persist import load_topic_model

THEMES = {
    "harbour": (
        [
            "The cargo ship",
            "A container vessel",
            "The harbour crane",
            "The ferry from the islands",
            "A fishing trawler",
        ],
        [
            "was unloaded at the dock before dawn.",
            "waited outside the port for a berth.",
            "carried grain and timber to the quay.",
            "was delayed by fog in the shipping lane.",
            "was inspected by the harbour master.",
        ],
    ),
    "election": (
        [
            "The opposition candidate",
            "The governing party",
            "Election officials",
            "Volunteers at the polling station",
            "The electoral commission",
        ],
        [
            "counted the ballots late into the night.",
            "reported a record turnout in the capital.",
            "campaigned for votes in rural districts.",
            "disputed the preliminary results of the vote.",
            "published the final tally of seats.",
        ],
    ),
    "hospital": (
        [
            "The regional hospital",
            "Nurses on the night shift",
            "The clinic's doctors",
            "The health ministry",
            "Emergency ward staff",
        ],
        [
            "treated dozens of patients with influenza.",
            "ran short of beds during the winter wave.",
            "began a vaccination drive for the elderly.",
            "asked for more funding for surgery.",
            "reported long waiting times for treatment.",
        ],
    ),
}
OUTLETS = ["North Post", "South Herald", "East Wire"]


def themed_articles(seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    articles = []
    for t, (theme, (subjects, predicates)) in enumerate(THEMES.items()):
        for event in range(2):
            for o, outlet in enumerate(OUTLETS):
                for k in range(2):
                    picks = rng.choice(len(subjects) * len(predicates), 5, replace=False)
                    sentences = [
                        f"{subjects[i // len(predicates)]} {predicates[i % len(predicates)]}"
                        for i in picks
                    ]
                    articles.append(
                        {
                            "doc_id": f"{theme}-{event}-{o}-{k}",
                            "outlet": outlet,
                            "event_id": f"{theme}-{event}",
                            "title": f"{theme} report {event}",
                            "published": f"2025-0{1 + t}-{10 + event:02d}T08:00:00Z",
                            "text": " ".join(sentences[:3]) + "\n" + " ".join(sentences[3:]),
                        }
                    )
    return articles


TOPICS = {"unit": "sentence", "min_topic_size": 8}


@pytest.fixture
def themed(make_study, build_root):
    def make(**topics):
        folder = make_study(
            themed_articles(), name="themes", extra={"topics": {**TOPICS, **topics}}
        )
        return folder, Study.load(folder, build_root)

    return make


def statuses(reports):
    return {r.name: r.status for r in reports}


@pytest.mark.slow
def test_topic_stages_keep_every_unit_and_save_a_loadable_model(themed):
    _, study = themed()
    run(study, targets=["topic_prevalence"])
    sentences = load_table(study, "sentences")
    units = load_table(study, "topic_units")
    assert len(units) == len(sentences)  # every unit is kept
    assert units[S.TOPIC].notna().all()
    info = load_table(study, "topic_info")
    assert (info[S.TOPIC] >= 0).sum() >= 2
    assert info[S.SHARE].sum() == pytest.approx(1.0)
    model = load_topic_model(model_dir(study))
    assert sorted(model.topic_sizes_) == sorted(info.loc[info[S.N_UNITS] > 0, S.TOPIC])
    saved = model.get_topic_info().set_index("Topic")["CustomName"]  # BERTopic's columns
    assert saved.to_dict() == info.set_index(S.TOPIC)[S.AUTO_LABEL].reindex(saved.index).to_dict()
    umask = os.umask(0)
    os.umask(umask)
    for path in [model_dir(study), *model_dir(study).iterdir()]:
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert stat.S_IMODE(path.stat().st_mode) == expected, path

    shares = load_table(study, "article_topics")
    per_article = shares.groupby(S.DOC_ID)[S.SHARE].sum()
    assert per_article.to_numpy() == pytest.approx(1.0)
    assert set(load_table(study, "outlet_topics")[S.CLUSTER_BY]) == {"event"}
    effects = load_table(study, "topic_effects")
    assert effects[S.MODEL].str.contains("event FE").all()
    assert len(load_table(study, "topic_time")) > 0


def test_renaming_reruns_prevalence_only_and_checks_the_terms(themed):
    folder, study = themed()
    run(study, targets=["topic_prevalence"])
    terms = load_table(study, "topic_terms")
    top = terms[(terms[S.TOPIC] == 0) & (terms[S.RANK] == 1)][S.TERM].item()

    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["topics"]["rename"] = {0: {"label": "Topic zero", "terms": [top]}}
    (folder / "study.yaml").write_text(yaml.safe_dump(config))
    study = Study.load(folder, study.build_root)
    reports, _ = run(study, targets=["topic_prevalence"])
    assert statuses(reports)["topics"] == "skipped"
    assert statuses(reports)["topic_prevalence"] == "ran"
    labels = load_table(study, "topic_labels").set_index(S.TOPIC)
    assert labels.loc[0, S.LABEL] == "Topic zero" and labels.loc[0, S.RENAMED]

    config["topics"]["rename"] = {0: {"label": "Topic zero", "terms": ["no such term"]}}
    (folder / "study.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(StudyConfigError, match=r"study.yaml: topics.rename.0"):
        run(Study.load(folder, study.build_root), targets=["topic_prevalence"])


def test_event_source_none_resamples_articles(themed):
    _, study = themed(event_source="none")
    run(study, targets=["topic_prevalence"])
    assert set(load_table(study, "outlet_topics")[S.CLUSTER_BY]) == {"article"}
    assert load_table(study, "article_topics")[S.EVENT_ID].isna().all()
    assert (load_table(study, "topic_effects")[S.MODEL] == "ols ~ outlet; HC2 SEs").all()


def test_disabling_topics_writes_empty_tables_and_removes_the_model(themed):
    folder, study = themed()
    run(study, targets=["topics"])
    assert model_dir(study).exists()
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["topics"]["enabled"] = False
    (folder / "study.yaml").write_text(yaml.safe_dump(config))
    study = Study.load(folder, study.build_root)
    run(study, targets=["topic_prevalence"])
    for table in ("topic_units", "topic_info", "outlet_topics", "topic_effects"):
        assert load_table(study, table).empty, table
    assert not model_dir(study).exists()  # no model contradicting the (empty) tables


def test_paragraph_units_follow_the_line_breaks(themed):
    _, study = themed(unit="paragraph", min_topic_size=5)
    run(study, targets=["topics"])
    units = load_table(study, "topic_units")
    assert len(units) == 2 * len(themed_articles())  # two paragraphs per article
    assert set(units[S.N_SENTENCES]) == {2, 3}
