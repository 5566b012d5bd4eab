"""Stage ``intercoder``: agreement among human coders, and every disagreement.

Krippendorff's alpha per frame (and for the voice) over the sentences two or more coders
coded, with a bootstrap interval over sentences: the reliability of the human codes,
which bounds any agreement the machine can show with them. Each disagreement is listed
with the coders' codes, the sentence, and its adjudication if the study has one; the
same list is written to ``build/<study>/disagreements.csv``, ready to be copied to the
study's adjudication file and decided.
"""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.frames.agreement import intercoder_alpha
from analysis.frames.gold import (
    SPAN,
    adjudication_for,
    code_fields,
    gold_files,
    load_gold_files,
    resolve,
)
from analysis.io import write_csv
from analysis.pipeline import Context, register
from analysis.study import Study

log = logging.getLogger(__name__)
INTERCODER_COLUMNS = list(S.INTERCODER.columns)


def intercoder_table(study: Study, codes: pd.DataFrame, disagreements: pd.DataFrame):
    cfg = study.config.coding
    rows = []
    for fld in code_fields(study.config.codebook):
        r = intercoder_alpha(
            codes, SPAN, S.CODER, fld, cfg.n_boot, cfg.ci, study.config.seed, label=fld
        )
        mine = disagreements[disagreements[S.CODE_FIELD] == fld]
        rows.append(
            {
                S.CODE_FIELD: fld,
                S.ALPHA: r.alpha,
                S.CI_LOW: r.ci_low,
                S.CI_HIGH: r.ci_high,
                S.N_UNITS: r.n_units,
                S.N_CODES: r.n_codes,
                S.N_CODERS: r.n_coders,
                S.N_DISAGREEMENTS: r.n_disagreements,
                S.N_UNRESOLVED: int((mine[S.STATUS] == "unresolved").sum()),
                S.N_BOOT_USED: r.n_boot_used,
            }
        )
    return S.INTERCODER.validate(pd.DataFrame(rows, columns=INTERCODER_COLUMNS))


def with_text(disagreements: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    text = dict(zip(articles[S.DOC_ID], articles[S.TEXT], strict=True))
    spans = zip(
        disagreements[S.DOC_ID],
        disagreements[S.CHAR_START],
        disagreements[S.CHAR_END],
        strict=True,
    )
    out = disagreements.copy()
    out[S.TEXT] = [text[d][a:b] if d in text else None for d, a, b in spans]
    return out


def coding_report(study: Study, articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The intercoder and disagreements tables of a study (empty without gold codes)."""
    codes = load_gold_files(study)
    if codes is None:
        return {
            "intercoder": pd.DataFrame(columns=INTERCODER_COLUMNS),
            "disagreements": pd.DataFrame(columns=list(S.DISAGREEMENTS.columns)),
        }
    resolved = resolve(codes, study.config.codebook, adjudication_for(study))
    disagreements = with_text(resolved.disagreements, articles)
    return {
        "intercoder": intercoder_table(study, codes, disagreements),
        "disagreements": disagreements,
    }


def log_intercoder(table: pd.DataFrame, ci: float) -> None:
    if table.empty:
        return
    if (table[S.N_UNITS] == 0).all():
        log.info("intercoder: no sentence was coded by two coders; no agreement to report")
        return
    for row in table.itertuples(index=False):
        if row.n_units == 0:
            log.info("intercoder %-14s no sentence coded by two coders", row.field)
            continue
        log.info(
            "intercoder %-14s Krippendorff's alpha %.2f [%.2f, %.2f] (%d%% CI) on %d sentences, "
            "%d coders; %d disagreement(s), %d unresolved",
            row.field,
            row.alpha,
            row.ci_low,
            row.ci_high,
            round(ci * 100),
            row.n_units,
            row.n_coders,
            row.n_disagreements,
            row.n_unresolved,
        )


@register(
    "intercoder",
    inputs=("articles",),
    outputs={"intercoder": S.INTERCODER, "disagreements": S.DISAGREEMENTS},
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "gold": s.config.gold,
        "coding": s.config.coding.model_dump(),
        "seed": s.config.seed,
    },
    raw_files=gold_files,
)
def intercoder_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Krippendorff's alpha between coders per frame with intervals; every disagreement."""
    tables = coding_report(ctx.study, ctx.table("articles"))
    log_intercoder(tables["intercoder"], ctx.study.config.coding.ci)
    write_csv(tables["disagreements"], ctx.study.build_dir / "disagreements.csv")
    return tables
