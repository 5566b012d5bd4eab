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
# Optional: registered domains of the outlet separated by spaces or ";" (e.g.
# "tass.ru tass.com"); `framing collect` matches URLs on them. Studies without it work.
DOMAINS = "domains"
OPTIONAL_OUTLET_FIELDS = (DOMAINS,)

# --- sentences ----------------------------------------------------------------------
SENT_ID = "sent_id"  # position of the sentence in its article (restarts in every article)
SENT_KEY = "sent_key"  # f"{doc_id}#{sent_id}": unique across the study, safe to merge on
CHAR_START = "char_start"
CHAR_END = "char_end"
PARAGRAPH = "paragraph"
VOICE = "voice"
SPEAKER = "speaker"
# A unit too short to carry framing (cut-off text, a stray heading): kept, but not scored,
# aggregated or sampled for coding (study.yaml `sentences.min_words`).
FRAGMENT = "fragment"
N_WORDS = "n_words"

# --- human coding sheets (analysis/frames/annotate.py) --------------------------------
# A sheet has one row per sentence and coder, and one column per codebook frame (named
# by the frame's id) holding a pole id of that frame, "none", or nothing (not coded).
CODER = "coder"
NOTES = "notes"
CONTEXT_BEFORE = "context_before"
CONTEXT_AFTER = "context_after"
NONE_CODE = "none"
CODING_SHEET_COLUMNS = (
    DOC_ID,
    SENT_ID,
    CHAR_START,
    CHAR_END,
    OUTLET,
    CONTEXT_BEFORE,
    TEXT,
    CONTEXT_AFTER,
    CODER,
    VOICE,
    SPEAKER,
    NOTES,
    "pole",
    "own_pole",
    "frame",
)

# --- voice spans (analysis/text/spans.py) -------------------------------------------
SPAN_KEY = "span_key"  # globally unique: see span_key()
IN_QUOTES = "in_quotes"  # the span is inside quotation marks
SPAN_VOICES = ("authorial", "attribution", "quoted", "scare_quoted")


def sent_key(doc_id: str, sent_id: int) -> str:
    """The globally unique key of a sentence: "<doc_id>#<sent_id>".

    Unambiguous even when a doc_id holds "#": the sentence number is what follows the
    last "#".
    """
    return f"{doc_id}#{int(sent_id)}"


def span_key(doc_id: str, sent_id: int, span_id: int) -> str:
    """The globally unique key of a voice span: "<sent_key>/<span_id>" (span_id counts
    the spans of its sentence from 0)."""
    return f"{sent_key(doc_id, sent_id)}/{int(span_id)}"


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
NOTE = "note"
F1 = "f1"
N_CODED = "n_coded"

# Sentence voices (analysis.text.voice: a view of the voice spans) and the aggregation
# views: "all" sentences, the outlet's "own" voice (its authorial and attribution spans),
# and what it "reported" (quotations, partial quotes, indirect speech, scare quotes).
VOICES = ("authorial", "quoted", "scare_quoted")
VIEW = "view"
VIEWS = ("all", "own", "reported")

# --- aggregates ---------------------------------------------------------------------
N_SENTENCES = "n_sentences"
SHARE_PRESENT = "share_present"
PERCENT = "percent"  # share of sentences taking a pole, 0-100
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
        DOMAINS: pa.Column(str, nullable=True, required=False),
    },
    strict=False,
    coerce=True,
    name="outlets",
)

SENTENCES = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        SENT_ID: pa.Column("int32", pa.Check.ge(0)),
        SENT_KEY: pa.Column(str, unique=True),
        OUTLET: pa.Column(str),
        PARAGRAPH: pa.Column("int32", pa.Check.ge(0)),
        CHAR_START: pa.Column("int64", pa.Check.ge(0)),
        CHAR_END: pa.Column("int64", pa.Check.ge(0)),
        TEXT: pa.Column(str, _nonempty),
        VOICE: pa.Column(str, pa.Check.isin(VOICES)),
        SPEAKER: pa.Column(str, nullable=True),
        N_WORDS: pa.Column("int32", pa.Check.ge(0)),
        FRAGMENT: pa.Column(bool),
    },
    unique=[DOC_ID, SENT_ID],
    strict=False,
    coerce=True,
    name="sentences",
)

