"""What ``framing validate`` prints: an account of every record read.

``summarize`` turns an :class:`IngestResult` into plain numbers (JSON-able, used by the
benchmark too); ``format_summary`` lays them out for a terminal.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis import schema as S
from analysis.corpus.ingest import UNDETERMINED, IngestResult


def summarize(result: IngestResult) -> dict[str, Any]:
    articles, rejects, problems = result.articles, result.rejects, result.problems
    kept_per_file = articles[S.SOURCE_FILE].value_counts().to_dict()
    rejected_per_file = rejects[S.SOURCE_FILE].value_counts().to_dict()
    files = [
        {
            "file": name,
            "read": int(n),
            "kept": int(kept_per_file.get(name, 0)),
            "rejected": int(rejected_per_file.get(name, 0)),
        }
        for name, n in result.read_per_file.items()
    ]
    by_reason = (
        rejects.groupby([S.REJECT_CODE, S.FIELD], dropna=False)
        .size()
        .sort_values(ascending=False, kind="stable")
    )
    dup = articles[S.DUPLICATE_OF].notna()
    marked = articles.loc[dup]
    original_outlet = marked[S.DUPLICATE_OF].map(articles.set_index(S.DOC_ID)[S.OUTLET])
    cross_outlet = int((marked[S.OUTLET] != original_outlet).sum())
    published = articles.get(S.PUBLISHED, pd.Series(pd.NaT, index=articles.index))
    languages = articles[S.LANGUAGE].fillna(UNDETERMINED).value_counts()
    boiler = result.boilerplate
    filtered = result.filtered
    return {
        "records_read": result.n_read,
        "kept": result.n_kept,
        "rejected": result.n_rejected,
        "filtered": result.n_filtered,
        "filtered_by_reason": [
            {"code": str(code), "n": int(n)}
            for code, n in filtered[S.REJECT_CODE].value_counts().items()
        ],
        "files": files,
        "rejected_by_reason": [
            {"code": code, "field": None if pd.isna(fld) else fld, "n": int(n)}
            for (code, fld), n in by_reason.items()
        ],
        "problems_by_code": {
            str(k): int(v) for k, v in problems[S.REJECT_CODE].value_counts().items()
        },
        "duplicates": {
            "exact": int((articles[S.DUPLICATE_KIND] == "exact").sum()),
            "near": int((articles[S.DUPLICATE_KIND] == "near").sum()),
            "groups": int(articles.loc[dup, S.DUPLICATE_OF].nunique()),
            "across_outlets": cross_outlet,
        },
        "languages": {str(k): int(v) for k, v in languages.items()},
        # what ingest.language.keep left out, per outlet and language
        "language_left_out": [
            {S.OUTLET: r[S.OUTLET], S.LANGUAGE: r[S.LANGUAGE], "n": int(r[S.N_LEFT_OUT])}
            for r in result.languages.to_dict("records")
            if r[S.N_LEFT_OUT] > 0
        ],
        "outlets": int(articles[S.OUTLET].nunique()),
        "published": {
            "first": None if published.isna().all() else str(published.min().date()),
            "last": None if published.isna().all() else str(published.max().date()),
            "missing": int(published.isna().sum()),
        },
        "boilerplate": {
            "lines": len(boiler),
            "articles": int((articles[S.BOILERPLATE_LINES] > 0).sum()),
            "top_rules": {
                str(k): int(v)
                for k, v in boiler[S.RULE].map(_rule_family).value_counts().head(8).items()
            },
        },
    }


def _rule_family(rule: str) -> str:
    return "repeated line" if rule.startswith("repeated:") else rule


def format_summary(name: str, summary: dict[str, Any], build_dir: str | None = None) -> str:
    n = summary
    lines = [
        f"study {name}",
        f"  records read   {n['records_read']:>9,}  from {len(n['files'])} file(s)",
        f"  kept           {n['kept']:>9,}",
        f"  rejected       {n['rejected']:>9,}",
    ]
    for item in n["rejected_by_reason"]:
        where = f" ({item['field']})" if item["field"] else ""
        lines.append(f"      {item['n']:>9,}  {item['code']}{where}")
    lines.append(f"  filtered out   {n.get('filtered', 0):>9,}  (study.yaml `filter:`)")
    for item in n.get("filtered_by_reason", []):
        lines.append(f"      {item['n']:>9,}  {item['code']}")
    if len(n["files"]) > 1:
        lines.append("  per file (read / kept / rejected)")
        for f in n["files"][:20]:
            lines.append(f"      {f['read']:>7,} {f['kept']:>7,} {f['rejected']:>7,}  {f['file']}")
        if len(n["files"]) > 20:
            lines.append(f"      ... and {len(n['files']) - 20} more files")
    problems = n["problems_by_code"]
    lines.append(f"  problems       {sum(problems.values()):>9,}  (records kept; see problems.csv)")
    for code, count in problems.items():
        lines.append(f"      {count:>9,}  {code}")
    d = n["duplicates"]
    lines.append(
        f"  duplicates     {d['exact'] + d['near']:>9,}  exact {d['exact']:,}, near {d['near']:,}; "
        f"{d['groups']:,} original(s); {d['across_outlets']:,} across outlets"
    )
    langs = ", ".join(f"{k} {v:,}" for k, v in list(n["languages"].items())[:8])
    lines.append(f"  languages      {langs}")
    left = n.get("language_left_out", [])
    if left:
        total = sum(item["n"] for item in left)
        lines.append(f"  left out by ingest.language.keep {total:,} (see languages.csv):")
        for item in left[:20]:
            lines.append(f"      {item['n']:>9,}  {item['language']}  {item['outlet']}")
        if len(left) > 20:
            lines.append(f"      ... and {len(left) - 20} more outlet/language pairs")
    p = n["published"]
    span = f"{p['first']} .. {p['last']}" if p["first"] else "none"
    lines.append(f"  published      {span}; missing {p['missing']:,}")
    lines.append(f"  outlets        {n['outlets']:>9,}")
    b = n["boilerplate"]
    rules = ", ".join(f"{k} {v:,}" for k, v in b["top_rules"].items())
    lines.append(
        f"  boilerplate    {b['lines']:>9,}  line(s) from {b['articles']:,} article(s)"
        + (f": {rules}" if rules else "")
    )
    if build_dir:
        files = (
            "rejects.csv, filtered.csv, problems.csv, boilerplate.csv, outlets.csv, languages.csv"
        )
        lines.append(f"  details in {build_dir}/: {files}")
    return "\n".join(lines)
