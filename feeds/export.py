"""`export_feeds`: RSS, Atom and JSON Feed files for every configured feed, written atomically.

Feeds whose files changed are announced to the WebSub hub when one is configured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from feeds.alarms import ALARM_FEED, alarm_feed
from feeds.build import FeedBuilder, Skipped
from feeds.directory import render_index, render_opml
from feeds.errors import FeedNameClashError
from feeds.families import COMBINED_FEED, feed_specs
from feeds.formats import FORMATS
from feeds.model import Feed
from feeds.text import plain_line
from feeds.websub import ping_hub
from feeds.write import ensure_output_dir, write_if_changed
from newsspider.config import Config
from newsspider.db.read import open_readonly

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
OPML_FILE = "feeds.opml"
INDEX_FILE = "index.html"

__all__ = ["ExportReport", "Skipped", "export_feeds"]


@dataclass
class ExportReport:
    """What an export did: files written or unchanged, entries per feed, skips, hub pings."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    entries: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    pinged: list[str] = field(default_factory=list)
    ping_failures: list[str] = field(default_factory=list)


def export_feeds(
    db_path: str | Path, out_dir: str | Path, config: Config, *, limit: int | None = None
) -> ExportReport:
    """Write every feed in every format, plus OPML and index.html; ping the hub for changes."""
    count = limit if limit is not None else (config.feeds.limit or DEFAULT_LIMIT)
    if count < 1:
        raise ValueError(f"limit must be at least 1, got {count}")
    for reserved in (COMBINED_FEED, ALARM_FEED):
        if reserved in config.sites:
            raise FeedNameClashError(
                f"a site named {reserved!r} would overwrite the {reserved!r} feed; rename the site"
            )
    out = ensure_output_dir(out_dir)
    conn = open_readonly(db_path)
    try:
        builder = FeedBuilder(conn, config)
        feeds = [builder.build(spec, count) for spec in feed_specs(config)]
        if config.health.feed:
            feeds.append(alarm_feed(conn, config))
    finally:
        conn.close()
    report = ExportReport(skipped=list(builder.skipped.values()))
    changed_feeds: list[str] = []
    for feed in feeds:
        report.entries[feed.name] = len(feed.entries)
        changed_feeds.extend(_write_feed(out, feed, report))
    title = plain_line(config.feeds.title) or COMBINED_FEED
    labels = [(suffix, spec.label) for suffix, spec in FORMATS.items()]
    _write(out / OPML_FILE, render_opml(feeds, title), report)
    _write(out / INDEX_FILE, render_index(feeds, title, labels), report)
    if config.feeds.websub_hub and changed_feeds:
        report.ping_failures = ping_hub(config.feeds.websub_hub, changed_feeds)
        report.pinged = [url for url in changed_feeds if url not in report.ping_failures]
    return report


def _write_feed(out: Path, feed: Feed, report: ExportReport) -> list[str]:
    """Write a feed's files; the self URLs of those whose bytes changed."""
    changed = []
    for suffix, spec in FORMATS.items():
        name = f"{feed.name}.{suffix}"
        if _write(out / name, spec.render(feed, name), report):
            changed.append(feed.url_of(name))
    return changed


def _write(path: Path, data: bytes, report: ExportReport) -> bool:
    changed = write_if_changed(path, data)
    (report.written if changed else report.unchanged).append(path)
    return changed
