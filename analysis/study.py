"""A study: one folder ``corpora/<name>/`` holding ``study.yaml`` and its data.

``study.yaml`` is parsed into the pydantic models below. Unknown keys are errors (a typo
must not silently fall back to a default), and every error names the file and the
dotted path of the field.
"""

from __future__ import annotations

import codecs
import os
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import paths
from analysis import schema as S
from analysis.collect.config import CollectConfig
from analysis.device import select_device
from analysis.embed import encoding_scheme
from analysis.errors import StudyConfigError, hide_in_messages
from analysis.io import write_text

STUDY_FILE = "study.yaml"
# Folders under the build root that are not a study's (the default embedding cache).
RESERVED_NAMES = frozenset({"cache"})
# Written into build/<study>/: the study folder whose outputs these are, so a copied
# study that kept another's name cannot silently replace its tables.
OWNER_FILE = ".study-folder"
_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
# Frame ids name coding-sheet columns, so they cannot be any other column of a sheet.
RESERVED_FRAME_IDS = frozenset(S.CODING_SHEET_COLUMNS) | {"none", "field", "code"}
MIN_GOLD_PER_CODE = 15
MIN_SENTENCE_WORDS = 4


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a key repeated in one mapping is an error (PyYAML
    keeps the last value silently, so a second ``seed:`` would win unnoticed)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, str | int | float | bool) and key in seen:
                raise StudyConfigError(
                    f"{self.name}, line {line}: key {key!r} appears twice in one mapping "
                    f"(first on line {seen[key]})",
                    hint="keep one of them",
                )
            seen[key] = line
        return super().construct_mapping(node, deep)


# Resampling counts above this need tens of GiB for a large study; 100,000 draws already
# put Monte Carlo error far below any reported digit.
MAX_RESAMPLES = 100_000


Estimator = TypeVar("Estimator")


def configured(estimator: Estimator, config: BaseModel) -> Estimator:
    """``estimator`` (scikit-learn style) with each parameter that ``config`` has a field
    of the same name for set from that field: settings and parameters share names, so
    neither is listed twice."""
    settings = config.model_dump()
    params = {name: settings[name] for name in estimator.get_params() if name in settings}
    return estimator.set_params(**params)


_FORMAT_BY_SUFFIX = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".txt": "folder",  # a single text or HTML file is read like a folder of one
    ".html": "folder",
    ".htm": "folder",
    "": "folder",
}
_TEMPLATE_FIELD = re.compile(r"\{([^{}:]+)(?::[^{}]*)?\}")


