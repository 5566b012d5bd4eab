# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Topics by outlet
#
# What does each outlet write about? BERTopic clusters the study's units (sentences or
# paragraphs, `topics.unit` in study.yaml) on their cached sentence vectors: seeded,
# single-threaded UMAP, then HDBSCAN; topics are named by their top c-TF-IDF terms
# (English stop words removed) unless study.yaml renames them. Units no cluster claims
# form topic -1 ("outliers"); their share is reported, never hidden.
#
# An outlet's **share** of a topic is the share of an article's units in the topic,
# averaged over the outlet's articles. Intervals are 95% BCa bootstrap intervals that
# resample the outlet's events (articles on one event together) when events are known,
# else its articles. The **event-adjusted** share comes from a regression of article
# share on outlet with event fixed effects (OLS, standard errors clustered by event):
# it compares outlets as if each had covered the corpus's mix of events.

# %%
import os

# %% tags=["parameters"]
# The study: `make` passes it; `STUDY=neus make lab` opens the notebooks on neus.
study = os.environ.get("FRAMING_STUDY", "demo")

# %%
from IPython.display import display

from analysis import schema as S
from analysis.figures import catalog, style
from analysis.pipeline import load_table
from analysis.study import find_study

st = find_study(study)
tables = {
    name: load_table(st, name)
    for name in (
        "topic_info",
        "topic_terms",
        "topic_labels",
        "outlet_topics",
        "topic_effects",
        "topic_time",
        "outlets",
    )
}
info = tables["topic_info"]
style.use_paper_style()
enabled = st.config.topics.enabled and (info[S.TOPIC] != S.OUTLIER_TOPIC).any()
figures = {item.name: item for item in catalog.topic_figures(st)}

# %% [markdown]
# ## The topics
# Units per topic before (`n_units_initial`) and after outlier reduction (`n_units`).

# %%
outliers = info.set_index(S.TOPIC).loc[S.OUTLIER_TOPIC] if enabled else None
if enabled:
    total = info[S.N_UNITS].sum()
    print(
        f"{len(info) - 1} topics over {total} {st.config.topics.unit}s; outliers (topic -1): "
        f"{outliers[S.N_UNITS_INITIAL] / total:.1%} of units before outlier reduction, "
        f"{outliers[S.N_UNITS] / total:.1%} after"
    )
info.merge(tables["topic_labels"][[S.TOPIC, S.LABEL]], on=S.TOPIC)[
    [S.TOPIC, S.LABEL, S.N_UNITS, S.N_UNITS_INITIAL, S.N_ARTICLES]
]

# %%
display(catalog.publish(figures["topic_terms"]))  # a "not enough data" panel without topics

# %% [markdown]
# ## Topic share per outlet
# Filled circles: mean article share with the cluster-bootstrap CI. Open diamonds: the
# event-adjusted share, with a Wilson-type interval from the regression's standard error
# (a plain linear-model interval would run below 0% for rare topics). With many outlets
# the figure draws fewer topics and says so; every outlet and topic is in the tables.

# %%
display(catalog.publish(figures["topic_outlet_prevalence"]))

# %% [markdown]
# Topics where outlets differ most, by the joint test that every outlet gives the topic
# the same event-adjusted share (`p_outlet`), with the outlets furthest from the average.

# %%
effects = tables["topic_effects"].merge(tables["topic_labels"][[S.TOPIC, S.LABEL]], on=S.TOPIC)
ranked = effects[effects[S.TOPIC] != S.OUTLIER_TOPIC].sort_values(
    [S.P_OUTLET, S.DIFF], ascending=[True, False], key=lambda c: c.abs() if c.name == S.DIFF else c
)
columns = [S.TOPIC, S.LABEL, S.OUTLET, S.DIFF, S.DIFF_CI_LOW, S.DIFF_CI_HIGH, S.P_OUTLET]
ranked.groupby(S.TOPIC, sort=False).head(2)[columns].head(12).round(3)

# %% [markdown]
# ## Over time
# Mean article share per period (the bin is chosen from the study's span, or set with
# `topics.time_bin`). Periods are short and articles few, so read trends, not points.

# %%
display(catalog.publish(figures["topic_time"]))
