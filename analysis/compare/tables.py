"""A study's comparisons: every attribute of ``compare.by``, measure and view, as tables.

``compare_study`` runs ``LevelComparison`` for each outlet attribute (``outlet`` itself,
``group``, ``country``, ...), each view (all / own / reported) and every measure at once
(the measures of all frames are stacked as the series of one fit), and writes:

- ``comparison_effects``: per level, its adjusted mean (the level on the average
  compared event; for shares a percentage with a Wilson-type interval) and its effect
  (distance from the mean of levels), with intervals;
- ``comparison_differences``: every pair of levels, the difference (percentage points
  for shares), its interval, permutation p-value and Benjamini–Hochberg q-value;
- ``comparison_tests``: per frame, the omnibus test that the attribute matters at all;
- ``comparison_units``: which articles each attribute's comparison used, and why each
  other one was left out;
- ``regression``: ``score ~ outlet + event`` on the framing balance (outlets only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.compare.levels import LevelComparison
from analysis.compare.multiple import bh_adjust
from analysis.compare.regression import outlet_regression
from analysis.compare.units import eligible_articles, unit_table
from analysis.compare.within_event import dense_cells, usable_scores
from analysis.errors import StudyConfigError
from analysis.stats.shares import share_interval
from analysis.study import CompareConfig

log = logging.getLogger(__name__)

UNITS = {
    "balance": ("balance (-1..1)", "balance (-1..1)"),
    "share": ("% of sentences", "percentage points"),
    "presence": ("% of sentences", "percentage points"),
}
REASON_NO_LEVEL = "its outlet has no {by} in the outlets table"
_SEP = "\x1f"  # joins frame, measure and pole into one series id


@dataclass
class ComparisonTables:
    comparison_effects: pd.DataFrame
    comparison_differences: pd.DataFrame
    comparison_tests: pd.DataFrame
    regression: pd.DataFrame
    comparison_units: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return dict(vars(self))


TABLES = tuple(ComparisonTables.__dataclass_fields__)


def series_scores(
    article_frames: pd.DataFrame, article_poles: pd.DataFrame, view: str, measures: list[str]
) -> pd.DataFrame:
    """One row per article and series (frame, measure, pole) of one view: doc_id, outlet,
    frame (the series id), value and n_sentences."""
    parts = []
    frames = article_frames[article_frames[S.VIEW] == view]
    columns = [S.DOC_ID, S.OUTLET, S.FRAME, "_measure", "_pole", "_value", S.N_SENTENCES]
    for measure, column, scale in (
        ("balance", S.POSITION, 1.0),
        ("presence", S.SHARE_PRESENT, 100.0),
    ):
        if measure in measures:
            values = frames[column] * scale
            parts.append(frames.assign(_measure=measure, _pole="", _value=values)[columns])
    if "share" in measures:
        poles = article_poles[article_poles[S.VIEW] == view]
        values = {"_measure": "share", "_pole": poles[S.POLE], "_value": poles[S.PERCENT]}
        parts.append(poles.assign(**values)[columns])
    table = pd.concat(parts, ignore_index=True)
    table[S.FRAME] = table[S.FRAME] + _SEP + table["_measure"] + _SEP + table["_pole"]
    return table[[S.DOC_ID, S.OUTLET, S.FRAME, "_value", S.N_SENTENCES]]


def _split_series(table: pd.DataFrame) -> pd.DataFrame:
    parts = table[S.FRAME].str.split(_SEP, expand=True)
    out = table.drop(columns=[S.FRAME])
    out.insert(0, S.FRAME, parts[0].to_numpy())
    out.insert(1, S.MEASURE, parts[1].to_numpy())
    out.insert(2, S.POLE, parts[2].replace("", None).to_numpy())  # no pole: balance, presence
    return out


def outlet_levels(outlets: pd.DataFrame, by: str) -> dict[str, str]:
    """Each outlet's level of attribute ``by`` (outlets without one are absent)."""
    if by == S.OUTLET:
        return {o: o for o in outlets[S.OUTLET]}
    if by not in outlets.columns:
        raise StudyConfigError(
            f"compare.by: {by!r} is not a column of the outlets table",
            hint=f"use 'outlet' or one of {[c for c in outlets.columns if c != S.OUTLET]}; "
            "add a column to outlets.csv (or ingest.outlet_metadata) to compare by it",
        )
    values = outlets[[S.OUTLET, by]].dropna()
    values = values[values[by].astype(str).str.strip() != ""]
    return dict(zip(values[S.OUTLET], values[by].astype(str), strict=True))


