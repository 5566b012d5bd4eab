"""Notebooks run on a kernel reached over Unix sockets in a private temporary folder
(analysis/notebooks.py): no TCP port on the machine, no warning about unencrypted TCP in
every `make` log, and nothing left behind."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from analysis import notebooks


def run_probe(tmp_path, scratch: Path) -> list[str]:
    """Execute a notebook printing its kernel's transport; its text outputs."""
    source = tmp_path / "01_probe.py"
    source.write_text(
        "# %% tags=['parameters']\nstudy = ''\n\n"
        "# %%\n"
        "from ipykernel.kernelapp import IPKernelApp\n"
        "app = IPKernelApp.instance()\nprint(app.transport)\n",
        encoding="utf-8",
    )
    build = tmp_path / "build" / "s"
    study = SimpleNamespace(name="s", root=tmp_path, build_dir=build, build_root=tmp_path / "build")
    target = notebooks.execute(source, study, html=False)

    outputs = [
        "".join(out.get("text", ""))
        for cell in json.loads(target.read_text(encoding="utf-8"))["cells"]
        for out in cell.get("outputs", [])
    ]
    assert sorted(p.name for p in build.rglob("*")) == [
        "01_probe.d",
        "01_probe.ipynb",
        "notebooks",
    ]
    assert list(scratch.iterdir()) == []  # the socket folder is gone
    return outputs


@pytest.fixture
def short_tmp():
    """A temporary folder with a short path (a Unix socket's path holds ~104 bytes)."""
    scratch = Path(tempfile.mkdtemp(prefix="nb-", dir="/tmp"))
    yield scratch
    shutil.rmtree(scratch, ignore_errors=True)  # after monkeypatch has restored tempfile


def test_a_notebook_runs_over_local_sockets_and_leaves_nothing(
    short_tmp, tmp_path, capfd, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(short_tmp))
    outputs = run_probe(tmp_path, short_tmp)
    assert any(text.strip().endswith("ipc") for text in outputs), outputs
    assert "without encryption" not in capfd.readouterr().err


def test_a_long_temporary_folder_falls_back_to_tcp(tmp_path, monkeypatch):
    """Unix socket paths hold ~104 bytes; a deep TMPDIR gave 'File name too long'."""
    scratch = tmp_path / ("deep-" * 20)
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    outputs = run_probe(tmp_path, scratch)
    assert any(text.strip().endswith("tcp") for text in outputs), outputs
