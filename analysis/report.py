"""The study's overview page: every figure with its caption, and the executed notebooks.

``build/<study>/index.html`` is plain HTML (no scripts, no external assets) linking the
figures in ``figures/<study>/`` and the executed notebooks by relative path, so it opens
from disk and survives moving the project folder.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from analysis.figures.style import NOT_ENOUGH_DATA
from analysis.findings import study_findings
from analysis.io import write_text
from analysis.study import Study


def _rel(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _caption(meta: dict) -> str:
    """The figure's caption; for a panel saying why it is not drawn, that reason first."""
    caption, reason = meta.get("caption", ""), meta.get("not_enough_data")
    if reason and not caption.startswith(NOT_ENOUGH_DATA):
        return f"{NOT_ENOUGH_DATA}: {reason} (Would show: {caption})"
    return caption


# Figures in the order a reader meets them: the corpus, its topics, framing by outlet,
# the comparisons, the words, the validation (a figure not listed goes last).
READING_ORDER = (
    "corpus_overview",
    "topic_terms",
    "topic_outlet_prevalence",
    "topic_time",
    "outlet_shares",
    "outlet_frames",
    "own_vs_reported",
    "shares_by_",
    "differences_by_",
    "within_event_effects",
    "pairwise_differences",
    "fightin_words",
    "validation",
)


def reading_order(sidecar: Path) -> tuple[int, str]:
    name = sidecar.with_suffix("").name
    rank = next((i for i, p in enumerate(READING_ORDER) if name.startswith(p)), len(READING_ORDER))
    return rank, name


def build_index(study: Study) -> Path:
    out = study.build_dir / "index.html"
    figs = study.figures_dir
    sidecars = sorted(figs.glob("*.json")) if figs.exists() else []
    notebooks = sorted((study.build_dir / "notebooks").glob("*.html"))
    esc = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(study.name)}: framing study overview</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.4}figure{margin:2rem 0;border-top:1px solid #ddd;padding-top:1rem}"
        "img{max-width:100%}figcaption{color:#333}code{background:#f4f4f4}</style>",
        "</head><body>",
        f"<h1>Study <code>{esc(study.name)}</code></h1>",
        f"<p>{esc(study.config.description.strip())}</p>" if study.config.description else "",
        "<p><strong>Synthetic corpus</strong>: a fictional world written for this project.</p>"
        if study.config.synthetic
        else "",
        "<h2>Notebooks</h2><ul>",
        *(f'<li><a href="{esc(_rel(nb, out.parent))}">{esc(nb.stem)}</a></li>' for nb in notebooks),
        "</ul>",
    ]
    findings = study_findings(study)
    if findings.headline:
        parts += [
            "<h2>What the study found</h2><ul>",
            *(f"<li>{esc(line)}</li>" for line in findings.headline),
            "</ul>",
            f"<p>{esc(findings.unit)}</p>",
        ]
    if findings.cautions:
        parts += [
            "<h2>Before you read on</h2><ul>",
            *(f"<li>{esc(line)}</li>" for line in findings.cautions),
            "</ul>",
        ]
    sidecars = sorted(sidecars, key=reading_order)
    metas = {sidecar: json.loads(sidecar.read_text(encoding="utf-8")) for sidecar in sidecars}
    missing = {
        s.with_suffix("").name: m["not_enough_data"]
        for s, m in metas.items()
        if m.get("not_enough_data")
    }
    if missing:  # a small study: say which figures its data cannot support, and why
        parts += [
            "<h2>Figures not drawn: not enough data</h2>",
            "<p>The data of this study cannot support these figures; each shows a panel "
            "saying why instead.</p><ul>",
            *(
                f'<li><a href="#{esc(name)}"><strong>{esc(name)}</strong></a>: {esc(reason)}</li>'
                for name, reason in missing.items()
            ),
            "</ul>",
        ]
    parts.append("<h2>Figures</h2>")
    for sidecar, meta in metas.items():
        stem = sidecar.with_suffix("")
        png = stem.with_suffix(".png")
        links = " · ".join(
            f'<a href="{esc(_rel(stem.with_suffix("." + ext), out.parent))}">{ext.upper()}</a>'
            for ext in ("pdf", "svg", "png")
            if stem.with_suffix("." + ext).exists()
        )
        alt = esc(meta.get("caption") or stem.name)
        parts += [
            f'<figure id="{esc(stem.name)}">',
            f'<img src="{esc(_rel(png, out.parent))}" alt="{alt}">' if png.exists() else "",
            f"<figcaption><strong>{esc(stem.name)}</strong>. {esc(_caption(meta))}<br>",
            f"{links} · provenance: <code>{esc(_rel(sidecar, out.parent))}</code> "
            f"(config {esc(str(meta.get('config_hash', ''))[:12])}, git "
            f"{esc(str(meta.get('git') or 'n/a')[:12])})</figcaption>",
            "</figure>",
        ]
    parts.append("</body></html>")
    write_text(out, "\n".join(p for p in parts if p) + "\n")
    return out
