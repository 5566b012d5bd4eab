"""What a study found, and what the reader must know before believing it.

``headline`` states, per frame, the comparison a reader looks for first: which outlets
lean furthest toward each pole within events, the largest difference between two
outlets, with its interval, q-value, and the unit it is measured in. ``cautions`` lists
what qualifies every number: no or too small a gold set, unreliable human coding,
outlets left out of the comparisons and why, records filtered out, fragments.

Both are plain sentences built from the study's tables (missing tables are skipped), so
the overview page, a notebook or a terminal can show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.pipeline import table_path
from analysis.study import Codebook, Frame, Study

KRIPPENDORFF_TENTATIVE = 0.667  # Krippendorff's lowest bar, for tentative conclusions


@dataclass
class Findings:
    headline: list[str] = field(default_factory=list)
    unit: str = ""
    cautions: list[str] = field(default_factory=list)


def pole_label(frame: Frame, i: int) -> str:
    pole = frame.poles[i]
    return (pole.label or pole.id.replace("_", " ")).lower()


def unit_sentence(frame: Frame, score: str) -> str:
    a = pole_label(frame, 0)
    b = pole_label(frame, 1) if frame.bipolar else f"no {a}"
    if score == S.SHARE_PRESENT:
        return "share of an article's sentences that engage the frame (0 to 1)"
    return (
        f"framing balance: the mean over an article's sentences of their position where the "
        f"frame is present, 0 elsewhere; +1 would be every sentence fully {a}, −1 every "
        f"sentence fully {b}"
    )


def _fmt(x: float) -> str:
    return f"{x:+.3f}"


def frame_headline(
    frame: Frame, effects: pd.DataFrame, pairs: pd.DataFrame, ci: float, fdr: float = 0.05
) -> str | None:
    """One sentence on one frame from the outlet effects and pairwise differences
    (view ``all``), or None when the frame was not compared."""
    eff = effects[(effects[S.FRAME] == frame.id) & (effects[S.VIEW] == "all")]
    if eff.empty:
        return None
    top, bottom = eff.loc[eff[S.ESTIMATE].idxmax()], eff.loc[eff[S.ESTIMATE].idxmin()]
    name = frame.label or frame.id
    level = f"{round(ci * 100)}% CI"
    text = (
        f"{name}: within events, {top[S.OUTLET]} leans furthest toward "
        f"{pole_label(frame, 0)} ({_fmt(top[S.ESTIMATE])}, {level} "
        f"{_fmt(top[S.CI_LOW])} to {_fmt(top[S.CI_HIGH])}, {int(top[S.N_EVENTS])} events)"
    )
    other = pole_label(frame, 1) if frame.bipolar else f"no {pole_label(frame, 0)}"
    text += (
        f" and {bottom[S.OUTLET]} toward {other} ({_fmt(bottom[S.ESTIMATE])}, "
        f"{_fmt(bottom[S.CI_LOW])} to {_fmt(bottom[S.CI_HIGH])}), relative to the mean outlet."
    )
    pair = pairs[(pairs[S.FRAME] == frame.id) & (pairs[S.VIEW] == "all")]
    if len(pair):
        biggest = pair.loc[pair[S.ESTIMATE].abs().idxmax()]
        a, b, est = biggest[S.OUTLET_A], biggest[S.OUTLET_B], biggest[S.ESTIMATE]
        lo, hi = biggest[S.CI_LOW], biggest[S.CI_HIGH]
        if est < 0:
            a, b, est, lo, hi = b, a, -est, -hi, -lo
        verdict = "below" if biggest[S.SIGNIFICANT] else "not below"
        text += (
            f" Largest gap: {a} minus {b} = {_fmt(est)} ({level} {_fmt(lo)} to {_fmt(hi)}, "
            f"{int(biggest[S.N_SHARED_EVENTS])} shared events), q = {biggest[S.Q_VALUE]:.2g}, "
            f"{verdict} the false discovery rate {fdr:g}."
        )
    return text


def headline(
    codebook: Codebook,
    effects: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    outlet_means: pd.DataFrame | None,
    ci: float,
    score: str = S.POSITION,
    fdr: float = 0.05,
) -> tuple[list[str], str]:
    """Headline sentences (one per frame) and the unit they are in."""
    lines = []
    if effects is not None and len(effects):
        pairs = (
            pairs
            if pairs is not None
            else pd.DataFrame(columns=[*S.COMPARISON_DIFFERENCES.columns, S.OUTLET_A, S.OUTLET_B])
        )
        for frame in codebook.frames:
            line = frame_headline(frame, effects, pairs, ci, fdr)
            if line:
                lines.append(line)
    elif outlet_means is not None and len(outlet_means):
        # No within-event comparison (no events, or compare disabled): outlet means only.
        for frame in codebook.frames:
            m = outlet_means[(outlet_means[S.FRAME] == frame.id) & (outlet_means[S.VIEW] == "all")]
            if m.empty:
                continue
            top, bottom = m.loc[m[S.MEAN].idxmax()], m.loc[m[S.MEAN].idxmin()]
            lines.append(
                f"{frame.label or frame.id}: highest mean {top[S.OUTLET]} ({_fmt(top[S.MEAN])}), "
                f"lowest {bottom[S.OUTLET]} ({_fmt(bottom[S.MEAN])}); outlet means over articles, "
                "not compared within events."
            )
    unit = ""
    if codebook.frames:
        unit = "Unit: " + unit_sentence(codebook.frames[0], score) + "."
    return lines, unit


def gold_cautions(
    gold_configured: bool, thresholds: pd.DataFrame | None, intercoder: pd.DataFrame | None
) -> list[str]:
    out = []
    if not gold_configured:
        out.append(
            "No human-coded gold set: presence thresholds are the default, not calibrated on "
            "this corpus, and agreement with human coding is unknown (see `framing annotate`)."
        )
    elif thresholds is not None and S.NOTE in thresholds.columns:
        small = thresholds[thresholds[S.NOTE].notna()]
        if len(small):
            frames = ", ".join(small[S.FRAME])
            out.append(
                f"Gold set too small to set presence thresholds for {frames}: it is reported in "
                "validation but thresholds are the default "
                f"({small[S.NOTE].iloc[0].split('(', 1)[-1].rstrip(')')})."
            )
    if intercoder is not None and len(intercoder):
        coded = intercoder[intercoder[S.N_UNITS] > 0]
        low = coded[coded[S.ALPHA] < KRIPPENDORFF_TENTATIVE]
        if len(low):
            shown = ", ".join(
                f"{r.field} {r.alpha:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}]"
                for r in low.itertuples()
            )
            out.append(
                f"Human coders agree below Krippendorff's {KRIPPENDORFF_TENTATIVE} on {shown}: "
                "conclusions resting on these codes are at best tentative."
            )
        unresolved = int(intercoder[S.N_UNRESOLVED].sum())
        if unresolved:
            out.append(
                f"{unresolved} coder disagreement(s) are not adjudicated and are left out of "
                "validation (build/<study>/disagreements.csv)."
            )
    return out


def outlet_cautions(units: pd.DataFrame | None, filtered: pd.DataFrame | None) -> list[str]:
    out = []
    if units is not None and len(units):
        view = units[units[S.VIEW] == "all"]
        for outlet, rows in view.groupby(S.OUTLET, sort=True):
            if rows[S.INCLUDED].any():
                continue
            reason = rows[S.REASON].replace("", np.nan).dropna()
            why = reason.mode().iloc[0] if len(reason) else "no comparable articles"
            out.append(
                f"{outlet} is left out of the outlet comparisons ({len(rows)} articles): {why}."
            )
    if filtered is not None and len(filtered):
        by = filtered[S.REJECT_CODE].value_counts()
        shown = ", ".join(f"{n} by {code}" for code, n in by.items())
        out.append(f"{len(filtered)} record(s) filtered out by study.yaml `filter:` ({shown}).")
    return out


def fragment_caution(sentences: pd.DataFrame | None, min_words: int) -> list[str]:
    if sentences is None or S.FRAGMENT not in sentences.columns:
        return []
    n = int(sentences[S.FRAGMENT].sum())
    if not n:
        return []
    return [
        f"{n} of {len(sentences)} sentence units ({n / len(sentences):.1%}) are fragments of "
        f"fewer than {min_words} words (cut-off text, headings) and are not scored."
    ]


def _table(study: Study, name: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    path = table_path(study, name)
    return pd.read_parquet(path, columns=columns) if path.exists() else None


def outlet_balance(effects: pd.DataFrame | None, pairs: pd.DataFrame | None):
    """The comparison tables' outlet-by-outlet balance rows, in the columns ``headline``
    reads: an outlet's effect is its distance from the mean of outlets."""
    if effects is not None:
        effects = effects[(effects[S.BY] == S.OUTLET) & (effects[S.MEASURE] == "balance")]
        effects = effects.drop(columns=[S.ESTIMATE, S.CI_LOW, S.CI_HIGH]).rename(
            columns={
                S.LEVEL: S.OUTLET,
                S.DIFF: S.ESTIMATE,
                S.DIFF_CI_LOW: S.CI_LOW,
                S.DIFF_CI_HIGH: S.CI_HIGH,
            }
        )
    if pairs is not None:
        pairs = pairs[(pairs[S.BY] == S.OUTLET) & (pairs[S.MEASURE] == "balance")]
        pairs = pairs.rename(columns={S.LEVEL_A: S.OUTLET_A, S.LEVEL_B: S.OUTLET_B})
    return effects, pairs


def study_findings(study: Study) -> Findings:
    cfg = study.config
    effects, pairs = outlet_balance(
        _table(study, "comparison_effects"), _table(study, "comparison_differences")
    )
    lines, unit = headline(
        cfg.codebook,
        effects,
        pairs,
        _table(study, "outlet_frames"),
        cfg.compare.ci,
        S.POSITION,
        cfg.compare.fdr,
    )
    cautions = gold_cautions(
        bool(cfg.gold_files), _table(study, "frame_thresholds"), _table(study, "intercoder")
    )
    cautions += outlet_cautions(_table(study, "comparison_units"), _table(study, "filtered"))
    cautions += fragment_caution(
        _table(study, "sentences", [S.DOC_ID, S.FRAGMENT]), cfg.sentences.min_words
    )
    return Findings(lines, unit, cautions)
