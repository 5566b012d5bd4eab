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
# # Comparing groups of outlets, and outlets, within events
#
# The question a paper asks: do the state media of the sending and host countries frame
# the deployment differently from the opposing side's press, from wire services, from
# left or right outlets? Each column of `outlets.csv` named in `compare.by` is compared
# (`outlet` compares outlets one by one).
#
# Outlet A can look more "heroic" than outlet B only because A covered the memorial and B
# the casualty report. So everything is compared **within events**: each outlet's
# articles on an event are averaged into one cell, and a two-way model (event + level)
# gives each level's share on the average event and its distance from the other levels.
#
# - The unit: **the percentage of sentences that take a pole** (the frame is present and
#   the sentence is on that pole's side); differences are in **percentage points**. The
#   framing balance (-1..1) is in the tables and the last figures for those who want it.
# - Intervals resample **events** and **outlets within a level** (a level's outlets are a
#   sample of the outlets of that kind). A level with one outlet (†) has no other outlet
#   to resample: its interval speaks for that outlet only.
# - p-values permute **outlet labels** between levels (within events for single
#   outlets); **Benjamini–Hochberg** controls the false discovery rate.
#
# Events come from the corpus's ids, or are inferred from titles and leads; check
# `build/<study>/event_review.csv` and pin corrections in `corpora/<study>/event_pins.csv`.

# %%
import os

# %% tags=["parameters"]
# The study: `make` passes it; `STUDY=neus make lab` opens the notebooks on neus.
study = os.environ.get("FRAMING_STUDY", "demo")

# %%
from IPython.display import display

from analysis import schema as S
from analysis.export import export_tables
from analysis.figures import catalog, style
from analysis.pipeline import load_table
from analysis.study import find_study

st = find_study(study)
cfg = st.config.compare
events = load_table(st, "events")
effects = load_table(st, "comparison_effects")
differences = load_table(st, "comparison_differences")
tests = load_table(st, "comparison_tests")
units = load_table(st, "comparison_units")
style.use_paper_style()
figures = {item.name: item for item in catalog.comparison_figures(st)}
view = "own" if "own" in set(effects[S.VIEW]) else "all"
attributes = [b for b in dict.fromkeys(cfg.by) if b != S.OUTLET]

# %% [markdown]
# ## The group question
# Each level's percentage of sentences taking each pole, on the average compared event
# (in the outlets' own voice when voices are known), with the number of outlets and
# articles behind it. Single-column versions (`*_single_column`) are 89 mm wide.

# %%
for by in attributes:
    for name in (f"shares_by_{by}", f"shares_by_{by}_single_column"):
        if name in figures:
            display(catalog.publish(figures[name]))

# %% [markdown]
# Levels with too few outlets for a between-outlet interval (one outlet: the interval
# resamples events only):

# %%
levels = effects[(effects[S.BY] != S.OUTLET) & (effects[S.VIEW] == view)]
levels.drop_duplicates([S.BY, S.LEVEL])[[S.BY, S.LEVEL, S.N_OUTLETS, S.N_ARTICLES, S.RESAMPLED]]

# %% [markdown]
# ## Which groups differ, by how many percentage points?

# %%
for by in attributes:
    display(catalog.publish(figures[f"differences_by_{by}"]))

# %%
shown = differences[
    (differences[S.BY] != S.OUTLET)
    & (differences[S.VIEW] == view)
    & (differences[S.MEASURE] == "share")
]
columns = [S.BY, S.FRAME, S.POLE, S.LEVEL_A, S.LEVEL_B, S.ESTIMATE, S.CI_LOW, S.CI_HIGH]
columns += [S.P_VALUE, S.Q_VALUE, S.TEST]
shown.sort_values(S.P_VALUE)[columns].head(20).round(3)

# %% [markdown]
# ## Does the attribute matter at all? (one test per frame)

# %%
tests[tests[S.VIEW] == view].round(4)

# %% [markdown]
# ## What each comparison uses
# How each article got its event, and, for each attribute and view, how many articles the
# comparison uses and why the others are left out.

# %%
events.groupby(S.EVENT_SOURCE).agg(articles=(S.DOC_ID, "size"), events=(S.EVENT_ID, "nunique"))

# %%
units.groupby([S.BY, S.VIEW, S.REASON]).size().rename("articles").to_frame()

# %% [markdown]
# ## Outlets one by one: the framing balance
# Filled markers: all text; open: the outlet's own voice and what it reports. Then the
# matrix of differences between outlets (row minus column); a dot marks those significant
# after Benjamini–Hochberg.

# %%
display(catalog.publish(figures["within_event_effects"]))
display(catalog.publish(figures[f"pairwise_differences_{view}"]))

# %% [markdown]
# ## The same question as a regression
# `balance ~ outlet + event` (event fixed effects, standard errors clustered by event, or
# a random event intercept, as the study chooses); outlet coefficients are distances from
# the mean of outlets, comparable with the effects above.

# %%
regression = load_table(st, "regression")
regression.pivot_table(index=S.TERM, columns=[S.FRAME, S.VIEW], values=S.ESTIMATE).round(3)

# %% [markdown]
# ## Tables for the paper
# The result tables with n, estimates, intervals, p- and q-values, and a data dictionary
# (`framing export corpora/<study> --format csv|latex|xlsx` does the same).

# %%
for path in export_tables(st, "csv"):
    print(path)
