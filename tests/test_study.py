import pytest
import yaml

from analysis.errors import StudyConfigError
from analysis.study import Study, find_study
from tests.conftest import DEMO, TINY_CODEBOOK


def write(folder, config):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder


def base(**over):
    config = {"name": "s", "corpus": [{"path": "a.jsonl"}], "codebook": TINY_CODEBOOK}
    config.update(over)
    return config


def test_demo_study_loads_with_four_bipolar_frames():
    study = Study.load(DEMO)
    assert study.name == "demo"
    assert [f.id for f in study.config.codebook.frames] == [
        "sacrifice",
        "legitimacy",
        "deployment",
        "credibility",
    ]
    assert all(f.bipolar for f in study.config.codebook.frames)
    assert study.path("articles.jsonl") == (DEMO / "articles.jsonl").resolve()


def test_find_study_by_name_and_by_path():
    assert find_study("demo").root == DEMO.resolve()
    assert find_study(DEMO).root == DEMO.resolve()


def test_missing_study_file_names_the_path(tmp_path):
    with pytest.raises(StudyConfigError, match=r"no study file here"):
        Study.load(tmp_path)


def test_unknown_key_is_an_error_not_a_silent_default(tmp_path):
    folder = write(tmp_path / "s", base(seeed=3))
    with pytest.raises(
        StudyConfigError, match=r"study\.yaml.*\n.*seeed: Extra inputs are not permitted"
    ):
        Study.load(folder)


def test_pole_without_exemplars_names_the_field(tmp_path):
    codebook = {
        "frames": [
            {"id": "f", "poles": [{"id": "a", "exemplars": []}, {"id": "b", "exemplars": ["x"]}]}
        ]
    }
    folder = write(tmp_path / "s", base(codebook=codebook))
    with pytest.raises(
        StudyConfigError,
        match=r"codebook\.frames\[0\]\.poles\[0\]\.exemplars: List should have at least 1 item",
    ):
        Study.load(folder)


def test_duplicate_pole_ids_rejected(tmp_path):
    pole = {"id": "a", "exemplars": ["x"]}
    codebook = {"frames": [{"id": "f", "poles": [pole]}, {"id": "g", "poles": [pole]}]}
    folder = write(tmp_path / "s", base(codebook=codebook))
    with pytest.raises(
        StudyConfigError, match=r"pole ids must be unique across the codebook: \['a'\]"
    ):
        Study.load(folder)


def test_three_poles_rejected(tmp_path):
    poles = [{"id": p, "exemplars": ["x " + p]} for p in "abc"]
    folder = write(tmp_path / "s", base(codebook={"frames": [{"id": "f", "poles": poles}]}))
    with pytest.raises(StudyConfigError, match=r"poles: List should have at most 2 items"):
        Study.load(folder)


def test_unknown_schema_field_in_column_mapping(tmp_path):
    folder = write(tmp_path / "s", base(corpus=[{"path": "a.csv", "columns": {"body": "content"}}]))
    with pytest.raises(
        StudyConfigError, match=r"corpus\[0\]\.columns.*unknown schema field\(s\) \['body'\]"
    ):
        Study.load(folder)


def test_invalid_yaml_reports_file(tmp_path):
    (tmp_path / "study.yaml").write_text("name: [unclosed\n")
    with pytest.raises(StudyConfigError, match=r"study\.yaml: not valid YAML"):
        Study.load(tmp_path)


def test_name_defaults_to_folder(tmp_path):
    config = base()
    del config["name"]
    study = Study.load(write(tmp_path / "my_study", config))
    assert study.name == "my_study"
