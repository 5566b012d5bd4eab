"""Property tests: whatever the input, ingestion either raises the project's own typed
error or accounts for every record (read == kept + rejected), and its tables are valid.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import FramingError
from tests.test_ingest_support import run, write_study

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KEYS = ["doc_id", "outlet", "text", "title", "published", "url", "language", "event_id"]
ODD_KEYS = ["source_row", "source_file", "duplicate_of", "text.x", "", "extra", "ünï"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=60)
    | st.sampled_from(["2021-03-05", "05/03/2021", "March 2021", "2021-02-30", "1614949200"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
good_text = st.text(min_size=1, max_size=200).filter(lambda t: t.strip())


@st.composite
def records(draw):
    record = {}
    for key in KEYS[:3]:  # required fields are usually there and usually fine
        if draw(st.integers(0, 9)) < 8:
            record[key] = draw(good_text) if draw(st.booleans()) else draw(values)
    for key in draw(st.lists(st.sampled_from(KEYS[3:] + ODD_KEYS), max_size=4, unique=True)):
        record[key] = draw(values)
    return record


@st.composite
def jsonl_files(draw):
    lines = []
    for record in draw(st.lists(records(), min_size=1, max_size=12)):
        line = json.dumps(record, allow_nan=True)
        kind = draw(st.integers(0, 9))
        if kind == 0:
            line = line[: draw(st.integers(0, len(line)))]  # truncated
        elif kind == 1:
            line = draw(st.text(max_size=40).map(lambda t: t.replace("\n", " ")))  # junk
        lines.append(line)
    return lines


@SETTINGS
@given(lines=jsonl_files())
def test_jsonl_never_loses_a_record(lines):
    content = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        study = write_study(Path(tmp) / "s", {"a.jsonl": content}, {"path": "a.jsonl"})
        try:
            result = run(study)
        except FramingError:
            return
    assert result.n_read == sum(1 for line in content.split("\n") if line.strip())


cells = st.text(max_size=40) | st.sampled_from(["", " ", "NaN", "null", '"', "a,b", "x\ny"])


@st.composite
def csv_files(draw):
    header = [
        "doc_id",
        "outlet",
        "text",
        *draw(st.lists(st.sampled_from(KEYS[3:] + ODD_KEYS[4:]), max_size=3, unique=True)),
    ]
    rows = draw(
        st.lists(
            st.lists(cells, min_size=len(header), max_size=len(header)), min_size=1, max_size=10
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # \r\n line ends: cells holding \r or \n get quoted
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue(), rows


@SETTINGS
@given(
    data=csv_files(),
    damage=st.one_of(
        st.none(), st.tuples(st.integers(0, 400), st.sampled_from(['"', ",", "\n", "\x00", "\r"]))
    ),
)
def test_csv_never_loses_a_record(data, damage):
    content, rows = data
    if damage is not None:
        at, char = damage
        content = content[:at] + char + content[at:]
    with tempfile.TemporaryDirectory() as tmp:
        study = write_study(Path(tmp) / "s", {"a.csv": content}, {"path": "a.csv"})
        try:
            result = run(study)
        except FramingError:
            return
    if damage is None:
        assert result.n_read == len(rows)  # rows have 3+ fields: none is a blank line


@SETTINGS
@given(
    data=st.binary(max_size=2000),
    name=st.sampled_from(["a.jsonl", "a.json", "a.csv", "a.tsv", "a.parquet", "a.txt", "a.html"]),
)
def test_arbitrary_bytes_raise_only_typed_errors(data, name):
    source = {"path": name}
    if name.endswith((".txt", ".html")):
        source["constants"] = {"outlet": "H"}
    with tempfile.TemporaryDirectory() as tmp:
        study = write_study(Path(tmp) / "s", {name: data}, source)
        with contextlib.suppress(FramingError):
            run(study)


@SETTINGS
@given(
    files=st.dictionaries(
        st.tuples(
            st.sampled_from(["", "sub/", "sub/deeper/", ".git/"]),
            st.text("abcxyz-_", min_size=1, max_size=6),
            st.sampled_from([".txt", ".html", ".htm", ".pdf", ".TXT", ""]),
        ).map("".join),
        st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
        min_size=1,
        max_size=6,
    )
)
def test_folders_account_for_every_file(files):
    with tempfile.TemporaryDirectory() as tmp:
        study = write_study(
            Path(tmp) / "s",
            {f"docs/{k}": v for k, v in files.items()},
            {"path": "docs", "constants": {"outlet": "H"}},
        )
        try:
            result = run(study)
        except FramingError:
            return
    visible = [k for k in files if not any(p.startswith(".") for p in k.split("/"))]
    assert result.n_read == len(visible)
