"""`Feed` values to JSON Feed 1.1 (https://jsonfeed.org/version/1.1) bytes."""

from __future__ import annotations

import json
from typing import Any

from feeds.model import Entry, Feed

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(feed: Feed, file_name: str) -> bytes:
    """The JSON Feed document of a feed; keys in a fixed order so output is stable."""
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.url_of(file_name),
        "description": feed.subtitle,
    }
    if feed.language:
        document["language"] = feed.language
    if feed.hub:
        document["hubs"] = [{"type": "WebSub", "url": feed.hub}]
    document["items"] = [_item(entry) for entry in feed.entries]
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.id, "url": entry.url, "title": entry.title}
    if entry.content_html:
        item["content_html"] = entry.content_html
    else:
        item["content_text"] = entry.summary or entry.title
    if entry.summary:
        item["summary"] = entry.summary
    item["date_published"] = entry.published.isoformat()
    if entry.updated != entry.published:
        item["date_modified"] = entry.updated.isoformat()
    item["authors"] = [{"name": name} for name in entry.authors]
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.language:
        item["language"] = entry.language
    return item
