import copy

import pandas as pd
import pytest
import yaml

from analysis import schema as S
from analysis.errors import StageError
from analysis.io import read_meta
from analysis.pipeline import order, run, table_path
from analysis.study import Study
from tests.conftest import TINY_CODEBOOK


def statuses(reports):
    return {r.name: r.status for r in reports}


def test_stage_order_is_topological():
    names = [s.name for s in order()]
    assert names.index("articles") < names.index("sentences") < names.index("embeddings")
    assert names.index("embeddings") < names.index("frame_scores") < names.index("aggregate")
    assert [s.name for s in order(["sentences"])] == ["articles", "sentences"]
    with pytest.raises(StageError, match="unknown stage 'nope'"):
        order(["nope"])


@pytest.mark.slow
def test_rerun_skips_and_codebook_edit_rescores_only(make_study, build_root, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "own-cache"))
    folder = make_study()
    study = Study.load(folder, build_root)

    reports, ctx = run(study)
    assert set(statuses(reports).values()) == {"ran"}
    n_unique = pd.read_parquet(table_path(study, "sentences"))[S.TEXT].nunique()
    n_exemplars = sum(len(p.exemplars) for f in study.config.codebook.frames for p in f.poles)
    assert ctx.counters["encoded"] == n_unique + n_exemplars  # repeated sentences are encoded once

    reports, ctx = run(Study.load(folder, build_root))
    assert set(statuses(reports).values()) == {"skipped"}
    assert ctx.counters == {}  # nothing ran, nothing was encoded

    codebook = copy.deepcopy(TINY_CODEBOOK)
    codebook["frames"][0]["poles"][1]["exemplars"].append("Their lives were wasted for nothing.")
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["codebook"] = codebook
    (folder / "study.yaml").write_text(yaml.safe_dump(config))
    reports, ctx = run(Study.load(folder, build_root))
    got = statuses(reports)
    for stage in ("articles", "sentences", "embeddings", "voice_units"):
        assert got[stage] == "skipped", stage
    for stage in ("frame_scores", "aggregate"):
        assert got[stage] == "ran", stage
    # Stages that never read the codebook are not re-run by a codebook edit.
    for stage in ("topics", "events"):
        assert got[stage] == "skipped", stage
    assert ctx.counters["encoded"] == 1  # only the new exemplar
    assert ctx.counters["from_cache"] == n_exemplars


@pytest.mark.slow
def test_encoding_scheme_is_part_of_the_fingerprint(make_study, build_root, tmp_path, monkeypatch):
    """Plain batches differ in the last bits: switching scheme re-embeds; changing the
    batch size of the exact scheme does not (its vectors do not depend on it)."""
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "own-cache"))
    folder = make_study()
    run(Study.load(folder, build_root))

    def with_embedding(**embedding):
        config = yaml.safe_load((folder / "study.yaml").read_text())
        config["embedding"] = embedding
        (folder / "study.yaml").write_text(yaml.safe_dump(config))
        return run(Study.load(folder, build_root))

    reports, ctx = with_embedding(exact=False, batch_size=16)
    assert statuses(reports)["embeddings"] == "ran"
    n_unique = pd.read_parquet(table_path(Study.load(folder, build_root), "sentences"))[
        S.TEXT
    ].nunique()
    assert ctx.counters["encoded"] >= n_unique  # exact vectors are not reused
    reports, ctx = with_embedding(exact=True, batch_size=7)
    assert statuses(reports)["embeddings"] == "ran"  # back to the exact vectors...
    assert ctx.counters.get("encoded", 0) == 0  # ...all still in the cache
    reports, ctx = with_embedding(exact=True, batch_size=64)
    assert statuses(reports)["embeddings"] == "skipped"


def test_outputs_carry_provenance(make_study, build_root):
    study = Study.load(make_study(), build_root)
    run(study)
    meta = read_meta(table_path(study, "frame_scores"))
    assert meta["stage"] == "frame_scores"
    assert meta["config"]["embedding"] == study.config.embedding.identity()
    assert meta["config"]["embedding"]["model"] == "all-MiniLM-L6-v2"
    assert set(meta["inputs"]) == {"articles", "sentences", "embeddings", "voice_units"}
    assert "pandas" in meta["packages"]
    articles_meta = read_meta(table_path(study, "articles"))
    assert any(k.endswith("articles.jsonl") for k in articles_meta["raw_files"])


def test_corpus_edit_invalidates_everything_downstream(make_study, build_root):
    folder = make_study()
    study = Study.load(folder, build_root)
    run(study)
    with open(folder / "articles.jsonl", "a") as fh:
        fh.write(
            '{"doc_id": "new", "outlet": "Heroic Herald", "text": "A new article appeared."}\n'
        )
    reports, _ = run(Study.load(folder, build_root))
    assert set(statuses(reports).values()) == {"ran"}


def test_tiny_study_recovers_planted_direction(make_study, build_root):
    study = Study.load(make_study(), build_root)
    run(study)
    outlets = pd.read_parquet(table_path(study, "outlet_frames"))
    outlets = outlets[outlets[S.VIEW] == "all"].set_index(S.OUTLET)
    heroic, fodder = outlets.loc["Heroic Herald"], outlets.loc["Fodder Times"]
    assert heroic[S.MEAN] > 0 > fodder[S.MEAN]
    assert heroic[S.CI_LOW] > fodder[S.CI_HIGH]
    assert heroic[S.CI_LOW] <= heroic[S.MEAN] <= heroic[S.CI_HIGH]


def test_same_inputs_give_identical_tables(make_study, build_root, tmp_path):
    folder = make_study()
    a = Study.load(folder, build_root)
    b = Study.load(folder, tmp_path / "other-build")
    run(a)
    run(b)
    for table in ("frame_scores", "outlet_frames"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(table_path(a, table)), pd.read_parquet(table_path(b, table))
        )
