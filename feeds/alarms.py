"""The health alarms as a feed (`[health] feed = true`): one entry per unhealthy site.

An entry stands for an incident: its id comes from the first run of the site's
current unhealthy streak, so a reader sees a new item when a site breaks, not
on every run while it stays broken, and the item is updated as runs confirm it.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from feeds.dates import parse_timestamp
from feeds.entries import tag_uri
from feeds.model import Entry, Feed
from feeds.text import plain_line
from newsspider.config import ALARM_FEED_NAME, Config, SiteConfig
from newsspider.db.read import recent_runs
from newsspider.health import Verdict, site_verdict

ALARM_FEED = ALARM_FEED_NAME


def alarm_feed(conn: sqlite3.Connection, config: Config) -> Feed:
    host = urlsplit(config.feeds.base_url).hostname or "localhost"
    entries = []
    for site in config.sites.values():
        runs = [r for r in recent_runs(conn, site.name) if r.get("status") != "running"]
        verdict = site_verdict(site.name, runs, config.health)
        if not verdict.healthy and runs:
            entries.append(_entry(site, verdict, runs, host, config))
    entries.sort(key=lambda e: (e.updated, e.site), reverse=True)
    title = plain_line(config.feeds.title) or "newsspider"
    return Feed(
        name=ALARM_FEED,
        id=tag_uri(host, ALARM_FEED),
        title=f"{title}: health alarms",
        subtitle="Sites that stopped yielding articles, failed, or changed their layout",
        home_url=config.feeds.base_url,
        base_url=config.feeds.base_url,
        language="en",
        entries=tuple(entries),
        hub=config.feeds.websub_hub,
    )


def _entry(
    site: SiteConfig, verdict: Verdict, runs: Sequence[Mapping[str, Any]], host: str, config: Config
) -> Entry:
    onset = _incident_start(site.name, runs, config)
    first_seen = parse_timestamp(onset.get("finished") or onset.get("started"))
    last_seen = parse_timestamp(runs[0].get("finished") or runs[0].get("started"))
    assert first_seen is not None and last_seen is not None  # crawl_runs always has `started`
    reasons = "".join(f"<li>{html.escape(reason)}</li>" for reason in verdict.reasons)
    summary = f"{site.display_title} is unhealthy: " + "; ".join(verdict.reasons)
    return Entry(
        id=tag_uri(host, f"{ALARM_FEED}/{site.name}/{onset['id']}"),
        site=site.name,
        news_id=f"alarm-{onset['id']}",
        url=site.start_urls[0],
        title=plain_line(f"{site.display_title} is unhealthy"),
        summary=plain_line(summary),
        content_html=f"<ul>{reasons}</ul>",
        published=first_seen,
        updated=max(first_seen, last_seen),
        authors=("newsspider",),
        language="en",
    )


def _incident_start(
    site: str, runs: Sequence[Mapping[str, Any]], config: Config
) -> Mapping[str, Any]:
    """The oldest run of the current streak in which the site was already unhealthy."""
    start = runs[0]
    for index in range(1, len(runs)):
        if site_verdict(site, runs[index:], config.health).healthy:
            break
        start = runs[index]
    return start