SPANS = pa.DataFrameSchema(
    {
        SPAN_KEY: pa.Column(str, unique=True),
        SENT_KEY: pa.Column(str),
        DOC_ID: pa.Column(str),
        SENT_ID: pa.Column("int32", pa.Check.ge(0)),
        OUTLET: pa.Column(str),
        CHAR_START: pa.Column("int64", pa.Check.ge(0)),
        CHAR_END: pa.Column("int64", pa.Check.ge(0)),
        VOICE: pa.Column(str, pa.Check.isin(SPAN_VOICES)),
        IN_QUOTES: pa.Column(bool),
        SPEAKER: pa.Column(str, nullable=True),
        TEXT: pa.Column(str, _nonempty),
    },
    checks=pa.Check(lambda df: (df[CHAR_END] > df[CHAR_START]).all(), error="empty span"),
    strict=True,
    coerce=True,
    name="spans",
)
VOICE_UNITS = pa.DataFrameSchema(
    {
        # One row per sentence and view that has a unit (analysis/text/view_units.py);
        # the vectors (EMBEDDING) are stored beside these columns in voice_units.parquet.
        SENT_KEY: pa.Column(str, _nonempty),
        DOC_ID: pa.Column(str, _nonempty),
        SENT_ID: pa.Column("int32", pa.Check.ge(0)),
        OUTLET: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS[1:])),
        TEXT: pa.Column(str, _nonempty),
        N_WORDS: pa.Column("int64", pa.Check.ge(0)),
        TEXT_KEY: pa.Column(str),
    },
    unique=[SENT_KEY, VIEW],
    strict=True,
    coerce=True,
    name="voice_units",
)

FRAME_SCORES = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        SENT_ID: pa.Column("int32"),
        OUTLET: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        FRAME: pa.Column(str),
        POSITION: pa.Column("float64", pa.Check.in_range(-1.0, 1.0)),
        RELEVANCE: pa.Column("float64", pa.Check.in_range(-1.0, 1.0)),
        PRESENT: pa.Column(bool),
    },
    unique=[DOC_ID, SENT_ID, VIEW, FRAME],
    strict=False,
    coerce=True,
    name="frame_scores",
)

FRAME_THRESHOLDS = pa.DataFrameSchema(
    {
        FRAME: pa.Column(str, unique=True),
        THRESHOLD: pa.Column("float64", nullable=True),  # NaN for supervised and fine-tuned scoring
        THRESHOLD_SOURCE: pa.Column(
            str, pa.Check.isin(["gold", "config", "default", "supervised", "finetuned"])
        ),
        F1: pa.Column("float64", nullable=True),
        N_CODED: pa.Column("int64"),
        # why a gold set did not set the threshold (too few sentences per code), else null
        NOTE: pa.Column(str, nullable=True),
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


ARTICLE_POLES = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        OUTLET: pa.Column(str),
        FRAME: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        POLE: pa.Column(str),
        PERCENT: pa.Column("float64", pa.Check.in_range(0.0, 100.0)),
        N_SENTENCES: pa.Column("int64", pa.Check.gt(0)),
    },
    unique=[DOC_ID, FRAME, VIEW, POLE],
    strict=True,
    coerce=True,
    name="article_poles",
)

OUTLET_POLES = pa.DataFrameSchema(
    {
        OUTLET: pa.Column(str),
        FRAME: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        POLE: pa.Column(str),
        PERCENT: pa.Column("float64", pa.Check.in_range(0.0, 100.0)),
        CI_LOW: pa.Column("float64", pa.Check.in_range(0.0, 100.0), nullable=True),
        CI_HIGH: pa.Column("float64", pa.Check.in_range(0.0, 100.0), nullable=True),
        N_ARTICLES: pa.Column("int64", pa.Check.gt(0)),
        N_SENTENCES: pa.Column("int64", pa.Check.gt(0)),
    },
    unique=[OUTLET, FRAME, VIEW, POLE],
    strict=True,
    coerce=True,
    name="outlet_poles",
)


# === events and cross-outlet comparisons ===================================
# --- events: which event each article covers ----------------------------------------
EVENT_SOURCE = "source"  # how the assignment was made: one of EVENT_SOURCES
EVENT_SOURCES = ("given", "inferred", "pinned")
CONFIDENCE = "confidence"  # given/pinned: 1; inferred: mean cosine to the event's other articles
N_OUTLETS = "n_outlets"
NEAREST_OTHER_EVENT = "nearest_other_event"  # event of the most similar article outside it
NEAREST_OTHER_SIMILARITY = "nearest_other_similarity"
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
# Levels of an outlet attribute (analysis/compare/levels.py)
BY = "by"  # the outlet attribute compared: outlet, group, country, ...
LEVEL = "level"  # a value of that attribute (the outlet's name when by = outlet)
LEVEL_A = "level_a"
LEVEL_B = "level_b"
N_LEVELS = "n_levels"
N_OUTLETS_A = "n_outlets_a"
N_OUTLETS_B = "n_outlets_b"
DF = "df"  # degrees of freedom of the t interval (Satterthwaite)
RESAMPLED = "resampled"  # "events+outlets", or "events" where a level has one outlet
RESAMPLED_VALUES = ("events+outlets", "events")
TEST = "test"  # which permutation test gave the p-value
TESTS = ("within-event label swaps", "outlet labels permuted")
MEASURE = "measure"  # balance, share (of sentences taking a pole) or presence
MEASURES = ("balance", "share", "presence")
UNIT = "unit"  # what the estimate is measured in: balance, %, percentage points
DIFF = "diff"  # distance from the mean over outlets (or levels)
DIFF_CI_LOW = "diff_ci_low"
DIFF_CI_HIGH = "diff_ci_high"
MODEL = "model"
TERM = "term"
STD_ERROR = "std_error"
N_OBS = "n_obs"

