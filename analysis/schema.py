"""Column names and dtypes of every table, defined once and imported everywhere.

Each stage declares the schema of every table it writes (``outputs`` in
``analysis/pipeline.py``), and the pipeline validates, and coerces, each table against
it before writing. A contract that drifts fails at the stage that broke it, not three
stages later in a notebook. One name per column: a column shared by several tables
(``reason``, ``value``) has one constant.
"""

from __future__ import annotations

import pandera.pandas as pa

# --- articles -----------------------------------------------------------------------
DOC_ID = "doc_id"
OUTLET = "outlet"
TEXT = "text"
TITLE = "title"
PUBLISHED = "published"
URL = "url"
LANGUAGE = "language"
EVENT_ID = "event_id"
DUPLICATE_OF = "duplicate_of"  # doc_id of the copy kept as the original; null if none
# Columns ingestion adds (see analysis/corpus/):
DUPLICATE_KIND = "duplicate_kind"  # "exact" (same normalised text) or "near" (MinHash-LSH)
DUPLICATE_SIMILARITY = "duplicate_similarity"  # Jaccard of word shingles with duplicate_of
LANGUAGE_SCORE = "language_score"  # detector confidence in [0, 1]; null if given or not run
BOILERPLATE_LINES = "boilerplate_lines"  # lines stripped as boilerplate from the text
SOURCE_FILE = "source_file"  # corpus file the record came from, relative to the study folder
SOURCE_ROW = "source_row"  # its line (jsonl, csv: header is line 1), record or row number
DUPLICATE_KINDS = ("exact", "near")

REQUIRED_ARTICLE_FIELDS = (DOC_ID, OUTLET, TEXT)
OPTIONAL_ARTICLE_FIELDS = (TITLE, PUBLISHED, URL, LANGUAGE, EVENT_ID)
ARTICLE_FIELDS = REQUIRED_ARTICLE_FIELDS + OPTIONAL_ARTICLE_FIELDS

# --- outlets ------------------------------------------------------------------------
COUNTRY = "country"
OWNERSHIP = "ownership"
GROUP = "group"
OUTLET_FIELDS = (OUTLET, COUNTRY, OWNERSHIP, LANGUAGE, GROUP)

# --- sentences ----------------------------------------------------------------------
SENT_ID = "sent_id"
CHAR_START = "char_start"
CHAR_END = "char_end"
PARAGRAPH = "paragraph"
VOICE = "voice"
SPEAKER = "speaker"

# --- embeddings ---------------------------------------------------------------------
TEXT_KEY = "text_key"  # the embedding cache's key of the sentence text
EMBEDDING = "embedding"
# Vector columns are Arrow fixed-size lists of float32, one (n, d) matrix that pandas
# cannot hold; their tables are Arrow tables, whose other columns the schema validates.
VECTOR_COLUMNS = (EMBEDDING,)

# --- frame scores -------------------------------------------------------------------
FRAME = "frame"
POLE = "pole"
POSITION = "position"
RELEVANCE = "relevance"
PRESENT = "present"
THRESHOLD = "threshold"
THRESHOLD_SOURCE = "threshold_source"
F1 = "f1"
N_CODED = "n_coded"

# Sentence voices (analysis.text.voice) and the aggregation views built from them:
# "all" sentences, the outlet's "own" voice (authorial text), and what it "reported"
# (direct/indirect quotation and scare quotes).
VOICES = ("authorial", "quoted", "scare_quoted")
VIEW = "view"
VIEWS = ("all", "own", "reported")

# --- aggregates ---------------------------------------------------------------------
N_SENTENCES = "n_sentences"
SHARE_PRESENT = "share_present"
N_ARTICLES = "n_articles"
MEAN = "mean"
CI_LOW = "ci_low"
CI_HIGH = "ci_high"

# --- schemas ------------------------------------------------------------------------
_nonempty = pa.Check.str_length(min_value=1)

