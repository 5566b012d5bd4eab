"""How stages are registered, what they may read, how their tables and code are checked."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pandera.errors
import pandera.pandas as pda
import pyarrow as pa
import pytest

from analysis import schema as S
from analysis import stages
from analysis.errors import StageError
from analysis.pipeline import Context, Stage, conform, execute, register_all, run
from analysis.sourcehash import closure, code_hash, source_hash
from analysis.study import Study


def test_the_pipeline_registers_every_stage_itself():
    """No `import analysis.stages` anywhere: a fresh process sees every stage."""
    code = "from analysis.pipeline import order; print(' '.join(s.name for s in order()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert sorted(out.stdout.split()) == sorted(stages.STAGES)
    assert register_all() is register_all()  # idempotent
    assert sorted(register_all()) == sorted(stages.STAGES)


def test_a_stage_module_registers_the_stage_it_is_named_after():
    for name, stage in register_all().items():
        assert stage.module == f"analysis.stages.{name}"
        assert stage.outputs and all(
            isinstance(s, pda.DataFrameSchema) for s in stage.outputs.values()
        )


def test_reading_a_table_without_declaring_its_stage_is_refused(make_study, build_root):
    study = Study.load(make_study(extra={"topics": {"enabled": False}}), build_root)
    run(study, targets=["aggregate"])
    reads_sentences = Stage(
        name="sneaky",
        inputs=("aggregate",),
        outputs={"article_frames": S.ARTICLE_FRAMES},
        run=lambda ctx: {"article_frames": ctx.table("sentences")},
    )
    with pytest.raises(
        StageError, match="reads table 'sentences' without declaring stage 'sentences'"
    ):
        execute(reads_sentences, Context(study))
    reads_declared = Stage(
        name="honest",
        inputs=("aggregate",),
        outputs={"article_frames": S.ARTICLE_FRAMES},
        run=lambda ctx: {"article_frames": ctx.table("article_frames")},
    )
    assert len(execute(reads_declared, Context(study))["article_frames"]) > 0


def test_a_stage_must_return_exactly_its_declared_tables(make_study, build_root):
    study = Study.load(make_study(), build_root)
    stage = Stage(name="short", inputs=(), outputs={"problems": S.PROBLEMS}, run=lambda ctx: {})
    with pytest.raises(StageError, match="returned tables"):
        execute(stage, Context(study))


def test_none_is_written_as_an_empty_table_with_the_schema_types():
    empty = conform(None, S.TOPIC_TIME)
    assert list(empty.columns) == list(S.TOPIC_TIME.columns) and len(empty) == 0
    assert str(empty[S.PERIOD].dtype) == "datetime64[ns, UTC]"
    assert str(empty[S.TOPIC].dtype) == "int32"


def test_tables_are_checked_against_their_schema_before_writing():
    bad = pd.DataFrame({S.METRIC: ["a", "a"], S.VALUE: [1.0, 2.0]})  # metric must be unique
    with pytest.raises(pandera.errors.SchemaError):
        conform(bad, S.EVENT_ALIGNMENT)
    vectors = pa.FixedSizeListArray.from_arrays(pa.array([0.0, 1.0], pa.float32()), 1)
    good = pa.table(
        {
            S.DOC_ID: ["d", "d"],
            S.SENT_ID: pa.array([0, 1], pa.int32()),
            S.TEXT_KEY: ["k", "l"],
            S.EMBEDDING: vectors,
        }
    )
    assert conform(good, S.EMBEDDINGS) is good
    doubles = pa.FixedSizeListArray.from_arrays(pa.array([0.0, 1.0], pa.float64()), 1)
    with pytest.raises(TypeError, match="fixed_size_list"):
        conform(good.set_column(3, S.EMBEDDING, doubles), S.EMBEDDINGS)
    with pytest.raises(pandera.errors.SchemaError):
        conform(good.set_column(0, S.DOC_ID, pa.array(["d", None])), S.EMBEDDINGS)


def test_comments_docstrings_and_layout_do_not_change_the_code_hash():
    source = 'def f(x):\n    """Double."""\n    return 2 * x\n'
    same = '"""A module."""\n\n\ndef f(x):  # twice x\n    """Twice x."""\n\n    return 2*x\n'
    other = 'def f(x):\n    """Double."""\n    return 3 * x\n'
    assert source_hash(source) == source_hash(same) != source_hash(other)


def test_a_stage_code_hash_follows_its_imports():
    deps = closure("analysis.stages.aggregate")
    assert {"analysis.aggregate", "analysis.stats.bootstrap", "analysis.pipeline"} <= set(deps)
    assert "analysis.frames.axes" not in deps  # a module the stage never imports
    assert "analysis.aggregate" not in closure("analysis.stages.sentences")
    assert code_hash("analysis.stages.aggregate") != code_hash("analysis.stages.sentences")
