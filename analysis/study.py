"""A study: one folder ``corpora/<name>/`` holding ``study.yaml`` and its data.

``study.yaml`` is parsed into the pydantic models below. Unknown keys are errors (a typo
must not silently fall back to a default), and every error names the file and the
dotted path of the field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import schema as S
from analysis.errors import StudyConfigError

STUDY_FILE = "study.yaml"
_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CorpusSource(_Strict):
    """One corpus file (or folder) and how its columns map to the article schema."""

    path: str
    format: Literal["jsonl", "csv", "tsv", "parquet", "folder"] | None = None
    # schema field -> source column, e.g. {"text": "content_original", "outlet": "source"}
    columns: dict[str, str] = Field(default_factory=dict)

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(columns) - set(S.ARTICLE_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown schema field(s) {unknown}; map source columns onto "
                f"{list(S.ARTICLE_FIELDS)} (extra source columns are kept without mapping)"
            )
        return columns

    @property
    def resolved_format(self) -> str:
        if self.format:
            return self.format
        suffix = Path(self.path).suffix.lower()
        by_suffix = {
            ".jsonl": "jsonl",
            ".ndjson": "jsonl",
            ".csv": "csv",
            ".tsv": "tsv",
            ".parquet": "parquet",
            ".pq": "parquet",
            "": "folder",
        }
        if suffix not in by_suffix:
            raise StudyConfigError(
                f"cannot tell the format of corpus file {self.path!r} from its suffix",
                hint="add `format: jsonl|csv|tsv|parquet|folder` to this corpus entry",
            )
        return by_suffix[suffix]


class Pole(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    label: str | None = None
    description: str = ""
    exemplars: list[str] = Field(min_length=1)

    @field_validator("exemplars")
    @classmethod
    def _nonblank(cls, exemplars: list[str]) -> list[str]:
        for i, text in enumerate(exemplars):
            if not text or not text.strip():
                raise ValueError(f"exemplar {i} is empty")
        if len(set(exemplars)) != len(exemplars):
            raise ValueError("exemplars repeat; each exemplar sentence should appear once")
        return exemplars


class Frame(_Strict):
    """A bipolar axis (pole A ↔ pole B) or, with one pole, a unipolar frame.

    Positions are positive toward the first pole.
    """

    id: str = Field(pattern=_ID_PATTERN)
    label: str | None = None
    description: str = ""
    poles: list[Pole] = Field(min_length=1, max_length=2)

    @property
    def bipolar(self) -> bool:
        return len(self.poles) == 2


class Codebook(_Strict):
    frames: list[Frame] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Codebook:
        frame_ids = [f.id for f in self.frames]
        pole_ids = [p.id for f in self.frames for p in f.poles]
        for kind, ids in (("frame", frame_ids), ("pole", pole_ids)):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{kind} ids must be unique across the codebook: {dupes}")
        return self

    def frame(self, frame_id: str) -> Frame:
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(frame_id)


class EmbeddingConfig(_Strict):
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = Field(default=64, ge=1)


class AggregateConfig(_Strict):
    n_boot: int = Field(default=2000, ge=100)
    ci: float = Field(default=0.95, gt=0, lt=1)


class ScoringConfig(_Strict):
    """How sentence scores become frame presence."""

    # Relevance at or above which a sentence counts as engaging a frame. None: choose it
    # per frame on the study's gold codes (F1-optimal), or use default_threshold when the
    # study has no gold codes. A number fixes it for every frame.
    presence_threshold: float | None = Field(default=None, ge=-1, le=1)
    # For all-MiniLM-L6-v2; measured on the demo gold (see README). Recalibrate with gold
    # codes of your own corpus when you can.
    default_threshold: float = Field(default=0.35, ge=-1, le=1)


class TopicsConfig(_Strict):
    """Topic stage settings (issue 4 owns this section)."""

    enabled: bool = True


class EventsConfig(_Strict):
    """Event alignment settings (issue 6 owns this section)."""

    enabled: bool = True


class CompareConfig(_Strict):
    """Cross-outlet comparison settings (issue 6 owns this section)."""

    enabled: bool = True


class StudyConfig(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    synthetic: bool = False
    corpus: list[CorpusSource] = Field(min_length=1)
    outlets: str | None = None
    gold: str | None = None
    seed: int = 0
    embedding: EmbeddingConfig = EmbeddingConfig()
    scoring: ScoringConfig = ScoringConfig()
    aggregate: AggregateConfig = AggregateConfig()
    topics: TopicsConfig = TopicsConfig()
    events: EventsConfig = EventsConfig()
    compare: CompareConfig = CompareConfig()
    codebook: Codebook


class Study:
    """A loaded study: its validated config plus where its files and outputs live."""

    def __init__(self, root: Path, config: StudyConfig, build_root: Path | None = None):
        self.root = root
        self.config = config
        self.build_root = build_root if build_root is not None else default_build_root()

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def build_dir(self) -> Path:
        return self.build_root / self.name

    def path(self, relative: str) -> Path:
        """Resolve a path written in study.yaml relative to the study folder."""
        p = Path(os.path.expandvars(relative)).expanduser()
        return p if p.is_absolute() else (self.root / p).resolve()

    @classmethod
    def load(cls, folder: str | os.PathLike, build_root: Path | None = None) -> Study:
        folder = Path(folder)
        file = folder / STUDY_FILE if folder.is_dir() else folder
        if not file.exists():
            raise StudyConfigError(
                f"{file}: no study file here",
                hint=f"a study is a folder holding {STUDY_FILE}; see corpora/demo for an example",
            )
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise StudyConfigError(f"{file}: not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise StudyConfigError(f"{file}: expected a mapping at the top level")
        raw.setdefault("name", file.parent.name)
        try:
            config = StudyConfig.model_validate(raw)
        except ValidationError as exc:
            raise StudyConfigError(_describe(file, exc), hint="fix the field(s) above") from exc
        return cls(file.parent.resolve(), config, build_root)


def find_study(name_or_path: str | os.PathLike, build_root: Path | None = None) -> Study:
    """Load a study by folder path, or by name from ``corpora/<name>``."""
    candidate = Path(name_or_path)
    if not (candidate / STUDY_FILE).exists() and not candidate.is_file():
        by_name = project_root() / "corpora" / str(name_or_path)
        if (by_name / STUDY_FILE).exists():
            candidate = by_name
    return Study.load(candidate, build_root)


def default_build_root() -> Path:
    """``build/`` at the project root, or ``$FRAMING_BUILD_DIR`` when set."""
    env = os.environ.get("FRAMING_BUILD_DIR")
    return Path(env).resolve() if env else project_root() / "build"


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _describe(file: Path, exc: ValidationError) -> str:
    lines = [f"{file}: {exc.error_count()} problem(s) in the study config"]
    for err in exc.errors():
        loc = _dotted(err["loc"])
        lines.append(f"  {loc or '<top level>'}: {err['msg']}")
    return "\n".join(lines)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
