"""The settings grids that bench/extraction.py cross-validates, and per-page records for them.

Body: every candidate extraction of a page is computed once, then each ensemble configuration
of the grid combines them (cheap), so the whole grid is scored from one extraction pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import product
from pathlib import Path
from typing import Any

from trafilatura.utils import load_html

from newsspider.extract.body import _hints, assemble
from newsspider.extract.candidates import EXTRACTORS, gather
from newsspider.extract.ensemble import PAGE_VOTE, EnsembleConfig
from newsspider.extract.metadata import extract_metadata
from newsspider.extract.pubdate import DateRule, decide, htmldate_day, parse_date, url_date

# Voters besides the base; "sibling" is the base's other trafilatura mode.
VOTER_SETS = (
    ("resiliparse", "readability"),
    ("resiliparse", "readability", "justext"),
    ("sibling", "resiliparse"),
    ("sibling", "resiliparse", "readability"),
    ("sibling", "resiliparse", "readability", "justext"),
)
LINE_THRESHOLDS = (0.0, 0.25, 0.5)
PAGE_MARGINS = (1.0, 0.3, 0.2, 0.1, 0.05)


def body_grid() -> list[EnsembleConfig]:
    """Simplest first: one extractor alone, then page votes, then line votes, more voters."""
    grid = [EnsembleConfig(base, (), 0.0, 1.0) for base in ("precision", "recall")]
    for base, voters, threshold, margin in product(
        ("precision", "recall"), VOTER_SETS, LINE_THRESHOLDS, PAGE_MARGINS
    ):
        sibling = "recall" if base == "precision" else "precision"
        named = tuple(sibling if name == "sibling" else name for name in voters)
        if threshold or margin < 1.0:
            grid.append(EnsembleConfig(base, named, threshold, margin))
    return grid


def body_families(grid: list[EnsembleConfig]) -> dict[str, list[EnsembleConfig]]:
    """Each vote tuned on its own, and everything at once, always with `precision alone`."""
    alone = grid[0]
    page = [c for c in grid if c.voters == PAGE_VOTE.voters and not c.line_threshold]
    line = [c for c in grid if c.voters == PAGE_VOTE.voters and c.page_margin == 1.0]
    return {"page vote": [alone, *page], "line vote": [alone, *line], "whole grid": grid}


def body_candidates(pages: list) -> tuple[list[tuple[dict, tuple]], dict[str, float]]:
    """Per page, every extractor's blocks and the page hints; seconds spent per extractor."""
    seconds = dict.fromkeys(EXTRACTORS, 0.0)
    found = []
    for _, url, html, _ in pages:
        tree = load_html(html)
        hints = _hints(tree, extract_metadata(tree, url))
        candidates = {}
        for name in EXTRACTORS:
            start = time.perf_counter()
            candidates.update(gather(tree, html, url, (name,)))
            seconds[name] += time.perf_counter() - start
        found.append((candidates, hints))
    return found, seconds


def body_records(
    found: list[tuple[dict, tuple]], grid: list[EnsembleConfig], truths: list[str], counts: Callable
) -> dict[EnsembleConfig, list[Any]]:
    """Per configuration, the benchmark's per-page (TP, FP, FN) of its combined text."""
    records = {}
    for config in grid:
        texts = [assemble(candidates, hints, config) for candidates, hints in found]
        records[config] = [
            counts(body.text if body else "", truth)
            for body, truth in zip(texts, truths, strict=True)
        ]
    return records


def config_cost(config: EnsembleConfig, seconds: dict[str, float]) -> float:
    return sum(seconds[name] for name in config.extractors)


def date_signals(pages: list) -> list[tuple]:
    """Per page: metadata date, language tag, URL day, htmldate's answer (computed once)."""
    signals = []
    for _, url, html, _ in pages:
        metadata = extract_metadata(load_html(html), url)
        stated = parse_date(metadata.get("published"))
        in_url = url_date(url)
        html_day = htmldate_day(html, None if in_url else url)
        signals.append((stated, metadata.get("language"), in_url, html_day))
    return signals


def date_grid() -> list[DateRule]:
    return [DateRule(*flags) for flags in product((False, True), repeat=4)]


def date_records(signals: list[tuple], grid: list[DateRule], expected: list) -> dict:
    """Per rule, whether each page's day (as the page states it) is the expected one."""
    records = {}
    for rule in grid:
        found = [
            decide(stated, language, in_url, lambda html_day=html_day: html_day, rule)
            for stated, language, in_url, html_day in signals
        ]
        records[rule] = [
            (day[:10] if day else None) == want for day, want in zip(found, expected, strict=True)
        ]
    return records


# trafilatura alone over the same list, in one process, as a user would script it.
TRAFILATURA_BATCH = """
import gzip, json, sys, trafilatura
for line in open(sys.argv[1], encoding="utf-8"):
    entry = json.loads(line)
    data = open(entry["path"], "rb").read()
    html = gzip.decompress(data) if entry["path"].endswith(".gz") else data
    print(json.dumps(trafilatura.extract(html, url=entry["url"])))
"""


def run_batch(
    paths_urls: list[tuple[Path, str]], jobs: int, *, alone: bool = False
) -> tuple[list, float]:
    """`newsspider extract --batch --jobs N` (or, with `alone`, trafilatura alone in one
    process) on the pages in place; its output lines and wall seconds, process start included."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "pages.jsonl"
        lines = (json.dumps({"path": str(path), "url": url}) for path, url in paths_urls)
        listing.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        command = [sys.executable, "-m", "newsspider.cli", "extract", "--batch", str(listing)]
        command += ["--jobs", str(jobs)]
        if alone:
            command = [sys.executable, "-c", TRAFILATURA_BATCH, str(listing)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - start
    return [json.loads(line) for line in done.stdout.splitlines()], elapsed
