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
outlet_frames = load_table(st, "outlet_frames")
style.use_paper_style()
figures = {item.name: item for item in catalog.framing_figures(st)}

# %% [markdown]
# ## What share of each outlet's sentences takes each pole?
# The unit that needs no explanation: of an outlet's sentences (in its own voice when
# voices are known), the percentage that engage the frame on that pole's side, averaged
# over its articles. Intervals are Wilson-type, from the spread between articles, so they
# stay within 0-100%; the number of articles follows each outlet's name.

# %%
display(catalog.publish(figures["outlet_shares"]))

# %% [markdown]
# ## The framing balance
# For those who want one number per frame: the balance between the poles. Points are
# outlet means; bars are 95% bootstrap CIs over articles. Right of zero leans to
# the frame's first pole (e.g. heroic sacrifice), left to its second (cannon fodder).

# %%
display(catalog.publish(figures["outlet_frames"]))

# %% [markdown]
# ## Own voice vs reported framing
# Filled circles: the outlet's authorial sentences. Open squares: what it quotes or holds in
# scare quotes. An outlet that quotes the regime's "heroic" language to mock it shows a
# reported score well to the right of its own.

# %%
display(catalog.publish(figures["own_vs_reported"]))

# %%
thresholds = load_table(st, "frame_thresholds")
thresholds

# %%
outlet_frames.pivot_table(index=S.OUTLET, columns=[S.FRAME, S.VIEW], values=S.MEAN).round(3)