class CorpusSource(_Strict):
    """One corpus file, folder or glob, and how its records map onto the article schema.

    The options are documented with examples in analysis/corpus/README.md.
    """

    path: str = Field(
        description='A file, a folder or a glob ("exports/*.csv"), relative to the study folder.'
    )
    format: Literal["jsonl", "json", "csv", "tsv", "parquet", "folder"] | None = Field(
        default=None,
        description="File format; null: from the suffix (a folder, .txt or .html: folder).",
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description='Schema field -> source column, e.g. {text: content_original}; "a.b" '
        "reaches field b of a nested object a, and unmapped columns are kept as extras.",
    )
    constants: dict[str, str] = Field(
        default_factory=dict,
        description="Schema field -> one value for every record of this source, e.g. "
        "{outlet: Reuters}.",
    )
    id_template: str | None = Field(
        default=None,
        description='doc_id built from source columns, e.g. "neus-{id}-{side}"; {row} is the '
        "record's line/row number and {file} the file name without suffix.",
    )
    id_prefix: str = Field(
        default="",
        description="Prepended to every doc_id of this source (unique ids across sources).",
    )
    encoding: str | None = Field(
        default=None,
        description="Text encoding; null: a byte-order mark, else UTF-8, else detected and "
        "reported in problems.csv.",
    )
    delimiter: str | None = Field(
        default=None, description='csv/tsv: the field delimiter; null: "," for csv, tab for tsv.'
    )
    quotechar: str | None = Field(
        default='"', description="csv/tsv: the quote character; null: fields are never quoted."
    )
    na_values: list[str] = Field(
        default_factory=lambda: ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None"],
        description='csv/tsv: cells that mean "missing" (CSV has no null; R writes NA).',
    )
    glob: str | None = Field(
        default=None,
        description='When path is a folder: the files to read; null: by format ("**/*.jsonl").',
    )
    record_path: str | None = Field(
        default=None,
        description='json: dotted path to the list of records, e.g. "data.articles".',
    )
    explode: str | None = Field(
        default=None,
        description="A field holding a list or mapping of sub-records, each becoming one record "
        'whose fields are named "<explode>.<field>".',
    )
    explode_key: str | None = Field(
        default=None,
        description="Column receiving each sub-record's key or 0-based position; null: "
        '"<explode>_key".',
    )
    text_format: Literal["plain", "html"] = Field(
        default="plain",
        description="html: the text field holds HTML whose main text is extracted (trafilatura).",
    )
    dayfirst: bool = Field(
        default=False, description='Read "03/04/2021" as 3 April (true) or March 4 (false).'
    )
    date_format: str | None = Field(
        default=None, description='A fixed strptime date format, e.g. "%d.%m.%Y"; null: guessed.'
    )
    timezone: str = Field(
        default="UTC", description="IANA time zone of dates written without a UTC offset."
    )

    @field_validator("columns", "constants")
    @classmethod
    def _known_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(columns) - set(S.ARTICLE_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown schema field(s) {unknown}; map source columns onto "
                f"{list(S.ARTICLE_FIELDS)} (extra source columns are kept without mapping)"
            )
        return columns

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(
                    f"unknown encoding {encoding!r} (e.g. utf-8, latin-1, cp1252)"
                ) from None
        return encoding

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, tz: str) -> str:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {tz!r} (use an IANA name like Europe/Berlin)"
            ) from None
        return tz

    @field_validator("delimiter", "quotechar")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError(f"must be a single character, not {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CorpusSource:
        fmt = self.resolved_format
        both = sorted(set(self.columns) & set(self.constants))
        if both:
            raise ValueError(f"field(s) {both} are both mapped in `columns` and set in `constants`")
        if self.id_template is not None:
            if S.DOC_ID in self.columns or S.DOC_ID in self.constants:
                raise ValueError("use either id_template or a doc_id column, not both")
            if not _TEMPLATE_FIELD.search(self.id_template):
                raise ValueError(
                    f"id_template {self.id_template!r} names no column; write e.g. '{{id}}-{{row}}'"
                )
        if S.DOC_ID in self.constants:
            raise ValueError("doc_id cannot be a constant; use id_template, e.g. 'x-{row}'")
        if (self.delimiter is not None) and fmt not in ("csv", "tsv"):
            raise ValueError(f"delimiter applies to csv/tsv, not {fmt}")
        if self.record_path is not None and fmt != "json":
            raise ValueError(f"record_path applies to the json format, not {fmt}")
        if self.explode_key is not None and self.explode is None:
            raise ValueError("explode_key needs explode")
        return self

    @property
    def resolved_format(self) -> str:
        if self.format:
            return self.format
        suffix = Path(self.path).suffix.lower()
        if suffix not in _FORMAT_BY_SUFFIX:
            raise ValueError(
                f"cannot tell the format of {self.path!r} from its suffix; add "
                "`format: jsonl|json|csv|tsv|parquet|folder`"
            )
        return _FORMAT_BY_SUFFIX[suffix]

    @property
    def template_fields(self) -> list[str]:
        return _TEMPLATE_FIELD.findall(self.id_template or "")

    @property
    def key_column(self) -> str | None:
        if self.explode is None:
            return None
        return self.explode_key or f"{self.explode}_key"


class Pole(_Strict):
    """One end of a frame: what coders choose and what the axis points to."""

    id: str = Field(
        pattern=_ID_PATTERN, description="snake_case id, unique across the codebook (a code)."
    )
    label: str | None = Field(default=None, description="Readable name used in figures.")
    description: str = Field(
        default="", description="What this pole means; shown to coders on the coding sheet."
    )
    exemplars: list[str] = Field(
        min_length=1,
        description="Sentences written for the codebook that express this pole; their "
        "centroid is the pole's end of the axis.",
    )

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

    id: str = Field(
        pattern=_ID_PATTERN,
        description="snake_case id, unique across the codebook; its column on coding sheets.",
    )
    label: str | None = Field(default=None, description="Readable name used in figures.")
    description: str = Field(default="", description="What the frame is about; shown to coders.")
    poles: list[Pole] = Field(
        min_length=1,
        max_length=2,
        description="Two poles (a bipolar axis, positive toward the first) or one (unipolar).",
    )

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, frame_id: str) -> str:
        if frame_id in RESERVED_FRAME_IDS:
            raise ValueError(
                f"frame id {frame_id!r} is reserved (a coding sheet column); rename the frame"
            )
        return frame_id

    @property
    def bipolar(self) -> bool:
        return len(self.poles) == 2

    @model_validator(mode="after")
    def _poles_differ(self) -> Frame:
        # An exemplar on both poles pulls the axis toward zero; identical poles give every
        # sentence position 0.0 while "present" still fires (issue 11).
        if self.bipolar:
            a, b = ({" ".join(t.casefold().split()): t for t in p.exemplars} for p in self.poles)
            shared = sorted(set(a) & set(b))
            if shared:
                raise ValueError(
                    f"exemplar {a[shared[0]]!r} is on both poles ({self.poles[0].id}, "
                    f"{self.poles[1].id}); an exemplar is evidence for one pole only"
                )
        return self


