"""The article path, Scrapy-free: normalize → validate → store → `Result`.

Every entry point runs it: the Scrapy pipelines (one step each, counting into the
crawl's stats), cluster ingest (`process`, the whole path), and `extract` (only
`normalize`, to show what a crawl would store). The fields are any mutable mapping
of `Article` fields (a dict, or Scrapy's `ItemAdapter` over an item).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsspider.extract.dates import explain_date, to_iso_utc
from newsspider.extract.encoding import looks_mojibake
from newsspider.extract.text import clean_body, clean_text
from newsspider.stats import DropReason, Outcome, WarningReason

if TYPE_CHECKING:
    from newsspider.config import SiteConfig
    from newsspider.db import Database

logger = logging.getLogger(__name__)

_LINE_FIELDS = ("title", "summary", "source", "published_raw")
_LIST_FIELDS = ("authors", "categories", "tags")


class ArticleDropped(Exception):
    """The fields cannot be an article; `reason` is the counted `DropReason`."""

    def __init__(self, reason: DropReason, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Result:
    """What the path did with one article, and what it warned about on the way."""

    outcome: Outcome
    warnings: tuple[str, ...] = ()
    reason: DropReason | None = None  # set when the outcome is DROPPED
    detail: str = ""


def normalize(fields: MutableMapping[str, Any], site: SiteConfig | None) -> list[str]:
    """Clean text in place, and turn the date as shown into UTC in the site's time zone.

    Returns the warnings (a date missing or not stored, with why)."""
    for name in _LINE_FIELDS:
        if fields.get(name) is not None:
            fields[name] = clean_text(fields[name]) or None
    if fields.get("body_text") is not None:
        fields["body_text"] = clean_body(fields["body_text"]) or None
    for name in _LIST_FIELDS:
        fields[name] = list(dict.fromkeys(v for v in map(clean_text, fields.get(name) or []) if v))
    if fields.get("language"):
        # `en-US`, `EN`, `en_GB` are all `en`: one code per language for queries and feeds.
        fields["language"] = re.split(r"[-_]", clean_text(fields["language"]))[0].lower() or None
    if fields.get("news_id") is not None:
        fields["news_id"] = clean_text(str(fields["news_id"])) or None
    warning = _normalize_date(fields, site)
    return [warning] if warning else []


def _normalize_date(fields: MutableMapping[str, Any], site: SiteConfig | None) -> str | None:
    raw = fields.get("published_raw")
    fields["published"] = None
    if not raw:
        return WarningReason.DATE_MISSING
    fetched = fields.get("fetched_at")
    now = datetime.fromisoformat(fetched) if fetched else datetime.now(UTC)
    moment, how = explain_date(
        raw,
        timezone=site.timezone if site else "UTC",
        now=now,
        dayfirst=site.dayfirst if site else False,
    )
    if moment is None:
        logger.warning("date %r of %s not stored (%s)", raw, fields.get("url"), how)
        return f"date_{how}"
    fields["published"] = to_iso_utc(moment)
    return None


def validate(fields: Mapping[str, Any]) -> list[str]:
    """Raise `ArticleDropped` for what cannot be an article; return the warnings."""
    url = fields.get("url")
    if not fields.get("news_id"):
        raise ArticleDropped(DropReason.NO_NEWS_ID, f"no news ID found on {url}")
    if not fields.get("title"):
        raise ArticleDropped(DropReason.NO_TITLE, f"no title found on {url}")
    if looks_mojibake(fields.get("title")) or looks_mojibake(fields.get("body_text")):
        raise ArticleDropped(DropReason.MOJIBAKE, f"text of {url} is mis-decoded")
    return [] if fields.get("body_text") else [WarningReason.BODY_MISSING]


def store(db: Database, fields: Mapping[str, Any]) -> Outcome:
    """Upsert the article, stamped with when it was fetched (now, when unknown)."""
    record = dict(fields.items())  # shallow: asdict() deep-copies every list
    fetched = record.get("fetched_at") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return db.upsert_article(record, now=fetched)


def preview(fields: dict[str, Any], site: SiteConfig | None) -> dict[str, Any]:
    """The fields as `process` would store them; `dropped` names why it would not."""
    normalize(fields, site)
    try:
        validate(fields)
    except ArticleDropped as exc:
        fields["dropped"] = str(exc.reason)
    return fields


def process(db: Database, fields: MutableMapping[str, Any], site: SiteConfig | None) -> Result:
    """The whole path for one article: normalize, validate, store."""
    warnings = normalize(fields, site)
    try:
        warnings += validate(fields)
    except ArticleDropped as exc:
        return Result(Outcome.DROPPED, tuple(warnings), exc.reason, exc.detail)
    return Result(store(db, fields), tuple(warnings))
