"""Helpers for the ingestion tests: write a study around some corpus files, ingest it.

(No tests here; the test_ingest_* and test_corpus_* modules import these helpers.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from analysis import schema as S
from analysis.corpus.ingest import IngestResult, ingest
from analysis.study import Study
from tests.conftest import TINY_CODEBOOK

# Ingestion tests check ingestion: no language filter, no boilerplate rule that could
# touch a hand-written text, unless a test asks for them.
QUIET_INGEST: dict[str, Any] = {"boilerplate": {"repeated": None}}


def write_study(
    folder: Path,
    files: dict[str, str | bytes],
    corpus: list[dict[str, Any]] | dict[str, Any],
    *,
    ingest_config: dict[str, Any] | None = None,
    outlets: str | None = None,
) -> Study:
    """A study folder holding ``files`` and a study.yaml with ``corpus``; loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    config: dict[str, Any] = {
        "name": folder.name,
        "corpus": corpus if isinstance(corpus, list) else [corpus],
        "codebook": TINY_CODEBOOK,
        "ingest": ingest_config if ingest_config is not None else QUIET_INGEST,
    }
    if outlets:
        config["outlets"] = outlets
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return Study.load(folder, folder.parent / "build")


def run(study: Study) -> IngestResult:
    """Ingest and check what must hold on every run: nothing lost, tables storable."""
    result = ingest(study)
    assert result.n_kept + result.n_rejected == result.n_read
    assert sum(result.read_per_file.values()) == result.n_read
    S.ARTICLES.validate(result.articles)
    S.REJECTS.validate(result.rejects)
    S.PROBLEMS.validate(result.problems)
    pa.Table.from_pandas(result.articles, preserve_index=False)  # Parquet can hold it
    return result


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def article(doc_id: str, outlet: str = "Herald", text: str | None = None, **extra) -> dict:
    text = text if text is not None else f"Officials in the capital met on Monday ({doc_id})."
    return {"doc_id": doc_id, "outlet": outlet, "text": text, **extra}


def one_reject(result: IngestResult) -> dict[str, Any]:
    assert len(result.rejects) == 1, result.rejects.to_dict("records")
    return result.rejects.iloc[0].to_dict()


def one_problem(result: IngestResult) -> dict[str, Any]:
    assert len(result.problems) == 1, result.problems.to_dict("records")
    return result.problems.iloc[0].to_dict()