class Codebook(_Strict):
    """The frames a study measures, each a bipolar or unipolar axis of exemplar sentences."""

    frames: list[Frame] = Field(min_length=1, description="The frames, in reporting order.")

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
    """How texts become vectors (analysis/embed.py). The model, the scheme (exact or
    plain batches), the backend and the device class are part of every cache key;
    batch size and threads change only the speed of the exact scheme."""

    model: str = Field(
        default="all-MiniLM-L6-v2",
        description="A sentence-transformers model: the bundled all-MiniLM-L6-v2, a model "
        "folder, or a hub name already downloaded (see allow_download).",
    )
    exact: bool = Field(
        default=True,
        description="Give every text bit-identical vectors whatever it is encoded with and "
        "whatever the cache holds (still batched); false: plain batches, whose vectors move "
        "in the seventh decimal with their companions.",
    )
    batch_size: int = Field(
        default=32,
        ge=1,
        description="Texts per forward pass (exact batches hold texts of one token length).",
    )
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        default="torch",
        description="torch, or ONNX Runtime on a local export of the model (onnx-int8: "
        "dynamically quantised; exact int8 encodes texts one at a time).",
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        default="auto",
        description="Where torch runs: auto takes a GPU when present, else the CPU.",
    )
    threads: int | None = Field(
        default=None,
        ge=1,
        description="Encoding worker threads; default OMP_NUM_THREADS, else the CPUs this "
        "process may use (never more).",
    )
    allow_download: bool = Field(
        default=False,
        description="Let a model that is not on this machine be downloaded from the "
        "Hugging Face hub (off: such a model fails at once with a hint).",
    )

    def identity(self) -> dict[str, str]:
        """What a vector depends on: the model and the encoding scheme. Part of the
        fingerprint of every stage that encodes text."""
        device = "cpu" if self.backend != "torch" else select_device(self.device)
        scheme = encoding_scheme(
            self.batch_size, exact=self.exact, backend=self.backend, device=device
        )
        return {"model": self.model, "scheme": scheme}

    def encoder_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :class:`analysis.embed.Encoder` for this config."""
        return {
            "batch_size": self.batch_size,
            "exact": self.exact,
            "backend": self.backend,
            "device": self.device,
            "threads": self.threads,
            "allow_download": self.allow_download,
        }


class ExecutionConfig(_Strict):
    """Where encoding, frame scoring and the per-article aggregation run
    (analysis/execution.py); results are identical whatever runs them."""

    scheduler: str = Field(
        default="none",
        min_length=1,
        description="none: in this process; local: a Dask cluster on this machine; or the "
        "address of a running Dask scheduler (e.g. tcp://10.0.0.5:8786).",
    )
    workers: int = Field(
        default=2,
        ge=1,
        description="Worker processes of the local cluster, each with one thread.",
    )
    processes: bool = Field(
        default=True,
        description="Local workers are processes (false: threads of this process, for "
        "tests and debugging).",
    )
    connect_timeout: float = Field(
        default=30.0, gt=0, description="Seconds to wait for a scheduler address to answer."
    )

    @field_validator("scheduler")
    @classmethod
    def _a_scheduler(cls, value: str) -> str:
        if value in ("none", "local") or re.fullmatch(r"(\w+://)?[\w.-]+:\d+", value):
            return value
        raise ValueError(
            f"{value!r} is not none, local or a scheduler address such as tcp://host:8786"
        )

    def with_option(self, scheduler: str) -> ExecutionConfig:
        """This config under ``framing run --scheduler``: none, local, local:N (N workers)
        or a scheduler address."""
        fields: dict[str, Any] = {**self.model_dump(), "scheduler": scheduler}
        if scheduler.startswith("local:"):
            fields["scheduler"], fields["workers"] = "local", scheduler.split(":", 1)[1]
        return ExecutionConfig.model_validate(fields)


class AggregateConfig(_Strict):
    """Outlet means of article frame scores, with bootstrap intervals over articles."""

    n_boot: int = Field(
        default=2000, ge=100, le=MAX_RESAMPLES, description="Bootstrap resamples of articles."
    )
    ci: float = Field(default=0.95, gt=0, lt=1, description="Confidence level of the intervals.")


class FinetuneConfig(_Strict):
    """Fine-tuning of the sentence encoder on the gold codes (``scoring.method: finetuned``).

    The defaults (every transformer layer, one epoch, learning rate 5e-5) were chosen on
    an inner validation split of BABE's training sentences; one epoch keeps CPU training
    affordable (about 4 minutes per 1000 sentences on one busy core). BABE figures and
    the selection are in benchmarks/results/babe_scorers.md. A model is trained per frame and
    per cross-fitting fold, and kept in build/<study>/finetuned/.
    """

    strategy: Literal["head", "contrastive"] = Field(
        default="head",
        description="`head`: a linear head trained end to end with the encoder; "
        "`contrastive`: SetFit-style sentence pairs tune the encoder, then a linear head.",
    )
    epochs: int = Field(default=1, ge=1, description="Passes over the coded sentences.")
    batch_size: int = Field(default=16, ge=2, description="Sentences (or pairs) per step.")
    learning_rate: float = Field(
        default=5e-5, gt=0, description="Peak learning rate of the encoder's trained layers."
    )
    head_learning_rate: float = Field(
        default=1e-3, gt=0, description="Peak learning rate of the classification head."
    )
    weight_decay: float = Field(default=0.01, ge=0, description="AdamW weight decay.")
    warmup_ratio: float = Field(
        default=0.1, ge=0, lt=1, description="Share of steps with a linear learning-rate warm-up."
    )
    max_seq_length: int = Field(
        default=128,
        ge=8,
        description="Tokens per sentence kept; longer ones are truncated (the longest BABE "
        "sentence has 119).",
    )
    train_layers: int | None = Field(
        default=None,
        ge=1,
        description="How many of the encoder's top transformer layers train (null, the "
        "default: all); fewer is faster and the saved model smaller, but learns less.",
    )
    pairs_per_sentence: int = Field(
        default=1, ge=1, description="Contrastive strategy only: sentence pairs drawn per sentence."
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        default="auto", description="Where to train: `auto` takes a GPU when torch sees one."
    )
    threads: int = Field(
        default=1,
        ge=1,
        description="CPU threads for torch; results are bit-identical only for the same count.",
    )


class ScoringConfig(_Strict):
    """How sentences are scored on the codebook's frames."""

    method: Literal["axis", "supervised", "finetuned"] = Field(
        default="axis",
        description="axis: the codebook's pole axes; supervised: a classifier on embeddings "
        "fitted on the gold codes (position P(A) - P(B), relevance P(A or B)); finetuned: "
        "the same from the encoder itself fine-tuned on the gold codes (see finetune).",
    )
    finetune: FinetuneConfig = Field(
        default_factory=FinetuneConfig,
        description="Settings of `method: finetuned` (ignored by the other methods).",
    )
    presence_threshold: float | None = Field(
        default=None,
        ge=-1,
        le=1,
        description="Relevance at or above which a sentence engages a frame; null: chosen per "
        "frame on the gold codes, or default_threshold without enough gold.",
    )
    # Measured on the demo gold for all-MiniLM-L6-v2 (see README).
    default_threshold: float = Field(
        default=0.35,
        ge=-1,
        le=1,
        description="Presence threshold used when none is set and the gold set cannot set one.",
    )
    # Measured by subsampling the demo gold (benchmarks/gold_minimum.py).
    min_gold_per_code: int = Field(
        default=MIN_GOLD_PER_CODE,
        ge=1,
        description="Gold sentences needed per pole and for `none` before the gold codes set a "
        "frame's threshold (or train the classifier); fewer are reported, not used.",
    )


