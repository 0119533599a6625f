"""Combine candidate main texts by agreement (after Bevendorff et al., SIGIR 2023).

Each extractor gives its paragraphs (`candidates.py`); one of them, the *base*, supplies the
skeleton. Two votes, each switched off by its neutral setting:

- page: when another candidate agrees with the rest clearly more than the base does (mean
  word-trigram Jaccard similarity, by more than `page_margin`), the base failed on this page
  and that candidate is taken whole. With three candidates, a base and first voter that agree
  at 1 - 2 * page_margin or more cannot be outvoted (Jaccard distance obeys the triangle
  inequality), so the second voter is not even run: `candidates` may compute lazily;
- line: a base line is kept only when the mean share of its word trigrams found in the
  voters' texts reaches `line_threshold`.

DEFAULT is what 5-fold cross-validation on the development pages supports (bench/extraction.py):
neither vote, with its setting tuned on the other folds, beat trafilatura's precision mode alone
on held-out folds, so by default only that extractor runs (docs/extraction.md gives the
figures). PAGE_VOTE is the best-measured alternative, for measuring on other pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
PAGE_VOTE = EnsembleConfig(voters=("resiliparse", "readability"), page_margin=0.2)


def combine(
    candidates: Mapping[str, list[Block]], config: EnsembleConfig
) -> tuple[list[Block], str]:
    """The combined blocks and the name of the candidate that gave the skeleton."""
    base = config.base
    voters = [name for name in config.voters if name != base]
    if not voters:
        return candidates[base], base
    grams = {name: _page_shingles(candidates[name]) for name in (base, voters[0])}
    if _settled(grams, base, voters[0], config):
        return candidates[base], base
    grams.update((name, _page_shingles(candidates[name])) for name in voters[1:])
    if config.page_margin < 1.0:
        base = _most_agreed(grams, base, config.page_margin)
    blocks = candidates[base]
    if config.line_threshold > 0.0:
        others = [grams[name] for name in grams if name != base]
        blocks = _vote_lines(blocks, others, config.line_threshold)
    return blocks, base


def _settled(grams: dict[str, Shingles], base: str, first: str, config: EnsembleConfig) -> bool:
    """True when a page vote of three cannot replace the base and no line vote is asked."""
    if config.line_threshold > 0.0 or len(config.voters) != 2:
        return False
    return _similarity(grams[base], grams[first]) >= 1.0 - 2.0 * config.page_margin


def _most_agreed(grams: dict[str, Shingles], base: str, margin: float) -> str:
    """The candidate most in agreement with the others, when clearly ahead of the base."""
    agreement = {
        name: mean(_similarity(grams[name], grams[other]) for other in grams if other != name)
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


def _similarity(first: Shingles, second: Shingles) -> float:
    """Jaccard similarity (1 minus a distance that obeys the triangle inequality)."""
    union = len(first | second)
    return len(first & second) / union if union else 1.0
