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
# Every list item counts this much, plus the words it shows besides its link.
_ITEM_WEIGHT = 3


def page_links(tree: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, link text) of every followable link, in page order."""
    return [(url, text) for _, url, text in _anchors(tree, base_url)]


def _anchors(tree: HtmlElement, base_url: str) -> list[tuple[HtmlElement, str, str]]:
    links = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlparse(url).scheme in ("http", "https"):
            links.append((anchor, url, " ".join(anchor.text_content().split())))
    return links


def article_links(
    tree: HtmlElement,
    base_url: str,
    *,
    pattern: re.Pattern[str] | None,
    allowed_domains: tuple[str, ...],
) -> list[str]:
    """Article URLs on a listing page: the main list first (newest first on portals), then
    others such as a "most read" box; deduplicated."""
    main, others = listing_links(tree, base_url, pattern=pattern, allowed_domains=allowed_domains)
    return main + others


def listing_links(
    tree: HtmlElement,
    base_url: str,
    *,
    pattern: re.Pattern[str] | None,
    allowed_domains: tuple[str, ...],
) -> tuple[list[str], list[str]]:
    """(links of the page's main list, other article links).

    The main list is the container whose items carry the most text besides their
    links (dates, summaries): a sidebar of bare titles loses to it.
    """
    anchors: list[tuple[HtmlElement, str]] = []
    for anchor, url, text in _anchors(tree, base_url):
        if url == base_url or not in_domains(url, allowed_domains):
            continue
        if pattern.search(url) if pattern else _looks_like_article(text, url):
            anchors.append((anchor, url))
    best = _main_container([a for a, _ in anchors])
    main = list(dict.fromkeys(u for a, u in anchors if best is not None and _inside(a, best)))
    in_main = set(main)
    return main, list(dict.fromkeys(u for _, u in anchors if u not in in_main))


def _looks_like_article(text: str, url: str) -> bool:
    if len(text.split()) < 4:
        return False
    parts = urlparse(url)
    return bool(_ARTICLE_HINT.search(parts.path + parts.query))


def _main_container(anchors: list[HtmlElement]) -> HtmlElement | None:
    counts: dict[HtmlElement, int] = {}
    for anchor in anchors:
        for element in (anchor, *anchor.iterancestors()):
            counts[element] = counts.get(element, 0) + 1
    scores: dict[HtmlElement, float] = {}
    for anchor in anchors:
        item = anchor
        while (parent := item.getparent()) is not None and counts.get(parent) == 1:
            item = parent
        container = item.getparent()
        if container is not None:
            scores[container] = scores.get(container, 0.0) + _ITEM_WEIGHT + _unlinked_words(item)
    return max(scores, key=lambda c: scores[c]) if scores else None


def _unlinked_words(item: HtmlElement) -> int:
    total = len("".join(item.itertext()).split())
    linked = sum(len("".join(a.itertext()).split()) for a in item.iter("a"))
    return total - linked


def _inside(element: HtmlElement, container: HtmlElement) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


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
