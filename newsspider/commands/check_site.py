"""`newsspider check-site NAME`: does a site definition work? Per-field coverage on a few pages.

Fetches the site's listing pages (and, for generic sites, its feeds and
sitemaps when listings give too few links), then a few article pages, runs the
extraction chain on each as a crawl would, and prints which step gave each
field and the share of articles with a title, date, body and author.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsspider.browser import renders, require_browser
from newsspider.browser.signs import script_built
from newsspider.commands import EXIT_OK, EXIT_SITE_FAILED, load_selected_config, positive_int
from newsspider.commands.extract import extract_fields
from newsspider.config import SiteConfig
from newsspider.discovery import (
    Fetcher,
    FetchError,
    Found,
    Page,
    feed_links,
    read_feeds,
    read_sitemaps,
)
from newsspider.extract.links import article_links
from newsspider.extract.portal import parse_html
from newsspider.settings import USER_AGENT

ADVICE = 'set render = "browser" (docs/browser.md)'
# Coverage columns: (label, field of the extraction result, field in extracted_by).
COLUMNS = (
    ("title", "title", "title"),
    ("date", "published", "published_raw"),
    ("body", "body_text", "body_text"),
    ("author", "authors", "authors"),
)


@dataclass(frozen=True)
class Checked:
    url: str
    fields: dict[str, Any] | None
    error: str | None = None


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    command = add(
        "check-site",
        cmd_check_site,
        "fetch a few listing and article pages of a site; print per-field coverage",
    )
    command.add_argument("site", metavar="NAME", help="a site of the configuration")
    command.add_argument(
        "--limit", type=positive_int, default=5, help="article pages to fetch (default: 5)"
    )


def cmd_check_site(args: argparse.Namespace) -> int:
    config = load_selected_config(args)
    site = config.select([args.site])[0]
    fetcher = Fetcher(
        config.user_agent or USER_AGENT,
        timeout=site.timeout,
        delay=site.download_delay,
        obey_robots=site.obey_robots,
    )
    require_browser(config.path, site)
    urls, notes = article_candidates(site, fetcher, args.limit)
    checked = [check_article(site, fetcher, url) for url in urls[: args.limit]]
    print(render_report(site, checked, notes))
    usable = [c for c in checked if c.fields and c.fields.get("title")]
    return EXIT_OK if usable and len(usable) == len(checked) else EXIT_SITE_FAILED


def article_candidates(
    site: SiteConfig, fetcher: Fetcher, limit: int
) -> tuple[list[str], list[str]]:
    """Article URLs from the listing pages, then feeds and sitemaps (generic sites)."""
    pattern = re.compile(site.article_url_pattern) if site.article_url_pattern else None
    found = Found()
    feeds: list[str] = list(site.feeds)
    for start in site.start_urls:
        try:
            page = get_page(site, fetcher, start, "listing")
        except FetchError as exc:
            found.notes.append(f"listing not read: {exc}")
            continue
        tree = parse_html(page.text)
        links = article_links(tree, page.url, pattern=pattern, allowed_domains=site.allowed_domains)
        found.add(links, "listing", site.allowed_domains)
        found.notes.append(f"listing {page.url}: {len(links)} article links")
        if not links and (why := script_built(page.text)):
            found.notes.append(f"listing {page.url} looks built by JavaScript: {why}; {ADVICE}")
        if site.kind == "generic" and not site.feeds:
            feeds += [url for url in feed_links(tree, page.url) if url not in feeds]
    if site.kind == "generic" and len(found.urls) < limit:
        read_feeds(fetcher, feeds, found, site.allowed_domains)
        sitemaps = list(site.sitemaps)
        for start in site.start_urls if not sitemaps else ():
            sitemaps += fetcher.robots_for(start).site_maps() or []
        read_sitemaps(fetcher, sitemaps, found, site.allowed_domains)
    urls = [url for url in found.urls if pattern is None or pattern.search(url)]
    return urls, found.notes


def check_article(site: SiteConfig, fetcher: Fetcher, url: str) -> Checked:
    try:
        page = get_page(site, fetcher, url, "article")
    except FetchError as exc:
        return Checked(url, None, str(exc))
    return Checked(url, extract_fields(page.text, page.url, site, datetime.now(UTC)))


def get_page(site: SiteConfig, fetcher: Fetcher, url: str, kind: str) -> Page:
    """A listing or article page, rendered in the browser when the site's `render` says so."""
    if not renders(site, kind):
        return fetcher.get(url)
    from newsspider.browser.render import rendered_page

    if fetcher.obey_robots and not fetcher.robots_for(url).can_fetch(fetcher.user_agent, url):
        raise FetchError(f"{url}: disallowed by robots.txt")
    return rendered_page(site, url, fetcher.user_agent)


def coverage(checked: list[Checked]) -> dict[str, tuple[int, int]]:
    """Per column: (articles that have it, articles fetched)."""
    pages = [c.fields for c in checked if c.fields is not None]
    return {
        label: (sum(1 for fields in pages if fields.get(name)), len(pages))
        for label, name, _ in COLUMNS
    }


def render_report(site: SiteConfig, checked: list[Checked], notes: list[str]) -> str:
    lines = [f"site {site.name} ({site.kind}): {len(checked)} article pages checked"]
    lines += [f"  {note}" for note in notes]
    for item in checked:
        lines.append(item.url)
        if item.fields is None:
            lines.append(f"  error: {item.error}")
            continue
        steps = item.fields["extracted_by"]
        found = [
            f"{label}={steps.get(step, 'yes') if item.fields.get(name) else '-'}"
            for label, name, step in COLUMNS
        ]
        lines.append(f"  id={item.fields['news_id']} ({steps['news_id']}) " + " ".join(found))
        lines.append(f"  title: {item.fields.get('title')}")
        lines.append(f"  published: {item.fields.get('published')}")
    shares = [
        f"{label} {have}/{total} ({100 * have // total if total else 0}%)"
        for label, (have, total) in coverage(checked).items()
    ]
    lines.append("coverage: " + ", ".join(shares))
    return "\n".join(lines)
