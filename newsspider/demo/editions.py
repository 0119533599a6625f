"""Two editions of the demo site, so tests can watch a re-crawl pick up changes.

Edition 2, relative to edition 1 (the corpus as built):
* alpha's misprinted headline (`content.MISPRINTED_INDEX`) is corrected;
* gamma's second article has its last paragraph edited;
* beta's fourth article is replaced by an error page served with status 200
  (its truth stays the edition-1 record: a crawler should keep what it had);
* two new articles appear at the top of alpha, pushing the others down a page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newsspider.demo.content import (
    MISPRINTED_INDEX,
    SEED_NEWS_ID,
    SEED_PUBLISHED,
    build_corpus,
    make_article,
    swap_letters,
)
from newsspider.demo.truth import ArticleTruth
from newsspider.demo.wordbank import slugify

EDITED_INDEX = 1
ERROR_INDEX = 3
EDIT_NOTE = " This report was updated with further details from officials."
REVISED_AT = SEED_PUBLISHED + timedelta(hours=5, minutes=3, seconds=9)


@dataclass(frozen=True)
class Edition:
    """The ground truth of one edition; each section's articles in listing order."""

    number: int
    sections: dict[str, tuple[ArticleTruth, ...]]
    new_paths: frozenset[str] = frozenset()
    changed_paths: frozenset[str] = frozenset()
    error_paths: frozenset[str] = frozenset()
    revised_at: datetime | None = None

    def articles(self) -> list[ArticleTruth]:
        return [a for articles in self.sections.values() for a in articles]

    def by_path(self) -> dict[str, ArticleTruth]:
        return {a.url_path: a for a in self.articles()}


def build_editions(
    articles_per_section: int = 16, seed: int = 1, scripted: bool = False
) -> dict[int, Edition]:
    corpus = build_corpus(articles_per_section, seed, scripted)
    first = Edition(1, {name: tuple(articles) for name, articles in corpus.items()})
    return {1: first, 2: _second_edition(first, seed)}


def _second_edition(first: Edition, seed: int) -> Edition:
    sections = {name: list(articles) for name, articles in first.sections.items()}
    corrected = sections["alpha"][MISPRINTED_INDEX]
    sections["alpha"][MISPRINTED_INDEX] = replace(corrected, title=swap_letters(corrected.title))
    edited = sections["gamma"][EDITED_INDEX]
    paragraphs = [*edited.paragraphs[:-1], edited.paragraphs[-1] + EDIT_NOTE]
    sections["gamma"][EDITED_INDEX] = replace(edited, paragraphs=paragraphs)
    fresh = _new_alpha_articles(first, seed)
    sections["alpha"] = fresh + sections["alpha"]
    return Edition(
        number=2,
        sections={name: tuple(articles) for name, articles in sections.items()},
        new_paths=frozenset(a.url_path for a in fresh),
        changed_paths=frozenset({corrected.url_path, edited.url_path}),
        error_paths=frozenset({sections["beta"][ERROR_INDEX].url_path}),
        revised_at=REVISED_AT,
    )


def _new_alpha_articles(first: Edition, seed: int) -> list[ArticleTruth]:
    """Two articles newer than everything in edition 1, newest first."""
    rng = random.Random(f"edition-2-{seed}")
    taken = {slugify(a.title) for a in first.articles()}
    stamps = [
        (int(SEED_NEWS_ID) + 31, SEED_PUBLISHED + timedelta(hours=3, minutes=41, seconds=12)),
        (int(SEED_NEWS_ID) + 9, SEED_PUBLISHED + timedelta(hours=1, minutes=13, seconds=47)),
    ]
    return [make_article("alpha", news_id, when, rng, taken) for news_id, when in stamps]
