"""Human coding round trip: sheets per coder with overlap, one column per frame, the
codebook beside them, validated import, codes never overwritten, disagreements resolved
only by an explicit adjudication file."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.errors import CorpusError
from analysis.frames.annotate import (
    _allocate,
    assign_coders,
    codebook_markdown,
    codebook_table,
    export_sample,
    import_sheet,
    merge_codes,
)
from analysis.frames.gold import code_fields, load_adjudication, load_gold, resolve
from analysis.io import write_csv
from analysis.study import Codebook
from tests.conftest import TINY_CODEBOOK

TWO_FRAMES = Codebook.model_validate(
    {
        "frames": [
            *TINY_CODEBOOK["frames"],
            {
                "id": "credibility",
                "description": "Whether claims are presented as fact or as propaganda.",
                "poles": [
                    {
                        "id": "verified_fact",
                        "description": "Claims presented as established.",
                        "exemplars": ["The records establish exactly what happened."],
                    },
                    {
                        "id": "propaganda_claim",
                        "description": "Claims presented as propaganda.",
                        "exemplars": ["The claim is pure propaganda."],
                    },
                ],
            },
        ]
    }
)
FIELDS = code_fields(TWO_FRAMES)


def test_allocation_is_even_and_capped():
    assert _allocate(10, [100, 100]) == [5, 5]
    assert _allocate(10, [2, 100]) == [2, 8]
    assert sum(_allocate(7, [1, 1, 1])) == 3


def sentences_and_scores(n=40):
    sentences = pd.DataFrame(
        {
            S.DOC_ID: [f"d{i // 5}" for i in range(n)],
            S.SENT_ID: [i % 5 for i in range(n)],
            S.OUTLET: ["A"] * (n // 2) + ["B"] * (n // 2),
            S.CHAR_START: [10 * (i % 5) for i in range(n)],
            S.CHAR_END: [10 * (i % 5) + 9 for i in range(n)],
            S.TEXT: [f"s{i}" for i in range(n)],
            S.FRAGMENT: [i % 10 == 9 for i in range(n)],
        }
    )
    scores = sentences[[S.DOC_ID, S.SENT_ID]].assign(
        **{S.FRAME: "sacrifice", S.PRESENT: [i % 4 == 0 for i in range(n)]}
    )
    return sentences, scores


def test_export_is_stratified_deterministic_skips_coded_and_fragments():
    sentences, scores = sentences_and_scores()
    a = export_sample(sentences, scores, 8, seed=3)
    b = export_sample(sentences, scores, 8, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a[S.OUTLET].value_counts().to_dict() == {"A": 4, "B": 4}
    assert {S.CONTEXT_BEFORE, S.CONTEXT_AFTER, S.TEXT} <= set(a.columns)
    everything = export_sample(sentences, scores, 1000, seed=3)
    fragments = set(sentences.loc[sentences[S.FRAGMENT], S.TEXT])
    assert len(everything) == 36 and not fragments & set(everything[S.TEXT])
    again = export_sample(sentences, scores, 8, seed=3, exclude=a)
    assert not set(zip(a[S.DOC_ID], a[S.CHAR_START], strict=False)) & set(
        zip(again[S.DOC_ID], again[S.CHAR_START], strict=False)
    )


def test_sheets_share_the_overlap_and_split_the_rest():
    sentences, scores = sentences_and_scores(n=200)
    sample = export_sample(sentences, scores, 100, seed=1)
    sheets, assignment = assign_coders(sample, ["ana", "ben", "cy"], 0.25, 1, TWO_FRAMES)
    assert assignment["overlap"].sum() == 25
    keys = {c: set(zip(s[S.DOC_ID], s[S.SENT_ID], strict=True)) for c, s in sheets.items()}
    shared = keys["ana"] & keys["ben"] & keys["cy"]
    assert len(shared) == 25
    rest = [k - shared for k in keys.values()]
    assert sorted(len(r) for r in rest) == [25, 25, 25]  # 75 dealt out evenly
    assert not (rest[0] & rest[1]) and not (rest[1] & rest[2])
    assert set().union(*keys.values()) == set(zip(sample[S.DOC_ID], sample[S.SENT_ID], strict=True))
    sheet = sheets["ana"]
    assert list(sheet[S.CODER].unique()) == ["ana"]
    assert {"sacrifice", "credibility", S.VOICE, S.SPEAKER, S.NOTES} <= set(sheet.columns)
    assert (sheet[["sacrifice", "credibility", S.VOICE]] == "").all().all()  # left to the coder
    # each coder sees the shared sentences in a different order
    order = {
        c: [k for k in zip(s[S.DOC_ID], s[S.SENT_ID], strict=True) if k in shared]
        for c, s in sheets.items()
    }
    assert order["ana"] != order["ben"]


def test_codebook_travels_with_the_sheets():
    table = codebook_table(TWO_FRAMES)
    sacrifice = table[table["column"] == "sacrifice"]
    assert list(sacrifice["code"]) == ["heroic_sacrifice", "cannon_fodder", "none"]
    assert "meat grinder" in sacrifice.iloc[1]["exemplars"]
    assert set(table.loc[table["column"] == S.VOICE, "code"]) == set(S.VOICES)
    md = codebook_markdown(TWO_FRAMES, "tiny")
    assert "an empty cell means" in md and "`propaganda_claim`" in md
    assert "The claim is pure propaganda." in md


def write_sheet(path, rows: list[dict]):
    cols = [S.DOC_ID, S.SENT_ID, S.CHAR_START, S.CHAR_END, S.TEXT, S.CODER, *FIELDS, S.NOTES]
    pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols).to_csv(
        path, index=False
    )


def row(doc, start, coder="ana", **codes):
    return {
        S.DOC_ID: doc,
        S.SENT_ID: 0,
        S.CHAR_START: start,
        S.CHAR_END: start + 9,
        S.CODER: coder,
        **codes,
    }


def test_import_validates_lists_uncoded_and_treats_none_as_a_code(tmp_path):
    path = tmp_path / "ana.csv"
    write_sheet(
        path,
        [
            row("a", 0, sacrifice="Heroic_Sacrifice", credibility="none", voice="authorial"),
            row("a", 10),  # nothing coded
            row("b", 0, sacrifice="NONE", voice="quoted"),  # credibility left empty
        ],
    )
    result = import_sheet(path, TWO_FRAMES)
    codes = result.codes.set_index(S.DOC_ID)
    assert codes.loc["a", "sacrifice"] == "heroic_sacrifice"  # case from a spreadsheet
    assert codes.loc["b", "sacrifice"] == "none"
    assert pd.isna(codes.loc["b", "credibility"])  # empty = not coded, never "none"
    assert result.uncoded == [3]
    assert result.incomplete == [(4, ["credibility"])]


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (
            {"sacrifice": "propaganda_claim"},  # a pole of another frame
            r"ana\.csv, line 2, field 'sacrifice': 'propaganda_claim' is not a code of frame",
        ),
        ({"credibility": "-"}, r"line 2, field 'credibility': '-' is not a code"),
        ({"voice": "ironic"}, r"line 2, field 'voice': 'ironic' is not a voice"),
        ({"sacrifice": "none", S.CODER: ""}, r"line 2, field 'coder': coded row without a coder"),
    ],
)
def test_import_errors_name_file_line_and_field(tmp_path, codes, message):
    path = tmp_path / "ana.csv"
    write_sheet(path, [row("a", 0, **codes)])
    with pytest.raises(CorpusError, match=message):
        import_sheet(path, TWO_FRAMES)


def test_old_single_pole_sheets_are_refused_with_a_hint(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("doc_id,char_start,char_end,pole,voice\na,0,9,heroic_sacrifice,authorial\n")
    with pytest.raises(CorpusError, match="single `pole` column"):
        import_sheet(path, TWO_FRAMES)


def coded(coder, doc, sacrifice, voice="authorial", credibility="none"):
    return {
        S.DOC_ID: doc,
        S.CHAR_START: 0,
        S.CHAR_END: 9,
        S.CODER: coder,
        "sacrifice": sacrifice,
        "credibility": credibility,
        S.VOICE: voice,
        S.SPEAKER: None,
    }


def test_second_coder_is_added_beside_the_first_and_codes_are_never_overwritten():
    first = pd.DataFrame([coded("ana", "a", "heroic_sacrifice"), coded("ana", "b", "none")])
    second = pd.DataFrame([coded("ben", "a", "cannon_fodder"), coded("ben", "b", "none")])
    merged = merge_codes(first, second, FIELDS)
    assert len(merged) == 4
    assert list(merged[S.CODER]) == ["ana", "ana", "ben", "ben"]
    assert merge_codes(merged, second, FIELDS).equals(merged)  # re-import: no change
    changed = pd.DataFrame([coded("ana", "a", "cannon_fodder")])
    with pytest.raises(
        CorpusError, match=r"coder 'ana' already coded .* sacrifice='heroic_sacrifice'"
    ):
        merge_codes(merged, changed, FIELDS)
    filled = pd.DataFrame([coded("ana", "b", "none", voice="quoted")])
    first_blank = first.assign(**{S.VOICE: [None, None]})
    out = merge_codes(first_blank, filled, FIELDS)
    assert list(out[S.VOICE].fillna("-")) == ["-", "quoted"]  # an empty cell may be filled


def test_disagreements_are_kept_listed_and_resolved_only_by_adjudication(tmp_path):
    codes = pd.DataFrame(
        [
            coded("ana", "a", "heroic_sacrifice"),
            coded("ben", "a", "cannon_fodder"),
            coded("ana", "b", "none"),
            coded("ben", "b", "none", voice="quoted"),
            coded("ana", "c", "cannon_fodder"),  # one coder only
        ]
    )
    out = resolve(codes, TWO_FRAMES)
    by_doc = out.codes.set_index(S.DOC_ID)
    assert pd.isna(by_doc.loc["a", "sacrifice"])  # unresolved: left out, not guessed
    assert by_doc.loc["b", "sacrifice"] == "none" and pd.isna(by_doc.loc["b", S.VOICE])
    assert by_doc.loc["c", "sacrifice"] == "cannon_fodder"
    listed = out.disagreements.set_index([S.DOC_ID, "field"])
    assert listed.loc[("a", "sacrifice"), "codes"] == "ana=heroic_sacrifice; ben=cannon_fodder"
    assert set(listed["status"]) == {"unresolved"} and len(listed) == 2

    path = tmp_path / "adjudication.csv"
    path.write_text(
        "doc_id,char_start,char_end,field,code,note\n"
        "a,0,9,sacrifice,cannon_fodder,ben read the sarcasm right\n"
        "b,0,9,voice,,still to discuss\n"
    )
    decided = resolve(codes, TWO_FRAMES, load_adjudication(path, TWO_FRAMES))
    by_doc = decided.codes.set_index(S.DOC_ID)
    assert by_doc.loc["a", "sacrifice"] == "cannon_fodder"
    assert pd.isna(by_doc.loc["b", S.VOICE])
    status = decided.disagreements.set_index([S.DOC_ID, "field"])["status"]
    assert status[("a", "sacrifice")] == "adjudicated" and status[("b", "voice")] == "unresolved"
    assert len(codes) == 5  # the coders' codes themselves are untouched

    path.write_text("doc_id,char_start,char_end,field,code\na,0,9,sacrifice,fodder\n")
    with pytest.raises(CorpusError, match=r"adjudication\.csv, line 2, field 'sacrifice'"):
        load_adjudication(path, TWO_FRAMES)


def test_single_pole_gold_files_still_read(tmp_path):
    path = tmp_path / "gold_sentences.csv"
    path.write_text(
        "doc_id,char_start,char_end,pole,voice\n"
        "a,0,9,propaganda_claim,quoted\n"
        "a,10,19,,authorial\n"
        "a,20,29,,\n"
    )
    gold = load_gold(path, TWO_FRAMES).set_index(S.CHAR_START)
    assert gold.loc[0, "credibility"] == "propaganda_claim" and gold.loc[0, "sacrifice"] == "none"
    assert gold.loc[10, "sacrifice"] == "none" and gold.loc[10, S.VOICE] == "authorial"
    assert gold.loc[20, ["sacrifice", "credibility", S.VOICE]].isna().all()  # not coded
    assert set(gold[S.CODER]) == {"gold_sentences"}


def test_sheets_are_safe_to_open_in_a_spreadsheet(tmp_path):
    df = pd.DataFrame(
        {
            S.TEXT: ['=HYPERLINK("http://x")', "+1 call now", "@SUM(A1)", "fine"],
            "value": [-1.5, 2.0, 3.0, 4.0],
        }
    )
    path = tmp_path / "sheet.csv"
    write_csv(df, path)
    with path.open(newline="", encoding="utf-8") as fh:
        cells = [r[0] for r in csv.reader(fh)][1:]
    assert cells == ['\'=HYPERLINK("http://x")', "'+1 call now", "'@SUM(A1)", "fine"]
    back = pd.read_csv(path)
    assert np.allclose(back["value"], df["value"])  # numbers stay numbers
