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
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import schema as S
from analysis.errors import StudyConfigError

STUDY_FILE = "study.yaml"
_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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

    # A file, a folder, or a glob pattern ("exports/*.csv"), relative to the study folder.
    path: str
    # None: from the suffix (.jsonl .json .csv .tsv .parquet; a folder or .txt/.html: folder).
    format: Literal["jsonl", "json", "csv", "tsv", "parquet", "folder"] | None = None
    # schema field -> source column, e.g. {"text": "content_original", "outlet": "source"}.
    # "a.b" reaches field b of a nested object a. Source columns named like a schema field
    # map onto it unless that field is mapped from another column. Unmapped columns are
    # kept as extra article columns.
    columns: dict[str, str] = Field(default_factory=dict)
    # schema field -> one value for every record of this source, e.g. {"outlet": "Reuters"}.
    constants: dict[str, str] = Field(default_factory=dict)
    # doc_id built from source columns, e.g. "neus-{id}-{side}". Besides the columns,
    # {row} is the record's line/row number and {file} the file's name without suffix.
    id_template: str | None = None
    # Prepended to every doc_id of this source (keeps ids unique across sources).
    id_prefix: str = ""
    # Text encoding. None: a byte-order mark if there is one, else UTF-8, else detected
    # (charset-normalizer) and reported in problems.csv.
    encoding: str | None = None
    # csv/tsv: the field delimiter (default "," or tab) and quote character (None: fields
    # are never quoted).
    delimiter: str | None = None
    quotechar: str | None = '"'
    # csv/tsv: cells that mean "missing" (CSV has no null; R writes NA, pandas "", ...).
    na_values: list[str] = Field(
        default_factory=lambda: ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None"]
    )
    # When path is a folder: the files to read (default: by format, e.g. "**/*.jsonl";
    # folder format: every file, of which .txt/.htm/.html are read and others rejected).
    glob: str | None = None
    # json: dotted path to the list of records inside the document, e.g. "data.articles".
    record_path: str | None = None
    # A field holding a list or mapping of sub-records: each becomes one record, with the
    # parent's other fields. Sub-record fields are named "<explode>.<field>".
    explode: str | None = None
    # Column receiving each sub-record's mapping key (or 0-based list position);
    # default "<explode>_key".
    explode_key: str | None = None
    # html: the text field holds HTML; its main text is extracted with trafilatura.
    text_format: Literal["plain", "html"] = "plain"
    # Dates: "03/04/2021" is 3 April when dayfirst, else March 4. date_format (strptime,
    # e.g. "%d.%m.%Y") fixes the format instead. Dates without a UTC offset are read in
    # this IANA time zone.
    dayfirst: bool = False
    date_format: str | None = None
    timezone: str = "UTC"

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
    # 1: every text encoded alone, so its vector never depends on which texts were
    # encoded with it (numbers identical however the cache was filled). Larger batches
    # are 1.4-1.9x faster on CPU but not history-independent (see analysis/embed.py).
    batch_size: int = Field(default=1, ge=1)

    def identity(self) -> dict[str, str]:
        """What a vector depends on: the model and the encoding scheme. Part of the
        fingerprint of every stage that encodes text."""
        from analysis.embed import encoding_scheme

        return {"model": self.model, "scheme": encoding_scheme(self.batch_size)}


class AggregateConfig(_Strict):
    n_boot: int = Field(default=2000, ge=100)
    ci: float = Field(default=0.95, gt=0, lt=1)


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

    # "axis": the codebook's pole axes (no training data needed). "supervised": a
    # classifier on embeddings fitted on the study's gold codes (needs `gold:`); its
    # position is P(pole A) − P(pole B) and its relevance P(either pole). "finetuned":
    # the same, from the encoder itself fine-tuned on the gold codes (see `finetune`).
    method: Literal["axis", "supervised", "finetuned"] = "axis"
    finetune: FinetuneConfig = Field(
        default_factory=FinetuneConfig,
        description="Settings of `method: finetuned` (ignored by the other methods).",
    )

    # Relevance at or above which a sentence counts as engaging a frame. None: choose it
    # per frame on the study's gold codes (F1-optimal), or use default_threshold when the
    # study has no gold codes. A number fixes it for every frame.
    presence_threshold: float | None = Field(default=None, ge=-1, le=1)
    # For all-MiniLM-L6-v2; measured on the demo gold (see README). Recalibrate with gold
    # codes of your own corpus when you can.
    default_threshold: float = Field(default=0.35, ge=-1, le=1)


