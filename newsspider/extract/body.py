"""Article body: trafilatura in precision mode, cleaned of boilerplate, with a JSON-LD fallback.

Precision mode keeps less navigation than trafilatura's default; what still slips through (the
headline repeated as the first block, "Related:" links, share prompts, comment sections) is removed
here by rules that look at short blocks only, so real paragraphs are never dropped.
"""

from __future__ import annotations

import html as html_lib
import re
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import lxml.html
import trafilatura
from trafilatura.utils import load_html

from newsspider.extract.metadata import jsonld_articles

BLOCK_TAGS = {"head": "h2", "p": "p", "list": "ul", "quote": "blockquote", "table": "p"}
SHORT_BLOCK_WORDS = 25
# A short block that is wholly a prompt, a widget label or a cross-link.
BOILERPLATE = re.compile(
    r"^\W*(related( (posts?|articles?|stories|content|links|news|reading))?\s*:|also on \S+|"
    r"(read|see) (more|also)\b|you (may|might) also (like|enjoy)|recommended( for you)?\W*$|"
    r"like this (story|article)|share (this|it|on)\b|follow (us|him|her|them) on|"
    r"subscribe\b|advertisement\W*$|most (read|popular|viewed)\b|more from\b|"
    r"tell us what you think|leave a (comment|reply)|\d+\s+comments?\W*$|comments?\W*$|tags?\W*$|"
    r"(photo|image|picture) (credit|courtesy)|getty images\W*$)",
    re.IGNORECASE,
)
# A short block after which nothing belongs to the article any more.
TAIL_MARKER = re.compile(
    r"^\W*(you (may|might) also (like|enjoy)|related (posts?|articles?|stories)\W*$|"
    r"most (read|popular|viewed)\b|more (from|stories|news)\b|(\d+ )?comments?\W*$|"
    r"leave a (comment|reply)|tags?\W*$|recommended\W*$|tell us what you think)",
    re.IGNORECASE,
)
JSONLD_MIN_RATIO = 1.5  # JSON-LD must be this much longer than trafilatura's text to replace it


@dataclass
class Body:
    """The main text of a page: plain text, simple HTML, and the extractor that produced it."""

    text: str
    html: str
    method: str


@dataclass
class Block:
    tag: str
    lines: list[str]


def extract_body(
    html: str,
    url: str | None = None,
    *,
    tree: Any = None,
    metadata: dict[str, Any] | None = None,
) -> Body | None:
    """Return the article body of a page, or None when no main text is found."""
    tree = deepcopy(tree) if tree is not None else load_html(html)
    if tree is None:
        return None
    title, summary, jsonld_body = _hints(tree, metadata)
    blocks = clean_blocks(_trafilatura_blocks(tree, url), title, summary)
    text = "\n\n".join("\n".join(block.lines) for block in blocks)
    if jsonld_body and _word_count(jsonld_body) > JSONLD_MIN_RATIO * _word_count(text):
        return _jsonld_body(jsonld_body)
    if not text:
        return None
    return Body(text=text, html=_blocks_html(blocks), method="trafilatura")


def clean_blocks(blocks: list[Block], title: str | None, summary: str | None) -> list[Block]:
    """Drop the repeated headline/summary at the top, boilerplate blocks and trailing sections."""
    while blocks and _repeats(blocks[0], (title, summary if blocks[0].tag == "h2" else None)):
        blocks = blocks[1:]
    kept: list[Block] = []
    total = sum(len(" ".join(block.lines)) for block in blocks)
    seen = 0
    for block in blocks:
        text = " ".join(block.lines)
        short = len(text.split()) <= SHORT_BLOCK_WORDS
        if short and seen > total / 2 and TAIL_MARKER.match(text):
            break
        seen += len(text)
        if short and BOILERPLATE.match(text):
            continue
        kept.append(Block(block.tag, [line for line in block.lines if not _is_boilerplate(line)]))
    return [block for block in kept if block.lines]


def _trafilatura_blocks(tree: lxml.html.HtmlElement, url: str | None) -> list[Block]:
    document = trafilatura.bare_extraction(
        tree, url=url, favor_precision=True, with_metadata=False, include_comments=False
    )
    body = getattr(document, "body", None)
    if body is None:
        return []
    blocks = [Block("p", _text_lines(body.text))]
    for element in body:
        tag = BLOCK_TAGS.get(element.tag, "p")
        parts = list(element.iter("item")) if tag == "ul" else [element]
        blocks.append(Block(tag, [line for part in parts for line in _element_lines(part)]))
        blocks.append(Block("p", _text_lines(element.tail)))
    return [block for block in blocks if block.lines]


def _element_lines(element: Any) -> list[str]:
    """Text lines of a trafilatura element: <lb/> and table rows break lines, cells are spaced."""
    for child in element.iter("lb", "row", "cell"):
        child.tail = ("\n" if child.tag != "cell" else " ") + (child.tail or "")
    tail, element.tail = element.tail, None
    lines = _text_lines("".join(element.itertext()))
    element.tail = tail
    return lines


def _text_lines(text: str | None) -> list[str]:
    return [line for line in map(_normalize, (text or "").split("\n")) if line]


def _hints(tree: lxml.html.HtmlElement, metadata: dict[str, Any] | None) -> tuple:
    """Title, summary and JSON-LD articleBody, from the caller's metadata or read cheaply here."""
    if metadata is not None:
        return metadata.get("title"), metadata.get("summary"), metadata.get("body")
    articles = jsonld_articles(tree)
    jsonld_body = next(
        (a["articleBody"] for a in articles if isinstance(a.get("articleBody"), str)), None
    )
    heading = tree.xpath("string(//h1)") or None
    summary = tree.xpath("string(//meta[@property='og:description']/@content)") or None
    return heading, summary, jsonld_body


def _repeats(block: Block, texts: tuple[str | None, ...]) -> bool:
    """True when a block merely repeats the headline or the summary."""
    first = _squash(" ".join(block.lines))
    return bool(first) and any(text and _squash(text) == first for text in texts)


def _is_boilerplate(line: str) -> bool:
    return len(line.split()) <= SHORT_BLOCK_WORDS and bool(BOILERPLATE.match(line))


def _jsonld_body(text: str) -> Body:
    if "<" in text:
        text = lxml.html.fromstring(f"<div>{text}</div>").text_content()
    paragraphs = [_normalize(part) for part in re.split(r"\n\s*\n|\r\n|\n", text)]
    paragraphs = [part for part in paragraphs if part]
    html = "".join(f"<p>{html_lib.escape(part)}</p>" for part in paragraphs)
    return Body(text="\n\n".join(paragraphs), html=html, method="jsonld")


def _blocks_html(blocks: list[Block]) -> str:
    parts = []
    for block in blocks:
        if block.tag == "ul":
            items = "".join(f"<li>{html_lib.escape(line)}</li>" for line in block.lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            inner = "<br>".join(html_lib.escape(line) for line in block.lines)
            parts.append(f"<{block.tag}>{inner}</{block.tag}>")
    return "\n".join(parts)


def _normalize(text: str) -> str:
    return " ".join(text.split())


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))
