"""Fields of a "portal" article page, from what a reader sees rather than class names.

The portal family shows `News ID` and `Publish Date` labels, the title twice
(heading, then lead), body paragraphs, a source-agency line and a comment form,
in markups that differ from site to site. The labels are read in document
order (see `labels`), the title is the heading the page repeats or names in its
metadata, and the body is the block holding the most unlinked paragraph text.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from newsspider.extract.labels import Labelled, find_labelled, is_label_line

# Elements that never hold article text.
_CHROME = (
    "script", "style", "noscript", "nav", "header", "footer", "aside", "iframe",
    "select", "button", "input", "textarea", "label", "svg", "menu",
)  # fmt: skip
# Paragraph elements credit their container; text held directly (between <br>s) credits itself.
_PARAGRAPHS = frozenset(["p", "li", "blockquote", "h2", "h3", "h4", "pre"])
# ASP.NET portals wrap the whole page in one <form>: only small forms are page furniture.
_SMALL_FORM_CHARS = 300
_BLOCK = frozenset(
    """p div td th tr table li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote section article
    main figure figcaption pre hr br center""".split()  # noqa: SIM905
)
_HEADINGS = "//h1|//h2|//h3|//*[contains(translate(@class,'TITLE','title'),'title')]"
_MIN_PARAGRAPH = 25
# Lines of page furniture that sit inside article blocks.
_FURNITURE = re.compile(
    r"(?i)^(print|share|send to (a )?friend|email|comments?|tags?|keywords?|related news|"
    r"(send|post|leave) (your |a )?comments?|"
    r"first name (&|and) last name|your (name|email|comment)|submit|send|"
    r"چاپ|ارسال|اشتراک\s*گذاری|نظرات|ارسال نظر|برچسب\s*ها|طباعة|إرسال|مشاركة|التعليقات)\s*:?$"
)
_BYLINE = re.compile(
    r"(?i)^(?:by|written by|reported by|reporter|author|نویسنده|خبرنگار|به قلم|بقلم|الكاتب|كتب)"
    r"\s*[:：]?\s+(?P<names>[^.!?؟]{2,80})$"
)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|،|&|\band\b|\bو\b)\s*")
# Bylines stand at the start or the end of an article.
_BYLINE_REACH = 2
_SOURCE_LINE = re.compile(r"(?i)^(?:source|منبع|المصدر)\s*[:：]\s*(.{2,60})$")
_AGENCY_MAX_WORDS = 4


def parse_html(html: str) -> HtmlElement:
    """Parse a page; an empty or unparseable document gives an empty tree, never an error."""
    try:
        return lxml.html.document_fromstring(html or "<html></html>")
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>")


def extract_portal(tree: HtmlElement, labelled: Labelled | None = None) -> dict[str, Any]:
    """News ID, raw date, title, summary, body, source of a portal article page.

    Returns only the fields it found, with `extracted_by` naming the step;
    `labelled` is `find_labelled(tree)` when the caller has it already.
    """
    fields: dict[str, Any] = {}
    steps: dict[str, str] = {}
    labelled = labelled or find_labelled(tree)
    if labelled.news_id:
        fields["news_id"], steps["news_id"] = labelled.news_id, "label"
    if labelled.published_raw:
        fields["published_raw"], steps["published_raw"] = labelled.published_raw, "label"
    title = _title(tree)
    if title:
        fields["title"], steps["title"] = title, "heading"
    paragraphs = _body_paragraphs(tree)
    paragraphs = [p for p in paragraphs if not _is_furniture(p, title)]
    authors, paragraphs = _split_bylines(paragraphs)
    if authors:
        fields["authors"], steps["authors"] = authors, "byline"
    source, paragraphs = _split_source(paragraphs)
    if source:
        fields["source"], steps["source"] = source, "agency-line"
    if paragraphs:
        fields["body_text"] = "\n\n".join(paragraphs)
        fields["body_html"] = "".join(
            f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs
        )
        fields["summary"] = paragraphs[0]
        steps.update(body_text="main-block", body_html="main-block", summary="first-paragraph")
    fields["extracted_by"] = steps
    return fields


def _title(tree: HtmlElement) -> str | None:
    meta = _meta_title(tree)
    headings = [_fold(h.text_content()) for h in tree.xpath(_HEADINGS)]
    headings = [h for h in headings if 3 <= len(h) <= 300]
    if meta:
        matching = [h for h in headings if h.casefold() in meta.casefold()]
        if matching:
            return max(matching, key=len)
    page_text = _fold(tree.text_content()).casefold()
    repeated = [h for h in headings if page_text.count(h.casefold()) >= 2 and len(h.split()) >= 3]
    if repeated:
        return max(repeated, key=len)
    return meta or (headings[0] if headings else None)


def _meta_title(tree: HtmlElement) -> str | None:
    for xpath in (
        "//meta[@property='og:title']/@content",
        "//meta[@name='twitter:title']/@content",
        "//title/text()",
    ):
        values = [_fold(v) for v in tree.xpath(xpath) if _fold(v)]
        if values:
            return values[0]
    return None


def _body_paragraphs(tree: HtmlElement) -> list[str]:
    """Paragraphs of the main block, then the short line after it (where the source sits)."""
    body = tree.find("body")
    if body is None:
        return []
    body = lxml.html.fromstring(lxml.html.tostring(body))
    for element in body.xpath("|".join(f"//{tag}" for tag in _CHROME)):
        element.drop_tree()
    for form in body.iter("form"):
        if len(_fold(form.text_content())) < _SMALL_FORM_CHARS:
            form.drop_tree()
    best = _best_block(body)
    if best is None:
        return []
    return _segments(best) + _following_line(best)


def _best_block(body: HtmlElement) -> HtmlElement | None:
    """The container whose paragraphs add up to the most unlinked text."""
    density = _link_densities(body)
    scores: dict[HtmlElement, float] = {}

    def credit(element: HtmlElement | None, points: float) -> None:
        if element is not None:
            scores[element] = scores.get(element, 0.0) + points

    for element in body.iter():
        if not isinstance(element.tag, str) or density.get(element, 1.0) > 0.5:
            continue
        text = _own_text(element)
        if len(text) < _MIN_PARAGRAPH:
            continue
        holder = element.getparent() if element.tag in _PARAGRAPHS else element
        if holder is None:
            continue
        credit(holder, len(text))
        credit(holder.getparent(), len(text) / 2)
    if not scores:
        return None
    return max(scores, key=lambda el: scores[el] * (1 - density.get(el, 1.0)))


def _link_densities(body: HtmlElement) -> dict[HtmlElement, float]:
    """Share of each element's words that sit in links, for every element in one pass."""
    words: dict[HtmlElement, int] = {}
    linked: dict[HtmlElement, int] = {}
    for element in reversed(list(body.iter())):  # every element after its descendants
        if not isinstance(element.tag, str):
            continue
        total = len((element.text or "").split())
        in_links = 0
        for child in element:
            tail = len((child.tail or "").split())
            total += words.get(child, 0) + tail
            in_links += linked.get(child, 0)
        words[element] = total
        linked[element] = total if element.tag == "a" else in_links
    return {el: (linked[el] / count if count else 1.0) for el, count in words.items()}