class VoiceConfig(_Strict):
    """How the own and reported views are built from voice spans (analysis/text/view_units.py)."""

    unit_method: Literal["alone", "masked"] = Field(
        default="alone",
        description="How the part of a mixed-voice sentence in one view is written for "
        "embedding: that view's spans alone, or the sentence with the other voice replaced "
        "by '…' (masked).",
    )
    min_words: int = Field(
        default=6,
        ge=0,
        description="The outlet's own part of a mixed-voice sentence is left out of the own "
        "view when it has fewer words than this (a bare 'he said' carries no framing).",
    )
    indirect_view: Literal["reported", "own"] = Field(
        default="reported",
        description="Which view the content of indirect speech ('officials said [the men "
        "were volunteers]') belongs to; its reporting frame is always the outlet's own.",
    )
    gold_spans: str | None = Field(
        default=None,
        description="Optional file of gold voice spans (doc_id, char_start, char_end, voice, "
        "pattern) to validate the span labels against, per pattern.",
    )


class UmapConfig(_Strict):
    """UMAP settings of the topic model (BERTopic's defaults; the seed is the study's)."""

    n_neighbors: int = Field(default=15, ge=2, description="UMAP neighbourhood size.")
    n_components: int = Field(default=5, ge=2, description="Dimensions UMAP reduces to.")
    min_dist: float = Field(default=0.0, ge=0.0, description="UMAP minimum distance.")
    metric: Literal["cosine", "euclidean"] = Field(
        default="cosine", description="Distance between sentence vectors."
    )


class HdbscanConfig(_Strict):
    """HDBSCAN settings of the topic model."""

    min_cluster_size: int | None = Field(
        default=None, ge=2, description="Smallest cluster; null: topics.min_topic_size."
    )
    min_samples: int | None = Field(
        default=None, ge=1, description="HDBSCAN core-point neighbours; null: min_cluster_size."
    )
    cluster_selection_method: Literal["eom", "leaf"] = Field(
        default="eom", description="eom: larger, stabler clusters; leaf: smaller, finer ones."
    )
    cluster_selection_epsilon: float = Field(
        default=0.0, ge=0.0, description="Clusters closer than this distance are merged."
    )


class TopicRename(_Strict):
    """A topic's name, with the top terms it was written for (checked on every run)."""

    label: str = Field(min_length=1, description="The topic's name in tables and figures.")
    # If a refit reshuffles topic ids, the run stops instead of mislabelling a topic.
    terms: list[str] = Field(
        default_factory=list,
        description="Terms that must be among the topic's top terms for the label to apply.",
    )


class TopicsConfig(_Strict):
    """Topic stage settings.

    Changing ``rename``, ``event_source`` or ``time_bin`` re-runs only the prevalence
    stage; every other field refits the topic model.
    """

    enabled: bool = Field(default=True, description="Fit topics at all.")
    unit: Literal["sentence", "paragraph"] = Field(
        default="sentence",
        description="What a topic is assigned to; a paragraph's vector is the renormalised mean "
        "of its sentences' cached vectors.",
    )
    min_words: int = Field(
        default=1,
        ge=1,
        description='Units with fewer words are listed with excluded="too_short" but not modelled.',
    )
    min_topic_size: int = Field(default=10, ge=2, description="Smallest topic, in units.")
    nr_topics: int | Literal["auto"] | None = Field(
        default=None,
        description='Merge topics after fitting: to a number, "auto", or null to keep the '
        "clustering's topics.",
    )
    top_n_words: int = Field(default=10, ge=1, le=50, description="Terms kept per topic.")
    ngram_range: tuple[int, int] = Field(
        default=(1, 2), description="Shortest and longest n-gram of topic terms."
    )
    min_df: int = Field(
        default=1, ge=1, description="Minimum number of topics a term must occur in."
    )
    extra_stop_words: list[str] = Field(
        default_factory=list,
        description='Added to English stop words, e.g. words every article repeats ("said").',
    )
    reduce_outliers: bool = Field(
        default=False,
        description="Reassign outliers (topic -1); the initial topic is kept in topic_initial.",
    )
    outlier_strategy: Literal["embeddings", "c-tf-idf", "distributions", "probabilities"] = Field(
        default="embeddings", description="How BERTopic reassigns outliers."
    )
    outlier_threshold: float = Field(
        default=0.0,
        ge=0.0,
        description="Minimum similarity (strategy-specific) for an outlier to be reassigned.",
    )
    umap: UmapConfig = Field(default=UmapConfig(), description="UMAP settings.")
    hdbscan: HdbscanConfig = Field(default=HdbscanConfig(), description="HDBSCAN settings.")
    rename: dict[int, str | TopicRename] = Field(
        default_factory=dict,
        description="{topic id: label} or {topic id: {label, terms}} for the current fit; "
        "others are labelled by their top terms.",
    )
    event_source: Literal["auto", "articles", "events", "none"] = Field(
        default="auto",
        description="Event ids for clustered CIs and event fixed effects; auto: the events "
        "table when there is one, else articles.event_id.",
    )
    time_bin: Literal["auto", "week", "month", "quarter", "year"] = Field(
        default="auto", description="Period of topic shares over time."
    )

    @field_validator("ngram_range")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= value[0] <= value[1]:
            raise ValueError("ngram_range must be [low, high] with 1 <= low <= high")
        return value

    @field_validator("rename")
    @classmethod
    def _known_topic_ids(cls, value: dict[int, str | TopicRename]) -> dict[int, str | TopicRename]:
        bad = sorted(k for k in value if k < -1)
        if bad:
            raise ValueError(f"topic ids are -1 (outliers) or 0 and up, not {bad}")
        return value


