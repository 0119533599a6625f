"""`export_feeds`: one RSS and one Atom file per site plus a combined feed, written atomically."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feeds.directory import render_index, render_opml
from feeds.entries import ArticleSkipped, entry_from_row, tag_uri
from feeds.errors import FeedNameClashError
from feeds.model import Entry, Feed
from feeds.query import newest_articles, open_readonly
from feeds.render_json import render_json_feed
from feeds.render_xml import render_atom, render_rss
from feeds.text import language_tag, plain_line
from feeds.write import ensure_output_dir, write_if_changed
from newsspider.config import Config, SiteConfig

log = logging.getLogger(__name__)

COMBINED_FEED = "all"
DEFAULT_LIMIT = 50
OPML_FILE = "feeds.opml"
INDEX_FILE = "index.html"
Renderer = Callable[[Feed, str], bytes]
# File suffix -> (label for people, renderer).
FORMATS: dict[str, tuple[str, Renderer]] = {
    "rss.xml": ("RSS", render_rss),
    "atom.xml": ("Atom", render_atom),
    "json": ("JSON Feed", render_json_feed),
}


@dataclass(frozen=True)
class Skipped:
    """An article left out of the feeds, and why."""

    site: str
    news_id: str
    reason: str


@dataclass
class ExportReport:
    """What an export did: files written or left unchanged, entries per feed, skips."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    entries: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)


def export_feeds(
    db_path: str | Path, out_dir: str | Path, config: Config, *, limit: int | None = None
) -> ExportReport:
    """Write RSS, Atom and JSON Feed files per site and for all sites, plus OPML and index.html."""
    count = limit if limit is not None else (config.feeds.limit or DEFAULT_LIMIT)
    if count < 1:
        raise ValueError(f"limit must be at least 1, got {count}")
    if COMBINED_FEED in config.sites:
        raise FeedNameClashError(
            f"a site named {COMBINED_FEED!r} would overwrite the combined feed; rename the site"
        )
    out = ensure_output_dir(out_dir)
    conn = open_readonly(db_path)
    try:
        builder = _FeedBuilder(conn, config, count)
        feeds = [builder.site_feed(site) for site in config.sites.values()]
        feeds.append(builder.combined_feed())
    finally:
        conn.close()
    report = ExportReport(skipped=list(builder.skipped.values()))
    for feed in feeds:
        report.entries[feed.name] = len(feed.entries)
        for suffix, (_, render) in FORMATS.items():
            name = f"{feed.name}.{suffix}"
            _write(out / name, render(feed, name), report)
    title = plain_line(config.feeds.title) or COMBINED_FEED
    labels = [(suffix, label) for suffix, (label, _) in FORMATS.items()]
    _write(out / OPML_FILE, render_opml(feeds, title), report)
    _write(out / INDEX_FILE, render_index(feeds, title, labels), report)
    return report


def _write(path: Path, data: bytes, report: ExportReport) -> None:
    changed = write_if_changed(path, data)
    (report.written if changed else report.unchanged).append(path)


class _FeedBuilder:
    """Builds feeds from one read-only connection; an article is cleaned once per export."""

    def __init__(self, conn: sqlite3.Connection, config: Config, limit: int):
        self.conn = conn
        self.config = config
        self.limit = limit
        self.host = urlsplit(config.feeds.base_url).hostname or "localhost"
        # Output side only: the config option itself is the lead's to add.
        self.hub: str | None = getattr(config.feeds, "websub_hub", None) or None
        self.cache: dict[tuple[str, str], Entry | None] = {}
        self.skipped: dict[tuple[str, str], Skipped] = {}

    def site_feed(self, site: SiteConfig) -> Feed:
        title = plain_line(site.display_title) or site.name
        return Feed(
            name=site.name,
            id=tag_uri(self.host, site.name),
            title=title,
            subtitle=f"Latest articles from {title}",
            home_url=site.start_urls[0],
            base_url=self.config.feeds.base_url,
            language=language_tag(site.language),
            entries=self._entries([site.name]),
            hub=self.hub,
        )

    def combined_feed(self) -> Feed:
        languages = {language_tag(site.language) for site in self.config.sites.values()}
        return Feed(
            name=COMBINED_FEED,
            id=tag_uri(self.host, COMBINED_FEED),
            title=plain_line(self.config.feeds.title) or COMBINED_FEED,
            subtitle="Latest articles from every site",
            home_url=self.config.feeds.base_url,
            base_url=self.config.feeds.base_url,
            language=languages.pop() if len(languages) == 1 else None,
            entries=self._entries(list(self.config.sites)),
            hub=self.hub,
        )

    def _entries(self, sites: list[str]) -> tuple[Entry, ...]:
        entries: list[Entry] = []
        for row in newest_articles(self.conn, sites):
            entry = self._entry(row)
            if entry is not None:
                entries.append(entry)
                if len(entries) == self.limit:
                    break
        return tuple(entries)

    def _entry(self, row: dict[str, Any]) -> Entry | None:
        key = (row["site"], str(row["news_id"]))
        if key not in self.cache:
            self.cache[key] = self._build(row, key)
        return self.cache[key]

    def _build(self, row: dict[str, Any], key: tuple[str, str]) -> Entry | None:
        site = self.config.sites[row["site"]]
        try:
            return entry_from_row(row, self.host, site.display_title, site.language)
        except (ArticleSkipped, ValueError, TypeError) as exc:
            reason = str(exc) if isinstance(exc, ArticleSkipped) else f"{type(exc).__name__}: {exc}"
            log.warning("skipping %s/%s: %s", key[0], key[1], reason)
            self.skipped[key] = Skipped(key[0], key[1], reason)
            return None