_KEY_SERIES = [BY, FRAME, VIEW, MEASURE, POLE]

COMPARISON_EFFECTS = pa.DataFrameSchema(
    {
        BY: pa.Column(str),
        LEVEL: pa.Column(str),
        FRAME: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        MEASURE: pa.Column(str, pa.Check.isin(MEASURES)),
        POLE: pa.Column(str, nullable=True),  # the pole of a share; null for balance, presence
        UNIT: pa.Column(str),
        ESTIMATE: pa.Column("float64"),  # adjusted mean: the level on the average event
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        STD_ERROR: pa.Column("float64", nullable=True),
        DF: pa.Column("float64", nullable=True),
        DIFF: pa.Column("float64"),  # effect: the adjusted mean minus the mean of levels
        DIFF_CI_LOW: pa.Column("float64", nullable=True),
        DIFF_CI_HIGH: pa.Column("float64", nullable=True),
        N_OUTLETS: pa.Column("int64", pa.Check.ge(1)),
        N_EVENTS: pa.Column("int64", pa.Check.ge(0)),
        N_ARTICLES: pa.Column("int64", pa.Check.ge(0)),
        N_SENTENCES: pa.Column("int64", pa.Check.ge(0)),
        N_BOOT_USED: pa.Column("int64", pa.Check.ge(0)),
        RESAMPLED: pa.Column(str, pa.Check.isin(RESAMPLED_VALUES)),
    },
    unique=[BY, LEVEL, FRAME, VIEW, MEASURE, POLE],
    strict=True,
    coerce=True,
    name="comparison_effects",
)

COMPARISON_DIFFERENCES = pa.DataFrameSchema(
    {
        BY: pa.Column(str),
        LEVEL_A: pa.Column(str),
        LEVEL_B: pa.Column(str),
        FRAME: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        MEASURE: pa.Column(str, pa.Check.isin(MEASURES)),
        POLE: pa.Column(str, nullable=True),
        UNIT: pa.Column(str),
        ESTIMATE: pa.Column("float64"),  # level_a minus level_b, within events
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        STD_ERROR: pa.Column("float64", nullable=True),
        DF: pa.Column("float64", nullable=True),
        N_SHARED_EVENTS: pa.Column("int64", pa.Check.ge(0)),
        N_OUTLETS_A: pa.Column("int64", pa.Check.ge(1)),
        N_OUTLETS_B: pa.Column("int64", pa.Check.ge(1)),
        N_BOOT_USED: pa.Column("int64", pa.Check.ge(0)),
        RESAMPLED: pa.Column(str, pa.Check.isin(RESAMPLED_VALUES)),
        P_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        Q_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        SIGNIFICANT: pa.Column(bool),
        N_PERMUTATIONS: pa.Column("int64", pa.Check.ge(0)),
        EXACT: pa.Column(bool),
        TEST: pa.Column(str, pa.Check.isin(TESTS)),
    },
    unique=[BY, LEVEL_A, LEVEL_B, FRAME, VIEW, MEASURE, POLE],
    strict=True,
    coerce=True,
    name="comparison_differences",
)

COMPARISON_TESTS = pa.DataFrameSchema(
    {
        BY: pa.Column(str),
        FRAME: pa.Column(str),
        VIEW: pa.Column(str, pa.Check.isin(VIEWS)),
        MEASURE: pa.Column(str, pa.Check.isin(MEASURES)),
        POLE: pa.Column(str, nullable=True),
        STATISTIC: pa.Column("float64"),  # root mean square of the level effects
        P_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        Q_VALUE: pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=True),
        N_PERMUTATIONS: pa.Column("int64", pa.Check.ge(0)),
        N_EVENTS: pa.Column("int64", pa.Check.ge(0)),
        N_LEVELS: pa.Column("int64", pa.Check.ge(0)),
        N_OUTLETS: pa.Column("int64", pa.Check.ge(0)),
        TEST: pa.Column(str, pa.Check.isin(TESTS)),
    },
    unique=_KEY_SERIES,
    strict=True,
    coerce=True,
    name="comparison_tests",
)

