"""Every figure a study publishes, built from its tables: the notebooks draw these.

Each builder takes a study and returns ``Published`` items (figure, name, caption, the
tables drawn); ``publish`` writes one to ``figures/<study>/`` with its provenance.
Notebooks stay thin (one call per figure family), and tests can build every figure of
a study, e.g. to check that a study of 40 outlets gives figures that fit a page.

Captions end with one sentence on the unit and on how large the differences are
(``captions``), so the overview page says it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from analysis import schema as S
from analysis.figures import captions, save
from analysis.figures import compare as compare_plots
from analysis.figures import corpus as corpus_plots
from analysis.figures import groups as group_plots
from analysis.figures import plots as frame_plots
from analysis.figures import topics as topic_plots
from analysis.figures.style import NOT_ENOUGH_DATA, add_note, note_figure
from analysis.figures.validation import validation_summary
from analysis.pipeline import load_table
from analysis.study import Study


@dataclass
class Published:
    name: str
    figure: Figure
    caption: str
    tables: tuple[str, ...]


def outlet_groups(study: Study) -> dict[str, str]:
    """Each outlet's ``group`` (the colour of outlets in figures with many outlets)."""
    outlets = load_table(study, "outlets")
    if S.GROUP not in outlets.columns:
        return {}
    known = outlets.dropna(subset=[S.GROUP])
    return dict(zip(known[S.OUTLET], known[S.GROUP].astype(str), strict=True))


def _outlets(study: Study) -> list[str]:
    return load_table(study, "outlets")[S.OUTLET].tolist()


def _view(table: pd.DataFrame) -> str:
    return "own" if "own" in set(table[S.VIEW]) else "all"


def corpus_figures(study: Study) -> list[Published]:
    articles = load_table(study, "articles")
    fig = corpus_plots.corpus_overview(articles, _outlets(study), outlet_groups(study))
    caption = (
        "Articles per outlet (hatched: duplicates of an earlier article) and publication "
        "dates. " + captions.articles_sentence(articles)
    )
    return [Published("corpus_overview", fig, caption, ("articles", "outlets"))]


def not_drawn(name: str, reason: str, tables: tuple[str, ...] = ()) -> Published:
    """A figure the study's data cannot support: a panel saying why, never a crash."""
    return Published(name, note_figure(reason, 2), f"{NOT_ENOUGH_DATA}: {reason}", tables)


TOPIC_FIGURES = ("topic_terms", "topic_outlet_prevalence", "topic_time")


def _no_topics(study: Study, info: pd.DataFrame) -> str | None:
    """Why the study has no topic figures, or None when it has topics."""
    cfg = study.config.topics
    if not cfg.enabled:
        return "topics are switched off in study.yaml (topics.enabled: false)"
    found = info[info[S.TOPIC] != S.OUTLIER_TOPIC] if len(info) else info
    if found.empty:
        n = int(info[S.N_UNITS].sum()) if len(info) else 0
        return (
            f"the topic model found no topic in {n} {cfg.unit}s (min_topic_size "
            f"{cfg.min_topic_size}: at least {2 * cfg.min_topic_size} units are needed)"
        )
    return None


def topic_figures(study: Study) -> list[Published]:
    info = load_table(study, "topic_info")
    reason = _no_topics(study, info)
    if reason:
        return [not_drawn(name, reason, ("topic_info",)) for name in TOPIC_FIGURES]
    labels = load_table(study, "topic_labels")
    outlet_topics = load_table(study, "outlet_topics")
    top = topic_plots.largest_topics(info, 12)
    outlets, groups = _outlets(study), outlet_groups(study)
    ci = study.config.aggregate.ci
    unit = captions.topic_sentence(outlet_topics)
    return [
        Published(
            "topic_terms",
            topic_plots.topic_term_bars(load_table(study, "topic_terms"), labels, top),
            "Top terms of the largest topics by c-TF-IDF weight (English stop words removed). "
            "Unit: c-TF-IDF weight, how typical a term is of the topic.",
            ("topic_terms", "topic_labels"),
        ),
        Published(
            "topic_outlet_prevalence",
            topic_plots.topic_outlet_dots(
                outlet_topics,
                load_table(study, "topic_effects"),
                labels,
                outlets,
                top,
                ci=ci,
                groups=groups,
            ),
            f"Share of each topic per outlet: mean article share with {ci:.0%} "
            "cluster-bootstrap CIs (circles) and event-adjusted share with Wilson-type CIs "
            "from OLS with event fixed effects and event-clustered errors (diamonds). " + unit,
            ("outlet_topics", "topic_effects", "topic_labels", "outlets"),
        ),
        Published(
            "topic_time",
            topic_plots.topic_time_lines(
                load_table(study, "topic_time"), labels, outlets, top[:6], groups=groups
            ),
            "Mean article share of the six largest topics per period (per outlet, or per "
            "outlet group when there are more than eight outlets). " + unit,
            ("topic_time", "topic_labels", "outlets"),
        ),
    ]


