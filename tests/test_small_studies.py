"""Small but valid studies run end to end (issue 11): one outlet, one or two articles,
all-duplicate articles, and topics on with too few units. `framing run` succeeds, every
notebook executes without an error output, each figure the data cannot support is a
"not enough data" panel, and index.html names that figure with its reason."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from tests.conftest import tiny_articles

pytestmark = pytest.mark.slow  # the model, six notebook kernels and the report per study

TOPICS_OFF = {"topics": {"enabled": False}}
NO_GOLD = "the study has no gold codes"
NOTHING_TO_COMPARE = "No outlets to compare within events"
# Every figure family a study always publishes (drawn, or a panel saying why not).
ALWAYS = {
    "corpus_overview",
    "topic_terms",
    "topic_outlet_prevalence",
    "topic_time",
    "outlet_shares",
    "outlet_frames",
    "own_vs_reported",
    "within_event_effects",
    "validation",
}


def _one_outlet():
    return [a for a in tiny_articles() if a["outlet"] == "Heroic Herald"]


def _all_duplicates():
    first = tiny_articles()[0]
    return [dict(first, doc_id=f"copy{i}", outlet=o) for i, o in enumerate("ABAB")]


CASES = {
    # case: (articles, extra config, {figure: words its reason must contain})
    "one_outlet": (
        _one_outlet,
        TOPICS_OFF,
        {
            "topic_terms": "topics are switched off",
            "topic_time": "topics are switched off",
            "validation": NO_GOLD,
            "within_event_effects": NOTHING_TO_COMPARE,
        },
    ),
    "one_article": (
        lambda: tiny_articles()[:1],
        TOPICS_OFF,
        {"validation": NO_GOLD, "within_event_effects": NOTHING_TO_COMPARE},
    ),
    "all_duplicates": (
        _all_duplicates,
        TOPICS_OFF,
        {"validation": NO_GOLD, "within_event_effects": NOTHING_TO_COMPARE},
    ),
    "two_articles_topics_on": (
        lambda: tiny_articles()[:2],
        {},
        {
            "topic_terms": "the topic model found no topic",
            "topic_outlet_prevalence": "the topic model found no topic",
            "validation": NO_GOLD,
            "within_event_effects": NOTHING_TO_COMPARE,
        },
    ),
}


def _errors(notebook) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        f"{notebook.name}: {out.get('ename')}: {out.get('evalue')}"
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


@pytest.mark.parametrize("case", CASES)
def test_small_study_renders_every_figure_or_says_why(case, make_study, build_root, tmp_path):
    articles, extra, expected_missing = CASES[case]
    folder = make_study(articles(), name=case, extra=extra)
    runner = CliRunner()
    for command in ("run", "notebooks", "report"):
        result = runner.invoke(app, [command, str(folder)])
        assert result.exit_code == 0, f"framing {command}: {result.output}\n{result.exception!r}"

    notebooks = sorted((build_root / case / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 6
    assert [e for nb in notebooks for e in _errors(nb)] == []

    sidecars = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in (tmp_path / "figures" / case).glob("*.json")
    }
    assert set(sidecars) >= ALWAYS, f"figures neither drawn nor explained: {ALWAYS - set(sidecars)}"
    missing = {name: m["not_enough_data"] for name, m in sidecars.items() if "not_enough_data" in m}
    for name, words in expected_missing.items():
        assert words in missing.get(name, ""), (name, missing.get(name))

    page = unescape((build_root / case / "index.html").read_text(encoding="utf-8"))
    listed = page.split("Figures not drawn", 1)[1].split("<h2>Figures</h2>", 1)[0]
    for name, reason in missing.items():  # each missing figure named with its reason
        assert re.search(rf"<strong>{re.escape(name)}</strong></a>: {re.escape(reason)}", listed)
    drawn = set(sidecars) - set(missing)
    assert not any(f"<strong>{name}</strong></a>:" in listed for name in drawn)
