"""The one extraction chain, for every kind of site.

Per field, the first step that finds it wins: the site's own selectors, then
what the page's kind gives (a portal page, by site kind or by its `News ID` and
`Publish Date` labels: labels, the repeated heading, the main block; else a
`News ID` label), then structured metadata (JSON-LD, OpenGraph,
meta tags), then generic extractors (trafilatura, htmldate, language
detection). `extracted_by` says which step gave each field.
"""

from __future__ import annotations

from typing import Any

from newsspider.config import SiteConfig
from newsspider.extract.generic import extract_article
from newsspider.extract.ids import news_id_from_url, url_hash_id
from newsspider.extract.labels import find_labelled
from newsspider.extract.portal import extract_portal, parse_html


def extract_page(html: str, url: str, site: SiteConfig | None = None) -> dict[str, Any]:
    """Every article field of one page, as a crawl of `site` stores it (before normalizing).

    A page that shows both portal labels (`News ID`, `Publish Date`, in English,
    Persian or Arabic) is read as a portal page whatever the site's kind, or
    without a site.

    News ID: the site's `id_pattern` over the URL, else what the chain found;
    generic sites fall back to a hash of the canonical URL. Language: the page's
    declaration, else the site's `language`, else detection from the text.
    """
    kind = site.kind if site else "generic"
    tree = parse_html(html)
    labelled = find_labelled(tree)
    if kind == "portal" or labelled.is_portal:
        known = extract_portal(tree, labelled)
    elif labelled.news_id:
        known = {"news_id": labelled.news_id, "extracted_by": {"news_id": "label"}}
    else:
        known = {}
    configured_language = site.language if site else None
    fields = extract_article(
        html,
        url,
        selectors=dict(site.selectors) if site else {},
        known=known,
        tree=tree,
        detect_language=configured_language is None,
    )
    steps = fields["extracted_by"]
    url_id = news_id_from_url(url, site.id_pattern if site else None)
    if url_id:
        fields["news_id"], steps["news_id"] = url_id, "url"
    elif not fields.get("news_id") and kind == "generic":
        fields["news_id"] = url_hash_id(fields.get("canonical_url") or url)
        steps["news_id"] = "url-hash"
    if not fields.get("language") and configured_language:
        fields["language"], steps["language"] = configured_language, "config"
    return fields
