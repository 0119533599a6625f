"""`newsspider discover URL`: print a ready site definition for a news site, with the reasons."""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsspider.commands import (
    EXIT_OK,
    http_url,
    load_selected_config,
    seconds,
    timeout_seconds,
)

if TYPE_CHECKING:
    from newsspider.config import SiteConfig
    from newsspider.discovery import SiteGuess
    from newsspider.fetching import Fetcher

SAMPLE_URLS = 3


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    command = add(
        "discover",
        cmd_discover,
        "fetch a site's home page, robots.txt, sitemaps and feeds; print a TOML site definition",
        options=("config",),
    )
    command.add_argument("url", metavar="URL", type=http_url, help="the site's home page")
    command.add_argument(
        "--delay",
        type=seconds,
        help="seconds between requests (default: a site's download_delay, 0.25)",
    )
    command.add_argument(
        "--timeout",
        type=timeout_seconds,
        help="seconds per request (default: a site's timeout, 30)",
    )


def cmd_discover(args: argparse.Namespace) -> int:
    """Fetch under the crawl's rules: a site's defaults, the config's user agent."""
    from newsspider.discovery import discover, discovery_site
    from newsspider.fetching import Fetcher
    from newsspider.settings import USER_AGENT

    user_agent = load_selected_config(args).user_agent or USER_AGENT
    site = discovery_site(args.url)
    fetcher = Fetcher(user_agent, site, timeout=args.timeout, delay=args.delay)
    definition = render_definition(discover(args.url, fetcher), site)
    lines = _render_lines(args.url, fetcher, site)
    print(definition + "".join(line + "\n" for line in lines), end="")
    return EXIT_OK


def render_definition(guess: SiteGuess, site: SiteConfig) -> str:
    """The guess as a `[sites.NAME]` table that `load_config` accepts, reasons as comments."""
    found = guess.found
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Written by `newsspider discover {guess.url}` on {now}.",
        f"# Check it with `newsspider check-site {guess.name} --config THIS_FILE`.",
        "",
        f"[sites.{guess.name}]",
        f"kind = {_toml(guess.kind)}  # {guess.kind_reason}",
    ]
    if guess.title:
        lines.append(f"title = {_toml(guess.title)}")
    lines.append(f"start_urls = {_toml([guess.url])}  # the home page: its article links are read")
    if guess.language:
        lines.append(f"language = {_toml(guess.language)}  # from the page's language tag")
    if guess.timezone:
        lines.append(f"timezone = {_toml(guess.timezone)}  # the language tag names one zone")
    else:
        lines.append('timezone = "UTC"  # TODO: the IANA zone of the newsroom (dates without one)')
    lines += _pattern_lines(guess)
    lines += _address_lines(guess.url, site)
    if found.sitemaps:
        origin = "robots.txt" if guess.robots_sitemaps else "the default /sitemap.xml"
        lines.append(f"sitemaps = {_toml(found.sitemaps)}  # from {origin}")
        for news in found.news_sitemaps:
            lines.append(f"# {news} is a Google News sitemap: its titles and dates are used")
    else:
        lines.append("# no sitemap found")
    if found.feeds:
        lines.append(f'feeds = {_toml(found.feeds)}  # <link rel="alternate"> on the home page')
    else:
        lines.append("# no feed announced on the home page")
    lines += [f"# note: {note}" for note in found.notes]
    return "\n".join(lines) + "\n"


def _render_lines(url: str, fetcher: Fetcher, site: SiteConfig) -> list[str]:
    """`render = "browser"` when the home page's text appears only once a browser renders it."""
    if importlib.util.find_spec("playwright") is None:
        return []
    from newsspider.browser.render import render_advice
    from newsspider.fetching import FetchError

    try:
        fetched = fetcher.get(url).text
    except FetchError:
        return []
    why = render_advice(url, fetched, fetcher.user_agent, site.allow_addresses)
    return [f'render = "browser"  # {why} (docs/browser.md)'] if why else []


def _address_lines(url: str, site: SiteConfig) -> list[str]:
    """A site on this machine or a private network needs the address guard's permission."""
    if not site.allow_addresses:
        return []
    host = urlsplit(url).hostname or ""
    return [
        f"allow_addresses = {_toml(list(site.allow_addresses))}  # {host} is not a public"
        " address: the crawler refuses such addresses unless allowed"
    ]


def _pattern_lines(guess: SiteGuess) -> list[str]:
    total = len(guess.found.urls)
    if not guess.article_pattern:
        return [
            f"# no common article URL shape among {total} links seen: without a pattern, a link"
            " counts as an article when its text has four words and its path a number or slug"
        ]
    pattern = re.compile(guess.article_pattern)
    examples = [u for u in guess.found.urls if pattern.search(urlsplit(u).path)][:SAMPLE_URLS]
    lines = [
        f"article_url_pattern = {_toml(guess.article_pattern)}"
        f"  # matches {guess.pattern_matches} of {total} article-looking URLs seen",
        *(f"#   e.g. {url}" for url in examples),
    ]
    if guess.id_pattern:
        lines.append(f"id_pattern = {_toml(guess.id_pattern)}  # the number in article URLs")
    else:
        lines.append("# no number in article URLs: news IDs will be a hash of the canonical URL")
    return lines


def _toml(value: object) -> str:
    """A TOML string or array of strings (JSON's escapes are valid TOML basic strings)."""
    return json.dumps(value, ensure_ascii=False)
