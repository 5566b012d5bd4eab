import json
import re

import matplotlib.pyplot as plt
import pandas as pd

from analysis import schema as S
from analysis.figures import plots, save, style
from analysis.study import Codebook
from tests.conftest import TINY_CODEBOOK


def outlet_table():
    return pd.DataFrame(
        {
            S.OUTLET: ["A", "B"],
            S.FRAME: ["sacrifice"] * 2,
            S.MEAN: [0.1, -0.1],
            S.CI_LOW: [0.05, -0.15],
            S.CI_HIGH: [0.15, -0.05],
            S.N_ARTICLES: [5, 5],
        }
    )


def draw():
    style.use_paper_style()
    return plots.outlet_frame_dots(
        outlet_table(), Codebook.model_validate(TINY_CODEBOOK), ["A", "B"]
    )


def test_saved_figures_are_byte_identical_across_runs(tmp_path):
    prov = {"study": "t"}
    first = save.save_figure(draw(), tmp_path / "one" / "fig", prov)
    second = save.save_figure(draw(), tmp_path / "two" / "fig", prov)
    assert [p.suffix for p in first] == [".pdf", ".svg", ".png"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    sidecar = json.loads((tmp_path / "one" / "fig.json").read_text())
    assert sidecar["files"] == ["fig.pdf", "fig.svg", "fig.png"] and sidecar["study"] == "t"


def test_pdf_embeds_truetype_fonts_and_has_no_date(tmp_path):
    save.save_figure(draw(), tmp_path / "fig", {}, formats=["pdf"])
    pdf = (tmp_path / "fig.pdf").read_bytes()
    assert b"/FontFile2" in pdf  # embedded TrueType (Type 42) program
    assert b"/Type3" not in pdf
    assert b"/CreationDate" not in pdf


def test_outlet_colours_are_stable_and_colour_blind_safe():
    colors = style.outlet_colors(["A", "B", "C"])
    assert colors == {"A": style.OKABE_ITO[0], "B": style.OKABE_ITO[1], "C": style.OKABE_ITO[2]}
    assert style.outlet_colors(["A", "B", "C", "D"])["B"] == colors["B"]


def test_single_column_width_fits_journals():
    w, h = style.figure_size(1)
    assert abs(w * 25.4 - 89) < 0.01 and h < w
    plt.close("all")


def test_png_has_300_dpi(tmp_path):
    save.save_figure(draw(), tmp_path / "fig", {}, formats=["png"])
    data = (tmp_path / "fig.png").read_bytes()
    m = re.search(rb"pHYs(.{4})(.{4})", data)
    assert m and round(int.from_bytes(m.group(1), "big") * 0.0254) == 300