def framing_figures(study: Study) -> list[Published]:
    outlet_frames = load_table(study, "outlet_frames")
    poles = load_table(study, "outlet_poles")
    outlets, groups = _outlets(study), outlet_groups(study)
    codebook, ci = study.config.codebook, study.config.aggregate.ci
    view = _view(poles) if len(poles) else "all"
    shares = poles[poles[S.VIEW] == view]
    balance = outlet_frames[outlet_frames[S.VIEW] == "all"][S.MEAN]
    return [
        Published(
            "outlet_shares",
            group_plots.group_shares(
                group_plots.outlet_share_table(poles), codebook, S.OUTLET, view, ci=ci
            ),
            f"Percentage of each outlet's sentences ({group_plots.VIEW_WORDS[view]}) that "
            f"take each pole, mean over its articles, {ci:.0%} Wilson-type CIs. "
            + captions.shares_sentence(shares, S.PERCENT, S.OUTLET, "outlets"),
            ("outlet_poles",),
        ),
        Published(
            "outlet_frames",
            frame_plots.outlet_frame_dots(outlet_frames, codebook, outlets, ci=ci, groups=groups),
            f"Framing balance per outlet and frame (all sentences), {ci:.0%} bootstrap CIs "
            "over articles. " + captions.balance_sentence(balance),
            ("outlet_frames", "outlets"),
        ),
        Published(
            "own_vs_reported",
            frame_plots.own_vs_reported(outlet_frames, codebook, outlets, ci=ci, groups=groups),
            f"Framing balance in each outlet's own voice and in what it reports, {ci:.0%} "
            "bootstrap CIs. " + captions.balance_sentence(outlet_frames[S.MEAN]),
            ("outlet_frames", "outlets"),
        ),
    ]


