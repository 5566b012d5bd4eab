"""Topic names: the top c-TF-IDF terms, or the study's own names from ``topics.rename``.

Topic ids belong to one fit. A rename written as ``{label: ..., terms: [...]}`` states
which topic it was written for; when the topic with that id no longer has those terms
among its top terms (the corpus or the settings changed), the run stops rather than
put the name on a different topic.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.study import TopicRename


def topic_labels(
    info: pd.DataFrame,
    terms: pd.DataFrame,
    rename: Mapping[int, str | TopicRename],
    source: str = "study.yaml",
) -> pd.DataFrame:
    """topic, label, auto_label, renamed: one row per topic of ``info``."""
    known = dict(zip(info[S.TOPIC].astype(int), info[S.AUTO_LABEL], strict=True))
    top_terms = terms.groupby(S.TOPIC)[S.TERM].apply(list).to_dict()
    unknown = sorted(set(rename) - set(known))
    if unknown:
        listing = "; ".join(f"{t}: {label}" for t, label in sorted(known.items()))
        raise StudyConfigError(
            f"{source}: topics.rename names topic(s) {unknown}, which this fit does not have",
            hint=f"the topics are {listing}",
        )
    labels = {}
    for topic, spec in rename.items():
        label = spec if isinstance(spec, str) else spec.label
        expected = [] if isinstance(spec, str) else spec.terms
        have = top_terms.get(topic, [])
        missing = [t for t in expected if t not in have]
        if missing:
            raise StudyConfigError(
                f"{source}: topics.rename.{topic} ({label!r}) expects top term(s) {missing}, "
                f"but topic {topic}'s top terms are now {have}",
                hint="the topics changed since the rename was written: check topic_info "
                "and update the ids (or the terms) in topics.rename",
            )
        labels[topic] = label
    out = pd.DataFrame(
        {
            S.TOPIC: list(known),
            S.LABEL: [labels.get(t, auto) for t, auto in known.items()],
            S.AUTO_LABEL: list(known.values()),
            S.RENAMED: [t in labels for t in known],
        }
    )
    return out
