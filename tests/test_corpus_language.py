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
