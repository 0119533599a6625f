"""Files that list the feeds: `feeds.opml` for feed readers and `index.html` for people.

Like the feeds, both are dated from the data only, so they change only when a feed does.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from email.utils import format_datetime

from lxml import etree

from feeds.dates import EMPTY_FEED_DATE
from feeds.model import Feed

OPML_DOCS = "http://opml.org/spec2.opml"
# The format a feed reader subscribes to from the OPML list (richest metadata).
OPML_FEED_SUFFIX = "atom.xml"
INDEX_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "table{border-collapse:collapse;width:100%}th,td{padding:.4rem .6rem;"
    "border-bottom:1px solid #ddd;text-align:start}td.n{text-align:end}"
)


def render_opml(feeds: Sequence[Feed], title: str) -> bytes:
    """An OPML 2.0 subscription list with one outline per feed."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    newest = max((feed.updated for feed in feeds), default=EMPTY_FEED_DATE)
    etree.SubElement(head, "dateModified").text = format_datetime(newest, usegmt=True)
    etree.SubElement(head, "docs").text = OPML_DOCS
    body = etree.SubElement(root, "body")
    for feed in feeds:
        outline = etree.SubElement(body, "outline", type="rss", text=feed.title, title=feed.title)
        outline.set("xmlUrl", feed.url_of(f"{feed.name}.{OPML_FEED_SUFFIX}"))
        outline.set("htmlUrl", feed.home_url)
        if feed.language:
            outline.set("language", feed.language)
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True))


def render_index(feeds: Sequence[Feed], title: str, formats: Sequence[tuple[str, str]]) -> bytes:
    """A plain HTML page listing every feed, each name linking to its page for people.

    `formats` pairs a file suffix with its label. Feed names carry `dir="auto"`, so a
    Persian name reads right to left in the English table.
    """
    esc = html.escape
    autodiscovery = "".join(
        f'<link rel="alternate" type="application/atom+xml" title="{esc(feed.title)}" '
        f'href="{esc(feed.name)}.atom.xml">\n'
        for feed in feeds
    )
    rows = "".join(_index_row(feed, formats) for feed in feeds)
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n{autodiscovery}<style>{INDEX_STYLE}</style>\n</head>\n"
        f"<body>\n<h1>{esc(title)}</h1>\n<table>\n<thead><tr><th>Feed</th><th>Items</th>"
        "<th>Last update</th><th>Formats</th></tr></thead>\n<tbody>\n"
        f"{rows}</tbody>\n</table>\n"
        '<p><a href="feeds.opml">feeds.opml</a>: every feed, for import into a feed reader.</p>\n'
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")


def _index_row(feed: Feed, formats: Sequence[tuple[str, str]]) -> str:
    esc = html.escape
    lang = f' lang="{esc(feed.language)}"' if feed.language else ""
    direction = ' dir="rtl"' if feed.is_rtl else ""
    links = " · ".join(
        f'<a href="{esc(feed.name)}.{esc(suffix)}">{esc(label)}</a>' for suffix, label in formats
    )
    if feed.entries:
        stamp = feed.updated.isoformat()
        shown = feed.updated.strftime("%Y-%m-%d %H:%M UTC")
        updated = f'<time datetime="{esc(stamp)}">{esc(shown)}</time>'
    else:
        updated = "never"
    return (
        f'<tr><td{lang}{direction}><a href="{esc(feed.name)}.html" dir="auto">{esc(feed.title)}</a>'
        f"</td>"
        f'<td class="n">{len(feed.entries)}</td><td>{updated}</td><td>{links}</td></tr>\n'
    )
