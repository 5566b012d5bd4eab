"""publish(): a notebook's figure, with the tables the notebook read as its provenance."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pytest

from analysis import pipeline
from analysis.figures.save import publish
from analysis.io import read_meta
from analysis.pipeline import load_table, run, table_path
from analysis.study import Study


def test_publish_records_the_tables_the_notebook_read(make_study, build_root, monkeypatch):
    monkeypatch.setattr(pipeline, "_READS", {})  # a fresh process, as a notebook's kernel
    study = Study.load(make_study(extra={"topics": {"enabled": False}}), build_root)
    run(study, targets=["aggregate"])
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="read with load_table"):
        publish(fig, "nothing_read", caption="no table read yet")

    frames = load_table(study, "outlet_frames")
    load_table(study, "outlets")
    ax.plot(frames["mean"])
    written = publish(fig, "means", caption="Outlet means.")

    assert [p.name for p in written] == ["means.pdf", "means.svg", "means.png"]
    assert all(p.parent == study.figures_dir for p in written)
    sidecar = json.loads((study.figures_dir / "means.json").read_text())
    assert sidecar["caption"] == "Outlet means."
    assert sidecar["study"] == study.name
    assert sidecar["tables"] == {
        name: read_meta(table_path(study, name))["fingerprint"]
        for name in ("outlet_frames", "outlets")
    }
