"""Cross-outlet comparison within events, with uncertainty that respects the clustering.

- ``within_event``: outlet x event cells and the two-way (event + outlet) model;
- ``cluster_bootstrap``: intervals that resample events;
- ``permutation``: tests that swap outlet labels within events;
- ``multiple``: Benjamini–Hochberg;
- ``regression``: ``score ~ outlet + event`` with statsmodels, as a tidy table;
- ``fightin_words``: distinctive words per outlet (Monroe, Colaresi & Quinn 2008);
- ``units``: which articles each comparison uses, and why the others are left out;
- ``outlets``: the estimator over a view and the tables the stages write.
"""

from analysis.compare.fightin_words import FightinWords, distinctive_words, log_odds_z
from analysis.compare.multiple import bh_adjust
from analysis.compare.outlets import ComparisonTables, WithinEventComparison, compare_outlets
from analysis.compare.regression import outlet_regression
from analysis.compare.within_event import Cells, TwoWayDesign, build_cells

__all__ = [
    "Cells",
    "ComparisonTables",
    "FightinWords",
    "TwoWayDesign",
    "WithinEventComparison",
    "bh_adjust",
    "build_cells",
    "compare_outlets",
    "distinctive_words",
    "log_odds_z",
    "outlet_regression",
]