def _following_line(block: HtmlElement) -> list[str]:
    """The first text after the block, if it is a short line such as `IRNA` or `Source: ISNA`."""
    for sibling in block.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        segments = [text for text, linked in _segments_with_links(sibling) if not linked]
        if segments:
            line = segments[0]
            return [line] if len(line.split()) <= 2 * _AGENCY_MAX_WORDS else []
    return []


def _own_text(element: HtmlElement) -> str:
    """Text directly inside an element and its inline children, not in nested blocks."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _BLOCK:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return _fold("".join(parts))


def _segments(container: HtmlElement) -> list[str]:
    """The container's text as paragraphs, leaving out lines that are mostly links."""
    return [text for text, linked in _segments_with_links(container) if not linked]


def _segments_with_links(container: HtmlElement) -> list[tuple[str, bool]]:
    """(paragraph, is mostly link text) split at block elements and `<br>`."""
    segments: list[tuple[str, bool]] = []
    buffer: list[str] = []
    linked: list[str] = []

    def flush() -> None:
        text = _fold("".join(buffer))
        link_chars = len(_fold("".join(linked)))
        buffer.clear()
        linked.clear()
        if text:
            segments.append((text, link_chars > len(text) / 2))

    def add(piece: str | None, in_link: bool) -> None:
        buffer.append(piece or "")
        if in_link:
            linked.append(piece or "")

    def walk(node: HtmlElement, in_link: bool) -> None:
        is_block = node.tag in _BLOCK
        if is_block:
            flush()
        in_link = in_link or node.tag == "a"
        add(node.text, in_link)
        for child in node:
            if isinstance(child.tag, str):
                walk(child, in_link)
            add(child.tail, in_link)
        if is_block:
            flush()

    walk(container, False)
    flush()
    return segments


def _is_furniture(paragraph: str, title: str | None) -> bool:
    if title and paragraph.casefold() == title.casefold():
        return True  # the repeated title shown as the lead
    return is_label_line(paragraph) or bool(_FURNITURE.match(paragraph))


def _split_bylines(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Take "By A and B" / "خبرنگار: ..." lines off the start and end of the body."""
    authors: list[str] = []
    kept = []
    for index, paragraph in enumerate(paragraphs):
        near_edge = index < _BYLINE_REACH or index >= len(paragraphs) - _BYLINE_REACH
        found = _BYLINE.match(paragraph) if near_edge and len(paragraphs) > 1 else None
        if found:
            authors += [n for n in _NAME_SEPARATORS.split(found.group("names")) if n.strip()]
        else:
            kept.append(paragraph)
    return authors, kept


def _split_source(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take the agency line ("IRNA", "Source: ISNA") off the end of the body."""
    if not paragraphs:
        return None, paragraphs
    last = paragraphs[-1]
    labelled = _SOURCE_LINE.match(last)
    if labelled:
        return labelled.group(1).strip(), paragraphs[:-1]
    words = last.split()
    if (
        len(words) <= _AGENCY_MAX_WORDS
        and len(paragraphs) > 1
        and not last.endswith((".", "!", "?", "؟"))
    ):
        return last, paragraphs[:-1]
    return None, paragraphs


def _fold(text: str) -> str:
    return " ".join(text.split())