class UmapConfig(_Strict):
    """UMAP settings of the topic model (BERTopic's defaults; the seed is the study's)."""

    n_neighbors: int = Field(default=15, ge=2)
    n_components: int = Field(default=5, ge=2)
    min_dist: float = Field(default=0.0, ge=0.0)
    metric: Literal["cosine", "euclidean"] = "cosine"


class HdbscanConfig(_Strict):
    """HDBSCAN settings of the topic model."""

    # None: topics.min_topic_size, as in BERTopic
    min_cluster_size: int | None = Field(default=None, ge=2)
    min_samples: int | None = Field(default=None, ge=1)
    cluster_selection_method: Literal["eom", "leaf"] = "eom"
    cluster_selection_epsilon: float = Field(default=0.0, ge=0.0)


class TopicRename(_Strict):
    """A topic's name, with the top terms it was written for (checked on every run)."""

    label: str = Field(min_length=1)
    # Each must be among the topic's top terms; if a refit reshuffles topic ids, the run
    # stops instead of putting this label on another topic.
    terms: list[str] = Field(default_factory=list)


class TopicsConfig(_Strict):
    """Topic stage settings.

    Changing ``rename``, ``event_source`` or ``time_bin`` re-runs only the prevalence
    stage; every other field refits the topic model.
    """

    enabled: bool = True
    # The unit a topic is assigned to. A paragraph's vector is the renormalised mean of
    # its sentences' cached vectors (nothing is re-encoded).
    unit: Literal["sentence", "paragraph"] = "sentence"
    # Units with fewer words are kept in topic_units with excluded="too_short" but not
    # modelled (1 keeps every unit).
    min_words: int = Field(default=1, ge=1)
    min_topic_size: int = Field(default=10, ge=2)
    # Merge topics after fitting: a target number, "auto" (BERTopic's HDBSCAN over
    # c-TF-IDF), or None to keep what the clustering found.
    nr_topics: int | Literal["auto"] | None = None
    top_n_words: int = Field(default=10, ge=1, le=50)
    ngram_range: tuple[int, int] = (1, 2)
    # Minimum number of topics a term must occur in (c-TF-IDF fits on one document per topic)
    min_df: int = Field(default=1, ge=1)
    # Added to scikit-learn's English stop words, e.g. words every article repeats ("said").
    extra_stop_words: list[str] = Field(default_factory=list)
    # Reassign outliers (topic -1) with BERTopic's reduce_outliers. The initial topic is
    # kept in topic_units.topic_initial and both outlier shares are in topic_info.
    reduce_outliers: bool = False
    outlier_strategy: Literal["embeddings", "c-tf-idf", "distributions", "probabilities"] = (
        "embeddings"
    )
    # Minimum similarity (strategy-specific) for an outlier to be reassigned
    outlier_threshold: float = Field(default=0.0, ge=0.0)
    umap: UmapConfig = UmapConfig()
    hdbscan: HdbscanConfig = HdbscanConfig()
    # {topic id: label} or {topic id: {label: ..., terms: [...]}}; unnamed topics are
    # labelled by their top c-TF-IDF terms. Ids are those of the current fit.
    rename: dict[int, str | TopicRename] = Field(default_factory=dict)
    # Where event ids come from, for clustered CIs and event fixed effects: "auto" uses
    # the `events` table when an events stage exists, else articles.event_id.
    event_source: Literal["auto", "articles", "events", "none"] = "auto"
    time_bin: Literal["auto", "week", "month", "quarter", "year"] = "auto"

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

    # False: infer nothing; articles keep the ids the corpus gives, the others stay alone.
    enabled: bool = True
    # given: use the corpus's event ids (articles without one stay alone); infer: always
    # cluster (given ids are then used only to score the inferred events, in the
    # event_alignment table); auto: given ids where present, and the articles without
    # one clustered among themselves (they never join an event with a given id).
    mode: Literal["auto", "given", "infer"] = "auto"
    # Average cosine similarity (title + lead vectors) at or above which articles form an
    # event: average linkage, cut at 1 - threshold. A precision-leaning compromise between
    # the demo (best near 0.4) and NeuS (best near 0.55); see analysis/events/align.py.
    # Raise it for fewer, tighter events.
    threshold: float = Field(default=0.5, gt=0, lt=1)
    # Articles further apart in time than this never share an event.
    window_days: float = Field(default=3.0, gt=0)
    # An event holds at most one article per outlet: two stories of one outlet on the
    # same days are taken to be two events (pin them together when they are not).
    one_per_outlet: bool = True
    # Articles without a date: leave them "alone" (the default), or "match" them on
    # similarity alone (each can join at most one event, whose dated members stay within
    # the window). On ABP, matching attached most undated articles to stories of other
    # years on the same topic, so it is off unless a corpus's undated articles are known
    # to be contemporaneous.
    undated: Literal["match", "alone"] = "alone"
    # The lead: this many first sentences of the article, averaged.
    lead_sentences: int = Field(default=2, ge=1)
    # Weight of the title against the lead in the article vector (0: lead only).
    title_weight: float = Field(default=0.5, ge=0, le=1)
    # Pinned assignments, relative to the study folder. The default file is read when it
    # exists; a path set here must exist.
    pins: str = "event_pins.csv"


