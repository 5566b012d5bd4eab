"""Property test over hostile corpora and configs (issue 11): whatever the study folder,
`framing validate` and `framing run` end in success or in the project's own error (exit
code 2, a message, no traceback), and write nothing outside build/<study>/ and
figures/<study>/.

Examples are cheap: validate, then the articles and sentences stages. A handful of
examples run the whole pipeline and the overview page (``test_full_pipeline_*``).
The number of examples comes from the hypothesis profile: ``HYPOTHESIS_PROFILE=ci``
(`make test-all`) runs 500 and more; the default runs a few dozen.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from analysis.cli import app
from tests.conftest import TINY_CODEBOOK

PROFILES = {"default": 25, "ci": 500}
for _name, _n in PROFILES.items():
    settings.register_profile(
        f"hostile-{_name}",
        max_examples=_n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
N_EXAMPLES = PROFILES.get(PROFILE, PROFILES["default"])
HOSTILE = settings.get_profile(f"hostile-{PROFILE if PROFILE in PROFILES else 'default'}")

# --- corpora -------------------------------------------------------------------------
SENTENCES = [
    "Officials spoke to reporters on Monday about the deployment.",
    "The conscripts were sent to die as cannon fodder, critics said.",
    "“Our brave sons gave their lives with honour,” the ministry said.",
    "Talks are expected to continue next week in the capital.",
]
odd_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\ud800", "\udfff"]),
    max_size=80,
)
texts = st.one_of(
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4).map(" ".join),
    odd_text,
    st.just(""),
    st.integers(0, 3).map(lambda k: " ".join(SENTENCES) * (40 * k + 1)),  # sizes up to ~40 KB
)
OUTLET_NAMES = ["Heroic Herald", "Fodder Times", "Ｆodder Times", "=cmd|' /C calc'!A0", ""]


@st.composite
def corpora(draw) -> list[dict]:
    """Articles of 1-3 outlets with 0-2 articles each, some exact duplicates."""
    records = []
    outlets = draw(st.lists(st.sampled_from(OUTLET_NAMES), min_size=1, max_size=3, unique=True))
    for o, outlet in enumerate(outlets):
        # 0-2 articles per outlet; the first outlet usually has one (an empty file is
        # an error, and one in ten studies are tried that way).
        low = 0 if o or draw(st.integers(0, 9)) == 0 else 1
        for i in range(draw(st.integers(low, 2))):
            records.append(
                {
                    "doc_id": f"o{o}a{i}"
                    if draw(st.integers(0, 9)) < 7
                    else draw(st.sampled_from(["dup", "", "\ud800", "=1+1"])),
                    "outlet": outlet,
                    "text": draw(texts),
                    "published": draw(
                        st.sampled_from(["2025-03-01", "1740787200", "not a date", None])
                    ),
                }
            )
    if records and draw(st.booleans()):  # syndicated copies
        records += [dict(records[0], doc_id=f"copy{k}") for k in range(draw(st.integers(1, 3)))]
    return records


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


def encode(lines: list[str], encoding: str, bad_line: int | None) -> bytes:
    out = b""
    for k, line in enumerate(lines):
        data = line.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")
        if k == bad_line:
            data = data[:5] + b"\xff\xfe\x80" + data[5:]
        out += data + "\n".encode(encoding)
    return out


# --- configs -------------------------------------------------------------------------
names = st.sampled_from(["tiny", "Tiny.v2", "..", "cache", "a/b", "", "x" * 70, "ünï", "-x"])
bad_ints = st.sampled_from([-5, 0, 1, 2**32, 10**24, "7", 7.5, None, True, [1]])


@st.composite
def configs(draw, hostile: bool = True) -> dict:
    """A study.yaml; ``hostile``: with odd names and up to three bad or odd settings."""
    config: dict = {
        "name": draw(names) if hostile and draw(st.integers(0, 9)) >= 7 else "tiny",
        "corpus": [{"path": "articles.jsonl"}],
        "outlets": "outlets.csv",
        "seed": 7,
        "aggregate": {"n_boot": 200},
        "topics": {"enabled": False},
        "codebook": TINY_CODEBOOK,
    }
    changes = draw(st.integers(-3, 3)) if hostile else 0  # half the hostile ones are valid
    for _ in range(max(0, changes)):
        key, value = draw(
            st.sampled_from(
                [
                    ("seed", draw(bad_ints)),
                    ("aggregate", {"n_boot": draw(bad_ints)}),
                    ("aggregate", {"n_boot": 2_000_000_000}),
                    ("outlets", draw(st.sampled_from(["outlets.csv", ".", "articles.jsonl"]))),
                    ("outlets", "../elsewhere/outlets.csv"),
                    ("gold", draw(st.sampled_from([".", "nope.csv", ["a.csv", "b.csv"]]))),
                    ("sentences", {"min_words": draw(bad_ints)}),
                    ("corpus", [{"path": draw(st.sampled_from(["*.jsonl", "nope.jsonl", ""]))}]),
                    ("corpus", [{"path": "articles.jsonl", "encoding": "klingon"}]),
                    ("topics", {"enabled": True, "min_topic_size": draw(bad_ints)}),
                    ("codebook", {"frames": []}),
                    ("unknown_key", 1),
                ]
            )
        )
        config[key] = value
    return config


# --- running -------------------------------------------------------------------------
def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in root.rglob("*")
        if p.is_file() or p.is_symlink()
    }


def write_study(root: Path, records: list[dict], config: dict, encoding: str, bad) -> Path:
    folder = root / "corpora" / "study"
    folder.mkdir(parents=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (folder / "articles.jsonl").write_bytes(encode(lines, encoding, bad))
    outlets = sorted({r["outlet"] for r in records if r["outlet"]})
    (folder / "outlets.csv").write_text(
        "outlet,country,ownership,language,group\n"
        + "".join(f'"{o}",X,private,en,g{i}\n' for i, o in enumerate(outlets)),
        encoding="utf-8",
    )
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "outlets.csv").write_text("outlet\nA\n", encoding="utf-8")
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    (folder / "study.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    return folder


def check(result, command: str) -> None:
    """Success, or the project's error: exit 2, an `error:` line, no traceback."""
    assert result.exit_code in (0, 2), (
        f"framing {command}: exit {result.exit_code}\n{result.output}\n{result.exception!r}"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"framing {command}: {result.exception!r}"
    )
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "error:" in result.output


