"""What every markup shares: paging arithmetic, the most-read box's choice, escaping.

The markups themselves deliberately share no HTML, so that an extractor tuned
on one cannot pass on the others by accident.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from newsspider.demo.truth import ArticleTruth

PAGE_SIZE = 6
MOST_READ_COUNT = 5
CATEGORIES = (
    "Politics",
    "Economy",
    "Society",
    "Culture",
    "Sports",
    "World",
    "Science",
    "Provinces",
    "Photo",
    "Video",
    "Archive",
)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def share_param(url: str) -> str:
    """A page URL as share buttons pass it, percent-encoded inside their query string."""
    return quote(url, safe="")


@dataclass(frozen=True)
class SectionView:
    """What a markup needs besides the page's own article: where it is served, the others."""

    section: str
    base_url: str
    articles: tuple[ArticleTruth, ...]

    def absolute(self, path: str) -> str:
        return self.base_url + path

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.articles) // PAGE_SIZE))

    def page_articles(self, page: int) -> tuple[ArticleTruth, ...]:
        start = (page - 1) * PAGE_SIZE
        return self.articles[start : start + PAGE_SIZE]

    def most_read(self, exclude: ArticleTruth | None = None) -> list[ArticleTruth]:
        """A site-wide box (a stable pick of older articles), never listing the page's own."""
        return [a for a in self._popular if a is not exclude][:MOST_READ_COUNT]

    @cached_property
    def _popular(self) -> list[ArticleTruth]:
        picks = sorted(self.articles, key=lambda a: _stable_hash(a.url_path))
        return picks[: MOST_READ_COUNT + 1]


def _stable_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def viewstate(key: str, length: int = 240) -> str:
    """A deterministic stand-in for ASP.NET's opaque __VIEWSTATE blob."""
    digest = b""
    counter = 0
    while len(digest) * 4 // 3 < length:
        digest += hashlib.sha256(f"{key}/{counter}".encode()).digest()
        counter += 1
    return "/wEPDwUK" + base64.b64encode(digest).decode("ascii")[:length]


def summary(article: ArticleTruth, words: int = 24) -> str:
    """The first words of the body, as listing pages show them."""
    first = article.paragraphs[0].split() if article.paragraphs else []
    text = " ".join(first[:words])
    return text + (" ..." if len(first) > words else "")
