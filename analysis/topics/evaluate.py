"""How well topics line up with known events (planted in the demo, or hand-coded).

Two levels, because they answer different questions:

- **unit level** (sentences or paragraphs, outliers left out): does a topic gather units
  of one event? News units that recur across events (a spokesman's denial, casualty
  figures) legitimately form cross-event topics, so this is the stricter measure.
- **article level**: each article's dominant topic (the topic holding most of its
  modelled units; ties go to the lower id) against its event. This is the level at
  which prevalence is compared across outlets.

Reported: purity (share of items whose topic's majority event is theirs), inverse
purity (share whose event's majority topic is theirs), adjusted mutual information
(0 for chance agreement, 1 for identical partitions; unlike NMI it does not rise with
the number of topics), the number of events with a **specific topic** (a topic more
than half of whose items are this event's), and the number of events **recovered**
one to one (a topic more than half this event that also holds more than half of the
event's items).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from analysis import schema as S


def partition_agreement(topics: np.ndarray, events: np.ndarray) -> dict[str, float]:
    """Purity, inverse purity, AMI, ARI and recovered events of two labelings."""
    topics = np.asarray(topics)
    events = np.asarray(events)
    if len(topics) == 0:
        return {"n": 0}
    table = pd.crosstab(topics, events)
    n = table.to_numpy().sum()
    # An event is recovered by a topic that is mostly that event and holds most of it
    mostly = table.div(table.sum(axis=1), axis=0) > 0.5
    holds = table.div(table.sum(axis=0), axis=1) > 0.5
    recovered = int((mostly & holds).any(axis=0).sum())
    specific = int(mostly.any(axis=0).sum())
    return {
        "n": int(n),
        "n_topics": int(table.shape[0]),
        "n_events": int(table.shape[1]),
        "purity": float(table.max(axis=1).sum() / n),
        "inverse_purity": float(table.max(axis=0).sum() / n),
        "ami": float(adjusted_mutual_info_score(events, topics)),
        "ari": float(adjusted_rand_score(events, topics)),
        "events_with_specific_topic": specific,
        "events_recovered": recovered,
    }


def dominant_topics(units: pd.DataFrame) -> pd.Series:
    """Each article's topic holding most of its modelled, non-outlier units."""
    modelled = units[units[S.TOPIC].notna() & (units[S.TOPIC] != S.OUTLIER_TOPIC)]
    counts = modelled.groupby([S.DOC_ID, S.TOPIC]).size().rename("n").reset_index()
    counts = counts.sort_values([S.DOC_ID, "n", S.TOPIC], ascending=[True, False, True])
    return counts.drop_duplicates(S.DOC_ID).set_index(S.DOC_ID)[S.TOPIC].astype(int)


def event_agreement(units: pd.DataFrame, events: pd.Series) -> dict[str, dict[str, float]]:
    """Agreement of topics with events at unit and article level.

    ``units`` is the ``topic_units`` table; ``events`` maps doc_id to event id.
    Units and articles without an event are left out.
    """
    modelled = units[units[S.TOPIC].notna() & (units[S.TOPIC] != S.OUTLIER_TOPIC)]
    unit_events = modelled[S.DOC_ID].map(events)
    known = unit_events.notna().to_numpy()
    dominant = dominant_topics(units)
    article_events = dominant.index.map(events)
    known_articles = np.asarray(pd.notna(article_events))
    total = units[units[S.TOPIC].notna()]
    return {
        "units": partition_agreement(
            modelled[S.TOPIC].to_numpy()[known], unit_events.to_numpy()[known]
        ),
        "articles": partition_agreement(
            dominant.to_numpy()[known_articles], np.asarray(article_events)[known_articles]
        ),
        "outlier_share": float((total[S.TOPIC] == S.OUTLIER_TOPIC).mean()) if len(total) else 0.0,
    }
