"""Executed notebooks' HTML makes no network request when opened (issue 11): nbconvert's
default page loads require.js and MathJax (and mermaid for diagrams) from CDNs."""

from __future__ import annotations

import re

import nbformat

from analysis.notebooks import notebook_html

# Anything a browser would fetch: script/link/img/iframe sources and CSS/JS imports.
FETCH = re.compile(
    r"""<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*["']?https?://"""
    r"""|@import\s+(?:url\()?["']?https?://|import\s*\(\s*["']https?://|url\(\s*["']?https?://""",
    re.IGNORECASE,
)


def _notebook():
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Outlets\nMath $x^2$ and a diagram:"),
            nbformat.v4.new_markdown_cell("```mermaid\ngraph TD; A-->B\n```"),
            nbformat.v4.new_code_cell("1 + 1", outputs=[]),
        ]
    )


def test_notebook_html_loads_nothing_from_the_network():
    body = notebook_html(_notebook())
    assert "<title>" in body and "Outlets" in body  # a whole page, with the content
    assert FETCH.findall(body) == []


def test_the_pattern_catches_the_default_exporters_cdn_scripts():
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(_notebook())
    assert len(FETCH.findall(body)) >= 2  # require.js and MathJax, at least
