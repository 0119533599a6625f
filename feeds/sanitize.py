"""HTML cleaning for feed content: a small allow-list through nh3, URLs made absolute.

Feed readers render `content` as HTML inside their own pages, so anything that can run
code or load active content (scripts, frames, forms, event handlers, script URLs) goes.
"""

from __future__ import annotations

import html
from urllib.parse import urljoin, urlsplit

import nh3

from feeds.text import plain_line, strip_illegal

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
        "blockquote", "em", "strong", "b", "i", "figure", "figcaption",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
# Elements removed together with their text (their text is code, not prose).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src"})


def sanitize_html(fragment: str | None, article_url: str) -> str:
    """Allow-listed HTML with absolute http(s) links; text of removed elements is kept."""
    if not fragment:
        return ""

    def keep_attribute(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in URL_ATTRIBUTES:
            return value
        return _safe_url(tag, value, article_url)

    cleaned = nh3.clean(
        strip_illegal(fragment),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=keep_attribute,
        url_schemes=set(LINK_SCHEMES) | {"data"},
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


def _safe_url(tag: str, value: str, article_url: str) -> str | None:
    url = "".join(strip_illegal(value).split())
    if url.lower().startswith("data:"):
        return url if tag == "img" and url.lower().startswith("data:image/") else None
    absolute = urljoin(article_url, url)
    return absolute if urlsplit(absolute).scheme.lower() in LINK_SCHEMES else None


def text_to_html(text: str | None) -> str:
    """Plain text as escaped HTML paragraphs (one per non-blank line)."""
    lines = (plain_line(line) for line in strip_illegal(text).splitlines())
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)
