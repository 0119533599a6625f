"""`newsspider check-site NAME`: does a site definition work? Per-field coverage on a few pages.

Runs the site's own spider (`newsspider.sitecheck`: listings, feeds, sitemaps,
as a crawl finds them) on a few article pages, storing nothing, and prints
which step gave each field of what a crawl would store, and the share of
articles with a title, date, body and author.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsspider.commands import (
    EXIT_OK,
    EXIT_SITE_FAILED,
    load_selected_config,
    log_level,
    positive_int,
)
from newsspider.config import SiteConfig

if TYPE_CHECKING:
    from newsspider.sitecheck import Checked

ADVICE = 'set render = "browser" (docs/browser.md)'
# Coverage columns: (label, field of the extraction result, field in extracted_by).
COLUMNS = (
    ("title", "title", "title"),
    ("date", "published", "published_raw"),
    ("body", "body_text", "body_text"),
    ("author", "authors", "authors"),
)


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
    from newsspider.browser import require_browser
    from newsspider.sitecheck import sample_site  # Scrapy: only for this command

    config = load_selected_config(args)
    site = config.select([args.site])[0]
    require_browser(config.path, site)
    sample = sample_site(config, site, args.limit, log_level(args))
    print(render_report(site, sample.checked, sample.notes))
    usable = [c for c in sample.checked if c.fields and c.fields.get("title")]
    return EXIT_OK if usable and len(usable) == len(sample.checked) else EXIT_SITE_FAILED


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