def written_outside(root: Path, before: dict, study_name: str) -> list[str]:
    allowed = (f"build/{study_name}/", f"figures/{study_name}/")
    after = snapshot(root)
    changed = [p for p, stat in after.items() if before.get(p) != stat]
    gone = [p for p in before if p not in after]
    return [p for p in changed + gone if not p.startswith(allowed)]


def test_the_snapshot_sees_a_write_outside(tmp_path):
    (tmp_path / "build" / "tiny").mkdir(parents=True)
    (tmp_path / "corpora").mkdir()
    before = snapshot(tmp_path)
    (tmp_path / "build" / "tiny" / "ok.csv").write_text("a\n", encoding="utf-8")
    assert written_outside(tmp_path, before, "tiny") == []
    (tmp_path / "build" / "tinier.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "corpora" / "x").write_text("a\n", encoding="utf-8")
    assert sorted(written_outside(tmp_path, before, "tiny")) == ["build/tinier.csv", "corpora/x"]


def run_example(records, config, encoding, bad, commands) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = write_study(root, records, config, encoding, bad)
        env = {
            "FRAMING_BUILD_DIR": str(root / "build"),
            "FRAMING_FIGURES_DIR": str(root / "figures"),
        }
        before = snapshot(root)
        runner = CliRunner()
        for command in commands:
            handlers = logging.root.handlers[:]
            result = runner.invoke(app, [*command, str(folder)], env=env)
            # The CLI's log handler writes to this invocation's captured stderr, closed
            # when it returns: the next invocation must configure logging afresh.
            logging.root.handlers[:] = handlers
            check(result, " ".join(command))
            event(f"{command[0]}: exit {result.exit_code}")
            if result.exit_code:
                break
        else:
            if ["report"] in commands:  # the run succeeded: the overview page is there
                assert (root / "build" / config["name"] / "index.html").is_file()
        # A name that loads is the name outputs use; a rejected name wrote nothing.
        name = config["name"] if isinstance(config.get("name"), str) else ""
        assert written_outside(root, before, name or "study") == []


CHEAP = (["validate"], ["run", "--stage", "sentences"])


@HOSTILE
@given(
    records=corpora(),
    config=configs(),
    encoding=st.sampled_from(ENCODINGS),
    bad=st.none() | st.integers(0, 3),
)
def test_validate_and_ingest_end_in_success_or_the_projects_error(records, config, encoding, bad):
    run_example(records, config, encoding, bad, CHEAP)


@pytest.mark.slow
@settings(HOSTILE, max_examples=4)
@given(
    records=corpora(),
    config=configs(hostile=False),  # hostile corpora; a config that lets most of them run
    encoding=st.sampled_from(["utf-8", "utf-16"]),
)
def test_full_pipeline_ends_in_success_or_the_projects_error(records, config, encoding):
    run_example(records, config, encoding, None, (["run"], ["report"]))
