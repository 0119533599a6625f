"""Database rows to `Entry` values: ids, dates, text and HTML cleaning, with skip reasons."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from feeds.dates import parse_timestamp
from feeds.model import Entry
from feeds.sanitize import sanitize_html, text_to_html
from feeds.text import first_paragraph, is_rtl, language_tag, plain_line

log = logging.getLogger(__name__)

# The date in every tag URI (RFC 4151): fixed forever, so ids never change.
TAG_DATE = "2025"
SUMMARY_MAX_CHARS = 600


class ArticleSkipped(Exception):
    """This article cannot become a feed entry; the message is the reason."""


def tag_uri(host: str, specific: str) -> str:
    """A stable id: ``tag:<host>,2025:<specific>``."""
    return f"tag:{host},{TAG_DATE}:{specific}"


def entry_id(host: str, site: str, news_id: str) -> str:
    """The id of an article's entry, from site and news ID only (same in every feed)."""
    return tag_uri(host, f"{site}/{quote(news_id, safe='')}")


def entry_from_row(
    row: Mapping[str, Any], host: str, site_title: str, site_language: str | None
) -> Entry:
    """An `Entry` for one article row; raises `ArticleSkipped` with a reason."""
    title = plain_line(row.get("title"))
    if not title:
        raise ArticleSkipped("no title")
    url = plain_line(row.get("url"))
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ArticleSkipped(f"no http(s) URL ({url!r})")
    published, updated = _entry_dates(row)
    summary = _summary(row)
    language = language_tag(row.get("language")) or language_tag(site_language)
    return Entry(
        id=entry_id(host, row["site"], str(row["news_id"])),
        site=row["site"],
        news_id=str(row["news_id"]),
        url=url,
        title=title,
        summary=summary,
        content_html=_content(row, url, summary, language),
        published=published,
        updated=updated,
        authors=_authors(row, site_title),
        categories=tuple(dict.fromkeys(_json_list(row.get("categories")))),
        language=language,
    )


def _entry_dates(row: Mapping[str, Any]) -> tuple[Any, Any]:
    published = parse_timestamp(row.get("published"))
    if published is None:
        if row.get("published"):
            log.info(
                "%s/%s: unusable published %r, using first_seen",
                row["site"],
                row["news_id"],
                row["published"],
            )
        published = parse_timestamp(row.get("first_seen"))
    if published is None:
        raise ArticleSkipped(f"no usable date (published={row.get('published')!r})")
    updated = parse_timestamp(row.get("updated")) or published
    return published, max(published, updated)


def _summary(row: Mapping[str, Any]) -> str:
    text = plain_line(row.get("summary")) or first_paragraph(row.get("body_text"))
    if len(text) <= SUMMARY_MAX_CHARS:
        return text
    cut = text[:SUMMARY_MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _content(row: Mapping[str, Any], url: str, summary: str, language: str | None) -> str:
    content = sanitize_html(row.get("body_html"), url) or text_to_html(row.get("body_text"))
    content = content or (f"<p>{html.escape(summary, quote=False)}</p>" if summary else "")
    # Readers render content inside their own (usually LTR) page: say which way it reads.
    return f'<div dir="rtl">{content}</div>' if content and is_rtl(language) else content


def _authors(row: Mapping[str, Any], site_title: str) -> tuple[str, ...]:
    names = [plain_line(name) for name in _json_list(row.get("authors"))]
    names = [name for name in dict.fromkeys(names) if name]
    if names:
        return tuple(names)
    return (plain_line(row.get("source")) or plain_line(site_title) or row["site"],)


def _json_list(value: Any) -> list[str]:
    """A JSON-text list column as clean strings; anything malformed reads as empty."""
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    return [clean for item in items if isinstance(item, str) and (clean := plain_line(item))]
