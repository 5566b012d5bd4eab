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
# # Framing by outlet and by voice
#
# Each sentence is projected onto every codebook frame: the cosine between its embedding
# and the direction from one pole's exemplar centroid to the other's. Where the sentence
# engages the frame (relevance above the frame's threshold) that position counts; elsewhere
# it counts as neutral. An article's *framing balance* is the mean over its sentences; an
# outlet's score is the mean over its articles, with a 95% bootstrap interval that resamples
# articles. Sentences are also split by voice: the outlet's own (authorial) text, and what it
# reports (quotations, attributed speech, scare quotes).

# %% tags=["parameters"]
study = "demo"

# %%
from analysis import schema as S
from analysis.figures import plots, style
from analysis.figures.save import publish
from analysis.pipeline import load_table, outlet_order
from analysis.study import find_study

st = find_study(study)
outlet_frames = load_table(st, "outlet_frames")
outlets = outlet_order(st)
style.use_paper_style()

# %% [markdown]
# ## Outlet positions on each frame
# Points are outlet means; bars are 95% bootstrap CIs over articles. Right of zero leans to
# the frame's first pole (e.g. heroic sacrifice), left to its second (cannon fodder).

# %%
fig = plots.outlet_frame_dots(outlet_frames, st.config.codebook, outlets, ci=st.config.aggregate.ci)
publish(
    fig,
    "outlet_frames",
    caption="Framing balance per outlet and frame (all sentences), 95% bootstrap CIs over "
    "articles.",
)
fig

# %% [markdown]
# ## Own voice vs reported framing
# Filled circles: the outlet's authorial sentences. Open squares: what it quotes or holds in
# scare quotes. An outlet that quotes the regime's "heroic" language to mock it shows a
# reported score well to the right of its own.

# %%
fig = plots.own_vs_reported(outlet_frames, st.config.codebook, outlets, ci=st.config.aggregate.ci)
publish(
    fig,
    "own_vs_reported",
    caption="Framing balance in each outlet's own voice and in what it reports, 95% bootstrap CIs.",
)
fig

# %%
thresholds = load_table(st, "frame_thresholds")
thresholds

# %%
outlet_frames.pivot_table(index=S.OUTLET, columns=[S.FRAME, S.VIEW], values=S.MEAN).round(3)
