"""When a stored article is fetched again to catch corrections: a decaying schedule.

An article is re-checked at fixed offsets from its publication time (its first-seen
time when the date is unknown), by default 1 hour, 6 hours, 1 day and 3 days after it.
Pure functions, no Scrapy and no database, so every rule is testable with a fake clock:

- a step is due when its moment lies after the article's last check (its first fetch,
  or the last re-check) and not after now;
- one re-check takes every step that is due, so each step is taken at most once, and a
  crawl that was paused for a while sends one request, not one per missed step;
- the steps already past when the article was first seen are never taken (that first
  fetch saw the page after them): a backfill, first seen after its last step, is never
  re-checked;
- a step is taken at most one schedule length (its last step) late: after a long pause,
  an upgrade from a version without re-checks, or turning them on for a site with a
  history, only the recent articles are fetched again, not the whole archive;
- an empty schedule turns re-checks off.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def due_steps(
    anchor: datetime, last_checked: datetime, now: datetime, steps: Sequence[int]
) -> list[int]:
    """The steps (seconds after `anchor`) that fell after the last check and by `now`, and
    at most the last step's length ago."""
    oldest = now - timedelta(seconds=max(steps, default=0))
    return [s for s in steps if max(last_checked, oldest) < anchor + timedelta(seconds=s) <= now]


def is_due(
    published: datetime | None, first_seen: datetime, last_checked: datetime | None,
    now: datetime, steps: Sequence[int],
) -> bool:  # fmt: skip
    """Whether a stored article is re-checked now; `last_checked` None: only fetched once."""
    anchor = published if published is not None else first_seen
    return bool(due_steps(anchor, last_checked or first_seen, now, steps))