ARTICLES = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str, _nonempty, unique=True),
        OUTLET: pa.Column(str, _nonempty),
        TEXT: pa.Column(str, _nonempty),
        TITLE: pa.Column(str, nullable=True, required=False),
        PUBLISHED: pa.Column("datetime64[ns, UTC]", nullable=True, required=False),
        URL: pa.Column(str, nullable=True, required=False),
        LANGUAGE: pa.Column(str, nullable=True, required=False),
        EVENT_ID: pa.Column(str, nullable=True, required=False),
        DUPLICATE_OF: pa.Column(str, nullable=True, required=False),
        DUPLICATE_KIND: pa.Column(
            str, pa.Check.isin(DUPLICATE_KINDS), nullable=True, required=False
        ),
        DUPLICATE_SIMILARITY: pa.Column(
            "float64", pa.Check.in_range(0.0, 1.0), nullable=True, required=False
        ),
        LANGUAGE_SCORE: pa.Column(
            "float64", pa.Check.in_range(0.0, 1.0), nullable=True, required=False
        ),
        BOILERPLATE_LINES: pa.Column("int64", pa.Check.ge(0), required=False),
        SOURCE_FILE: pa.Column(str, required=False),
        SOURCE_ROW: pa.Column("Int64", nullable=True, required=False),
    },
    strict=False,  # extra source columns are kept
    coerce=True,
    name="articles",
)

OUTLETS = pa.DataFrameSchema(
    {
        OUTLET: pa.Column(str, _nonempty, unique=True),
        COUNTRY: pa.Column(str, nullable=True),
        OWNERSHIP: pa.Column(str, nullable=True),
        LANGUAGE: pa.Column(str, nullable=True),
        GROUP: pa.Column(str, nullable=True),
    },
    strict=False,
    coerce=True,
    name="outlets",
)

SENTENCES = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        SENT_ID: pa.Column("int32", pa.Check.ge(0)),
        OUTLET: pa.Column(str),
        PARAGRAPH: pa.Column("int32", pa.Check.ge(0)),
        CHAR_START: pa.Column("int64", pa.Check.ge(0)),
        CHAR_END: pa.Column("int64", pa.Check.ge(0)),
        TEXT: pa.Column(str, _nonempty),
        VOICE: pa.Column(str, pa.Check.isin(VOICES)),
        SPEAKER: pa.Column(str, nullable=True),
    },
    unique=[DOC_ID, SENT_ID],
    strict=False,
    coerce=True,
    name="sentences",
)

FRAME_SCORES = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        SENT_ID: pa.Column("int32"),
        OUTLET: pa.Column(str),
        FRAME: pa.Column(str),
        POSITION: pa.Column("float64", pa.Check.in_range(-1.0, 1.0)),
        RELEVANCE: pa.Column("float64", pa.Check.in_range(-1.0, 1.0)),
        PRESENT: pa.Column(bool),
    },
    unique=[DOC_ID, SENT_ID, FRAME],
    strict=False,
    coerce=True,
    name="frame_scores",
)

FRAME_THRESHOLDS = pa.DataFrameSchema(
    {
        FRAME: pa.Column(str, unique=True),
        THRESHOLD: pa.Column("float64", nullable=True),  # NaN for supervised scoring
        THRESHOLD_SOURCE: pa.Column(
            str, pa.Check.isin(["gold", "config", "default", "supervised"])
        ),
        F1: pa.Column("float64", nullable=True),
        N_CODED: pa.Column("int64"),
    },
    strict=True,
    coerce=True,
    name="frame_thresholds",
)

EMBEDDINGS = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        SENT_ID: pa.Column("int32", pa.Check.ge(0)),
        TEXT_KEY: pa.Column(str, _nonempty),
        # EMBEDDING: fixed-size list of float32 (see VECTOR_COLUMNS)
    },
    unique=[DOC_ID, SENT_ID],
    strict=True,
    name="embeddings",
)

ARTICLE_FRAMES = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        OUTLET: pa.Column(str),
        FRAME: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        POSITION: pa.Column("float64"),
        SHARE_PRESENT: pa.Column("float64", pa.Check.in_range(0.0, 1.0)),
        N_SENTENCES: pa.Column("int64", pa.Check.gt(0)),
    },
    unique=[DOC_ID, FRAME, VIEW],
    strict=False,
    coerce=True,
    name="article_frames",
)

OUTLET_FRAMES = pa.DataFrameSchema(
    {
        OUTLET: pa.Column(str),
        FRAME: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        MEAN: pa.Column("float64"),
        # NaN when there is nothing to resample (fewer than two articles, or all equal)
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        N_ARTICLES: pa.Column("int64", pa.Check.gt(0)),
    },
    unique=[OUTLET, FRAME, VIEW],
    strict=False,
    coerce=True,
    name="outlet_frames",
)


