import pytest

from analysis import schema as S
from analysis.corpus.language import LanguageDetector
from tests.test_ingest_support import article, jsonl, run, write_study

SAMPLES = {
    "en": "The government presented a new plan for the railways on Tuesday, officials said.",
    "de": "Die Regierung hat am Dienstag einen neuen Plan für die Bahn vorgestellt.",
    "fr": "Le gouvernement a présenté mardi un nouveau plan pour les chemins de fer.",
    "es": "El gobierno presentó el martes un nuevo plan para los ferrocarriles del país.",
    "ru": "Правительство во вторник представило новый план развития железных дорог.",
}


def test_languages_of_plain_sentences():
    codes, scores = LanguageDetector().detect(list(SAMPLES.values()))
    assert codes == list(SAMPLES)
    assert (scores > 0.9).all()


def test_title_case_headlines_are_still_recognised():
    codes, _ = LanguageDetector().detect(["Senate Passes Sweeping Bill To Rebuild Roads"])
    assert codes == ["en"]


@pytest.mark.parametrize("text", ["12345 67", "ok", "—", "https://example.org/a/b?c=1"])
def test_no_language_below_the_confidence_floor(text):
    codes, scores = LanguageDetector(min_score=0.5).detect([text])
    assert codes == [None]
    assert 0 <= scores[0] < 0.5 or text == "—"


def test_given_language_is_kept_lowercased_and_detected_only_where_missing(tmp_path):
    records = [
        article("a", text=SAMPLES["de"], language="EN"),  # the source says so: kept
        article("b", text=SAMPLES["fr"]),
    ]
    study = write_study(tmp_path / "s", {"a.jsonl": jsonl(records)}, {"path": "a.jsonl"})
    art = run(study).articles.set_index(S.DOC_ID)
    assert art[S.LANGUAGE].to_dict() == {"a": "en", "b": "fr"}
    assert art[S.LANGUAGE_SCORE].isna().tolist() == [True, False]


def test_undetermined_language_can_be_filtered_out(tmp_path):
    records = [article("a", text=SAMPLES["en"]), article("b", text="12345 678")]
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl(records)},
        {"path": "a.jsonl"},
        ingest_config={"language": {"keep": ["en"], "keep_undetermined": False}},
    )
    result = run(study)
    assert list(result.articles[S.DOC_ID]) == ["a"]
    assert result.rejects[S.REASON].tolist() == [
        "undetermined language is not among ingest.language.keep ['en']"
    ]


def test_left_out_languages_are_counted_by_outlet_and_language(tmp_path):
    from analysis.corpus.summary import format_summary, summarize

    records = [
        article("a1", outlet="Gazette", text=SAMPLES["en"]),
        article("a2", outlet="Gazette", text=SAMPLES["de"]),
        article("a3", outlet="Gazette", text=SAMPLES["de"] + " " + SAMPLES["de"]),
        article("b1", outlet="Herald", text=SAMPLES["fr"]),
        article("b2", outlet="Herald", text=SAMPLES["en"] + " " + SAMPLES["en"]),
        article("b3", outlet="Herald", text="12345 678"),
    ]
    study = write_study(
        tmp_path / "s",
        {"a.jsonl": jsonl(records)},
        {"path": "a.jsonl"},
        ingest_config={"language": {"keep": ["en"], "keep_undetermined": False}},
    )
    result = run(study)
    counts = result.languages.set_index([S.OUTLET, S.LANGUAGE])
    assert counts.loc[("Gazette", "en")].tolist() == [1, 0]
    assert counts.loc[("Gazette", "de")].tolist() == [0, 2]
    assert counts.loc[("Herald", "fr")].tolist() == [0, 1]
    assert counts.loc[("Herald", "undetermined")].tolist() == [0, 1]
    assert counts[S.N_KEPT].sum() == len(result.articles) == 2
    assert counts[S.N_LEFT_OUT].sum() == (result.rejects[S.REJECT_CODE] == "language").sum() == 4
    text = format_summary("s", summarize(result))
    assert "left out by ingest.language.keep 4" in text
    assert "2  de  Gazette" in text
