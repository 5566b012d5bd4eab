"""The build can be trusted: a code change re-runs exactly the stages that use the code,
a deleted table is rebuilt by `make`, and a second `make` does nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import schema as S
from analysis.pipeline import MAKE_DEPS, table_path
from analysis.study import Study
from tests.conftest import ROOT, TINY_CODEBOOK, tiny_articles

NO_TOPICS = {"topics": {"enabled": False}}  # keeps numba's compilation out of these tests

RUN = """
import json, sys
from pathlib import Path
import analysis
from analysis.pipeline import run
from analysis.study import Study
reports, _ = run(Study.load(sys.argv[1], Path(sys.argv[2])))
print(json.dumps({"package": analysis.__file__, **{r.name: r.status for r in reports}}))
"""


def run_with_package(package: Path, study: Path, build: Path) -> dict[str, str]:
    """Run the pipeline in a fresh process that imports ``analysis`` from ``package``."""
    env = {**os.environ, "PYTHONPATH": str(package)}
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(study), str(build)],
        cwd=package,  # `python -c` puts the working folder first on sys.path
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    statuses = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(statuses.pop("package")).is_relative_to(package)
    return statuses


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.slow  # three pipeline runs, each loading the model
def test_a_code_edit_reruns_the_stages_using_the_code_and_nothing_else(
    make_study, build_root, tmp_path
):
    package = tmp_path / "package"
    shutil.copytree(
        ROOT / "analysis", package / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    folder = make_study(extra=NO_TOPICS)
    first = run_with_package(package, folder, build_root)
    assert set(first.values()) == {"ran"}
    study = Study.load(folder, build_root)
    before = pd.read_parquet(table_path(study, "outlet_frames"))

    # Comments, docstrings and layout are not code: nothing re-runs.
    module = package / "analysis" / "aggregate.py"
    edit(
        module,
        '"""From sentence scores',
        '"""How sentence scores become article and outlet scores.\n\nFrom sentence scores',
    )
    edit(
        module,
        "    rows = []\n    keys =",
        "    # one row per outlet, frame and view\n\n    rows = [\n    ]\n    keys =",
    )
    edit(
        module,
        '    """Framing balance per article, frame and view.',
        '    """The framing balance of each article, on each frame and view.',
    )
    assert set(run_with_package(package, folder, build_root).values()) == {"skipped"}

    # A change to a function the aggregate stage uses re-runs aggregate, and the stage
    # reading its tables (comparisons); every other stage is skipped.
    edit(
        module,
        "group[S.POSITION].to_numpy(), n_boot, ci,",
        "group[S.POSITION].to_numpy(), n_boot + 1, ci,",
    )
    statuses = run_with_package(package, folder, build_root)
    ran = {name for name, status in statuses.items() if status == "ran"}
    assert ran == {"aggregate", "comparisons"}
    assert set(statuses) == set(first)
    after = pd.read_parquet(table_path(study, "outlet_frames"))
    pd.testing.assert_series_equal(before[S.MEAN], after[S.MEAN])
    assert not before[S.CI_LOW].equals(after[S.CI_LOW])  # the new code's intervals


