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
# # Comparing outlets within events
#
# Outlet A can look more "heroic" than outlet B only because A covered the memorial and B
# the casualty report. So outlets are compared **within events**: each outlet's articles on
# an event are averaged into one cell, and a two-way model (event + outlet) gives each
# outlet's effect, its distance from the mean of outlets net of which events it covered.
#
# - Intervals resample **events** (the cluster), not articles.
# - p-values come from **swapping outlet labels within the events** two outlets both covered.
# - **Benjamini–Hochberg** controls the false discovery rate over frames × outlet pairs.
#
# Events come from the corpus's ids, or are inferred from titles and leads; check
# `build/<study>/event_review.csv` and pin corrections in `corpora/<study>/event_pins.csv`.

# %% tags=["parameters"]
study = "demo"

# %%
from IPython.display import display

from analysis import schema as S
from analysis.figures import compare as plots
from analysis.figures import style
from analysis.figures.save import publish
from analysis.pipeline import load_table, outlet_order
from analysis.study import find_study

st = find_study(study)
cfg = st.config.compare
outlets = outlet_order(st)
events = load_table(st, "events")
effects = load_table(st, "outlet_effects")
pairs = load_table(st, "pairwise_differences")
tests = load_table(st, "frame_tests")
units = load_table(st, "comparison_units")
style.use_paper_style()

# %% [markdown]
# ## Events and what the comparison uses
# How each article got its event, and, for each view, how many articles the comparison uses
# and why the others are left out.

# %%
events.groupby(S.EVENT_SOURCE).agg(articles=(S.DOC_ID, "size"), events=(S.EVENT_ID, "nunique"))

# %%
units.groupby([S.VIEW, S.REASON]).size().rename("articles").to_frame()

# %% [markdown]
# ## Does the outlet matter at all? (one test per frame and view)
# Permutation test of "all outlets frame each event alike", BH-adjusted over frames.

# %%
tests.round(4)

# %% [markdown]
# ## Outlet effects within events
# Filled markers: all text; open: the outlet's own voice and what it reports.

# %%
too_few = (
    "Not enough data to compare outlets within events: an outlet is compared only where it "
    f"covers at least {cfg.min_events} events that another outlet covers too "
    "(`compare.min_events`); the table above says why each article was left out."
)
if effects.empty:
    print(too_few)
else:
    fig = plots.effects_forest(effects, st.config.codebook, outlets, ci=cfg.ci)
    publish(
        fig,
        "within_event_effects",
        caption=(
            f"Within-event outlet effects (distance from the mean of outlets) with {cfg.ci:.0%} "
            "intervals from a bootstrap that resamples events."
        ),
    )
    display(fig)

# %% [markdown]
# ## Which outlets differ from which?
# Row outlet minus column outlet, in the outlets' own voice when voices are known. A dot
# marks differences significant after Benjamini–Hochberg at the study's FDR.

# %%
view = "own" if "own" in set(pairs[S.VIEW]) else "all"
if pairs.empty:
    print(too_few)
else:
    fig = plots.pairwise_matrix(pairs, st.config.codebook, outlets, view=view, fdr=cfg.fdr)
    publish(
        fig,
        f"pairwise_differences_{view}",
        caption=(
            "Within-event differences between outlets; dots: significant at FDR "
            f"{cfg.fdr:g} (Benjamini–Hochberg over frames × pairs; permutation tests)."
        ),
    )
    display(fig)

# %% [markdown]
# The significant differences, largest first:

# %%
significant = pairs[pairs[S.SIGNIFICANT]].assign(size=lambda t: t[S.ESTIMATE].abs())
significant.sort_values("size", ascending=False).drop(columns="size").head(20).round(4)

# %% [markdown]
# ## The same question as a regression
# `score ~ outlet + event` (event fixed effects, standard errors clustered by event, or a
# random event intercept, as the study chooses); outlet coefficients are distances from the
# mean of outlets, comparable with the effects above.

# %%
regression = load_table(st, "regression")
regression.pivot_table(index=S.TERM, columns=[S.FRAME, S.VIEW], values=S.ESTIMATE).round(3)