COMPARISON_UNITS = pa.DataFrameSchema(
    {
        BY: pa.Column(str),
        DOC_ID: pa.Column(str),
        VIEW: pa.Column(str),
        OUTLET: pa.Column(str),
        EVENT_ID: pa.Column(str, nullable=True),
        INCLUDED: pa.Column(bool),
        REASON: pa.Column(str),
    },
    unique=[BY, DOC_ID, VIEW],
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
# Records the study's `filter:` left out: fine records the study does not analyse (so
# not rejects). n_read == kept + rejected + filtered.
FILTER_CODES = ("outlet", "language", "date", "text")

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

FILTERED = pa.DataFrameSchema(
    {
        **_WHERE,
        REJECT_CODE: pa.Column(str, pa.Check.isin(FILTER_CODES)),
        REASON: pa.Column(str, _nonempty),
    },
    strict=True,
    coerce=True,
    name="filtered",
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
        CI_LOW: pa.Column("float64", nullable=True),  # bootstrap over CV groups; NaN if none
        CI_HIGH: pa.Column("float64", nullable=True),
    },
    strict=True,
    coerce=True,
    name="validation",
)


# --- languages kept and left out by ingest.language.keep, per outlet (languages.csv) ----
N_KEPT = "n_kept"
N_LEFT_OUT = "n_left_out"
LANGUAGE_COUNT_COLUMNS = (OUTLET, LANGUAGE, N_KEPT, N_LEFT_OUT)


# --- collection ledger (analysis/collect) ---------------------------------------------
# One row per input URL (per source). Every input URL ends in one outcome, and each
# outcome belongs to one category, so that input URLs = fetched + failed + skipped.
COLLECT_FETCHED = "fetched"
COLLECT_FAILED = "failed"
COLLECT_SKIPPED = "skipped"
COLLECT_PENDING = "pending"  # not attempted yet (an interrupted run); never final
COLLECT_OUTCOMES = {
    "fetched": COLLECT_FETCHED,  # fetched and its main text extracted
    "fetched_archive": COLLECT_FETCHED,  # gone at the source, taken from the Internet Archive
    "http_error": COLLECT_FAILED,  # a 4xx/5xx answer after the retries (and no snapshot)
    "timeout": COLLECT_FAILED,  # connect, read or total timeout after the retries
    "connection_error": COLLECT_FAILED,  # refused, reset, unknown host
    "truncated": COLLECT_FAILED,  # body shorter than its Content-Length, after the retries
    "too_large": COLLECT_FAILED,  # over collect.max_bytes or max_decompressed_bytes
    "not_html": COLLECT_FAILED,  # a PDF, an image, ... (Content-Type or content)
    "extraction_empty": COLLECT_FAILED,  # HTML without a main text
    "redirect_error": COLLECT_FAILED,  # a loop, too many redirects, a non-http(s) target
    "robots_disallowed": COLLECT_SKIPPED,  # robots.txt forbids it (or cannot be read)
    "duplicate_url": COLLECT_SKIPPED,  # same canonical URL as an earlier input URL
    "unknown_outlet": COLLECT_SKIPPED,  # no outlet in outlets.csv owns the URL's domain
    "off_site_redirect": COLLECT_SKIPPED,  # redirected to a host outside the allowed domains
    "out_of_window": COLLECT_SKIPPED,  # dated outside collect.window by its source
    "bad_url": COLLECT_SKIPPED,  # not an http(s) URL
}
LEDGER_COLUMNS = (
    "source",  # the collect source id (which query or feed)
    "input_url",  # as the source gave it
    "url",  # canonical: tracking parameters and fragments dropped, host lowercased
    "seq",  # discovery order (the first of two duplicates owns the canonical URL)
    "outlet",
    "outcome",
    "reason",  # why, for every outcome except fetched
    "status",  # last HTTP status
    "attempts",
    "final_url",  # after redirects (or the snapshot URL)
    "fetched_at",  # UTC, ISO 8601
    "sha256",  # of the response body as received
    "bytes",
    "warc_file",
    "warc_offset",
    "doc_id",
)
# --- human coding: intercoder agreement and disagreements (analysis/frames/gold.py) ----
CODE_FIELD = "field"  # a frame id, or "voice"
ALPHA = "alpha"
N_CODES = "n_codes"
N_CODERS = "n_coders"
N_DISAGREEMENTS = "n_disagreements"
N_UNRESOLVED = "n_unresolved"
STATUS = "status"
DISAGREEMENT_STATUSES = ("adjudicated", "unresolved")