def comparison_figures(study: Study) -> list[Published]:
    cfg = study.config.compare
    effects = load_table(study, "comparison_effects")
    differences = load_table(study, "comparison_differences")
    outlets, groups = _outlets(study), outlet_groups(study)
    codebook = study.config.codebook
    view = _view(effects) if len(effects) else "all"
    out = []
    attributes = [b for b in dict.fromkeys(cfg.by) if b != S.OUTLET]
    for k, by in enumerate(attributes):
        rows = effects[(effects[S.BY] == by) & (effects[S.VIEW] == view)]
        unit = captions.shares_sentence(
            rows[rows[S.MEASURE] == "share"], S.ESTIMATE, S.LEVEL, f"{by} levels"
        )
        scope = (
            " † marks levels with one outlet, whose intervals resample events only."
            if (rows[S.RESAMPLED] == "events").any()
            else ""
        )
        what = (
            f"Share of sentences ({group_plots.VIEW_WORDS[view]}) taking each pole by "
            f"{by}, on the average compared event, {cfg.ci:.0%} intervals resampling events "
            "and outlets within levels."
        )
        tables = ("comparison_effects",)
        out.append(
            Published(
                f"shares_by_{by}",
                group_plots.group_shares(effects, codebook, by, view, ci=cfg.ci),
                f"{what}{scope} {unit}",
                tables,
            )
        )
        if k == 0:  # the headline, in a true single column
            shared = set(rows.loc[rows[S.MEASURE] == "share", S.FRAME])
            first = [f.id for f in codebook.frames if f.id in shared][:1]  # the codebook's first
            frames = first or None
            out.append(
                Published(
                    f"shares_by_{by}_single_column",
                    group_plots.group_shares(
                        effects, codebook, by, view, frames=frames, columns=1, ci=cfg.ci
                    ),
                    f"{what}{scope} {unit}",
                    tables,
                )
            )
        out.append(
            Published(
                f"differences_by_{by}",
                group_plots.group_differences(differences, codebook, by, view, fdr=cfg.fdr),
                f"Differences between {by} levels within events ({group_plots.VIEW_WORDS[view]}) "
                f"in percentage points, {cfg.ci:.0%} intervals; filled: significant at FDR "
                f"{cfg.fdr:g} (Benjamini–Hochberg; permutation tests). {unit}",
                ("comparison_differences",),
            )
        )
    balance = effects[(effects[S.BY] == S.OUTLET) & (effects[S.MEASURE] == "balance")]
    forest = compare_plots.effects_forest(effects, codebook, outlets, ci=cfg.ci, groups=groups)
    matrix = compare_plots.pairwise_matrix(differences, codebook, outlets, view=view, fdr=cfg.fdr)
    left_out = sorted(set(outlets) - set(balance[S.LEVEL]))
    if left_out:  # say which outlets the within-event comparison could not use
        names = ", ".join(left_out[:8]) + (" …" if len(left_out) > 8 else "")
        for fig in (forest, matrix):
            add_note(
                fig,
                f"{len(left_out)} outlets not shown: too few shared events to compare "
                f"({names}); comparison_units gives each article's reason.",
            )
    out += [
        Published(
            "within_event_effects",
            forest,
            f"Within-event outlet effects (distance from the mean of outlets) with {cfg.ci:.0%} "
            "intervals from a bootstrap that resamples events. "
            + captions.effect_sentence(balance[S.DIFF]),
            ("comparison_effects", "events", "outlets"),
        ),
        Published(
            f"pairwise_differences_{view}",
            matrix,
            "Within-event differences between outlets; dots: significant at FDR "
            f"{cfg.fdr:g} (Benjamini–Hochberg over frames × pairs; permutation tests). "
            + captions.effect_sentence(balance[S.DIFF]),
            ("comparison_differences", "outlets"),
        ),
    ]
    return out


def words_figures(study: Study) -> list[Published]:
    words = load_table(study, "fightin_words")
    outlets, groups = _outlets(study), outlet_groups(study)
    views = [v for v in S.VIEWS if v in set(words[S.VIEW])] or ["all"]
    return [
        Published(
            f"fightin_words_{view}",
            compare_plots.fightin_words_grid(words, outlets, view=view, groups=groups),
            f"Distinctive words per outlet vs the other outlets ({view}): Fightin' Words "
            "z-scores (log-odds with an informative Dirichlet prior) against frequency. "
            + captions.words_sentence(words[words[S.VIEW] == view]),
            ("fightin_words", "outlets"),
        )
        for view in views
    ]


def validation_figures(study: Study) -> list[Published]:
    validation = load_table(study, "validation")
    if validation.empty:
        reason = "the study has no gold codes (`gold:` in study.yaml; see `framing annotate`)"
        return [not_drawn("validation", reason, ("validation",))]
    return [
        Published(
            "validation",
            validation_summary(validation, study.config.codebook),
            "Out-of-sample agreement of automated frame and voice codes with human codes. "
            + captions.agreement_sentence(validation),
            ("validation",),
        )
    ]


BUILDERS: dict[str, Callable[[Study], list[Published]]] = {
    "corpus": corpus_figures,
    "topics": topic_figures,
    "framing": framing_figures,
    "comparisons": comparison_figures,
    "words": words_figures,
    "validation": validation_figures,
}


def publish(item: Published) -> Figure:
    """Write ``item`` with :func:`analysis.figures.save.publish` (PDF, SVG, PNG and a
    provenance sidecar naming the tables this process read); return its figure."""
    save.publish(item.figure, item.name, item.caption)
    return item.figure