# === events and cross-outlet comparisons ===================================
# --- events: which event each article covers ----------------------------------------
EVENT_SOURCE = "source"  # how the assignment was made: one of EVENT_SOURCES
EVENT_SOURCES = ("given", "inferred", "pinned")
CONFIDENCE = "confidence"  # given/pinned: 1; inferred: mean cosine to the event's other articles
N_OUTLETS = "n_outlets"
NEAREST_OTHER_EVENT = "nearest_other_event"  # event of the most similar article outside it
NEAREST_OTHER_SIMILARITY = "nearest_other_similarity"
NOTE = "note"
METRIC = "metric"
VALUE = "value"

EVENTS = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str, _nonempty, unique=True),
        OUTLET: pa.Column(str),
        EVENT_ID: pa.Column(str, _nonempty),
        EVENT_SOURCE: pa.Column(str, pa.Check.isin(EVENT_SOURCES)),
        CONFIDENCE: pa.Column("float64", pa.Check.in_range(-1.0, 1.0), nullable=True),
        N_ARTICLES: pa.Column("int64", pa.Check.gt(0)),
        N_OUTLETS: pa.Column("int64", pa.Check.gt(0)),
        NEAREST_OTHER_EVENT: pa.Column(str, nullable=True),
        NEAREST_OTHER_SIMILARITY: pa.Column("float64", nullable=True),
        NOTE: pa.Column(str),
    },
    strict=True,
    coerce=True,
    name="events",
)

EVENT_ALIGNMENT = pa.DataFrameSchema(
    {METRIC: pa.Column(str, unique=True), VALUE: pa.Column("float64")},
    strict=True,
    coerce=True,
    name="event_alignment",
)

# --- comparisons: outlet effects and pairwise differences within events --------------
OUTLET_A = "outlet_a"
OUTLET_B = "outlet_b"
ESTIMATE = "estimate"  # outlet effect (vs the mean of outlets) or difference a − b
N_EVENTS = "n_events"
N_SHARED_EVENTS = "n_shared_events"
N_BOOT_USED = "n_boot_used"
STATISTIC = "statistic"
P_VALUE = "p_value"
Q_VALUE = "q_value"  # Benjamini–Hochberg adjusted p-value
SIGNIFICANT = "significant"  # q_value at or below the study's FDR level
N_PERMUTATIONS = "n_permutations"
EXACT = "exact"  # True when every within-event label swap was enumerated
INCLUDED = "included"
REASON = "reason"
MODEL = "model"
TERM = "term"
STD_ERROR = "std_error"
N_OBS = "n_obs"

OUTLET_EFFECTS = pa.DataFrameSchema(
    {
        FRAME: pa.Column(str),
        VIEW: pa.Column(str),
        OUTLET: pa.Column(str),
        ESTIMATE: pa.Column("float64"),
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        N_EVENTS: pa.Column("int64", pa.Check.ge(0)),
        N_ARTICLES: pa.Column("int64", pa.Check.ge(0)),
        N_BOOT_USED: pa.Column("int64", pa.Check.ge(0)),
    },
    unique=[FRAME, VIEW, OUTLET],
    strict=True,
    coerce=True,
    name="outlet_effects",
)

PAIRWISE_DIFFERENCES = pa.DataFrameSchema(
    {
        FRAME: pa.Column(str),
        VIEW: pa.Column(str),
        OUTLET_A: pa.Column(str),
        OUTLET_B: pa.Column(str),
        ESTIMATE: pa.Column("float64"),
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        N_SHARED_EVENTS: pa.Column("int64", pa.Check.ge(0)),
        N_BOOT_USED: pa.Column("int64", pa.Check.ge(0)),
        P_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        N_PERMUTATIONS: pa.Column("int64", pa.Check.ge(0)),
        EXACT: pa.Column(bool),
        Q_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        SIGNIFICANT: pa.Column(bool),
    },
    unique=[FRAME, VIEW, OUTLET_A, OUTLET_B],
    strict=True,
    coerce=True,
    name="pairwise_differences",
)

