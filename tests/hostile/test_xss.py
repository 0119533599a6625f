"""Every XSS vector in the fixture list comes out of every published format clean, text kept.

Each vector becomes one article's body (between a safe paragraph, a safe link and
a safe image) and its title; the real exporter writes RSS, Atom, JSON Feed and
index.html, and each output is parsed back and searched for anything active.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from feeds import export_feeds
from tests.feeds.conftest import article, make_config

VECTORS = [
    line
    for line in (Path(__file__).parents[1] / "fixtures/hostile/xss_vectors.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
]
ACTIVE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "meta", "base",
    "form", "input", "button", "style", "link", "svg", "math", "isindex", "textarea",
    "noscript", "template", "video", "audio", "source", "bgsound", "marquee", "details",
    "title", "body", "html", "head", "x", "table",
}  # fmt: skip
SAFE_SCHEMES = ("http://", "https://", "mailto:")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def _body(n: int, vector: str) -> str:
    return (
        f"<p>Safe text KEEP{n} here.</p>{vector}"
        f'<p><a href="https://a.example.com/safe/{n}">safe link</a> '
        f'<img src="https://a.example.com/safe/{n}.jpg" alt="safe image"></p>'
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from newsspider.db import Database

    out = tmp_path_factory.mktemp("xss")
    db = Database(out / "news.db")
    try:
        for n, vector in enumerate(VECTORS):
            record = article(
                "a",
                str(n),
                title=f"Title {n} {vector}",
                body_html=_body(n, vector),
                body_text=f"Safe text KEEP{n} here.",
            )
            db.upsert_article(record, now="2025-10-28T00:00:00Z")
    finally:
        db.close()
    export_feeds(out / "news.db", out / "feeds", make_config("a"), limit=len(VECTORS))
    return out / "feeds"


def test_the_list_has_at_least_fifty_vectors():
    assert len(VECTORS) >= 50


def _contents(feeds: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """Per format: news ID -> (title text, content HTML)."""
    found: dict[str, dict[str, tuple[str, str]]] = {"rss": {}, "atom": {}, "json": {}}
    rss = etree.fromstring((feeds / "a.rss.xml").read_bytes())
    for item in rss.iter("item"):
        news_id = item.findtext("link").rstrip("/").rsplit("/", 1)[-1]
        found["rss"][news_id] = (item.findtext("title"), item.findtext(CONTENT))
    atom = etree.fromstring((feeds / "a.atom.xml").read_bytes())
    for entry in atom.iter(f"{ATOM}entry"):
        news_id = entry.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[-1]
        found["atom"][news_id] = (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}content"))
    for item in json.loads((feeds / "a.json").read_bytes())["items"]:
        news_id = item["url"].rstrip("/").rsplit("/", 1)[-1]
        found["json"][news_id] = (item["title"], item["content_html"])
    return found


def active_parts(fragment: str) -> list[str]:
    """Everything in an HTML fragment that could run code, load active content or navigate."""
    problems = []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element is not root and element.tag.lower() in ACTIVE_TAGS:
            problems.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            lowered = "".join(value.split()).lower()
            if name.lower().startswith("on") or name.lower() in ("style", "srcdoc", "srcset"):
                problems.append(f"{name}=")
            # A relative "javascript:" made absolute (https://site/path/javascript:...) is inert.
            image_data = element.tag == "img" and lowered.startswith("data:image/")
            if name in ("href", "src") and not lowered.startswith(SAFE_SCHEMES) and not image_data:
                problems.append(f"{name}={value[:40]}")
    return problems


@pytest.mark.parametrize("n", range(len(VECTORS)))
def test_vector_is_removed_and_text_kept_in_every_format(published, n):
    for fmt, entries in _contents(published).items():
        title, content = entries[str(n)]
        assert active_parts(content) == [], (fmt, VECTORS[n], content)
        assert f"Safe text KEEP{n} here." in content, (fmt, content)
        assert f'href="https://a.example.com/safe/{n}"' in content, (fmt, content)
        assert f'src="https://a.example.com/safe/{n}.jpg"' in content, (fmt, content)
        # Titles are text: markup in them arrives escaped, as the characters the page showed.
        assert title.startswith(f"Title {n}"), (fmt, title)


def test_index_page_has_nothing_active(published):
    page = (published / "index.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(page)
    assert tree.xpath("//script|//iframe|//form|//object|//embed|//base") == []
    assert [a for a in tree.xpath("//@*") if a.attrname.lower().startswith("on")] == []
