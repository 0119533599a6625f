"""Structured metadata from a parsed page: JSON-LD, OpenGraph, twitter, <meta>, <time>, <link>.

Sources are read in priority order and the first one that gives a field wins, so a site's own
structured data beats generic guesses. Nothing here raises on malformed markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "blogposting",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "webpage",
}
TRACKING_PARAM = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|ref_src)$", re.IGNORECASE
)
LAZY_IMAGE_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-url", "src")

# <meta> keys (property or name, lower-cased) for each field, best first.
META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title", "title"),
    "summary": ("og:description", "twitter:description", "description", "dc.description"),
    "published": (
        "article:published_time",
        "og:article:published_time",
        "parsely-pub-date",
        "sailthru.date",
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "dc.date.issued",
        "dcterms.created",
        "dc.date",
        "dcterms.date",
        "article.published",
    ),
    "modified": ("article:modified_time", "og:updated_time", "dcterms.modified", "last-modified"),
    "site_name": ("og:site_name", "application-name"),
    "language": ("og:locale", "dc.language", "content-language", "language"),
}
META_LISTS: dict[str, tuple[str, ...]] = {
    "authors": ("article:author", "author", "parsely-author", "sailthru.author", "dc.creator"),
    "categories": ("article:section", "parsely-section"),
    "tags": ("article:tag", "parsely-tags", "sailthru.tags", "news_keywords", "keywords"),
    "images": (
        "og:image",
        "og:image:url",
        "og:image:secure_url",
        "twitter:image",
        "twitter:image:src",
    ),
}


def extract_metadata(tree: lxml.html.HtmlElement, url: str) -> dict[str, Any]:
    """Return the metadata fields found on the page; a field is absent when nothing gives it."""
    return extract_metadata_with_sources(tree, url)[0]


def extract_metadata_with_sources(
    tree: lxml.html.HtmlElement, url: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Metadata fields and, for each, the source that gave it: jsonld, opengraph, meta or html."""
    base = _base_url(tree, url)
    found: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for article in jsonld_articles(tree):
        _merge(found, sources, _from_jsonld(article), "jsonld")
    meta = _meta_values(tree)
    for source, fields in _from_meta(meta).items():
        _merge(found, sources, fields, source)
    _merge(found, sources, _from_document(tree), "html")
    page_images = _page_images(tree)
    images = _unique([*found.get("images", []), *page_images])
    if images:
        found["images"] = _unique(urljoin(base, image) for image in images)
        sources.setdefault("images", "html")
    canonical = _first(tree.xpath("//link[@rel='canonical']/@href"))
    canonical_source = "html" if canonical else "opengraph"
    canonical = canonical or _first(meta.get("og:url"))
    if canonical:
        found["canonical_url"] = strip_tracking(urljoin(base, canonical.strip()))
        sources["canonical_url"] = canonical_source
    return found, sources


