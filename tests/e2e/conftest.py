import os

import pytest

from analysis.pipeline import run
from analysis.study import Study
from tests.conftest import DEMO


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, session_cache):
    """The whole demo study, built once per session into a temporary build root."""
    root = tmp_path_factory.mktemp("demo-build")
    figures = tmp_path_factory.mktemp("demo-figures")
    os.environ["FRAMING_FIGURES_DIR"] = str(figures)
    study = Study.load(DEMO, root)
    reports, ctx = run(study)
    return study, reports, ctx, figures
