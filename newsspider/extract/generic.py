"""The whole extraction chain for one page: site selectors, then structured metadata, then generic.

Each field is taken from the first step that gives it: the site's own CSS/XPath selector, then
JSON-LD / OpenGraph / <meta>, then generic extractors (trafilatura, htmldate, language detection).
`extracted_by` records which step won, so a wrong field can be traced to its source.
"""

from __future__ import annotations

import html as html_lib
from typing import Any
from urllib.parse import urljoin

import lxml.html
import py3langid
from lxml import etree
from trafilatura.utils import load_html

from newsspider.extract.body import extract_body
from newsspider.extract.encoding import decode_html
from newsspider.extract.metadata import LAZY_IMAGE_ATTRS, extract_metadata_with_sources
from newsspider.extract.pubdate import find_published, parse_date

XPATH_START = ("xpath:", "/", "(")
TEXT_FIELDS = ("title", "summary", "published_raw", "canonical_url", "language", "news_id")
LIST_FIELDS = ("authors", "categories", "tags", "images")
METADATA_KEYS = {"published_raw": "published", "body_text": "body"}  # our field -> metadata key
SELECTOR_ALIASES = {"body": "body_text", "published": "published_raw", "date": "published_raw"}
BODY_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")
LANGUAGE_SAMPLE = 2000


def extract_article(
    html: str | bytes,
    url: str,
    *,
    selectors: dict[str, str] | None = None,
    known: dict[str, Any] | None = None,
    tree: lxml.html.HtmlElement | None = None,
    detect_language: bool = True,
) -> dict[str, Any]:
    """Extract every article field from one page; fields not found are None (lists: empty).

    `known` holds what a site-kind step (e.g. portal labels) found, with its own
    `extracted_by`: it ranks after the site's selectors and before metadata.
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    tree = tree if tree is not None else load_html(text)
    if tree is None:
        return _empty_article()
    article = _empty_article()
    _apply_selectors(article, tree, url, selectors or {})
    _apply_known(article, known or {})
    metadata, sources = extract_metadata_with_sources(tree, url)
    for field in (*TEXT_FIELDS, *LIST_FIELDS):
        key = METADATA_KEYS.get(field, field)
        if field == "published_raw":  # decided with the URL and the page text: _fill_generic
            continue
        if not article[field] and metadata.get(key):
            _set(article, field, metadata[key], sources.get(key, "meta"))
    _fill_generic(article, text, url, tree, metadata, detect_language=detect_language)
    if not article["published_raw"]:
        _set_published(article, text, url, tree, metadata, sources.get("published", "meta"))
    return article


def _set_published(
    article: dict[str, Any], html: str, url: str, tree: Any, metadata: dict[str, Any], step: str
) -> None:
    """The metadata date as written when the signals agree on it, else the day they agree on."""
    found = find_published(html, url, tree=tree, metadata=metadata)
    if not found:
        return
    raw = metadata.get("published")
    stated = parse_date(raw)
    if raw and stated and stated.isoformat() == found:
        _set(article, "published_raw", raw, step)
    else:
        _set(article, "published_raw", found, "htmldate")


def _apply_known(article: dict[str, Any], known: dict[str, Any]) -> None:
    steps = known.get("extracted_by", {})
    for field, value in known.items():
        if field != "extracted_by" and value and not article.get(field):
            _set(article, field, value, steps.get(field, "site"))
    if article["extracted_by"].get("body_text") != "selector" and known.get("body_html"):
        article["body_html"] = known["body_html"]


def select(tree: lxml.html.HtmlElement, selector: str) -> list[Any]:
    """Elements or strings matched by a CSS selector, or an XPath one ("xpath:", "/" or "(")."""
    selector = selector.strip()
    if selector.startswith(XPATH_START):
        result = tree.xpath(selector.removeprefix("xpath:").strip())
        return result if isinstance(result, list) else [result]
    return tree.cssselect(selector.removeprefix("css:").strip())


def _apply_selectors(
    article: dict[str, Any], tree: lxml.html.HtmlElement, url: str, selectors: dict[str, str]
) -> None:
    for name, selector in selectors.items():
        field = SELECTOR_ALIASES.get(name, name)
        try:
            matches = select(tree, selector)
        except (etree.XPathError, SyntaxError, ValueError):
            continue
        if not matches:
            continue
        if field == "body_text":
            _set_selected_body(article, matches)
        elif field == "images":
            _set(
                article,
                field,
                [urljoin(url, src) for src in map(_image_source, matches) if src],
                "selector",
            )
        elif field in LIST_FIELDS:
            _set(article, field, [text for text in map(_text_of, matches) if text], "selector")
        elif field in TEXT_FIELDS:
            _set(article, field, " ".join(filter(None, map(_text_of, matches))), "selector")


def _set_selected_body(article: dict[str, Any], matches: list[Any]) -> None:
    blocks: list[tuple[str, str]] = []
    for match in matches:
        if not isinstance(match, lxml.html.HtmlElement):
            blocks.append(("p", _text_of(match)))
            continue
        inner = [el for el in match.iter(*BODY_BLOCKS) if not _has_block_ancestor(el, match)]
        blocks.extend((el.tag, _text_of(el)) for el in inner or [match])
    blocks = [(tag, text) for tag, text in blocks if text]
    if not blocks:
        return
    html = "\n".join(_block_html(tag, text) for tag, text in blocks)
    _set(article, "body_text", "\n\n".join(text for _, text in blocks), "selector")
    article["body_html"] = html


def _fill_generic(
    article: dict[str, Any],
    html: str,
    url: str,
    tree: Any,
    metadata: dict[str, Any],
    *,
    detect_language: bool,
) -> None:
    if not article["body_text"]:
        body = extract_body(html, url, tree=tree, metadata=metadata)
        if body is not None:
            _set(article, "body_text", body.text, body.method)
            article["body_html"] = body.html
    if detect_language and not article["language"] and article["body_text"]:
        language, _ = py3langid.classify(article["body_text"][:LANGUAGE_SAMPLE])
        _set(article, "language", language, "langid")


def _set(article: dict[str, Any], field: str, value: Any, step: str) -> None:
    article[field] = value
    article["extracted_by"][field] = step


def _empty_article() -> dict[str, Any]:
    article: dict[str, Any] = dict.fromkeys((*TEXT_FIELDS, "body_text", "body_html"))
    article.update({field: [] for field in LIST_FIELDS})
    article["extracted_by"] = {}
    return article


def _text_of(match: Any) -> str:
    text = match.text_content() if isinstance(match, lxml.html.HtmlElement) else str(match)
    return " ".join(text.split())


def _image_source(match: Any) -> str | None:
    if isinstance(match, lxml.html.HtmlElement):
        images = [match] if match.tag == "img" else list(match.iter("img"))
        return next((img.get(a) for img in images for a in LAZY_IMAGE_ATTRS if img.get(a)), None)
    return str(match).strip() or None


def _has_block_ancestor(element: Any, stop: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in BODY_BLOCKS:
            return True
        parent = parent.getparent()
    return False


def _block_html(tag: str, text: str) -> str:
    escaped = html_lib.escape(text)
    if tag == "li":
        return f"<ul><li>{escaped}</li></ul>"
    tag = "h2" if tag in ("h3", "h4") else tag
    return f"<{tag}>{escaped}</{tag}>"