FRAME_TESTS = pa.DataFrameSchema(
    {
        FRAME: pa.Column(str),
        VIEW: pa.Column(str),
        STATISTIC: pa.Column("float64"),
        P_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        Q_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        N_PERMUTATIONS: pa.Column("int64", pa.Check.ge(0)),
        N_EVENTS: pa.Column("int64", pa.Check.ge(0)),
        N_OUTLETS: pa.Column("int64", pa.Check.ge(0)),
    },
    unique=[FRAME, VIEW],
    strict=True,
    coerce=True,
    name="frame_tests",
)

COMPARISON_UNITS = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        VIEW: pa.Column(str),
        OUTLET: pa.Column(str),
        EVENT_ID: pa.Column(str, nullable=True),
        INCLUDED: pa.Column(bool),
        REASON: pa.Column(str),
    },
    unique=[DOC_ID, VIEW],
    strict=True,
    coerce=True,
    name="comparison_units",
)

REGRESSION = pa.DataFrameSchema(
    {
        FRAME: pa.Column(str),
        VIEW: pa.Column(str),
        MODEL: pa.Column(str, pa.Check.isin(["fixed", "mixed"])),
        TERM: pa.Column(str),
        ESTIMATE: pa.Column("float64"),
        STD_ERROR: pa.Column("float64", nullable=True),
        STATISTIC: pa.Column("float64", nullable=True),
        P_VALUE: pa.Column("float64", nullable=True),
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        N_OBS: pa.Column("int64", pa.Check.ge(0)),
        N_EVENTS: pa.Column("int64", pa.Check.ge(0)),
    },
    unique=[FRAME, VIEW, MODEL, TERM],
    strict=True,
    coerce=True,
    name="regression",
)

# --- distinctive language: Fightin' Words (Monroe, Colaresi & Quinn 2008) -----------
REFERENCE = "reference"  # the other side of the comparison: an outlet, or REST
REST = "(rest)"
WORD = "word"
COUNT = "count"
COUNT_REFERENCE = "count_reference"
FREQUENCY = "frequency"  # the word's count in the whole view (both sides and others)
DELTA = "delta"  # log-odds ratio with the informative Dirichlet prior
Z = "z"

FIGHTIN_WORDS = pa.DataFrameSchema(
    {
        VIEW: pa.Column(str),
        OUTLET: pa.Column(str),
        REFERENCE: pa.Column(str),
        WORD: pa.Column(str, _nonempty),
        COUNT: pa.Column("int64", pa.Check.ge(0)),
        COUNT_REFERENCE: pa.Column("int64", pa.Check.ge(0)),
        FREQUENCY: pa.Column("int64", pa.Check.gt(0)),
        DELTA: pa.Column("float64"),
        Z: pa.Column("float64"),
    },
    unique=[VIEW, OUTLET, REFERENCE, WORD],
    strict=True,
    coerce=True,
    name="fightin_words",
)

# --- topics (analysis/topics; stages topics + topic_prevalence) -------------
# A topic unit is a sentence or a paragraph (study.yaml `topics.unit`); UNIT_ID is the
# sentence's sent_id or the paragraph's index within its article.
UNIT_ID = "unit_id"
TOPIC = "topic"
TOPIC_INITIAL = "topic_initial"  # the clustering's topic, before outlier reduction
PROBABILITY = "probability"  # HDBSCAN membership strength of the initial topic
EXCLUDED = "excluded"  # why a unit was left out of the topic model (null: it was not)
OUTLIER_TOPIC = -1  # BERTopic's topic of units no cluster claims
LABEL = "label"
AUTO_LABEL = "auto_label"
RENAMED = "renamed"
N_UNITS = "n_units"
N_UNITS_INITIAL = "n_units_initial"
SHARE = "share"
REPRESENTATIVE = "representative"
RANK = "rank"
WEIGHT = "weight"
PERIOD = "period"
N_CLUSTERS = "n_clusters"
CLUSTER_BY = "cluster_by"
DIFF = "diff"
DIFF_CI_LOW = "diff_ci_low"
DIFF_CI_HIGH = "diff_ci_high"
P_OUTLET = "p_outlet"
CLUSTER_BY_VALUES = ("event", "article")
# Also used below, defined with the comparisons : ESTIMATE, P_VALUE, TERM, MODEL.