# --- make ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory, session_cache):
    """A new study (no gold codes, no titles, no event ids) built once with `make`."""
    root = tmp_path_factory.mktemp("make")
    folder = root / "corpora" / "fresh"
    folder.mkdir(parents=True)
    articles = tiny_articles()
    (folder / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles))
    outlets = sorted({a["outlet"] for a in articles})
    (folder / "outlets.csv").write_text(
        "outlet,country,ownership,language,group\n"
        + "".join(f"{o},X,private,en,g{i}\n" for i, o in enumerate(outlets))
    )
    config = {
        "corpus": [{"path": "articles.jsonl"}],
        "outlets": "outlets.csv",
        "seed": 3,
        "aggregate": {"n_boot": 200},
        "codebook": TINY_CODEBOOK,
        **NO_TOPICS,
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    stamp = root / "installed"  # this environment, taken as installed: never reinstall
    stamp.touch()

    def make(*args: str) -> subprocess.CompletedProcess:
        command = [
            "make",
            "-C",
            str(ROOT),
            "STUDY=fresh",
            f"STUDY_DIR={folder}",
            f"BUILD_ROOT={root / 'build'}",
            f"FIGURES_ROOT={root / 'figures'}",
            f"BIN={Path(sys.executable).parent}",
            f"STAMP={stamp}",
            "-o",
            str(stamp),
            *args,
        ]
        return subprocess.run(command, capture_output=True, text=True)

    first = make()
    assert first.returncode == 0, first.stdout + first.stderr
    return make, Study.load(folder, root / "build")


def pipeline_would_run(made) -> bool:
    """Would ``make`` run the pipeline? ``make -n`` prints the commands it would run and
    runs none. (It cannot say more: it takes every table as rewritten by the pipeline,
    where a real run finds most unchanged and re-runs no notebook.)"""
    make, _ = made
    return any(" run " in line for line in recipes_run(make("-n")))


def recipes_run(result: subprocess.CompletedProcess) -> list[str]:
    """The commands make ran (it echoes each recipe line it runs)."""
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if re.search(r"/framing |^touch ", line)]


@pytest.mark.slow
def test_a_second_make_on_a_new_study_does_nothing(made):
    make, study = made
    assert (study.build_dir / "index.html").exists()
    assert (study.build_dir / "notebooks" / "06_validation.ipynb").exists()
    again = make()
    assert recipes_run(again) == []
    assert "Nothing to be done" in again.stdout

    # Without gold codes the validation table is empty, and so is what 06_validation
    # shows: when the table is written again (here: deleted and rebuilt), the notebook
    # re-runs and its output does not change. It then re-ran on every `make`.
    readers = sorted(
        d.stem
        for d in (study.build_dir / "notebooks").glob("*.d")
        if "validation.parquet" in d.read_text(encoding="utf-8")
    )
    assert "06_validation" in readers
    table_path(study, "validation").unlink()
    rebuilt = recipes_run(make())
    assert any(" run " in line for line in rebuilt), rebuilt
    notebooks = [line.split("--only ")[1] for line in rebuilt if "--only " in line]
    assert notebooks == readers  # exactly the notebooks that read the table
    assert recipes_run(make()) == []


@pytest.mark.slow
def test_make_rebuilds_any_deleted_table(made, tmp_path):
    make, study = made
    listed = re.search(
        r"PIPELINE_TABLES := (.*?)\nPIPELINE_INPUTS",
        (study.build_dir / MAKE_DEPS).read_text(),
        re.S,
    )
    tables = [Path(t) for t in listed.group(1).replace("\\\n", " ").split()]
    assert {t.stem for t in tables} >= {"articles", "embeddings", "outlet_frames", "validation"}
    for table in tables:  # each missing table on its own sends make back to the pipeline
        hidden = tmp_path / table.name
        table.rename(hidden)
        try:
            assert pipeline_would_run(made), table.name
        finally:
            hidden.rename(table)
    assert not pipeline_would_run(made)

    # Deleted for real: one table a notebook reads, one no notebook reads.
    for name in ("outlet_frames", "frame_scores"):
        table_path(study, name).unlink()
    rebuilt = make()
    assert any(" run " in line for line in recipes_run(rebuilt))
    for name in ("outlet_frames", "frame_scores"):
        assert table_path(study, name).exists()
    assert recipes_run(make()) == []


def test_make_deps_list_only_inputs_that_exist(make_study, build_root):
    """An absent optional input (the default adjudication.csv of a study with gold) would
    be a make target without a recipe, remade on every `make`: it is not listed."""
    folder = make_study(extra={"gold": "gold.csv"})
    (folder / "gold.csv").write_text("doc_id,char_start,char_end,sacrifice\n", encoding="utf-8")
    study = Study.load(folder, build_root)
    from analysis.pipeline import write_make_deps

    text = write_make_deps(study).read_text(encoding="utf-8")
    assert "gold.csv" in text
    assert "adjudication.csv" not in text
