"""The one extraction chain, for every kind of site.

Per field, the first step that finds it wins: the site's own selectors, then
what the site kind knows (portal labels, the repeated heading, the main block),
then structured metadata (JSON-LD, OpenGraph, meta tags), then generic
extractors (trafilatura, htmldate, language detection). `extracted_by` says
which step gave each field.
"""

from __future__ import annotations

from typing import Any

from newsspider.extract.generic import extract_article
from newsspider.extract.portal import extract_portal, parse_html


def extract_page(html: str, url: str, *, kind: str, selectors: dict[str, str]) -> dict[str, Any]:
    tree = parse_html(html)
    known = extract_portal(tree) if kind == "portal" else None
    return extract_article(html, url, selectors=selectors, known=known, tree=tree)