TOPIC_UNITS = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        UNIT_ID: pa.Column("int32", pa.Check.ge(0)),
        OUTLET: pa.Column(str),
        N_SENTENCES: pa.Column("int32", pa.Check.gt(0)),
        TOPIC: pa.Column("Int32", pa.Check.ge(OUTLIER_TOPIC), nullable=True),
        TOPIC_INITIAL: pa.Column("Int32", pa.Check.ge(OUTLIER_TOPIC), nullable=True),
        PROBABILITY: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        EXCLUDED: pa.Column(str, nullable=True),
    },
    unique=[DOC_ID, UNIT_ID],
    strict=True,
    coerce=True,
    name="topic_units",
)

TOPIC_INFO = pa.DataFrameSchema(
    {
        TOPIC: pa.Column("int32", pa.Check.ge(OUTLIER_TOPIC), unique=True),
        AUTO_LABEL: pa.Column(str),
        N_UNITS: pa.Column("int64", pa.Check.ge(0)),
        N_UNITS_INITIAL: pa.Column("int64", pa.Check.ge(0)),
        SHARE: pa.Column("float64", pa.Check.in_range(0.0, 1.0)),
        N_ARTICLES: pa.Column("int64", pa.Check.ge(0)),
        REPRESENTATIVE: pa.Column(object),  # list of up to 3 representative unit texts
    },
    strict=True,
    coerce=True,
    name="topic_info",
)

TOPIC_TERMS = pa.DataFrameSchema(
    {
        TOPIC: pa.Column("int32"),
        RANK: pa.Column("int32", pa.Check.ge(1)),
        TERM: pa.Column(str),
        WEIGHT: pa.Column("float64"),
    },
    unique=[TOPIC, RANK],
    strict=True,
    coerce=True,
    name="topic_terms",
)

TOPIC_LABELS = pa.DataFrameSchema(
    {
        TOPIC: pa.Column("int32", unique=True),
        LABEL: pa.Column(str, _nonempty),
        AUTO_LABEL: pa.Column(str),
        RENAMED: pa.Column(bool),
    },
    strict=True,
    coerce=True,
    name="topic_labels",
)

ARTICLE_TOPICS = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        OUTLET: pa.Column(str),
        EVENT_ID: pa.Column(str, nullable=True),
        PUBLISHED: pa.Column("datetime64[ns, UTC]", nullable=True),
        TOPIC: pa.Column("int32"),
        SHARE: pa.Column("float64", pa.Check.in_range(0.0, 1.0)),
        N_UNITS: pa.Column("int64", pa.Check.gt(0)),
    },
    unique=[DOC_ID, TOPIC],
    strict=True,
    coerce=True,
    name="article_topics",
)

OUTLET_TOPICS = pa.DataFrameSchema(
    {
        OUTLET: pa.Column(str),
        TOPIC: pa.Column("int32"),
        MEAN: pa.Column("float64", pa.Check.in_range(0.0, 1.0)),
        # NaN when there is nothing to resample (fewer than two clusters, or all equal)
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        N_ARTICLES: pa.Column("int64", pa.Check.gt(0)),
        N_CLUSTERS: pa.Column("int64", pa.Check.gt(0)),
        CLUSTER_BY: pa.Column(str, pa.Check.isin(CLUSTER_BY_VALUES)),
    },
    unique=[OUTLET, TOPIC],
    strict=True,
    coerce=True,
    name="outlet_topics",
)

TOPIC_EFFECTS = pa.DataFrameSchema(
    {
        TOPIC: pa.Column("int32"),
        OUTLET: pa.Column(str),
        ESTIMATE: pa.Column("float64"),  # adjusted share (standardised to the corpus's events)
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        DIFF: pa.Column("float64"),  # estimate minus the mean estimate over outlets
        DIFF_CI_LOW: pa.Column("float64", nullable=True),
        DIFF_CI_HIGH: pa.Column("float64", nullable=True),
        P_VALUE: pa.Column("float64", nullable=True),  # of diff == 0
        P_OUTLET: pa.Column("float64", nullable=True),  # joint test: no outlet differs
        N_ARTICLES: pa.Column("int64", pa.Check.gt(0)),
        MODEL: pa.Column(str),
    },
    unique=[TOPIC, OUTLET],
    strict=True,
    coerce=True,
    name="topic_effects",
)

TOPIC_TIME = pa.DataFrameSchema(
    {
        OUTLET: pa.Column(str),
        PERIOD: pa.Column("datetime64[ns, UTC]"),
        TOPIC: pa.Column("int32"),
        MEAN: pa.Column("float64", pa.Check.in_range(0.0, 1.0)),
        N_ARTICLES: pa.Column("int64", pa.Check.gt(0)),
    },
    unique=[OUTLET, PERIOD, TOPIC],
    strict=True,
    coerce=True,
    name="topic_time",
)


