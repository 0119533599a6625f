"""Candidate main texts of one page from independent extractors, each as a list of blocks.

The body ensemble (`ensemble.py`) votes between them. The page is parsed once; each library
gets a copy of that tree where it edits it (resiliparse parses the HTML with its own fast
parser). An extractor that fails or finds nothing gives [].
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from typing import Any

import justext
import lxml.html
import trafilatura
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

LOGGER = logging.getLogger(__name__)
# trafilatura's output elements -> our block tags
BLOCK_TAGS = {"head": "h2", "p": "p", "list": "ul", "quote": "blockquote", "table": "p"}
READABILITY_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td")


@dataclass
class Block:
    """One block of main text: its tag (p, h2, ul, blockquote) and its lines."""

    tag: str
    lines: list[str]


def gather(tree: Any, html: str, url: str | None, names: tuple[str, ...]) -> dict[str, list[Block]]:
    """The blocks each named extractor finds on the page."""
    return {name: EXTRACTORS[name](tree, html, url) for name in names}


class LazyCandidates(dict[str, list[Block]]):
    """Each extractor's blocks, run the first time they are asked for."""

    def __init__(self, tree: Any, html: str, url: str | None, clean: Callable) -> None:
        super().__init__()
        self._page = (tree, html, url)
        self._clean = clean

    def __missing__(self, name: str) -> list[Block]:
        blocks = self[name] = self._clean(EXTRACTORS[name](*self._page))
        return blocks


def trafilatura_blocks(tree: Any, url: str | None, *, focus: str) -> list[Block]:
    """trafilatura's extraction ("precision" or "recall" focus); it works on its own copy."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=focus == "precision",
        favor_recall=focus == "recall",
        with_metadata=False,
        include_comments=False,
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


def readability_blocks(tree: Any) -> list[Block]:
    """readability-lxml's summary, split at its block elements."""
    from readability import Document  # only when voting: it loads chardet (50 ms)

    try:
        summary = Document(deepcopy(tree)).summary(html_partial=True)
    except Exception as exc:  # readability raises assorted errors on odd pages
        LOGGER.debug("readability failed: %s", exc)
        return []
    root = lxml.html.fromstring(summary)
    blocks = []
    for element in root.iter(*READABILITY_BLOCKS):
        if not any(True for _ in element.iterdescendants(*READABILITY_BLOCKS)):
            blocks.append(Block("p", _text_lines(element.text_content())))
    blocks = [block for block in blocks if block.lines]
    return blocks or _paragraph_blocks([root.text_content()])


def justext_blocks(tree: Any) -> list[Block]:
    """jusText's good paragraphs, classified with the stop words of every language."""
    try:
        paragraphs = justext.justext(lxml.html.tostring(tree), _all_stopwords())
    except Exception as exc:  # jusText raises on pages it cannot segment
        LOGGER.debug("justext failed: %s", exc)
        return []
    return _paragraph_blocks([p.text for p in paragraphs if not p.is_boilerplate])


def resiliparse_blocks(html: str) -> list[Block]:
    """Resiliparse's main-content text, one paragraph per line."""
    text = extract_plain_text(HTMLTree.parse(html), main_content=True, alt_texts=False)
    return _paragraph_blocks(text.split("\n"))


def _paragraph_blocks(texts: list[str]) -> list[Block]:
    return [Block("p", [line]) for line in map(_normalize, texts) if line]


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


@cache
def _all_stopwords() -> frozenset[str]:
    return frozenset(
        word for language in justext.get_stoplists() for word in justext.get_stoplist(language)
    )


def _normalize(text: str) -> str:
    return " ".join(text.split())


EXTRACTORS: dict[str, Callable[[Any, str, str | None], list[Block]]] = {
    "precision": lambda tree, html, url: trafilatura_blocks(tree, url, focus="precision"),
    "recall": lambda tree, html, url: trafilatura_blocks(tree, url, focus="recall"),
    "readability": lambda tree, html, url: readability_blocks(tree),
    "justext": lambda tree, html, url: justext_blocks(tree),
    "resiliparse": lambda tree, html, url: resiliparse_blocks(html),
}