class EventsConfig(_Strict):
    """Event alignment settings.

    Articles covering the same event are grouped so that outlets are compared within
    events. Ids the corpus gives are used as they are; otherwise events are inferred by
    clustering articles on the similarity of their title and lead, within a date window.
    A study reviews the result (``build/<study>/event_review.csv``) and pins what it
    disagrees with in ``pins`` (columns ``doc_id,event_id``).
    """

    enabled: bool = Field(
        default=True,
        description="false: infer nothing; articles keep the corpus's ids, the others stay alone.",
    )
    mode: Literal["auto", "given", "infer"] = Field(
        default="auto",
        description="given: the corpus's event ids; infer: always cluster (given ids only score "
        "the result); auto: given ids, and articles without one clustered among themselves.",
    )
    # A precision-leaning compromise between the demo (best near 0.4) and NeuS (best near
    # 0.55); see analysis/events/align.py.
    threshold: float = Field(
        default=0.5,
        gt=0,
        lt=1,
        description="Average cosine similarity of title+lead vectors at or above which articles "
        "form an event; raise it for fewer, tighter events.",
    )
    window_days: float = Field(
        default=3.0, gt=0, description="Articles further apart in time never share an event."
    )
    one_per_outlet: bool = Field(
        default=True,
        description="An event holds at most one article per outlet (pin them together when not).",
    )
    # On ABP, matching attached most undated articles to stories of other years.
    undated: Literal["match", "alone"] = Field(
        default="alone",
        description="Articles without a date stay alone, or are matched on similarity alone.",
    )
    lead_sentences: int = Field(
        default=2, ge=1, description="The lead: this many first sentences, averaged."
    )
    title_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Weight of the title against the lead in the article vector (0: lead only).",
    )
    pins: str = Field(
        default="event_pins.csv",
        description="CSV of pinned doc_id,event_id assignments; the default file is read when "
        "it exists, a path set here must exist.",
    )


class FightinWordsConfig(_Strict):
    """Distinctive words per outlet: Monroe, Colaresi & Quinn (2008) log-odds with an
    informative Dirichlet prior, per outlet against the rest and pairwise, per view."""

    enabled: bool = Field(default=True, description="Compute distinctive words at all.")
    prior_scale: float = Field(
        default=1000.0,
        gt=0,
        description="Total pseudo-count of the prior; larger values shrink rare words harder.",
    )
    min_count: int = Field(
        default=5, ge=1, description="Words seen fewer times in a view are not reported."
    )
    ngram_max: int = Field(default=1, ge=1, le=3, description="Longest n-gram counted.")
    stop_words: Literal["english"] | None = Field(
        default=None, description="english: drop scikit-learn's English stop words first."
    )
    pairwise_top: int = Field(
        default=50, ge=1, description="Words kept per side in pairwise comparisons."
    )
    pairwise: bool = Field(default=True, description="Also compare every pair of outlets.")
    shared_events_only: bool = Field(
        default=False, description="Count only articles in events two or more outlets covered."
    )


MEASURES = ("balance", "share", "presence")


class CompareConfig(_Strict):
    """Cross-outlet comparison settings.

    Outlets, and levels of any outlet attribute, are compared within events: each
    outlet's articles on an event are averaged into one cell, effects come from a
    two-way (event + outlet or level) model of the cells, intervals resample events (and
    outlets within a level), and p-values come from permuting labels, corrected with
    Benjamini–Hochberg (analysis/compare/levels.py).
    """

    enabled: bool = Field(
        default=True, description="Compare outlets (and outlet attributes) at all."
    )
    by: list[str] = Field(
        default_factory=lambda: [S.OUTLET, S.GROUP],
        min_length=1,
        description=(
            "What to compare: 'outlet' compares outlets one by one; any other column of "
            "the outlets table (group, country, ownership, or one you add) compares its "
            "levels, with outlets nested in them."
        ),
    )
    measures: list[Literal["balance", "share", "presence"]] = Field(
        default_factory=lambda: ["balance", "share"],
        min_length=1,
        description=(
            "Article scores compared: 'balance' (framing balance, -1..1), 'share' (% of "
            "sentences taking each pole, differences in percentage points), 'presence' "
            "(% of sentences engaging the frame at all)."
        ),
    )
    outlets: list[str] | None = Field(
        default=None,
        description="Outlets to compare, by name; null: every outlet with enough events.",
    )
    min_events: int = Field(
        default=3,
        ge=2,
        description="An outlet is compared only when it shares at least this many events with "
        "another compared outlet.",
    )
    exclude_duplicates: bool = Field(
        default=True, description="Leave out syndicated copies (they would count a text twice)."
    )
    n_boot: int = Field(
        default=2000, ge=100, le=MAX_RESAMPLES, description="Bootstrap resamples of events."
    )
    n_perm: int = Field(
        default=9999,
        ge=99,
        le=10 * MAX_RESAMPLES,
        description="Permutations per test; fewer than 2^(shared events) means full enumeration.",
    )
    ci: float = Field(default=0.95, gt=0, lt=1, description="Confidence level of the intervals.")
    # Percentile intervals are narrow with few events; see tests/test_compare_calibration.py.
    ci_method: Literal["t", "percentile"] = Field(
        default="t",
        description="t: bootstrap standard error with Student-t quantiles; percentile: plain "
        "percentile interval.",
    )
    fdr: float = Field(
        default=0.05, gt=0, lt=1, description="False discovery rate for Benjamini–Hochberg."
    )
    fdr_family: Literal["view", "study"] = Field(
        default="view",
        description="Correct over frames x pairs of one attribute and measure per view, or over "
        "all views.",
    )
    regression: Literal["fixed", "mixed", "none"] = Field(
        default="fixed",
        description="score ~ outlet + event with event fixed effects, a random event intercept, "
        "or none.",
    )
    fightin_words: FightinWordsConfig = Field(
        default=FightinWordsConfig(), description="Distinctive words per outlet."
    )


