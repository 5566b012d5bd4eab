"""A researcher's own study, start to finish, through study.yaml and the CLI only.

A study over the real NeuS data (left/center/right versions of AllSides stories) is
written as study.yaml alone: nested source fields, one record per story side, outlet
groups from the AllSides rating, and filters. It is run, coding sheets are exported for
two coders with an overlap, filled in by this test (the second coder a noisy copy of the
first on the shared sentences), imported, and intercoder agreement per frame is reported
with an interval, then used by the pipeline.
"""

from __future__ import annotations

import csv
import json

import krippendorff
import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from analysis import schema as S
from analysis.cli import app
from analysis.pipeline import load_table, run
from analysis.study import Study
from tests.conftest import ROOT

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

COPY_RATE = 0.8  # the second coder agrees with the first this often, else codes at random
OVERLAP = 0.4
N_SHEET = 36


def neus_study(folder, stories) -> None:
    codebook = yaml.safe_load((ROOT / "corpora" / "neus" / "study.yaml").read_text())["codebook"]
    config = {
        "name": "my_neus",
        "corpus": [
            {
                "path": str(stories),
                "explode": "news",
                "explode_key": "side",
                "id_template": "neus-{id}-{side}",
                "columns": {
                    "event_id": "id",
                    "outlet": "news.newsSource",
                    "title": "news.newsTitle",
                    "text": "news.newBody",
                    "published": "date",
                },
            }
        ],
        "ingest": {"outlet_metadata": {"group": "news.stance"}},
        "filter": {
            "date_from": "2021-06-01",
            "date_to": "2021-06-14",
            "languages": ["en"],
            "exclude_outlets": ["Fox News (Online News)"],
        },
        "seed": 11,
        "aggregate": {"n_boot": 200},
        "topics": {"enabled": False},
        "compare": {"n_boot": 200, "n_perm": 199, "fightin_words": {"enabled": False}},
        "coding": {"n_boot": 500},
        "codebook": codebook,
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def fill(sheet_path, codes: dict, coder_rng, copy_from: dict | None, frames, poles):
    """Write codes into a sheet as a coder would: every frame and the voice, or (one row)
    nothing at all."""
    with sheet_path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows):
        key = (row[S.DOC_ID], row[S.CHAR_START])
        if copy_from is None and i == len(rows) - 1:
            continue  # the first coder leaves the last row uncoded: it must be listed
        for fld in [*frames, S.VOICE]:
            options = poles[fld]
            if copy_from is not None and key in copy_from and coder_rng.random() < COPY_RATE:
                value = copy_from[key][fld]
            else:
                value = options[coder_rng.integers(len(options))]
            row[fld] = value
        codes[key] = {f: row[f] for f in [*frames, S.VOICE]}
    with sheet_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_neus_study_from_study_yaml_to_intercoder_agreement(tmp_path, build_root, shared_data):
    folder = tmp_path / "corpora" / "my_neus"
    folder.mkdir(parents=True)
    neus_study(folder, shared_data / "neus" / "stories.jsonl")
    runner = CliRunner()

    # 1. every record accounted for: read = kept + rejected + filtered, with reasons
    result = runner.invoke(app, ["validate", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["records_read"] == summary["kept"] + summary["rejected"] + summary["filtered"]
    assert summary["filtered"] > 10 * summary["kept"] > 0  # two weeks of six months
    reasons = {r["code"] for r in summary["filtered_by_reason"]}
    assert reasons == {"date", "outlet"}  # all NeuS text is English: no language filter hits
    filtered = pd.read_csv(build_root / "my_neus" / "filtered.csv")
    assert len(filtered) == summary["filtered"] and filtered["reason"].notna().all()

    # 2. the pipeline runs on it
    study = Study.load(folder)
    run(study)
    articles = load_table(study, "articles")
    assert articles["published"].min() >= pd.Timestamp("2021-06-01", tz="UTC")
    assert articles["published"].max() < pd.Timestamp("2021-06-15", tz="UTC")
    assert "Fox News (Online News)" not in set(articles[S.OUTLET])
    outlets = load_table(study, "outlets")
    assert set(outlets[S.GROUP].dropna()) <= {"left", "center", "right"}
    sentences = load_table(study, "sentences")
    scores = load_table(study, "frame_scores")
    fragments = sentences[sentences[S.FRAGMENT]]
    assert len(fragments) > 0  # NeuS summaries are cut off ("After...")
    assert not set(zip(fragments[S.DOC_ID], fragments[S.SENT_ID], strict=True)) & set(
        zip(scores[S.DOC_ID], scores[S.SENT_ID], strict=True)
    )  # fragments are not scored

    # 3. coding sheets for two coders with overlap, the codebook beside them
    sheets = tmp_path / "sheets"
    result = runner.invoke(
        app,
        [
            "annotate",
            "export",
            str(folder),
            "--n",
            str(N_SHEET),
            "--coders",
            "ana,ben",
            "--overlap",
            str(OVERLAP),
            "--out",
            str(sheets),
        ],
    )
    assert result.exit_code == 0, result.output
    assert {"ana.csv", "ben.csv", "codebook.csv", "CODEBOOK.md", "manifest.json"} <= {
        p.name for p in sheets.iterdir()
    }
    n_shared = round(OVERLAP * N_SHEET)
    assert json.loads((sheets / "manifest.json").read_text())["coded_by_all"] == n_shared

    # 4. the coders fill them in: ben copies ana 80% of the time on the shared sentences
    frames = [f.id for f in study.config.codebook.frames]
    poles = {f.id: [p.id for p in f.poles] + ["none"] for f in study.config.codebook.frames}
    poles[S.VOICE] = list(S.VOICES)
    ana, ben = {}, {}
    fill(sheets / "ana.csv", ana, np.random.default_rng(1), None, frames, poles)
    fill(sheets / "ben.csv", ben, np.random.default_rng(2), ana, frames, poles)

    # 5. import: codes validated and merged, the uncoded row listed, alpha reported
    result = runner.invoke(
        app, ["annotate", "import", str(folder), str(sheets / "ana.csv"), str(sheets / "ben.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "1 uncoded" in result.output and "every field" in result.output
    assert "gold: gold_codes.csv" in result.output  # tells the researcher to use it
    for frame in frames:
        assert f"  {frame} " in result.output and "alpha" in result.output

    # 6. the pipeline uses the codes: alpha per frame with an interval, disagreements kept
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["gold"] = "gold_codes.csv"
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    study = Study.load(folder)
    run(study)
    intercoder = load_table(study, "intercoder").set_index("field")
    shared = [k for k in ben if k in ana]
    for frame in frames:
        row = intercoder.loc[frame]
        # every shared sentence, unless it is the one ana left uncoded
        assert row["n_units"] == len(shared) >= n_shared - 1
        assert row["n_coders"] == 2
        assert row["ci_low"] <= row["alpha"] <= row["ci_high"]
        data = np.array([[poles[frame].index(c[k][frame]) for k in shared] for c in (ana, ben)])
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert row["alpha"] == pytest.approx(expected)
        differ = sum(ana[k][frame] != ben[k][frame] for k in shared)
        assert row["n_disagreements"] == row["n_unresolved"] == differ
    disagreements = load_table(study, "disagreements")
    assert (disagreements["status"] == "unresolved").all()
    assert disagreements[S.TEXT].notna().all()  # the adjudicator sees the sentence
    # 36 coded sentences are below the minimum per code: reported, thresholds stay default
    thresholds = load_table(study, "frame_thresholds")
    assert set(thresholds[S.THRESHOLD_SOURCE]) == {"default"}
    assert thresholds[S.NOTE].str.contains("gold set too small").all()
    validation = load_table(study, "validation")
    assert set(validation.loc[validation["metric"] == "n_gold", "frame"]) == set(frames)