def compare_study(
    article_frames: pd.DataFrame,
    article_poles: pd.DataFrame,
    articles: pd.DataFrame,
    events: pd.DataFrame,
    outlets: pd.DataFrame,
    cfg: CompareConfig,
    seed: int,
) -> ComparisonTables:
    """Every comparison table of a study (see the module docstring)."""
    usable, reasons = eligible_articles(articles, events, cfg)
    order = list(outlets[S.OUTLET])
    views = [v for v in S.VIEWS if v in set(article_frames[S.VIEW])]
    attributes = {by: outlet_levels(outlets, by) for by in dict.fromkeys(cfg.by)}
    effects, pairs, tests, regression, units = [], [], [], [], []
    for view in views:
        scores = series_scores(article_frames, article_poles, view, cfg.measures)
        scores = scores.merge(usable[[S.DOC_ID, S.EVENT_ID]], on=S.DOC_ID, how="inner")
        in_view = set(scores[S.DOC_ID])
        for by, level_of in attributes.items():
            view_reasons = dict(reasons)
            unit = by  # the column compared; reasons name it ("no other group ...")
            labelled = scores.assign(**{unit: scores[S.OUTLET].map(level_of)})
            for doc in labelled.loc[labelled[unit].isna(), S.DOC_ID].unique():
                view_reasons[doc] = REASON_NO_LEVEL.format(by=by)
            labelled = labelled.dropna(subset=[unit])
            kept, dropped = usable_scores(labelled, cfg.min_events, unit)
            view_reasons.update(dropped)
            units.append(
                unit_table(articles, events, view, view_reasons, in_view).assign(**{S.BY: by})
            )
            cells = dense_cells(kept, "_value", S.OUTLET, order) if len(kept) else None
            outlet_level = np.array([level_of[o] for o in cells.outlets]) if cells else None
            n_levels = len(set(outlet_level)) if cells else 0
            if n_levels < 2:
                log.warning(
                    "comparisons by %s: view %r has fewer than two %s levels with %d shared "
                    "events; nothing to compare",
                    by,
                    view,
                    by,
                    cfg.min_events,
                )
                continue
            log.info(
                "comparisons by %s: view %r: %d levels, %d outlets over %d events",
                by,
                view,
                n_levels,
                len(cells.outlets),
                len(cells.events),
            )
            stream = view if by == S.OUTLET else f"{view}/{by}"
            fit = LevelComparison(cfg.n_boot, cfg.n_perm, cfg.ci, cfg.ci_method, seed).fit(
                cells, outlet_level, stream=stream
            )
            sentences = kept.drop_duplicates(S.DOC_ID).groupby(unit)[S.N_SENTENCES].sum().to_dict()
            extra = {S.BY: by, S.VIEW: view}
            effects.append(_effects(fit.effects_, sentences, cfg.ci).assign(**extra))
            pairs.append(_split_series(fit.pairs_).assign(**extra))
            tests.append(_split_series(fit.omnibus_).assign(**extra))
        if cfg.regression != "none" and S.OUTLET in attributes:
            regression += _regressions(article_frames, usable, view, cfg, order)

    effect_table = _frame(effects, S.COMPARISON_EFFECTS)
    pair_table = _frame(pairs, S.COMPARISON_DIFFERENCES)
    test_table = _frame(tests, S.COMPARISON_TESTS)
    for table in (effect_table, pair_table):
        table[S.UNIT] = _units(table, 0 if table is effect_table else 1)
    family = [S.BY, S.MEASURE] + ([S.VIEW] if cfg.fdr_family == "view" else [])
    pair_table[S.Q_VALUE] = _adjust(pair_table, family)
    pair_table[S.SIGNIFICANT] = pair_table[S.Q_VALUE].le(cfg.fdr).fillna(False).astype(bool)
    test_table[S.Q_VALUE] = _adjust(test_table, family)
    unit_rows = pd.concat(units, ignore_index=True) if units else _frame([], S.COMPARISON_UNITS)
    return ComparisonTables(
        comparison_effects=S.COMPARISON_EFFECTS.validate(
            _order(effect_table, S.COMPARISON_EFFECTS)
        ),
        comparison_differences=S.COMPARISON_DIFFERENCES.validate(
            _order(pair_table, S.COMPARISON_DIFFERENCES)
        ),
        comparison_tests=S.COMPARISON_TESTS.validate(_order(test_table, S.COMPARISON_TESTS)),
        regression=S.REGRESSION.validate(_frame(regression, S.REGRESSION)),
        comparison_units=S.COMPARISON_UNITS.validate(_order(unit_rows, S.COMPARISON_UNITS)),
    )


