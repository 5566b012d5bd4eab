"""Building small collecting studies against the fixture internet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from analysis.collect.ledger import Ledger
from analysis.collect.run import CollectReport, collect
from analysis.study import Study
from tests.conftest import TINY_CODEBOOK
from tests.fixture_web import FixtureWeb

OUTLETS = [
    # outlet, domains, language
    ("Tass", "tass.ru tass.com", "ru"),
    ("Kcna", "kcna.kp", "en"),
    ("Wire", "wire.test", "en"),
    ("Courier", "courier.test", "en"),
]

# Fast and still polite-shaped: the fixture answers in microseconds.
FAST = {
    "per_host_delay": 0.01,
    "timeouts": {"connect": 2.0, "read": 1.0, "total": 3.0},
    "retry": {"attempts": 3, "backoff": 0.01, "max_backoff": 0.05, "max_retry_after": 2},
    "extract_workers": 0,
    "archive": {"mode": "never"},  # tests that want the archive set its URLs to the fixture
}


def write_study(
    folder: Path,
    web: FixtureWeb,
    sources: list[dict],
    *,
    urls: list[str] | None = None,
    outlets=OUTLETS,
    **collect_cfg,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if urls is not None:
        (folder / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    pd.DataFrame(
        [
            {
                "outlet": o,
                "country": "X",
                "ownership": "private",
                "language": lang,
                "group": f"g{i}",
                "domains": d,
            }
            for i, (o, d, lang) in enumerate(outlets)
        ]
    ).to_csv(folder / "outlets.csv", index=False)
    cfg = {**FAST, "proxy": web.proxy, "sources": sources, **collect_cfg}
    config = {
        "name": folder.name,
        "corpus": [{"path": "collected/articles.jsonl"}],
        "outlets": "outlets.csv",
        "collect": cfg,
        "codebook": TINY_CODEBOOK,
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


def run(folder: Path, **kwargs) -> tuple[CollectReport, pd.DataFrame]:
    report = collect(Study.load(folder), progress=False, **kwargs)
    ledger = Ledger(folder / "collected" / Ledger.FILE)
    try:
        frame = ledger.frame()
    finally:
        ledger.close()
    return report, frame


def row(frame: pd.DataFrame, input_url: str) -> pd.Series:
    hit = frame[frame["input_url"] == input_url]
    assert len(hit) == 1, f"{input_url} has {len(hit)} ledger rows"
    return hit.iloc[0]
