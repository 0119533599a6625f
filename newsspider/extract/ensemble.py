"""Combine candidate main texts by agreement (after Bevendorff et al., SIGIR 2023).

Each extractor gives its paragraphs (`candidates.py`); one of them, the *base*, supplies the
skeleton. Two votes, each switched off by its neutral setting:

- page: when another candidate agrees with the rest clearly more than the base does (mean
  word-trigram Dice similarity, by more than `page_margin`), the base failed on this page and
  that candidate is taken whole;
- line: a base line is kept only when the mean share of its word trigrams found in the
  voters' texts reaches `line_threshold`.

DEFAULT is what 5-fold cross-validation on the development pages chose (bench/extraction.py):
no vote won across folds over trafilatura's precision mode alone, so the default runs that one
extractor; docs/extraction.md gives the figures. Other configurations stay measurable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import mean

from newsspider.extract.candidates import Block

WORD = re.compile(r"\w+")
Shingles = frozenset[tuple[str, ...]]


@dataclass(frozen=True)
class EnsembleConfig:
    """Which extractor gives the skeleton, which ones vote, and the two votes' settings
    (line_threshold 0 and page_margin 1 switch a vote off)."""

    base: str = "precision"
    voters: tuple[str, ...] = ()
    line_threshold: float = 0.0
    page_margin: float = 1.0

    @property
    def extractors(self) -> tuple[str, ...]:
        return (self.base, *(v for v in self.voters if v != self.base))


DEFAULT = EnsembleConfig()


def combine(candidates: dict[str, list[Block]], config: EnsembleConfig) -> tuple[list[Block], str]:
    """The combined blocks and the name of the candidate that gave the skeleton."""
    base = config.base
    voters = [name for name in config.voters if name != base and name in candidates]
    if not voters:
        return candidates.get(base, []), base
    grams = {name: _page_shingles(candidates[name]) for name in (base, *voters)}
    if config.page_margin < 1.0:
        base = _most_agreed(grams, base, config.page_margin)
    blocks = candidates[base]
    if config.line_threshold > 0.0:
        others = [grams[name] for name in grams if name != base]
        blocks = _vote_lines(blocks, others, config.line_threshold)
    return blocks, base


def _most_agreed(grams: dict[str, Shingles], base: str, margin: float) -> str:
    """The candidate most in agreement with the others, when clearly ahead of the base."""
    agreement = {
        name: mean(_dice(grams[name], grams[other]) for other in grams if other != name)
        for name in grams
    }
    best = max(agreement, key=lambda name: agreement[name])
    return best if agreement[best] > agreement[base] + margin else base


def _vote_lines(blocks: list[Block], others: list[Shingles], threshold: float) -> list[Block]:
    kept = []
    for block in blocks:
        lines = [line for line in block.lines if _support(line, others) >= threshold]
        if lines:
            kept.append(Block(block.tag, lines))
    return kept


def _support(line: str, others: list[Shingles]) -> float:
    grams = shingles(line)
    if not grams:
        return 1.0
    return mean(len(grams & other) / len(grams) for other in others)


def _page_shingles(blocks: list[Block]) -> Shingles:
    return frozenset().union(*(shingles(line) for block in blocks for line in block.lines))


def shingles(text: str, size: int = 3) -> Shingles:
    """Word `size`-grams of a text, lower-cased; a shorter text is one shingle."""
    words = WORD.findall(text.lower())
    if len(words) < size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def _dice(first: Shingles, second: Shingles) -> float:
    total = len(first) + len(second)
    return 2 * len(first & second) / total if total else 0.0