class FightinWordsConfig(_Strict):
    """Distinctive words per outlet: Monroe, Colaresi & Quinn (2008) log-odds with an
    informative Dirichlet prior, per outlet against the rest and pairwise, per view."""

    enabled: bool = True
    # Total pseudo-count alpha_0 of the prior; each word gets alpha_0 times its share of
    # the view's corpus. Larger values shrink the log-odds of rare words harder.
    prior_scale: float = Field(default=1000.0, gt=0)
    # Words seen fewer times than this in a view are not reported (they count in totals).
    min_count: int = Field(default=5, ge=1)
    # Longest n-gram counted (1: words only).
    ngram_max: int = Field(default=1, ge=1, le=3)
    # "english" drops scikit-learn's English stop words before counting.
    stop_words: Literal["english"] | None = None
    # Pairwise comparisons keep this many words per side (outlet vs rest keeps all).
    pairwise_top: int = Field(default=50, ge=1)
    pairwise: bool = True
    # Count only articles in events that at least two outlets covered.
    shared_events_only: bool = False


class CompareConfig(_Strict):
    """Cross-outlet comparison settings.

    Outlets are compared within events: each outlet's articles on an event are averaged
    into one cell, outlet effects come from a two-way (event + outlet) model of the
    cells, intervals resample events, and p-values come from swapping outlet labels
    within events, corrected with Benjamini–Hochberg.
    """

    enabled: bool = True
    # The article score compared: mean framed position, or share of framed sentences.
    score: Literal["position", "share_present"] = "position"
    # Outlets (by name) to compare; None: every outlet with enough events.
    outlets: list[str] | None = None
    # An outlet is compared only when it covers at least this many events that another
    # compared outlet also covers.
    min_events: int = Field(default=3, ge=2)
    # Syndicated copies (articles.duplicate_of set) would count the same text twice.
    exclude_duplicates: bool = True
    n_boot: int = Field(default=2000, ge=100)
    # Permutations per test; fewer than 2^(shared events) triggers full enumeration.
    n_perm: int = Field(default=9999, ge=99)
    ci: float = Field(default=0.95, gt=0, lt=1)
    # t: bootstrap standard error (rescaled by sqrt(m/(m-1))) with Student-t(m-1)
    # quantiles, m = events informing the estimate; percentile: plain percentile interval
    # (narrow with few events; see tests/test_compare_calibration.py).
    ci_method: Literal["t", "percentile"] = "t"
    # False discovery rate for Benjamini–Hochberg, over frames x outlet pairs, per view
    # ("view") or over every view at once ("study").
    fdr: float = Field(default=0.05, gt=0, lt=1)
    fdr_family: Literal["view", "study"] = "view"
    # score ~ outlet + event: event fixed effects (cluster-robust by event), a random
    # event intercept, or no regression.
    regression: Literal["fixed", "mixed", "none"] = "fixed"
    fightin_words: FightinWordsConfig = FightinWordsConfig()


