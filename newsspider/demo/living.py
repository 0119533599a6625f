"""A demo site that lives: articles published at random times, some corrected later.

`Timeline` holds every article of a simulated stretch of time (a backlog published
before it starts, then arrivals at random, `per_hour` on average) and the moment each
corrected one changes; `edition_at(moment)` is the site as a reader sees it then, for
`DemoServer.serve`. bench/steady.py crawls it on a simulated clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from newsspider.demo.content import make_article
from newsspider.demo.editions import EDIT_NOTE, Edition
from newsspider.demo.site import TEHRAN_UTC_OFFSET
from newsspider.demo.truth import ArticleTruth

SECTION = "alpha"
FIRST_NEWS_ID = 300_000


@dataclass(frozen=True)
class Story:
    """One article: as published, and as corrected (with when) if it ever is."""

    article: ArticleTruth
    corrected: ArticleTruth | None = None
    corrected_at: datetime | None = None

    @property
    def published(self) -> datetime:
        """The publication moment in UTC (the page shows it in Tehran time, to the second)."""
        return (self.article.published - TEHRAN_UTC_OFFSET).replace(tzinfo=UTC)

    def at(self, moment: datetime) -> ArticleTruth:
        if self.corrected is not None and self.corrected_at and self.corrected_at <= moment:
            return self.corrected
        return self.article


@dataclass(frozen=True)
class Timeline:
    stories: tuple[Story, ...]  # oldest first

    @classmethod
    def build(
        cls,
        start: datetime,
        hours: float,
        per_hour: float = 10.0,
        backlog: int = 60,
        corrected_share: float = 0.2,
        seed: int = 1,
    ) -> Timeline:
        rng = random.Random(seed)
        moments = [start - timedelta(hours=(i + rng.random()) / per_hour) for i in range(backlog)]
        moment = start
        while True:
            moment += timedelta(hours=rng.expovariate(per_hour))
            if moment >= start + timedelta(hours=hours):
                break
            moments.append(moment)
        taken: set[str] = set()
        stories = []
        for number, when in enumerate(sorted(m.replace(microsecond=0) for m in moments)):
            local = (when + TEHRAN_UTC_OFFSET).replace(tzinfo=None)
            article = make_article(SECTION, FIRST_NEWS_ID + number, local, rng, taken)
            story = Story(article)
            if when >= start and rng.random() < corrected_share:
                paragraphs = [*article.paragraphs[:-1], article.paragraphs[-1] + EDIT_NOTE]
                delay = timedelta(hours=rng.uniform(0, 24))
                story = Story(article, replace(article, paragraphs=paragraphs), when + delay)
            stories.append(story)
        return cls(tuple(stories))

    def edition_at(self, moment: datetime) -> Edition:
        """The site at `moment`: what was published by then, newest first, as corrected."""
        shown = [s.at(moment) for s in reversed(self.stories) if s.published <= moment]
        return Edition(number=0, sections={SECTION: tuple(shown)})