def compiled_patterns(patterns: list[str]) -> list[str]:
    """``patterns`` unchanged when each is a valid regular expression (else a ValueError
    naming it, which pydantic reports with the field)."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"pattern {p!r} is not a valid regular expression: {exc}") from None
    return patterns


class BoilerplateConfig(_Strict):
    """Lines stripped from article text as boilerplate.

    Each stripped line is listed in build/<study>/boilerplate.csv with the rule that
    matched. Lines longer than max_words are never stripped.
    """

    enabled: bool = Field(default=True, description="Strip boilerplate lines at all.")
    builtin: bool = Field(
        default=True,
        description='Use the built-in line patterns ("Advertisement", "Read more: ...", cookie '
        "notices, ...).",
    )
    patterns: list[str] = Field(
        default_factory=list,
        description="More full-line regular expressions, matched case-insensitively.",
    )
    repeated: int | None = Field(
        default=5,
        ge=2,
        description="A line repeated verbatim in this many articles of one outlet is a template "
        "and stripped; null turns the rule off.",
    )
    max_words: int = Field(
        default=25, ge=1, description="Lines longer than this are never stripped."
    )

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return compiled_patterns(patterns)


class DuplicatesConfig(_Strict):
    """Exact and near-duplicate articles, marked with duplicate_of."""

    enabled: bool = Field(default=True, description="Mark duplicates at all.")
    # Edited wire copy scores 0.85-0.90 in the demo and 0.64-1.0 in ABP; the most similar
    # distinct articles found in ABP (one outlet's template pages) score up to 0.53.
    threshold: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="Jaccard similarity of word shingles at or above which two articles are "
        "near-duplicates.",
    )
    shingle_words: int = Field(default=5, ge=1, le=20, description="Words per shingle.")
    num_perm: int = Field(
        default=128,
        ge=16,
        le=1024,
        description="MinHash permutations of the candidate search (candidates are then checked "
        "exactly).",
    )


class LanguageConfig(_Strict):
    """Language detection (py3langid, offline) and filtering."""

    detect: bool = Field(default=True, description="Detect the language of articles without one.")
    keep: list[str] | None = Field(
        default=None,
        description='ISO 639-1 codes to keep, e.g. [en]; others are rejected (code "language"); '
        "null keeps all (filter.languages lists them as filtered instead).",
    )
    keep_undetermined: bool = Field(
        default=True, description="Keep articles whose language could not be determined."
    )
    min_score: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Below this detector confidence the language is left undetermined.",
    )
    sample_chars: int = Field(
        default=600,
        ge=50,
        description="Characters from the start of the text given to the detector.",
    )


class DatesConfig(_Strict):
    """Plausible publication dates; others are reported and left missing."""

    earliest: date = Field(
        default=date(1900, 1, 1), description="Earlier dates are reported and left missing."
    )
    latest: date = Field(
        default=date(2100, 1, 1), description="Later dates are reported and left missing."
    )

    @model_validator(mode="after")
    def _ordered(self) -> DatesConfig:
        if not date(1678, 1, 1) <= self.earliest < self.latest <= date(2262, 1, 1):
            raise ValueError("need 1678-01-01 <= earliest < latest <= 2262-01-01")
        return self


class IngestConfig(_Strict):
    """How the corpus is cleaned on the way in."""

    boilerplate: BoilerplateConfig = Field(
        default=BoilerplateConfig(), description="Boilerplate lines stripped from the text."
    )
    duplicates: DuplicatesConfig = Field(
        default=DuplicatesConfig(), description="Exact and near-duplicate articles."
    )
    language: LanguageConfig = Field(
        default=LanguageConfig(), description="Language detection and rejection."
    )
    dates: DatesConfig = Field(default=DatesConfig(), description="Plausible publication dates.")
    max_chars: int = Field(
        default=1_000_000,
        ge=1_000,
        description="Longest article text read, in characters; a longer record is rejected "
        "(code too_large) rather than analysed for hours.",
    )
    outlet_metadata: dict[str, str] = Field(
        default_factory=dict,
        description="Without an outlets file: outlet field -> article column it is read from, "
        "e.g. {group: bias_text} (each outlet's most common value).",
    )

    @field_validator("outlet_metadata")
    @classmethod
    def _outlet_fields(cls, mapping: dict[str, str]) -> dict[str, str]:
        bad = sorted(f for f in mapping if f == S.OUTLET or not re.match(_ID_PATTERN, f))
        if bad:
            raise ValueError(
                f"outlet field(s) {bad} cannot be read from the articles; name attributes "
                f"in snake_case, e.g. {[f for f in S.OUTLET_FIELDS if f != S.OUTLET]}"
            )
        return mapping


class FilterConfig(_Strict):
    """Which records the study analyses.

    A record must pass every filter that is set. Each record filtered out is listed in
    ``build/<study>/filtered.csv`` with the filter that removed it, and counted by
    ``framing validate``; nothing is dropped silently.
    """

    keywords: list[str] = Field(
        default_factory=list,
        description="Keep records whose title or text contains one of these words or phrases "
        "(whole words, case-insensitive).",
    )
    patterns: list[str] = Field(
        default_factory=list,
        description="Keep records matching one of these regular expressions (case-insensitive); "
        "with keywords, matching either suffices.",
    )
    search_in: list[Literal["title", "text"]] = Field(
        default_factory=lambda: ["title", "text"],
        min_length=1,
        description="The fields keywords and patterns are looked for in.",
    )
    date_from: date | None = Field(
        default=None, description="Keep records published on or after this day (UTC)."
    )
    date_to: date | None = Field(
        default=None, description="Keep records published on or before this day (UTC)."
    )
    keep_undated: bool = Field(
        default=False, description="With a date range, keep records that have no date."
    )
    languages: list[str] | None = Field(
        default=None, description="Keep records in these languages (ISO 639-1, as detected)."
    )
    outlets: list[str] | None = Field(
        default=None, description="Keep only these outlets (names as in the articles)."
    )
    exclude_outlets: list[str] = Field(default_factory=list, description="Leave out these outlets.")

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return compiled_patterns(patterns)

    @model_validator(mode="after")
    def _range(self) -> FilterConfig:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        both = sorted(set(self.outlets or ()) & set(self.exclude_outlets))
        if both:
            raise ValueError(f"outlet(s) {both} are both kept (outlets) and left out")
        return self

    @property
    def active(self) -> bool:
        return bool(
            self.keywords
            or self.patterns
            or self.date_from
            or self.date_to
            or self.languages is not None
            or self.outlets is not None
            or self.exclude_outlets
        )


class SentencesConfig(_Strict):
    """Sentence units. Fragments (cut-off text, stray headings) are kept in the sentences
    table with ``fragment`` true, but are not scored, aggregated or sampled for coding."""

    # Measured on NeuS and ABP (analysis/text/sentences.py, benchmarks/fragments.py).
    min_words: int = Field(
        default=MIN_SENTENCE_WORDS,
        ge=1,
        description="Units with fewer words are fragments, left out of scoring and counted.",
    )


class CodingConfig(_Strict):
    """Human coding: the export's overlap between coders, intervals, adjudication."""

    overlap: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Share of an exported sample that every coder codes, for intercoder agreement.",
    )
    adjudication: str = Field(
        default="adjudication.csv",
        description="CSV resolving coder disagreements (doc_id, char_start, char_end, field, "
        "code), relative to the study folder; read when it exists.",
    )
    n_boot: int = Field(
        default=2000, ge=100, description="Bootstrap resamples of units for agreement intervals."
    )
    ci: float = Field(
        default=0.95, gt=0, lt=1, description="Confidence level of agreement intervals."
    )


