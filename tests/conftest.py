"""Shared fixtures, test tiers and test caches.

Tests never touch the project's own build/ or figures/: every run goes to a temporary
build root (a session-wide one by default, a per-test one with ``build_root``).

Caches that survive test runs live in ``build/test-cache/`` (or ``$FRAMING_TEST_CACHE_DIR``),
never in the user's ``build/cache``: the embedding cache (keys are content hashes, so
sharing it across runs and concurrent runs is safe; SQLite WAL) and numba's compiled
UMAP/HDBSCAN kernels. Tests that count encodings make their own fresh cache.

Tiers (pyproject.toml markers; README "Tests"): ``make test`` runs what is neither
``slow`` nor ``shared_data``; ``make test-all`` runs everything. Markers follow from
fixtures too: a test using ``shared_data`` is marked ``shared_data``, and one using the
demo build (``demo_run``) is marked ``slow``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
DEMO = ROOT / "corpora" / "demo"
TEST_CACHE = Path(os.environ.get("FRAMING_TEST_CACHE_DIR") or ROOT / "build" / "test-cache")

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Set before anything imports the package (numba fixes its cache folder at import).
os.environ["FRAMING_CACHE_DIR"] = str(TEST_CACHE / "embeddings")
os.environ["NUMBA_CACHE_DIR"] = str(TEST_CACHE / "numba")

# Under pytest-xdist (`make test`), each worker takes its share of the cores: more torch
# threads than cores made encoding several times slower (README: speed, measured).
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _WORKERS > 1:
    from analysis.device import available_cpus  # imports neither torch nor numba

    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, available_cpus() // _WORKERS)))

# The mutation check (tests/mutation/check.py) needs the same examples on every run.
settings.register_profile("mutation", derandomize=True, database=None)


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "shared_data" in fixtures:
            item.add_marker(pytest.mark.shared_data)
        if "demo_run" in fixtures:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def _outputs_outside_the_project(tmp_path_factory):
    """Default build and figures roots for the session, so nothing lands in the project."""
    root = tmp_path_factory.mktemp("session")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FRAMING_BUILD_DIR", str(root / "build"))
        env.setenv("FRAMING_FIGURES_DIR", str(root / "figures"))
        yield root


def _plain(value):
    """``value`` with numpy scalars as Python numbers, in nested dicts, lists and tuples."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value.item() if hasattr(value, "item") and hasattr(value, "dtype") else value


@pytest.fixture
def record_property(request) -> Callable[[str, object], None]:
    """pytest's ``record_property``, keeping only plain values: pytest-xdist sends them
    from worker to controller and cannot serialise numpy scalars."""

    def record(name: str, value: object) -> None:
        request.node.user_properties.append((name, _plain(value)))

    return record


@pytest.fixture(scope="session")
def session_cache() -> Path:
    """The persistent, shared test embedding cache (already set in the environment)."""
    path = Path(os.environ["FRAMING_CACHE_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def build_root(tmp_path, monkeypatch, session_cache) -> Path:
    root = tmp_path / "build"
    monkeypatch.setenv("FRAMING_BUILD_DIR", str(root))
    monkeypatch.setenv("FRAMING_FIGURES_DIR", str(tmp_path / "figures"))
    return root


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA} (they sit beside the project in CI)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, session_cache):
    """The whole demo study, built once per session into a temporary build root.

    Returns (study, stage reports, context, figures root). Figures go to
    ``<figures root>/demo``. Tests may re-run stages on it but must leave its tables as
    they found them (re-runs are deterministic).
    """
    from analysis.pipeline import run
    from analysis.study import Study

    root = tmp_path_factory.mktemp("demo-build")
    figures = Path(os.environ["FRAMING_FIGURES_DIR"])
    study = Study.load(DEMO, root)
    reports, ctx = run(study)
    return study, reports, ctx, figures


@pytest.fixture(scope="session")
def demo_notebooks(demo_run) -> dict[str, Path]:
    """Every notebook executed once on the demo build: notebook stem -> executed .ipynb."""
    from analysis.notebooks import execute, notebook_sources

    study = demo_run[0]
    return {source.stem: execute(source, study) for source in notebook_sources()}


TINY_CODEBOOK = {
    "frames": [
        {
            "id": "sacrifice",
            "label": "Heroic sacrifice ↔ cannon fodder",
            "poles": [
                {
                    "id": "heroic_sacrifice",
                    "exemplars": [
                        "The fallen soldiers gave their lives heroically for the motherland.",
                        "Their immortal feat will be remembered for ever.",
                    ],
                },
                {
                    "id": "cannon_fodder",
                    "exemplars": [
                        "The conscripts were sent to die as cannon fodder.",
                        "Commanders threw wave after wave of men into the meat grinder.",
                    ],
                },
            ],
        }
    ]
}


@pytest.fixture
def make_study(tmp_path) -> Callable[..., Path]:
    """Write a small study folder; return its path."""

    def make(
        articles: list[dict] | None = None,
        *,
        name: str = "tiny",
        codebook: dict | None = None,
        outlets: list[str] | None = None,
        extra: dict | None = None,
    ) -> Path:
        folder = tmp_path / "corpora" / name
        folder.mkdir(parents=True, exist_ok=True)
        articles = articles if articles is not None else tiny_articles()
        (folder / "articles.jsonl").write_text(
            "".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8"
        )
        names = outlets or sorted({a["outlet"] for a in articles if a.get("outlet")})
        (folder / "outlets.csv").write_text(
            "outlet,country,ownership,language,group\n"
            + "".join(f"{o},X,private,en,g{i}\n" for i, o in enumerate(names)),
            encoding="utf-8",
        )
        config = {
            "name": name,
            "corpus": [{"path": "articles.jsonl"}],
            "outlets": "outlets.csv",
            "seed": 7,
            "aggregate": {"n_boot": 200},
            "codebook": codebook or TINY_CODEBOOK,
            **(extra or {}),
        }
        (folder / "study.yaml").write_text(
            yaml.safe_dump(config, sort_keys=False), encoding="utf-8"
        )
        return folder

    return make


def tiny_articles() -> list[dict]:
    """Two outlets, four articles each; each article draws a different mix of sentences."""
    heroic = [
        "Our brave sons gave their lives with honour for the homeland.",
        "The nation will remember the glorious heroes for ever.",
        "Their courage on the battlefield brought eternal glory.",
        "The fallen were decorated as heroes of the republic.",
    ]
    fodder = [
        "The young men were sent to die in waves across open fields.",
        "They were expendable bodies thrown into a meat grinder.",
        "Commanders squandered hundreds of lives in a single assault.",
        "The conscripts were used as cannon fodder by their generals.",
    ]
    neutral = [
        "Officials spoke to reporters on Monday.",
        "The meeting took place in the capital.",
        "A statement was published in the evening.",
        "Talks are expected to continue next week.",
    ]
    out = []
    for i in range(4):
        for prefix, outlet, framed, hour in (
            ("h", "Heroic Herald", heroic, 10),
            ("f", "Fodder Times", fodder, 12),
        ):
            text = " ".join(framed[: i + 1] + neutral[i:])
            out.append(
                {
                    "doc_id": f"{prefix}{i}",
                    "outlet": outlet,
                    "text": text,
                    "published": f"2025-03-0{i + 1}T{hour}:00:00Z",
                }
            )
    return out
