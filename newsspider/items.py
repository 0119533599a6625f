"""The one item type every spider yields."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    """A news article as extracted from one page, before normalization.

    `published` is an ISO-8601 UTC timestamp and `published_local` the same moment with the
    page's own offset, else the site's zone (both set by the normalize pipeline from
    `published_raw`); `extracted_by` maps a field name to the extraction step
    that produced it (e.g. ``{"title": "label", "body_text": "trafilatura"}``).
    """

    site: str
    url: str
    news_id: str | None = None
    title: str | None = None
    summary: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    source: str | None = None
    published: str | None = None
    published_raw: str | None = None
    published_local: str | None = None
    language: str | None = None
    fetched_at: str | None = None
    canonical_url: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    extracted_by: dict[str, str] = field(default_factory=dict)
    http_etag: str | None = None
    http_last_modified: str | None = None
