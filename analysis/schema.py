"""Column names and dtypes of every table, defined once and imported everywhere.

Every stage validates the table it writes against the schema here, so a contract that
drifts fails at the stage that broke it, not three stages later in a notebook.
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
DUPLICATE_OF = "duplicate_of"

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
TEXT_KEY = "text_key"
EMBEDDING = "embedding"

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
        THRESHOLD: pa.Column("float64"),
        THRESHOLD_SOURCE: pa.Column(str, pa.Check.isin(["gold", "config", "default"])),
        F1: pa.Column("float64", nullable=True),
        N_CODED: pa.Column("int64"),
    },
    strict=True,
    coerce=True,
    name="frame_thresholds",
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