class BoilerplateConfig(_Strict):
    """Lines stripped from article text as boilerplate.

    Each stripped line is listed in build/<study>/boilerplate.csv with the rule that
    matched. Lines longer than max_words are never stripped.
    """

    enabled: bool = True
    # The built-in full-line patterns (analysis/corpus/boilerplate.py): "Advertisement",
    # "Read more: ...", newsletter sign-ups, cookie notices, copyright lines...
    builtin: bool = True
    # More full-line regular expressions, matched case-insensitively against each line.
    patterns: list[str] = Field(default_factory=list)
    # A line repeated verbatim in at least this many different articles of one outlet is
    # the outlet's template ("Story continued below"); None turns this rule off. Lines
    # with quotation marks are never stripped by this rule.
    repeated: int | None = Field(default=5, ge=2)
    max_words: int = Field(default=25, ge=1)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(
                    f"pattern {p!r} is not a valid regular expression: {exc}"
                ) from None
        return patterns


class DuplicatesConfig(_Strict):
    """Exact and near-duplicate articles, marked with duplicate_of."""

    enabled: bool = True
    # Jaccard similarity of word shingles at or above which two articles are
    # near-duplicates (syndicated copies, re-ingested articles). Edited wire copy scores
    # 0.85-0.90 in the demo and 0.64-1.0 in ABP; the most similar distinct articles
    # found in ABP (one outlet's pages sharing a template) score up to 0.53.
    threshold: float = Field(default=0.6, gt=0, le=1)
    shingle_words: int = Field(default=5, ge=1, le=20)
    # MinHash permutations for the LSH candidate search; candidates are then checked
    # with the exact Jaccard similarity.
    num_perm: int = Field(default=128, ge=16, le=1024)


class LanguageConfig(_Strict):
    """Language detection (py3langid, offline) and filtering."""

    detect: bool = True
    # ISO 639-1 codes to keep, e.g. [en]; articles in other languages are rejected with
    # code "language". None keeps every language.
    keep: list[str] | None = None
    # Keep articles whose language could not be determined (too short, no words).
    keep_undetermined: bool = True
    # Below this detector confidence the language is left undetermined (null).
    min_score: float = Field(default=0.5, ge=0, le=1)
    # Characters from the start of the text given to the detector.
    sample_chars: int = Field(default=600, ge=50)


class DatesConfig(_Strict):
    """Plausible publication dates; others are reported and left missing."""

    earliest: date = date(1900, 1, 1)
    latest: date = date(2100, 1, 1)

    @model_validator(mode="after")
    def _ordered(self) -> DatesConfig:
        if not date(1678, 1, 1) <= self.earliest < self.latest <= date(2262, 1, 1):
            raise ValueError("need 1678-01-01 <= earliest < latest <= 2262-01-01")
        return self


class IngestConfig(_Strict):
    """How the corpus is cleaned on the way in."""

    boilerplate: BoilerplateConfig = BoilerplateConfig()
    duplicates: DuplicatesConfig = DuplicatesConfig()
    language: LanguageConfig = LanguageConfig()
    dates: DatesConfig = DatesConfig()
    # For studies without an outlets file: outlet field -> article column it is read
    # from, e.g. {group: bias_text}. An outlet's most common value is used; conflicts
    # are reported in problems.csv.
    outlet_metadata: dict[str, str] = Field(default_factory=dict)

    @field_validator("outlet_metadata")
    @classmethod
    def _outlet_fields(cls, mapping: dict[str, str]) -> dict[str, str]:
        allowed = [f for f in S.OUTLET_FIELDS if f != S.OUTLET]
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:
            raise ValueError(f"unknown outlet field(s) {unknown}; use {allowed}")
        return mapping


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
    ingest: IngestConfig = IngestConfig()
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


BUILD_DIR_ENV = "FRAMING_BUILD_DIR"


def default_build_root() -> Path:
    """``build/`` at the project root, or ``$FRAMING_BUILD_DIR`` when set."""
    env = os.environ.get(BUILD_DIR_ENV)
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
