"""Save a fitted topic model as JSON + safetensors, and load it without the network.

The folder holds BERTopic's own safetensors serialisation (``config.json``,
``topics.json``, ``topic_embeddings.safetensors``, ``ctfidf.safetensors``,
``ctfidf_config.json``) and a manifest, ``framing_topics.json``, with the embedding
model, the fitting parameters, the provenance and the SHA-256 of every file. Nothing is
pickled, so the folder loads in another environment (pickle ties a model to the exact
versions that wrote it) and loading it cannot run code.

``config.json`` names the embedding model by its Hugging Face id, so the folder also
loads with plain ``BERTopic.load``. That function, however, resolves the id through the
hub (``SentenceTransformer(id)``), a network call. :func:`load_topic_model` reads the
same files with BERTopic's loader but withholds the id, then attaches
:func:`analysis.topics.model.cached_encoder_backend`, which encodes offline through the
project's cache. UMAP and HDBSCAN are not saved (they do not serialise without pickle):
a loaded model assigns new texts to the nearest topic vector.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from analysis.embed import resolve_model
from analysis.errors import StageError
from analysis.provenance import file_sha256, package_versions
from analysis.topics.model import TopicModel, cached_encoder_backend, ensure_numba_cache

log = logging.getLogger(__name__)

MANIFEST = "framing_topics.json"
FORMAT_VERSION = 1
REQUIRED_FILES = (
    "config.json",
    "topics.json",
    "topic_embeddings.safetensors",
    "ctfidf.safetensors",
    "ctfidf_config.json",
)


def save_topic_model(
    model: TopicModel, folder: Path, provenance: dict[str, Any] | None = None
) -> Path:
    """Write ``model`` to ``folder``, replacing it only once the new folder is complete."""
    if not getattr(model, "fitted_", False):
        raise ValueError("the topic model is not fitted (too few units?): nothing to save")
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    spec = resolve_model(model.embedding_model)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        model.model_.save(
            tmp,
            serialization="safetensors",
            save_ctfidf=True,
            save_embedding_model=spec.model_id,
        )
        files = {p.name: file_sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        missing = [f for f in REQUIRED_FILES if f not in files]
        if missing:
            raise RuntimeError(f"BERTopic did not write {missing}")
        manifest = {
            "format": FORMAT_VERSION,
            "embedding_model": model.embedding_model,
            "embedding_model_id": spec.model_id,
            "n_documents": int(model.n_documents_),
            "params": _params(model),
            "files": files,
            "packages": package_versions(),
            "provenance": provenance or {},
        }
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        _readable(tmp)
        _swap_in(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return folder


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a saved model, after checking every file against its hash."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise StageError(
            f"{folder}: not a saved topic model (no {MANIFEST})",
            hint="build it with `framing run <study> --stage topics`",
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise StageError(
            f"{path}: topic model format {manifest.get('format')!r}, expected {FORMAT_VERSION}",
            hint="refit it with `framing run <study> --stage topics --force topics`",
        )
    for name, digest in manifest["files"].items():
        file = folder / name
        if not file.is_file() or file_sha256(file) != digest:
            raise StageError(
                f"{file}: missing or changed since the model was saved",
                hint="refit it with `framing run <study> --stage topics --force topics`",
            )
    return manifest


def load_topic_model(folder: Path, embedding_cache_dir: Path | None = None):
    """The saved BERTopic, with an offline cached-encoder backend; no network is touched."""
    ensure_numba_cache()
    from bertopic import _save_utils
    from bertopic._bertopic import _create_model_from_files

    folder = Path(folder)
    manifest = read_manifest(folder)
    topics, params, tensors, ctfidf_tensors, ctfidf_config, images = _save_utils.load_local_files(
        folder
    )
    # Withheld: BERTopic would resolve it through the hub (see the module docstring).
    params.pop("embedding_model", None)
    model = _create_model_from_files(
        topics, params, tensors, ctfidf_tensors, ctfidf_config, images, warn_no_backend=False
    )
    kwargs = {"cache_dir": embedding_cache_dir} if embedding_cache_dir else {}
    model.embedding_model = cached_encoder_backend(manifest["embedding_model"], **kwargs)
    return model


def _params(model: TopicModel) -> dict[str, Any]:
    """The fitting parameters (the embedding model has its own manifest entry)."""
    return {k: v for k, v in model.get_params().items() if k != "embedding_model"}


def _readable(folder: Path) -> None:
    """mkdtemp and safetensors create owner-only files; outputs follow the umask."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    for path in folder.iterdir():
        path.chmod(0o666 & ~umask)


def _swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by the complete folder ``new`` (the old one is removed after)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        old.rmdir()
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)