INTERCODER = pa.DataFrameSchema(
    {
        CODE_FIELD: pa.Column(str, unique=True),
        ALPHA: pa.Column("float64", nullable=True),  # NaN: fewer than two codes varied
        CI_LOW: pa.Column("float64", nullable=True),
        CI_HIGH: pa.Column("float64", nullable=True),
        N_UNITS: pa.Column("int64", pa.Check.ge(0)),  # sentences coded by two or more
        N_CODES: pa.Column("int64", pa.Check.ge(0)),
        N_CODERS: pa.Column("int64", pa.Check.ge(0)),
        N_DISAGREEMENTS: pa.Column("int64", pa.Check.ge(0)),
        N_UNRESOLVED: pa.Column("int64", pa.Check.ge(0)),
        N_BOOT_USED: pa.Column("int64", pa.Check.ge(0)),
    },
    strict=True,
    coerce=True,
    name="intercoder",
)

DISAGREEMENTS = pa.DataFrameSchema(
    {
        DOC_ID: pa.Column(str),
        CHAR_START: pa.Column("int64"),
        CHAR_END: pa.Column("int64"),
        CODE_FIELD: pa.Column(str),
        "codes": pa.Column(str),  # each coder's code: "alice=heroic_sacrifice; bob=none"
        N_CODERS: pa.Column("int64", pa.Check.ge(2)),
        "code": pa.Column(str, nullable=True),  # the adjudicated code, null until decided
        STATUS: pa.Column(str, pa.Check.isin(DISAGREEMENT_STATUSES)),
        TEXT: pa.Column(str, nullable=True),
    },
    unique=[DOC_ID, CHAR_START, CHAR_END, CODE_FIELD],
    strict=True,
    coerce=True,
    name="disagreements",
)


# === keys: the columns that identify a row of each table =====================
# Every table the pipeline writes has one documented key (README, "Outputs"); a merge
# on anything less pairs the wrong rows (sent_id alone restarts in every article).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "articles": (DOC_ID,),
    "outlets": (OUTLET,),
    "rejects": (SOURCE_FILE, SOURCE_ROW, FIELD, REJECT_CODE),
    "filtered": (SOURCE_FILE, SOURCE_ROW, FIELD, REJECT_CODE),
    "intercoder": (CODE_FIELD,),
    "disagreements": (DOC_ID, CHAR_START, CHAR_END, CODE_FIELD),
    "problems": (SOURCE_FILE, SOURCE_ROW, DOC_ID, FIELD, REJECT_CODE),
    "boilerplate": (DOC_ID, LINE_NO),
    "sentences": (SENT_KEY,),
    "embeddings": (DOC_ID, SENT_ID),
    "frame_scores": (DOC_ID, SENT_ID, VIEW, FRAME),
    "spans": (SPAN_KEY,),
    "voice_units": (SENT_KEY, VIEW),
    "frame_thresholds": (FRAME,),
    "article_frames": (DOC_ID, FRAME, VIEW),
    "outlet_frames": (OUTLET, FRAME, VIEW),
    "article_poles": (DOC_ID, FRAME, VIEW, POLE),
    "outlet_poles": (OUTLET, FRAME, VIEW, POLE),
    "validation": (METHOD, FRAME, METRIC, LABEL),
    "events": (DOC_ID,),
    "event_alignment": (METRIC,),
    "comparison_effects": (BY, LEVEL, FRAME, VIEW, MEASURE, POLE),
    "comparison_differences": (BY, LEVEL_A, LEVEL_B, FRAME, VIEW, MEASURE, POLE),
    "comparison_tests": (BY, FRAME, VIEW, MEASURE, POLE),
    "comparison_units": (BY, DOC_ID, VIEW),
    "regression": (FRAME, VIEW, MODEL, TERM),
    "fightin_words": (VIEW, OUTLET, REFERENCE, WORD),
    "topic_units": (DOC_ID, UNIT_ID),
    "topic_info": (TOPIC,),
    "topic_terms": (TOPIC, RANK),
    "topic_labels": (TOPIC,),
    "article_topics": (DOC_ID, TOPIC),
    "outlet_topics": (OUTLET, TOPIC),
    "topic_effects": (TOPIC, OUTLET),
    "topic_time": (OUTLET, PERIOD, TOPIC),
}
