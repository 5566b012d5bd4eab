"""Notebooks open on the study `make lab` names (STUDY=neus make lab), "demo" otherwise."""

import jupytext
import pytest

from analysis import paths
from analysis.notebooks import notebook_sources


def parameters(source, env: dict[str, str]) -> dict:
    """Run the cells up to and including the ``parameters`` cell with ``env``."""
    namespace: dict = {}
    import os

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for cell in jupytext.read(source).cells:
            if cell.cell_type != "code":
                continue
            exec(cell.source, namespace)
            if "parameters" in cell.metadata.get("tags", []):
                return namespace
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    raise AssertionError(f"{source.name} has no cell tagged parameters")


@pytest.mark.parametrize("source", notebook_sources(), ids=lambda p: p.stem)
def test_each_notebook_opens_on_the_study_make_lab_names(source):
    assert parameters(source, {paths.STUDY_ENV: "neus"})["study"] == "neus"
    import os

    os.environ.pop(paths.STUDY_ENV, None)
    assert parameters(source, {})["study"] == "demo"
