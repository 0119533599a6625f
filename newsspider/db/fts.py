"""A user's full-text query in SQLite FTS5's syntax, checked and folded like the index.

Accepted (docs/queries.md): words (all must occur), `"exact phrases"`, prefixes (`minist*`),
`OR`, `AND`, `NOT`, parentheses, `NEAR(a b, 5)`, `^first` (at the start of a column) and
the column filters `title:` and `body:`. Every word and phrase is rewritten in the index's
search form (`search_form`: letter variants, digits, case) and quoted, so punctuation in a
word is never syntax; anything else (an unbalanced quote or parenthesis, a dangling `OR`)
is a `BadQueryError` naming the problem, before SQLite sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsspider.extract.text import search_form

MAX_QUERY_CHARS = 200  # the longest query accepted, in characters
COLUMNS = {"title": "title", "body": "body_text"}  # filter name -> FTS column
KEYWORDS = ("AND", "OR", "NOT")
_TOKEN = re.compile(r'\s*(?:("(?:[^"]|"")*")|(")|([():*^,])|([^\s"():*^,]+))')
_WORD = re.compile(r"[^\W_]+")
_MARKS = ("(", ")", ":", "*", "^", ",")


class BadQueryError(ValueError):
    """A user's full-text query that cannot be searched for (the message says why)."""


@dataclass
class Query:
    """The FTS5 expression to MATCH, and the folded terms a snippet highlights."""

    match: str
    terms: list[tuple[str, bool]] = field(default_factory=list)  # (word, is_prefix)


def parse_query(text: str) -> Query:
    if len(text) > MAX_QUERY_CHARS:
        raise BadQueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise BadQueryError("the query has no words to search for")
    match = parser.expression()
    if parser.peek() is not None:
        raise BadQueryError(f"unexpected {parser.peek()!r}")
    return Query(match, parser.terms)


def _tokens(text: str) -> list[str]:
    """Phrases (quoted), punctuation of the syntax, and bare words with a letter or digit."""
    tokens = []
    for phrase, lone_quote, mark, word in _TOKEN.findall(text.strip()):
        if lone_quote:
            raise BadQueryError('a quote (") is not closed')
        token = phrase or mark or word
        if word and not _WORD.search(search_form(word)):
            continue  # punctuation alone ("-", "&") holds nothing to search for
        tokens.append(token)
    return tokens


class _Parser:
    """FTS5's grammar: OR over AND (explicit or implicit) over NOT over primaries."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.at = 0
        self.terms: list[tuple[str, bool]] = []

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, what: str = "a word") -> str:
        token = self.peek()
        if token is None:
            raise BadQueryError(f"the query ends where it needs {what}")
        self.at += 1
        return token

    def expect(self, mark: str) -> None:
        token = self.take(repr(mark))
        if token != mark:
            raise BadQueryError(f"expected {mark!r}, found {token!r}")

    def expression(self) -> str:
        parts = [self.conjunction()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.conjunction())
        return " OR ".join(parts)

    def conjunction(self) -> str:
        parts = [self.negation()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
            parts.append(self.negation())
        return " AND ".join(parts)

    def negation(self) -> str:
        text = self.primary()
        while self.peek() == "NOT":
            self.take()
            text += " NOT " + self.primary()
        return text

    def primary(self) -> str:
        token = self.take()
        if token == "(":
            inner = self.expression()
            self.expect(")")
            return f"({inner})"
        if token == "NEAR" and self.peek() == "(":
            return self.near()
        if self.peek() == ":" and token not in _MARKS:
            column = COLUMNS.get(token.lower())
            if column is None:
                names = ", ".join(f"{name}:" for name in COLUMNS)
                raise BadQueryError(f"unknown column {token!r} (use {names})")
            self.take()
            return f"{column} : {self.primary()}"
        if token == "^":
            return "^" + self.phrase(self.take())
        return self.phrase(token)

    def near(self) -> str:
        self.expect("(")
        phrases = []
        while self.peek() not in (None, ")", ","):
            phrases.append(self.phrase(self.take()))
        distance = ""
        if self.peek() == ",":
            self.take()
            number = self.take("a distance")
            if not number.isdigit() or len(number) > 6:
                raise BadQueryError(f"NEAR distance must be a number, not {number!r}")
            distance = f", {int(number)}"
        self.expect(")")
        if len(phrases) < 2:
            raise BadQueryError("NEAR( ) needs at least two words or phrases")
        return f"NEAR({' '.join(phrases)}{distance})"

    def phrase(self, token: str) -> str:
        if token in KEYWORDS or token in _MARKS:
            raise BadQueryError(f"{token!r} needs a word before and after it")
        text = token[1:-1].replace('""', '"') if token.startswith('"') else token
        words = _WORD.findall(search_form(text))
        if not words:
            raise BadQueryError(f"{token} has no words to search for")
        prefix = self.peek() == "*"
        if prefix:
            self.take()
        self.terms += [(word, prefix and i == len(words) - 1) for i, word in enumerate(words)]
        return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def snippet(
    text: str, terms: list[tuple[str, bool]], marks: tuple[str, str], size: int = 16
) -> str:
    """About `size` words of the stored text around its first match, matches marked.

    Words are compared in search form, so the snippet shows the text as stored (its own
    letters, digits and ZWNJ), whatever spelling the query used. One line: no newlines.
    """
    words = text.split()
    hits = [i for i, word in enumerate(words) if _matches(word, terms)]
    first = max(0, hits[0] - size // 4) if hits else 0
    shown = [
        f"{marks[0]}{word}{marks[1]}" if i in hits else word
        for i, word in enumerate(words[first : first + size], start=first)
    ]
    return ("…" if first else "") + " ".join(shown) + ("…" if first + size < len(words) else "")


def mentions(text: str, terms: list[tuple[str, bool]]) -> bool:
    """Whether any word of `text` is one of the terms (in search form)."""
    return any(_matches(word, terms) for word in text.split())


def _matches(word: str, terms: list[tuple[str, bool]]) -> bool:
    folded = _WORD.findall(search_form(word))
    return any(
        part.startswith(term) if prefix else part == term
        for part in folded
        for term, prefix in terms
    )
