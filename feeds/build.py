"""`FeedBuilder`: a `FeedSpec` plus the database gives a `Feed` (shared by export and serve)."""

from __future__ import annotations

import logging
import math
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from feeds.entries import ArticleSkipped, entry_from_row, tag_uri
from feeds.families import FeedSpec
from feeds.model import Entry, Feed
from newsspider.config import Config
from newsspider.db.read import newest_articles, story_copies
from newsspider.db.selection import Selection

log = logging.getLogger("feeds.export")


@dataclass(frozen=True)
class Skipped:
    """An article left out of the feeds, and why."""

    site: str
    news_id: str
    reason: str


class FeedBuilder:
    """Builds feeds from one read-only connection; an article is cleaned once per builder."""

    def __init__(self, conn: sqlite3.Connection, config: Config):
        self.conn = conn
        self.config = config
        self.host = urlsplit(config.feeds.base_url).hostname or "localhost"
        self.site_order = {name: index for index, name in enumerate(config.sites)}
        self.cache: dict[tuple[str, str], Entry | None] = {}
        self.skipped: dict[tuple[str, str], Skipped] = {}

    def build(self, spec: FeedSpec, limit: int, selection: Selection | None = None) -> Feed:
        """The feed of `spec`, at most `limit` entries (from `selection`, default the spec's)."""
        return Feed(
            name=spec.name,
            id=tag_uri(self.host, spec.name),
            title=spec.title,
            subtitle=spec.subtitle,
            home_url=spec.home_url,
            base_url=self.config.feeds.base_url,
            language=spec.language,
            entries=self._entries(selection or spec.selection, limit),
            hub=self.config.feeds.websub_hub,
        )

    def _entries(self, selection: Selection, limit: int) -> tuple[Entry, ...]:
        entries: list[Entry] = []
        shown: dict[str, tuple[str, str]] = {}
        for row in newest_articles(self.conn, selection):
            if selection.one_per_story and not self._stands_for_story(row, selection, shown):
                continue
            entry = self._entry(row)
            if entry is not None:
                entries.append(entry)
                if len(entries) == limit:
                    break
        return tuple(entries)

    def _stands_for_story(
        self, row: dict[str, Any], selection: Selection, shown: dict[str, tuple[str, str]]
    ) -> bool:
        """Whether this row is the copy its story is shown as: the earliest published one,
        ties going to the site listed first in the configuration."""
        story = row.get("story_id")
        if not story:
            return True
        if story not in shown:
            copies = story_copies(self.conn, selection, story)
            site, news_id, _ = min(copies, key=self._copy_rank, default=(row["site"], "", None))
            shown[story] = (site, news_id)
        return shown[story] == (row["site"], str(row["news_id"]))

    def _copy_rank(self, copy: tuple[str, str, float | None]) -> tuple[float, int, int, str]:
        site, news_id, date = copy
        return (date if date is not None else math.inf, self.site_order.get(site, 0),
                len(news_id), news_id)  # fmt: skip

    def _entry(self, row: dict[str, Any]) -> Entry | None:
        key = (row["site"], str(row["news_id"]))
        if key not in self.cache:
            self.cache[key] = self._build_entry(row, key)
        return self.cache[key]

    def _build_entry(self, row: dict[str, Any], key: tuple[str, str]) -> Entry | None:
        site = self.config.sites[row["site"]]
        try:
            return entry_from_row(row, self.host, site.display_title, site.language)
        except (ArticleSkipped, ValueError, TypeError) as exc:
            reason = str(exc) if isinstance(exc, ArticleSkipped) else f"{type(exc).__name__}: {exc}"
            log.warning("skipping %s/%s: %s", key[0], key[1], reason)
            self.skipped[key] = Skipped(key[0], key[1], reason)
            return None