class StudyConfig(_Strict):
    """``study.yaml``: one study's corpus, codebook and the settings of every stage."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        description="The study's name: its outputs go to build/<name>/ and figures/<name>/ "
        "(letters, digits, _ . -, starting with a letter or digit; default: the folder name).",
    )

    @field_validator("outlets", "gold")
    @classmethod
    def _a_csv_file(cls, value: str | list[str] | None) -> str | list[str] | None:
        for one in [value] if isinstance(value, str) else value or []:
            if not one.lower().endswith(".csv"):
                raise ValueError(f"{one!r} is not a .csv file; this field names a CSV file")
        return value

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value.lower() in RESERVED_NAMES:
            raise ValueError(
                f"{value!r} is reserved for the project's own folders; rename the study"
            )
        return value

    description: str = Field(default="", description="What the study is; shown on index.html.")
    synthetic: bool = Field(
        default=False, description="The corpus is invented (index.html says so)."
    )
    corpus: list[CorpusSource] = Field(
        min_length=1, description="The article files and how their columns map onto the schema."
    )
    outlets: str | None = Field(
        default=None,
        description="CSV of outlet, country, ownership, language, group; null: derived from "
        "the articles.",
    )
    gold: str | list[str] | None = Field(
        default=None,
        description="CSV file(s) of human codes (see `framing annotate`), relative to the "
        "study folder.",
    )
    seed: int = Field(
        default=0,
        ge=0,
        le=2**32 - 1,
        description="Seed of every random step (sampling, bootstrap, UMAP); numpy and UMAP "
        "take 0 to 2**32 - 1.",
    )
    filter: FilterConfig = Field(
        default=FilterConfig(),
        description="Which records the study selects; the others are listed in filtered.csv.",
    )
    sentences: SentencesConfig = Field(
        default=SentencesConfig(), description="Sentence units and fragments."
    )
    embedding: EmbeddingConfig = Field(
        default=EmbeddingConfig(), description="The sentence embedding model."
    )
    scoring: ScoringConfig = Field(
        default=ScoringConfig(), description="How sentences are scored on the frames."
    )
    voice: VoiceConfig = Field(
        default=VoiceConfig(), description="How the own and reported views use voice spans."
    )
    coding: CodingConfig = Field(
        default=CodingConfig(), description="Human coding: sampling, overlap, adjudication."
    )
    aggregate: AggregateConfig = Field(
        default=AggregateConfig(), description="Outlet means of article scores."
    )
    execution: ExecutionConfig = Field(
        default=ExecutionConfig(),
        description="Where the heavy stages run: this process, or a Dask cluster.",
    )
    topics: TopicsConfig = Field(default=TopicsConfig(), description="Topics by outlet.")
    events: EventsConfig = Field(default=EventsConfig(), description="Event alignment.")
    compare: CompareConfig = Field(
        default=CompareConfig(), description="Outlets compared within events."
    )
    ingest: IngestConfig = Field(
        default=IngestConfig(), description="How the corpus is cleaned on the way in."
    )
    collect: CollectConfig | None = Field(
        default=None,
        description="Where `framing collect` gathers coverage from (README: Collecting coverage).",
    )
    codebook: Codebook = Field(description="The frames and their poles.")

    @property
    def gold_files(self) -> list[str]:
        """The gold files as a list (``gold`` may name one file or several)."""
        if self.gold is None:
            return []
        return [self.gold] if isinstance(self.gold, str) else list(self.gold)


class Study:
    """A loaded study: its validated config plus where its files and outputs live."""

    def __init__(self, root: Path, config: StudyConfig, build_root: Path | None = None):
        self.root = root
        self.config = config
        self.build_root = build_root if build_root is not None else paths.build_root()
        # Set by confine(): corpus files found by globs and folders must stay inside too.
        self.confined = False

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def build_dir(self) -> Path:
        return self.build_root / self.name

    @property
    def figures_dir(self) -> Path:
        return paths.figures_root() / self.name

    def check_outputs(self) -> None:
        """Refuse outputs that would land in another study's or the cache's folder."""
        build = self.build_dir.resolve()
        cache = paths.cache_dir().resolve()
        if build == cache or build in cache.parents or cache in build.parents:
            raise StudyConfigError(
                f"{self.root / STUDY_FILE}: study name {self.name!r} puts its outputs in "
                "the embedding cache's folder",
                hint="rename the study (`name:` in study.yaml)",
            )
        owner_file = self.build_dir / OWNER_FILE
        if owner_file.is_file():
            owner = owner_file.read_text(encoding="utf-8").strip()
            if owner != str(self.root):
                raise StudyConfigError(
                    f"{self.root / STUDY_FILE}: study name {self.name!r} is already used by "
                    f"the study in {owner}; its outputs in {self.build_dir} are not replaced",
                    hint="give this study its own `name:` in study.yaml (or delete "
                    f"{self.build_dir} if that study is gone)",
                )

    def claim_outputs(self) -> None:
        """Check the output folder (see :meth:`check_outputs`) and mark it as this study's."""
        self.check_outputs()
        write_text(self.build_dir / OWNER_FILE, f"{self.root}\n")

    def path(self, relative: str) -> Path:
        """Resolve a path written in study.yaml relative to the study folder."""
        for name in re.findall(r"\$\{?(\w+)\}?", relative):
            if name in os.environ:
                hide_in_messages(os.environ[name], f"${{{name}}}")
        if relative.startswith("~"):
            hide_in_messages(str(Path("~").expanduser()), "~")
        p = Path(os.path.expandvars(relative)).expanduser()
        return p if p.is_absolute() else (self.root / p).resolve()

    def written_paths(self) -> list[tuple[str, str]]:
        """Every path study.yaml sets, as (dotted field, value as written)."""
        cfg = self.config
        fields = [(f"corpus[{i}].path", src.path) for i, src in enumerate(cfg.corpus)]
        fields += [("outlets", cfg.outlets)] if cfg.outlets is not None else []
        if isinstance(cfg.gold, list):
            fields += [(f"gold[{i}]", g) for i, g in enumerate(cfg.gold)]
        elif cfg.gold is not None:
            fields.append(("gold", cfg.gold))
        fields += [
            ("coding.adjudication", cfg.coding.adjudication),
            ("events.pins", cfg.events.pins),
            ("embedding.model", cfg.embedding.model),
        ]
        if cfg.voice.gold_spans is not None:
            fields.append(("voice.gold_spans", cfg.voice.gold_spans))
        if cfg.collect is not None:
            fields.append(("collect.output", cfg.collect.output))
            fields += [
                (f"collect.sources[{i}].path", src.path)
                for i, src in enumerate(cfg.collect.sources)
                if isinstance(getattr(src, "path", None), str)
            ]
        return fields

    def confine(self) -> None:
        """Refuse any study.yaml path that resolves (symlinks followed) outside the study
        folder: for running a study folder someone else wrote (``framing run --confine``)."""
        self.confined = True
        for field, written in self.written_paths():
            self.check_inside(self.path(written), field, written)

    def check_inside(self, path: Path, field: str, written: str) -> None:
        """StudyConfigError naming ``field`` when ``path`` lies outside the study folder."""
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise StudyConfigError(
                f"{self.root / STUDY_FILE}: {field}: {written!r} leads outside the study "
                "folder, which --confine forbids",
                hint="copy that file into the study folder and name it relative to "
                "study.yaml, or run without --confine if you trust this study",
            )

    @classmethod
    def load(
        cls, folder: str | os.PathLike, build_root: Path | None = None, *, confine: bool = False
    ) -> Study:
        folder = Path(folder)
        file = folder / STUDY_FILE if folder.is_dir() else folder
        if not file.exists():
            raise StudyConfigError(
                f"{file}: no study file here",
                hint=f"a study is a folder holding {STUDY_FILE}; see corpora/demo for an example",
            )
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise StudyConfigError(
                f"{file}: not UTF-8 (byte {exc.start})", hint="save study.yaml as UTF-8"
            ) from exc
        try:
            loader = _UniqueKeyLoader(text)
            loader.name = str(file)
            try:
                raw = loader.get_single_data()
            finally:
                loader.dispose()
        except yaml.YAMLError as exc:
            raise StudyConfigError(f"{file}: not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise StudyConfigError(f"{file}: expected a mapping at the top level")
        raw.setdefault("name", file.parent.name)
        try:
            config = StudyConfig.model_validate(raw)
        except ValidationError as exc:
            raise StudyConfigError(_describe(file, exc), hint="fix the field(s) above") from exc
        study = cls(file.parent.resolve(), config, build_root)
        named = [("outlets", config.outlets)] if config.outlets is not None else []
        for field, written in named + [("gold", g) for g in config.gold_files]:
            if study.path(written).is_dir():
                raise StudyConfigError(
                    f"{file}: {field}: {written!r} is a folder, not a CSV file",
                    hint=f"point `{field}:` at a CSV file in the study folder",
                )
        if confine:
            study.confine()
        study.check_outputs()
        return study


def find_study(name_or_path: str | os.PathLike, build_root: Path | None = None) -> Study:
    """Load a study by folder path, or by name from ``corpora/<name>``."""
    candidate = Path(name_or_path)
    if not (candidate / STUDY_FILE).exists() and not candidate.is_file():
        by_name = paths.project_root() / "corpora" / str(name_or_path)
        if (by_name / STUDY_FILE).exists():
            candidate = by_name
    return Study.load(candidate, build_root)


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
