"""The generated study.yaml reference: complete, described, and committed up to date."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from analysis.config_reference import (
    REFERENCE_PATH,
    missing_descriptions,
    render,
    sections,
    type_name,
)
from analysis.paths import project_root
from analysis.study import StudyConfig


def test_every_config_field_has_a_description():
    missing = missing_descriptions(StudyConfig)
    assert missing == [], (
        f"config field(s) without Field(description=...): {missing}; add one sentence of meaning"
    )


def test_committed_reference_is_up_to_date():
    committed = (project_root() / REFERENCE_PATH).read_text(encoding="utf-8")
    assert committed == render(), (
        f"{REFERENCE_PATH} is stale: run `framing config-reference` (or `make config-reference`)"
    )


def test_reference_lists_every_key_of_every_reachable_model():
    text = render()
    n_keys = 0
    for section in sections(StudyConfig):
        for name in section.model.model_fields:
            key = f"{section.path}.{name}" if section.path else name
            assert f"| `{key}` |" in text, key
            n_keys += 1
    assert n_keys > 100  # the reference is the whole config, not a sample


def test_readme_links_the_reference():
    readme = (project_root() / "README.md").read_text(encoding="utf-8")
    assert REFERENCE_PATH in readme


# A config tree of our own, to show the walk reaches models inside lists, mappings and
# unions, and that a field without a description anywhere in it is found.
class _Leaf(BaseModel):
    described: int = Field(default=1, description="has one")
    bare: int = 2


class _Branch(BaseModel):
    leaves: list[_Leaf] = Field(default_factory=list, description="a list of leaves")
    by_name: dict[str, str | _Leaf] = Field(default_factory=dict, description="a mapping")


class _Root(BaseModel):
    branch: _Branch | None = Field(default=None, description="an optional branch")
    undocumented: str = "x"


def test_walk_reaches_nested_models_and_finds_missing_descriptions():
    paths = [s.path for s in sections(_Root)]
    assert paths == ["", "branch", "branch.leaves[]"]  # _Leaf is listed once, first path
    assert missing_descriptions(_Root) == ["undocumented", "branch.leaves[].bare"]


def test_type_names_read_like_yaml():
    from typing import Literal

    assert type_name(int | None) == "integer | null"
    assert type_name(Literal["a", "b"]) == '"a" | "b"'
    assert type_name(dict[str, list[float]]) == "mapping string → list of number"


def test_cli_check_fails_on_a_stale_file(tmp_path: Path):
    from typer.testing import CliRunner

    from analysis.cli import app

    target = tmp_path / "ref.md"
    runner = CliRunner()
    assert runner.invoke(app, ["config-reference", "--out", str(target), "--check"]).exit_code == 1
    assert runner.invoke(app, ["config-reference", "--out", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == render()
    assert runner.invoke(app, ["config-reference", "--out", str(target), "--check"]).exit_code == 0
