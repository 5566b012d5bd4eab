import json

import pytest

from analysis import schema as S
from analysis.corpus.boilerplate import BoilerplateStripper
from tests.conftest import DEMO

BODY = "The council voted on Tuesday to rebuild the harbour wall before the winter storms."


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "ADVERTISEMENT",
        "Read more: Council approves the budget",
        "Sign up for our daily newsletter",
        "Get the best stories delivered to your inbox. Sign up here.",
        "We use cookies to improve your experience. By continuing you accept our cookie policy.",
        "Copyright © 2024 The Coastal Post. All rights reserved.",
        "Story continued below",
        "CLICK HERE TO GET THE APP",
        "Follow us on Twitter @coastalpost",
        "(Reuters photo: A. Photographer)",
        "Enlarge this image toggle caption A. Photographer/AP",
        "[pullquote]",
        "Loading...",
        "The views expressed by contributors are their own.",
    ],
)
def test_builtin_patterns_strip_boilerplate_lines(line):
    stripper = BoilerplateStripper(repeated=None).fit([], [])
    out = stripper.transform([f"{BODY}\n\n{line}\n\nSecond paragraph."], ["H"], ["d1"])
    assert out.texts == [f"{BODY}\n\nSecond paragraph."]
    assert out.lines[[S.DOC_ID, S.LINE_NO, S.TEXT]].values.tolist() == [["d1", 2, line]]
    assert out.lines[S.RULE].iloc[0].startswith("builtin:")


@pytest.mark.parametrize(
    "line",
    [
        BODY,
        "The big picture: officials say the harbour will reopen next week.",
        "Subscribers to the harbour newsletter were told about the vote first, the mayor said.",
        "More.",
        "Readers wrote in to say the cookies at the fair were the best in years.",
        "Photographers were not allowed into the chamber during the closed session.",
        "He said the decision to close the harbour was made in March after the storm surge.",
    ],
)
def test_content_lines_are_not_stripped(line):
    stripper = BoilerplateStripper(repeated=None).fit([], [])
    assert stripper.transform([line], ["H"], ["d1"]).texts == [line]


def test_a_long_line_is_never_stripped_even_if_a_pattern_would_match():
    long_line = "Read more " + " ".join(["about the harbour"] * 12)
    stripper = BoilerplateStripper(repeated=None, max_words=25).fit([], [])
    assert stripper.transform([long_line], ["H"], ["d"]).texts == [long_line]


def test_repeated_lines_are_the_outlets_template_and_identical_texts_count_once():
    template = "Sign-off line of the Herald desk"
    herald = [f"Story {i} about the harbour and the council.\n{template}" for i in range(5)]
    gazette = [f"Gazette story {i}.\n{template}" for i in range(3)]  # only 3 in this outlet
    texts, outlets = herald + gazette, ["Herald"] * 5 + ["Gazette"] * 3
    stripper = BoilerplateStripper(builtin=False, repeated=5).fit(texts, outlets)
    out = stripper.transform(texts, outlets, [f"d{i}" for i in range(8)])
    assert out.texts[:5] == [f"Story {i} about the harbour and the council." for i in range(5)]
    assert out.texts[5:] == gazette
    assert set(out.lines[S.RULE]) == {"repeated:5"}
    # The same article five times is one article, not a template.
    copies = [herald[0]] * 5
    again = BoilerplateStripper(builtin=False, repeated=5).fit(copies, ["Herald"] * 5)
    assert again.transform(copies, ["Herald"] * 5, list("abcde")).texts == copies


def test_a_repeated_quotation_is_content_not_template():
    quote = "“We will rebuild,” the mayor said."
    texts = [f"Story {i}.\n{quote}" for i in range(6)]
    stripper = BoilerplateStripper(builtin=False, repeated=5).fit(texts, ["H"] * 6)
    assert stripper.transform(texts, ["H"] * 6, list("abcdef")).texts == texts


def test_study_patterns_are_full_line_and_case_insensitive():
    stripper = BoilerplateStripper(builtin=False, repeated=None, patterns=[r"harbour desk"])
    stripper.fit([], [])
    out = stripper.transform(["HARBOUR DESK\nThe harbour desk reported."], ["H"], ["d"])
    assert out.texts == ["The harbour desk reported."]
    assert out.lines[S.RULE].tolist() == ["pattern:harbour desk"]


def test_nothing_is_stripped_from_the_demo_corpus():
    articles = [json.loads(line) for line in (DEMO / "articles.jsonl").open(encoding="utf-8")]
    texts = [a["text"] for a in articles]
    outlets = [a["outlet"] for a in articles]
    stripper = BoilerplateStripper().fit(texts, outlets)
    out = stripper.transform(texts, outlets, [a["doc_id"] for a in articles])
    assert out.lines.empty
    assert out.texts == texts
