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
# # Framing by outlet
#
# Each sentence is projected onto every codebook frame: the cosine between its embedding
# and the direction from one pole's exemplar centroid to the other's. An article's score is
# the mean over its sentences; an outlet's score is the mean over its articles, with a 95%
# bootstrap interval that resamples articles.

# %% tags=["parameters"]
study = "demo"

# %%
from analysis import schema as S
from analysis.figures import plots, save, style
from analysis.pipeline import load_table
from analysis.study import find_study

st = find_study(study)
outlet_frames = load_table(st, "outlet_frames")
outlets = load_table(st, "outlets")[S.OUTLET].tolist()
style.use_paper_style()

# %% [markdown]
# ## Outlet positions on each frame
# Points are outlet means; bars are 95% bootstrap CIs over articles. Right of zero leans to
# the frame's first pole (e.g. heroic sacrifice), left to its second (cannon fodder).

# %%
fig = plots.outlet_frame_dots(outlet_frames, st.config.codebook, outlets, ci=st.config.aggregate.ci)
save.save_figure(
    fig,
    save.figures_dir(st) / "outlet_frames",
    save.provenance(st, ["outlet_frames", "outlets"]),
    caption="Mean frame position per outlet with 95% bootstrap CIs over articles.",
)
fig

# %%
outlet_frames.pivot(index=S.OUTLET, columns=S.FRAME, values=S.MEAN).round(3)