def _effects(table: pd.DataFrame, sentences: dict, ci: float) -> pd.DataFrame:
    """Split series ids; shares get Wilson-type intervals for their adjusted mean."""
    out = _split_series(table)
    out[S.N_SENTENCES] = out[S.LEVEL].map(sentences).fillna(0).astype(np.int64)
    share = out[S.MEASURE].isin(["share", "presence"]).to_numpy()
    if share.any():
        low, high = share_interval(
            out.loc[share, S.ESTIMATE],
            out.loc[share, S.STD_ERROR],
            out.loc[share, S.N_SENTENCES],
            out.loc[share, S.DF],
            ci,
        )
        out.loc[share, S.CI_LOW], out.loc[share, S.CI_HIGH] = low, high
        out.loc[share, S.ESTIMATE] = out.loc[share, S.ESTIMATE].clip(0.0, 100.0)
    return out


def _units(table: pd.DataFrame, which: int) -> pd.Series:
    return table[S.MEASURE].map({m: u[which] for m, u in UNITS.items()})


def _regressions(article_frames, usable, view, cfg, order) -> list[pd.DataFrame]:
    """``balance ~ outlet + event`` per frame, on the articles the outlet comparison used."""
    scores = article_frames[article_frames[S.VIEW] == view]
    scores = scores[[S.DOC_ID, S.OUTLET, S.FRAME, S.POSITION]].merge(
        usable[[S.DOC_ID, S.EVENT_ID]], on=S.DOC_ID, how="inner"
    )
    kept, _ = usable_scores(scores, cfg.min_events, S.OUTLET)
    outlets = [o for o in order if o in set(kept[S.OUTLET])]
    out = []
    for frame in sorted(kept[S.FRAME].unique()):
        data = kept[kept[S.FRAME] == frame]
        try:
            table = outlet_regression(data, S.POSITION, cfg.regression, outlets, cfg.ci)
        except (np.linalg.LinAlgError, ValueError) as exc:
            log.warning(
                "comparisons: %s regression for frame %r, view %r failed (%s); its rows are "
                "missing from the regression table",
                cfg.regression,
                frame,
                view,
                exc,
            )
            continue
        out.append(table.assign(**{S.FRAME: frame, S.VIEW: view, S.MODEL: cfg.regression}))
    return out


def _frame(parts: list[pd.DataFrame], schema) -> pd.DataFrame:
    columns = list(schema.columns)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True)


def _order(table: pd.DataFrame, schema) -> pd.DataFrame:
    return table[[c for c in schema.columns if c in table.columns]]


def _adjust(table: pd.DataFrame, family: list[str]) -> pd.Series:
    if table.empty:
        return pd.Series(dtype=float)
    out = pd.Series(np.nan, index=table.index)
    for _, group in table.groupby(family, sort=False):
        out[group.index] = bh_adjust(group[S.P_VALUE].to_numpy())
    return out
