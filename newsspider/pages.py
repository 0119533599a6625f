"""What a crawl stores for a saved page: the extraction chain, then the article path's
normalizing and validation (`newsspider.articles.preview`). Behind `newsspider extract`
and benchmarks; no Scrapy here. A page that cannot be read gives `{"path", "error"}`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from newsspider import articles
from newsspider.config import SiteConfig
from newsspider.extract.chain import extract_page
from newsspider.extract.encoding import decode_html

OUTPUT_FIELDS = (
    "url",
    "news_id",
    "title",
    "published",
    "published_raw",
    "authors",
    "language",
    "summary",
    "source",
    "canonical_url",
    "categories",
    "tags",
    "images",
    "body_text",
    "extracted_by",
)


def extract_batch(
    lines: list[str], site: SiteConfig | None, now: datetime
) -> Iterator[dict[str, Any]]:
    """One result per non-blank line, in order; a bad line gives `{"path", "error"}`."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            path, url = entry["path"], entry.get("url") or Path(entry["path"]).resolve().as_uri()
        except (ValueError, KeyError, TypeError, AttributeError):
            yield {"path": None, "line": number, "error": "not a JSON object with a 'path'"}
            continue
        if not isinstance(path, str) or not isinstance(url, str):
            error = "'path' and 'url' must be strings"
            yield {"path": None, "line": number, "error": error}
            continue
        yield extract_file(path, url, site, now)


def extract_file(path: str, url: str, site: SiteConfig | None, now: datetime) -> dict[str, Any]:
    """The chain's fields for one saved page, or `{"path", "error"}` when it cannot be read."""
    try:
        data = _read(path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return {"path": path, "url": url, "error": f"cannot read: {exc}"}
    html = decode_html(data)
    if "<" not in html:
        return {"path": path, "url": url, "error": "not an HTML page (empty or plain text)"}
    try:
        return {"path": path, **extract_fields(html, url, site, now)}
    except Exception as exc:  # one bad page must not stop a batch
        return {"path": path, "url": url, "error": f"cannot extract: {type(exc).__name__}: {exc}"}


def extract_fields(html: str, url: str, site: SiteConfig | None, now: datetime) -> dict[str, Any]:
    """What a crawl fetching this page at `now` would store: the chain's fields, normalized
    (clean text, UTC date, language code); `dropped` names why a crawl would not store it."""
    fields = extract_page(html, url, site)
    fields.update(url=url, fetched_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    articles.preview(fields, site)
    result = {name: fields.get(name) for name in OUTPUT_FIELDS}
    return result | ({"dropped": fields["dropped"]} if "dropped" in fields else {})


def _read(path: str) -> bytes:
    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        return gzip.decompress(data)
    return data