# === ingestion: rejected records, reported problems, stripped boilerplate ====
# Every record read is either an article or a row of REJECTS (n_read == kept + rejected).
# PROBLEMS lists what was wrong with a kept record (or a whole file) without rejecting it:
# an unparseable date, a guessed encoding. BOILERPLATE lists each stripped line.
FIELD = "field"  # the schema field (or source column) concerned; null for the whole record
REJECT_CODE = "code"  # short machine-readable reason, one of REJECT_CODES / PROBLEM_CODES
# REASON: the reason in words, naming what to do where it helps.
# VALUE: the offending value as read (truncated to 200 characters).
LINE_NO = "line_no"  # 0-based line of the article text as read, before stripping
RULE = "rule"  # which boilerplate rule matched

REJECT_CODES = (
    "unreadable",  # the record could not be parsed at all (broken JSON, ragged CSV row)
    "missing",  # a required field is missing, null or NaN
    "empty",  # a required field is empty or whitespace only (text: possibly after stripping)
    "bad_type",  # a value of the wrong kind (an object where text was expected)
    "bad_id",  # doc_id could not be built from id_template
    "duplicate_id",  # doc_id already used by an earlier record
    "no_text",  # HTML with no main text that the extractor could find
    "language",  # detected language not among the study's ingest.language.keep
    "unsupported_file",  # a file in a corpus folder that is neither .txt nor .html
    "no_items",  # a record whose `explode` field holds no sub-records
    "encoding",  # bytes the file's encoding cannot read, or a lone surrogate (\ud800)
    "too_large",  # an article longer than ingest.max_chars
)
PROBLEM_CODES = (
    "date_unparsed",  # not a date in any format tried
    "date_incomplete",  # lacks a day or month (e.g. "March 2021"); not filled in silently
    "date_out_of_range",  # outside ingest.dates.earliest .. latest
    "date_convention",  # numeric dates that contradict the source's dayfirst setting
    "encoding_guessed",  # not UTF-8; decoded with a detected encoding
    "outlet_metadata",  # an outlet has conflicting values for an outlet field
    "html_extraction",  # HTML text was extracted with the fallback (whole-page) extractor
)

_WHERE = {  # where a rejected record or a problem is
    SOURCE_FILE: pa.Column(str),
    SOURCE_ROW: pa.Column("Int64", nullable=True),
    DOC_ID: pa.Column(str, nullable=True),
    FIELD: pa.Column(str, nullable=True),
}

REJECTS = pa.DataFrameSchema(
    {
        **_WHERE,
        REJECT_CODE: pa.Column(str, pa.Check.isin(REJECT_CODES)),
        REASON: pa.Column(str, _nonempty),
    },
    strict=True,
    coerce=True,
    name="rejects",
)

PROBLEMS = pa.DataFrameSchema(
    {
        **_WHERE,
        VALUE: pa.Column(str, nullable=True),
        REJECT_CODE: pa.Column(str, pa.Check.isin(PROBLEM_CODES)),
        REASON: pa.Column(str, _nonempty),
    },
    strict=True,
    coerce=True,
    name="problems",
)

BOILERPLATE = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        OUTLET: pa.Column(str),
        LINE_NO: pa.Column("int64", pa.Check.ge(0)),
        RULE: pa.Column(str),
        TEXT: pa.Column(str),
    },
    strict=True,
    coerce=True,
    name="boilerplate",
)


# === validation: automated codes against gold (human) codes ====================
# One row per method, frame and metric (and label, for per-code metrics such as F1).
METHOD = "method"  # "axis" (codebook axes), "supervised" (classifier), "voice_rules"
SUPPORT = "support"  # the number of gold-coded sentences the value rests on

VALIDATION = pa.DataFrameSchema(
    {
        METHOD: pa.Column(str),
        FRAME: pa.Column(str, nullable=True),  # null for voice
        METRIC: pa.Column(str),
        LABEL: pa.Column(str, nullable=True),  # the code, for per-code metrics
        VALUE: pa.Column("float64", nullable=True),
        SUPPORT: pa.Column("int64", pa.Check.ge(0)),
    },
    strict=True,
    coerce=True,
    name="validation",
)
