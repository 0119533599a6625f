"""The re-check schedule, driven by a fake clock: every step once, backfills never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsspider.config.model import DEFAULT_RECHECK_SECONDS as STEPS
from newsspider.recheck import due_steps, is_due

PUBLISHED = datetime(2025, 10, 27, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class Article:
    """A stored article and the clock; `check()` is one cron run taking what is due."""

    def __init__(self, published: datetime | None, first_seen: datetime):
        self.published = published
        self.first_seen = first_seen
        self.last_checked: datetime | None = None
        self.checks: list[datetime] = []

    def run(self, now: datetime) -> bool:
        if not is_due(self.published, self.first_seen, self.last_checked, now, STEPS):
            return False
        self.last_checked = now
        self.checks.append(now)
        return True


def cron(article: Article, start: datetime, hours: float, every: timedelta) -> list[datetime]:
    now = start
    while now <= start + timedelta(hours=hours):
        article.run(now)
        now += every
    return article.checks


def test_each_step_is_taken_once_at_the_first_run_after_it():
    article = Article(PUBLISHED, first_seen=PUBLISHED + timedelta(minutes=10))
    checks = cron(article, article.first_seen, hours=24 * 5, every=timedelta(minutes=15))
    # Runs fall at :10, :25, ...: each step is taken by the first run after it.
    expected = [PUBLISHED + timedelta(seconds=s, minutes=10) for s in STEPS]
    assert checks == expected


@pytest.mark.parametrize("step", range(len(STEPS)))
def test_each_step_alone(step):
    article = Article(PUBLISHED, first_seen=PUBLISHED)
    moment = PUBLISHED + timedelta(seconds=STEPS[step])
    if step:
        article.last_checked = PUBLISHED + timedelta(seconds=STEPS[step - 1])
    assert not article.run(moment - timedelta(seconds=1))
    assert article.run(moment)
    assert not article.run(moment + timedelta(minutes=15))  # taken: not again
    assert due_steps(PUBLISHED, PUBLISHED, moment, STEPS) == list(STEPS[: step + 1])


def test_a_paused_crawl_takes_the_missed_steps_in_one_request():
    article = Article(PUBLISHED, first_seen=PUBLISHED)
    assert article.run(PUBLISHED + timedelta(days=2))  # 1h, 6h and 1d at once
    assert not article.run(PUBLISHED + timedelta(days=2, hours=1))
    assert article.run(PUBLISHED + timedelta(days=3))
    assert len(article.checks) == 2


def test_steps_past_at_first_sight_are_skipped_and_a_backfill_is_never_checked():
    late = Article(PUBLISHED, first_seen=PUBLISHED + timedelta(hours=30))
    assert cron(late, late.first_seen, hours=24 * 4, every=HOUR) == [PUBLISHED + timedelta(days=3)]
    backfill = Article(PUBLISHED, first_seen=PUBLISHED + timedelta(days=10))
    assert cron(backfill, backfill.first_seen, hours=24 * 10, every=HOUR) == []


def test_without_a_date_the_schedule_counts_from_first_seen():
    seen = PUBLISHED + timedelta(days=30)
    article = Article(None, first_seen=seen)
    assert not article.run(seen + timedelta(minutes=59))
    assert article.run(seen + HOUR)


def test_an_empty_schedule_never_rechecks():
    assert not is_due(PUBLISHED, PUBLISHED, None, PUBLISHED + timedelta(days=1), ())


def test_a_step_is_taken_at_most_one_schedule_length_late():
    """After a long pause, an upgrade from a version without re-checks, or re-checks turned
    on for a site with a history, the archive is not fetched again: only recent articles."""
    last_step = timedelta(seconds=max(STEPS))
    archive = Article(PUBLISHED, first_seen=PUBLISHED + timedelta(minutes=5))
    assert not archive.run(PUBLISHED + timedelta(days=30))
    recent = Article(PUBLISHED, first_seen=PUBLISHED + timedelta(minutes=5))
    assert recent.run(PUBLISHED + last_step + last_step - timedelta(seconds=1))  # the 3d step
    late = Article(PUBLISHED, first_seen=PUBLISHED + timedelta(minutes=5))
    assert not late.run(PUBLISHED + last_step + last_step + timedelta(seconds=1))
