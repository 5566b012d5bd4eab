"""Main text and metadata of a saved web page, with trafilatura.

trafilatura drops navigation, scripts, footers and cookie banners and keeps the article
body, one paragraph per line. When it finds no main text (a very short page), its
recall-oriented mode is tried, then its whole-page ``baseline``; a page read with the
baseline is flagged so the researcher can check it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

log = logging.getLogger(__name__)

# trafilatura logs every page it finds too short; that is reported per record instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Page:
    text: str | None  # None: no text at all
    title: str | None = None
    date: str | None = None  # as found in the page (meta tags, URL), not yet parsed
    url: str | None = None
    sitename: str | None = None
    author: str | None = None
    fallback: bool = False  # True when the text came from the whole-page baseline


def extract(html: bytes | str) -> Page:
    """The main text and metadata of one HTML document."""
    for recall in (False, True):
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_recall=recall,
            deduplicate=False,
        )
        text = getattr(doc, "text", None) if doc is not None else None
        if text and text.strip():
            return Page(
                text=text,
                title=doc.title or None,
                date=doc.date or None,
                url=doc.url or None,
                sitename=doc.sitename or None,
                author=doc.author or None,
            )
    _, text, _ = trafilatura.baseline(html)
    return Page(text=text if text and text.strip() else None, fallback=True)
