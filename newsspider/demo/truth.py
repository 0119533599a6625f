"""The ground-truth record shared by every demo section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ArticleTruth:
    """One article as a reader sees it on the page.

    `published_raw` is the date exactly as printed; `published` is the same
    moment as a naive local (Asia/Tehran) datetime, to the precision printed.
    `url_path` is the path (and query) exactly as linked, percent-encoded.
    """

    section: str
    news_id: str
    url_path: str
    title: str
    published_raw: str
    paragraphs: list[str]
    source: str | None
    published: datetime
