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
# # Validation against human coding
#
# Automated codes are compared with the study's gold codes (`gold:` in study.yaml). Every
# number is out of sample: the codebook axes' presence thresholds are chosen on training
# folds, and the classifier is scored on folds it never saw; folds are grouped by event, so
# syndicated copies of one story never straddle a split. Each frame is scored as a three-way
# code per sentence (pole A, pole B, none); voice as authorial / quoted / scare-quoted.

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
validation = load_table(st, "validation")
style.use_paper_style()

# %% [markdown]
# ## Agreement by frame and method
# Macro F1 averages the three codes' F1; Krippendorff's α treats the machine as a second
# coder (α ≥ 0.667 is the usual bar for tentative conclusions, 0.8 for firm ones); AUC
# uses the scores before thresholding.

# %%
for item in catalog.validation_figures(st):  # without gold codes: a panel saying so
    display(catalog.publish(item))

# %%
summary = validation[validation[S.METRIC].isin(["f1_macro", "krippendorff_alpha", "auc_macro"])]
summary.pivot_table(index=[S.METHOD, S.FRAME], columns=S.METRIC, values=S.VALUE).round(3)

# %%
validation[validation[S.METHOD] == "voice_rules"].round(3)
