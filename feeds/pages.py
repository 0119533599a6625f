"""One HTML page per feed, for people: the newest entries, readable without a feed reader.

Built from the same cleaned `Feed` values as the feed files, every string escaped, no
script, no style attribute, no embedded content (only a summary, never the article HTML).
Right-to-left aware: every title and summary carries `dir="auto"`, so a Persian title
reads right to left inside an English page and vice versa. The search form asks the page
itself with `?q=`, which `newsspider serve` answers with the page of the filtered feed.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from feeds.formats import FORMATS
from feeds.model import Entry, Feed

PAGE_SUFFIX = "html"
PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#222;background:#fff}"
    "article{border-bottom:1px solid #ddd;padding:.6rem 0}h2{font-size:1.15rem;margin:.2rem 0}"
    ".meta{color:#555;font-size:.9rem;margin:.2rem 0}form{margin:1rem 0}"
    "input[type=search]{width:60%;padding:.3rem}"
)


def page_name(feed_name: str) -> str:
    return f"{feed_name}.{PAGE_SUFFIX}"


def render_page(feed: Feed, file_name: str, site_title: str) -> bytes:
    """The HTML page of a feed; `file_name` may carry the `?query` that filtered it."""
    esc = html.escape
    query = file_name.partition("?")[2]
    searched = parse_qs(query).get("q", [""])[0]
    lang = esc(feed.language or "en")
    direction = "rtl" if feed.is_rtl else "ltr"
    subscribe = " · ".join(
        f'<a href="{esc(feed.name)}.{esc(suffix)}">{esc(spec.label)}</a>'
        for suffix, spec in FORMATS.items()
    )
    entries = "".join(_entry(entry) for entry in feed.entries)
    if not entries:
        entries = "<p>No entries match.</p>\n" if query else "<p>No entries yet.</p>\n"
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(feed.title)} · {esc(site_title)}</title>\n"
        f'<link rel="alternate" type="application/atom+xml" title="{esc(feed.title)}" '
        f'href="{esc(feed.name)}.atom.xml">\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n'
        f'<header>\n<p><a href="index.html"><bdi>{esc(site_title)}</bdi></a></p>\n'
        f'<h1 dir="auto">{esc(feed.title)}</h1>\n'
        + (f'<p dir="auto">{esc(feed.subtitle)}</p>\n' if feed.subtitle else "")
        + f'<p>Subscribe: {subscribe} · <a href="{esc(feed.home_url)}">website</a></p>\n'
        f'<form action="{esc(page_name(feed.name))}" method="get" role="search">\n'
        '<label for="q">Search this feed</label>\n'
        f'<input type="search" id="q" name="q" dir="auto" value="{esc(searched)}" required>\n'
        '<button type="submit">Search</button>\n</form>\n</header>\n<main>\n'
        f"{entries}</main>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def _entry(entry: Entry) -> str:
    esc = html.escape
    lang = f' lang="{esc(entry.language)}"' if entry.language else ""
    source = ", ".join(entry.authors) or entry.site
    stamp = entry.published.isoformat()
    shown = entry.published.strftime("%Y-%m-%d %H:%M UTC")
    summary = f'<p dir="auto">{esc(entry.summary)}</p>\n' if entry.summary else ""
    return (
        f"<article{lang}>\n"
        f'<h2 dir="auto"><a href="{esc(entry.url)}">{esc(entry.title)}</a></h2>\n'
        f'<p class="meta"><bdi>{esc(source)}</bdi> · '
        f'<time datetime="{esc(stamp)}" dir="ltr">{esc(shown)}</time></p>\n'
        f"{summary}</article>\n"
    )
