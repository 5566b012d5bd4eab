"""Notebooks run on a kernel reached over Unix sockets in a private temporary folder
(analysis/notebooks.py): no TCP port on the machine, no warning about unencrypted TCP in
every `make` log, and nothing left behind."""

from __future__ import annotations

import json
import tempfile
from types import SimpleNamespace

from analysis import notebooks


def test_a_notebook_runs_over_local_sockets_and_leaves_nothing(tmp_path, capfd, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
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
    assert any(text.strip().endswith("ipc") for text in outputs), outputs
    assert "without encryption" not in capfd.readouterr().err
    assert list(scratch.iterdir()) == []  # the socket folder is gone
    assert sorted(p.name for p in build.rglob("*")) == [
        "01_probe.d",
        "01_probe.ipynb",
        "notebooks",
    ]
