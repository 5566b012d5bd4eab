"""Shared fixtures.

Tests never touch the project's own build/ or figures/: every run goes to a temporary
build root. The embedding cache is shared across the session (the model is the slow
part), except in tests that count encodings, which make their own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
DEMO = ROOT / "corpora" / "demo"

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("embedding-cache")
    os.environ["FRAMING_CACHE_DIR"] = str(path)
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
