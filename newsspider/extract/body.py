"""Article body: candidate extractions combined by agreement, cleaned, with a JSON-LD fallback.

Several extractors (trafilatura in precision and recall modes, readability-lxml, jusText,
resiliparse: `candidates.py`) each propose the main text; `ensemble.py` combines them by
agreement. What still slips through (the headline repeated as the first block, "Related:" links,
share prompts, comment sections) is removed by rules that look at short blocks only, so real
paragraphs are never dropped.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import lxml.html
from trafilatura.utils import load_html

from newsspider.extract.candidates import Block, LazyCandidates
from newsspider.extract.ensemble import DEFAULT, EnsembleConfig, combine
from newsspider.extract.metadata import jsonld_articles

__all__ = ["Block", "Body", "assemble", "clean_blocks", "extract_body"]
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


def extract_body(
    html: str,
    url: str | None = None,
    *,
    tree: Any = None,
    metadata: dict[str, Any] | None = None,
    config: EnsembleConfig = DEFAULT,
) -> Body | None:
    """Return the article body of a page, or None when no main text is found."""
    tree = tree if tree is not None else load_html(html)
    if tree is None:
        return None
    title, summary, jsonld_body = _hints(tree, metadata)
    clean = partial(clean_blocks, title=title, summary=summary)
    candidates = LazyCandidates(tree, html, url, clean)
    return _body(*combine(candidates, config), jsonld_body)


def assemble(
    candidates: dict[str, list[Block]],
    hints: tuple[str | None, str | None, str | None],
    config: EnsembleConfig = DEFAULT,
) -> Body | None:
    """The body from every extractor's candidate blocks (computed beforehand, as the bench
    does) and the page's title, summary and JSON-LD articleBody."""
    title, summary, jsonld_body = hints
    cleaned = {name: clean_blocks(blocks, title, summary) for name, blocks in candidates.items()}
    return _body(*combine(cleaned, config), jsonld_body)


def _body(blocks: list[Block], source: str, jsonld_body: str | None) -> Body | None:
    text = "\n\n".join("\n".join(block.lines) for block in blocks)
    if jsonld_body and _word_count(jsonld_body) > JSONLD_MIN_RATIO * _word_count(text):
        return _jsonld_body(jsonld_body)
    if not text:
        return None
    method = "trafilatura" if source in ("precision", "recall") else source
    return Body(text=text, html=_blocks_html(blocks), method=method)


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


def _hints(
    tree: lxml.html.HtmlElement, metadata: dict[str, Any] | None
) -> tuple[str | None, str | None, str | None]:
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
