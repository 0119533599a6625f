"""Which links of a listing page are articles, and which is the next listing page."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlparse

from lxml.html import HtmlElement

_NEXT_TEXT = re.compile(
    r"(?i)^\s*(next|next page|older|more|»|›|>|>>|بعدی|صفحه بعد|التالي|التالى)\s*[»›>]?\s*$"
)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
# Without an article_url_pattern: a link whose path carries a number or a long slug.
_ARTICLE_HINT = re.compile(r"\d{3,}|/[^/]*-[^/]*-[^/]*-[^/]*/?$")


def page_links(tree: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, link text) of every followable link, in page order."""
    links = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlparse(url).scheme in ("http", "https"):
            links.append((url, " ".join(anchor.text_content().split())))
    return links


def article_links(
    tree: HtmlElement,
    base_url: str,
    *,
    pattern: re.Pattern[str] | None,
    allowed_domains: tuple[str, ...],
) -> list[str]:
    """Article URLs on a listing page, deduplicated, in page order (newest first on portals)."""
    seen: dict[str, None] = {}
    for url, text in page_links(tree, base_url):
        if url == base_url or not in_domains(url, allowed_domains):
            continue
        if pattern is not None:
            if pattern.search(url):
                seen.setdefault(url)
        elif len(text.split()) >= 4 and _ARTICLE_HINT.search(
            urlparse(url).path + urlparse(url).query
        ):
            seen.setdefault(url)
    return list(seen)


def next_page(tree: HtmlElement, base_url: str, page: int) -> str | None:
    """The following listing page: rel=next, a "Next" link, or the link numbered page+1."""
    for href in tree.xpath(
        "//link[@rel='next']/@href|//a[contains(concat(' ',@rel,' '),' next ')]/@href"
    ):
        return urldefrag(urljoin(base_url, href.strip()))[0]
    numbered = None
    for url, text in page_links(tree, base_url):
        if url == base_url:
            continue
        if _NEXT_TEXT.match(text):
            return url
        if numbered is None and text == str(page + 1):
            numbered = url
    return numbered


def in_domains(url: str, domains: tuple[str, ...]) -> bool:
    host = urlparse(url).hostname or ""
    return not domains or any(host == d or host.endswith("." + d) for d in domains)
