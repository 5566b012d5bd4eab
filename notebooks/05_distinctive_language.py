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
# # Distinctive language by outlet
#
# Fightin' Words (Monroe, Colaresi & Quinn 2008): the log-odds ratio of each word between an
# outlet and the other outlets, with an informative Dirichlet prior (the word's share of the
# whole corpus), divided by its standard error. Rare words cannot dominate (the prior shrinks
# them), nor can frequent ones (the z-score accounts for their certainty). Computed for all
# text, the outlet's own voice and what it reports, when sentence voices are known.

# %%
import os

# %% tags=["parameters"]
# The study: `make` passes it; `STUDY=neus make lab` opens the notebooks on neus.
study = os.environ.get("FRAMING_STUDY", "demo")

# %%
from analysis import schema as S
from analysis.figures import catalog, style
from analysis.figures import compare as plots
from analysis.pipeline import load_table, outlet_order
from analysis.study import find_study

st = find_study(study)
words = load_table(st, "fightin_words")
outlets = outlet_order(st)
views = [v for v in S.VIEWS if v in set(words[S.VIEW])]
style.use_paper_style()

# %% [markdown]
# ## Each outlet against the others
# z-score against word frequency; the words most typical of each outlet are labelled (above),
# and those it avoids (below). Dashed lines: |z| = 1.96.

# %%
for item in catalog.words_figures(st):
    fig = catalog.publish(item)
fig

# %% [markdown]
# ## Top words per outlet

# %%
view = "own" if "own" in views else "all"
rest = words[(words[S.VIEW] == view) & (words[S.REFERENCE] == S.REST)]
top = rest.sort_values(S.Z, ascending=False).groupby(S.OUTLET, sort=False).head(10)
top.groupby(S.OUTLET, sort=False)[S.WORD].apply(", ".join).reindex(outlets).dropna().to_frame()

# %% [markdown]
# ## Two outlets head to head
# The first two outlets of the study, in their own voice when voices are known.

# %%
pairwise = words[(words[S.VIEW] == view) & (words[S.REFERENCE] != S.REST)]
if len(pairwise):
    first = pairwise.iloc[0]
    fig = plots.fightin_words_plot(
        words,
        first[S.OUTLET],
        first[S.REFERENCE],
        view=view,
        top=10,
        color=style.outlet_colors(outlets)[first[S.OUTLET]],
    )
    fig
