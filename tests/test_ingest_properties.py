"""Property tests: whatever the input, ingestion either raises one of the specific user
errors expected for that input (a CorpusError naming the file) or accounts for every
record (read == kept + rejected, checked by ``run``), keeps every valid record planted
among the junk, and writes valid tables.

A broken invariant inside ingestion raises InternalError, which is not a FramingError:
nothing here catches it, so a lost record fails the test.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import schema as S
from analysis.corpus.ingest import IngestResult
from analysis.errors import CorpusError
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

# Valid records planted among the random ones: every one of them must be kept. Their
# ids cannot collide with a random id (random ids containing "planted" are redrawn).
PLANTED = "planted"


def planted_record(i: int) -> dict[str, str]:
    return {
        "doc_id": f"{PLANTED}-{i}",
        "outlet": "Herald",
        "text": f"Officials in the capital met on Monday to discuss the harbour ({i}).",
    }


def _not_planted_id(value) -> bool:
    return PLANTED not in unicodedata.normalize("NFKC", str(value)).casefold()


def assert_planted_kept(result: IngestResult, n_planted: int) -> None:
    kept = result.articles.set_index(S.DOC_ID)
    for i in range(n_planted):
        record = planted_record(i)
        assert record["doc_id"] in kept.index, (record, result.rejects.to_dict("records"))
        assert kept.at[record["doc_id"], S.TEXT] == record["text"]
        assert kept.at[record["doc_id"], S.OUTLET] == record["outlet"]


@st.composite
def records(draw):
    record = {}
    for key in KEYS[:3]:  # required fields are usually there and usually fine
        if draw(st.integers(0, 9)) < 8:
            record[key] = draw(good_text) if draw(st.booleans()) else draw(values)
    for key in draw(st.lists(st.sampled_from(KEYS[3:] + ODD_KEYS), max_size=4, unique=True)):
        record[key] = draw(values)
    if not _not_planted_id(record.get("doc_id")):
        record["doc_id"] = "random-id"
    return record


@st.composite
def jsonl_files(draw):
    """(lines, number of planted valid records); planted lines are at random positions."""
    lines = []
    for record in draw(st.lists(records(), min_size=0, max_size=12)):
        line = json.dumps(record, allow_nan=True)
        kind = draw(st.integers(0, 9))
        if kind == 0:
            line = line[: draw(st.integers(0, len(line)))]  # truncated
        elif kind == 1:
            line = draw(st.text(max_size=40).map(lambda t: t.replace("\n", " ")))  # junk
        lines.append(line)
    n_planted = draw(st.integers(0, 3))
    for i in range(n_planted):
        lines.insert(draw(st.integers(0, len(lines))), json.dumps(planted_record(i)))
    return lines, n_planted


@SETTINGS
@given(data=jsonl_files())
def test_jsonl_never_loses_a_record(data):
    lines, n_planted = data
    content = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        study = write_study(Path(tmp) / "s", {"a.jsonl": content}, {"path": "a.jsonl"})
        if not content.strip():
            with pytest.raises(CorpusError, match=r"a\.jsonl.*the file is empty"):
                run(study)
            return
        try:
            result = run(study)
        except CorpusError as exc:
            # The only other whole-file error: no record has one of the required fields.
            assert n_planted == 0, exc
            assert "a.jsonl" in str(exc) and "required field" in str(exc), exc
            return
    assert result.n_read == sum(1 for line in content.split("\n") if line.strip())
    assert_planted_kept(result, n_planted)


cells = st.text(max_size=40) | st.sampled_from(["", " ", "NaN", "null", '"', "a,b", "x\ny"])


@st.composite
def csv_files(draw):
    """(content, data rows, number of planted rows, character offset where each row ends)."""
    header = [
        "doc_id",
        "outlet",
        "text",
        *draw(st.lists(st.sampled_from(KEYS[3:] + ODD_KEYS[4:]), max_size=3, unique=True)),
    ]
    rows = draw(
        st.lists(
            st.lists(cells, min_size=len(header), max_size=len(header)), min_size=0, max_size=10
        )
    )
    rows = [row for row in rows if _not_planted_id(row[0])] or rows[:0]
    n_planted = draw(st.integers(0 if rows else 1, 3))
    for i in range(n_planted):
        record = planted_record(i)
        row = [record["doc_id"], record["outlet"], record["text"]] + [""] * (len(header) - 3)
        rows.insert(draw(st.integers(0, len(rows))), row)
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # \r\n line ends: cells holding \r or \n get quoted
    writer.writerow(header)
    header_end = buffer.tell()
    ends = []
    for row in rows:
        writer.writerow(row)
        ends.append(buffer.tell())
    return buffer.getvalue(), rows, n_planted, header_end, ends


@SETTINGS
@given(
    data=csv_files(),
    damage=st.one_of(
        st.none(), st.tuples(st.integers(0, 400), st.sampled_from(['"', ",", "\n", "\x00", "\r"]))
    ),
)
def test_csv_never_loses_a_record(data, damage):
    content, rows, n_planted, header_end, ends = data
    if damage is None:
        with tempfile.TemporaryDirectory() as tmp:
            study = write_study(Path(tmp) / "s", {"a.csv": content}, {"path": "a.csv"})
            result = run(study)  # an intact file raises no error at all
        assert result.n_read == len(rows)  # rows have 3+ fields: none is a blank line
        assert_planted_kept(result, n_planted)
        return

    # A damaged file: one character inserted at `at`. Rows that end before it are read
    # exactly as before, so each planted one among them is kept; what follows may be
    # split, merged or rejected, but every record read is accounted for (run() checks
    # read == kept + rejected). The only whole-file errors are the ones listed here.
    at, char = damage
    at = min(at, len(content))
    content = content[:at] + char + content[at:]
    intact = [row[0] for row, end in zip(rows, ends, strict=True) if end <= at]
    with tempfile.TemporaryDirectory() as tmp:
        study = write_study(Path(tmp) / "s", {"a.csv": content}, {"path": "a.csv"})
        try:
            result = run(study)
        except CorpusError as exc:
            message = str(exc)
            assert "a.csv" in message, message
            assert any(
                reason in message
                for reason in (
                    "is never closed",  # a quote opened and never closed
                    "required field",  # a damaged header lost a column
                    "appears twice in the header",
                    "has no header line",
                )
            ), message
            if "is never closed" not in message:
                assert at <= header_end, message  # only header damage loses columns
            return
    assert result.n_read >= len(intact)
    if at >= header_end:
        kept = set(result.articles[S.DOC_ID])
        planted_intact = {doc_id for doc_id in intact if doc_id.startswith(PLANTED)}
        assert planted_intact <= kept, (planted_intact - kept, result.rejects.to_dict("records"))


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
        try:
            result = run(study)
        except CorpusError as exc:
            # A whole-file error names the file (or the study, when it held no record).
            assert name in str(exc) or str(study.root) in str(exc), exc
            return
    assert list(result.read_per_file) == [name]
    if name.endswith((".txt", ".html")):  # one document is one record, kept or rejected
        assert result.n_read == 1


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
    ),
    n_planted=st.integers(0, 2),
)
def test_folders_account_for_every_file(files, n_planted):
    planted = {f"{PLANTED}-{i}.txt": planted_record(i)["text"].encode() for i in range(n_planted)}
    files = {**files, **planted}
    visible = [k for k in files if not any(p.startswith(".") for p in k.split("/"))]
    with tempfile.TemporaryDirectory() as tmp:
        study = write_study(
            Path(tmp) / "s",
            {f"docs/{k}": v for k, v in files.items()},
            {"path": "docs", "constants": {"outlet": "H"}},
        )
        try:
            result = run(study)
        except CorpusError as exc:
            message = str(exc)
            if not visible:
                assert "the folder holds no files" in message, message
            else:  # a text file that cannot be decoded stops the run, naming the file
                assert any(f"docs/{k}" in message for k in visible), message
            return
    assert result.n_read == len(visible)
    kept = result.articles.set_index(S.DOC_ID)
    for i in range(n_planted):
        assert kept.at[f"{PLANTED}-{i}", S.TEXT] == planted_record(i)["text"]
