"""Cross-outlet comparison within events, with uncertainty that respects the clustering.

- ``within_event``: outlet x event cells and the two-way (event + outlet) model;
- ``cluster_bootstrap``: intervals that resample events;
- ``permutation``: tests that swap outlet labels within events;
- ``multiple``: Benjamini–Hochberg;
- ``regression``: ``score ~ outlet + event`` with statsmodels, as a tidy table;
- ``fightin_words``: distinctive words per outlet (Monroe, Colaresi & Quinn 2008);
- ``units``: which articles each comparison uses, and why the others are left out;
- ``outlets``: the estimator over one view's outlet cells;
- ``levels``: levels of an outlet attribute (group, country, ...), outlets nested in them;
- ``tables``: every attribute, measure and view of a study, as the tables the stage writes.
"""

from analysis.compare.fightin_words import FightinWords, distinctive_words, log_odds_z
from analysis.compare.levels import LevelComparison
from analysis.compare.multiple import bh_adjust
from analysis.compare.outlets import WithinEventComparison
from analysis.compare.regression import outlet_regression
from analysis.compare.tables import TABLES, ComparisonTables, compare_study
from analysis.compare.within_event import Cells, TwoWayDesign, build_cells

__all__ = [
    "TABLES",
    "Cells",
    "ComparisonTables",
    "FightinWords",
    "LevelComparison",
    "TwoWayDesign",
    "WithinEventComparison",
    "bh_adjust",
    "build_cells",
    "compare_study",
    "distinctive_words",
    "log_odds_z",
    "outlet_regression",
]