def jsonld_articles(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Article-like JSON-LD objects on the page, news types before generic ones."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath("//script[contains(@type, 'ld+json')]"):
        data = _load_json(script.text or "")
        found.extend(obj for obj in _walk(data) if _types(obj) & ARTICLE_TYPES)
    return sorted(found, key=lambda obj: "webpage" in _types(obj))


def strip_tracking(url: str) -> str:
    """Drop utm_*, fbclid, gclid and other click-tracking parameters and the fragment."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAM.match(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _load_json(text: str) -> Any:
    """Parse JSON-LD leniently: control characters, trailing commas and CDATA are common."""
    text = text.strip().removeprefix("<![CDATA[").removesuffix("]]>").strip().rstrip(";")
    for candidate in (text, re.sub(r",\s*([}\]])", r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD document, following @graph, lists and mainEntity."""
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            stack.extend(item[key] for key in ("@graph", "mainEntity") if key in item)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _from_jsonld(obj: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": _text(obj.get("headline") or obj.get("name")),
        "summary": _text(obj.get("description")),
        "published": _text(obj.get("datePublished") or obj.get("dateCreated")),
        "modified": _text(obj.get("dateModified")),
        "authors": _names(obj.get("author")),
        "categories": _strings(obj.get("articleSection")),
        "tags": _keywords(obj.get("keywords")),
        "images": _image_urls(obj.get("image") or obj.get("thumbnailUrl")),
        "language": _text(obj.get("inLanguage")),
        "site_name": _first(_names(obj.get("publisher"))),
        "body": _text(obj.get("articleBody")),
        "news_id": _text(obj.get("identifier")),
    }
    if "webpage" in _types(obj):
        fields = {key: fields[key] for key in ("title", "summary", "published", "modified")}
    return {key: value for key, value in fields.items() if value}


def _meta_values(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            values.setdefault(key.strip(), []).append(content)
    return values


def _from_meta(meta: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Fields from <meta>, split by source: OpenGraph-style keys (og:, article:, twitter:) first."""
    by_source: dict[str, dict[str, Any]] = {"opengraph": {}, "meta": {}}
    for field, keys in META_KEYS.items():
        key = next((key for key in keys if key in meta), None)
        if key:
            by_source[_meta_source(key)][field] = meta[key][0]
    for field, keys in META_LISTS.items():
        for key in keys:
            values = _meta_list(field, meta.get(key, []))
            if values:
                by_source[_meta_source(key)].setdefault(field, values)
    return by_source


def _meta_list(field: str, values: list[str]) -> list[str]:
    if field == "tags":
        values = [tag for value in values for tag in _keywords(value)]
    if field == "authors":  # article:author is often a profile URL, not a name
        values = [value for value in values if "://" not in value]
    return _unique(values)


def _meta_source(key: str) -> str:
    return "opengraph" if key.startswith(("og:", "article:", "twitter:")) else "meta"


def _from_document(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    title = tree.xpath("string(//h1)").strip() or tree.xpath("string(//title)").strip()
    if title:
        fields["title"] = " ".join(title.split())
    published = _first(tree.xpath("//time[@datetime][1]/@datetime"))
    if published:
        fields["published"] = published.strip()
    language = _first(tree.xpath("/html/@lang")) or _first(tree.xpath("//html/@xml:lang"))
    if language:
        fields["language"] = language.strip()
    return fields


def _page_images(tree: lxml.html.HtmlElement) -> list[str]:
    """Images of the article container (lazy-loading attributes first), never data: URIs."""
    containers = tree.xpath("//article") or tree.xpath("//main")
    if not containers:
        return []
    container = containers[0]
    images = []
    for img in container.iter("img"):
        source = next((img.get(a) for a in LAZY_IMAGE_ATTRS if img.get(a)), "").strip()
        if source and not source.startswith("data:"):
            images.append(source)
    return images


def _base_url(tree: lxml.html.HtmlElement, url: str) -> str:
    base = _first(tree.xpath("//base/@href"))
    return urljoin(url, base.strip()) if base else url


def _merge(
    target: dict[str, Any], sources: dict[str, str], fields: dict[str, Any], source: str
) -> None:
    for key, value in fields.items():
        if key == "images" and key in target:  # every source's images count, lead image first
            target[key] = _unique([*target[key], *value])
        elif key not in target:
            target[key] = value
            sources[key] = source


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("value") or value.get("name")
    if isinstance(value, str | int) and str(value).strip():
        return str(value).strip()
    return None


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return _unique(text for item in values if (text := _text(item)))


def _names(value: Any) -> list[str]:
    """Author/publisher names from a string, a Person/Organization object or a list of them."""
    values = value if isinstance(value, list) else [value]
    names = [_text(item.get("name")) if isinstance(item, dict) else _text(item) for item in values]
    return _unique(name for name in names if name and "://" not in name)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return _strings(value) if value else []


def _image_urls(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    urls = [
        item.get("url") or item.get("contentUrl") if isinstance(item, dict) else item
        for item in values
    ]
    return _unique(url.strip() for url in urls if isinstance(url, str) and url.strip())


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _first(values: Any) -> Any:
    if isinstance(values, list):
        return next((v for v in values if not isinstance(v, str) or v.strip()), None)
    return values
