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
# # Corpus overview
#
# What went into the study: articles per outlet and over time, languages, the duplicates
# found (syndicated wire copy, the same article ingested twice), and every record that was
# rejected or had a problem. Records read always equal records kept plus records rejected.

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
articles = load_table(st, "articles")
rejects = load_table(st, "rejects")
problems = load_table(st, "problems")
style.use_paper_style()
print(
    f"{len(articles) + len(rejects)} records read: {len(articles)} kept, {len(rejects)} rejected; "
    f"{articles[S.DUPLICATE_OF].notna().sum()} kept records are duplicates of another."
)

# %% [markdown]
# ## Articles per outlet and over time
# Bars split each outlet's articles into originals and copies of an earlier article
# (hatched); on the timeline, hollow dots are copies.

# %%
for item in catalog.corpus_figures(st):
    display(catalog.publish(item))

# %% [markdown]
# ## Languages and duplicates

# %%
articles[S.LANGUAGE].value_counts(dropna=False).rename("articles").to_frame()

# %%
copies = articles[articles[S.DUPLICATE_OF].notna()]
copies[[S.DOC_ID, S.OUTLET, S.DUPLICATE_OF, "duplicate_kind", "duplicate_similarity"]]

# %% [markdown]
# ## Rejected records and reported problems
# Each rejected record is listed with its file, row, field and reason (also in
# `build/<study>/rejects.csv`); problems are kept records with something to check, such as a
# date that could not be read.

# %%
rejects.groupby(["code", "field"], dropna=False).size().rename("records").to_frame()

# %%
problems.head(20)
