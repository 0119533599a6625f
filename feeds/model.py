"""Feeds and entries as plain values: built from rows once, rendered into every format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from feeds.dates import EMPTY_FEED_DATE
from feeds.text import is_rtl


@dataclass(frozen=True)
class Entry:
    """One article, cleaned and ready to render (all strings XML-safe, dates aware UTC)."""

    id: str
    site: str
    news_id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    updated: datetime
    authors: tuple[str, ...]
    categories: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class Feed:
    """One feed: a site's newest articles, or the combined feed over every site."""

    name: str
    id: str
    title: str
    subtitle: str
    home_url: str
    base_url: str
    language: str | None = None
    entries: tuple[Entry, ...] = field(default=())
    hub: str | None = None

    @property
    def updated(self) -> datetime:
        """The newest entry date; a fixed instant for an empty feed (never the clock)."""
        return max((e.updated for e in self.entries), default=EMPTY_FEED_DATE)

    @property
    def is_rtl(self) -> bool:
        return is_rtl(self.language)

    def url_of(self, file_name: str) -> str:
        """The public URL of one of this feed's files (used for self links)."""
        return self.base_url.rstrip("/") + "/" + file_name
