"""K-fold cross-validation of extraction settings: tune on k-1 folds, report on the held-out one.

A setting is a point of a grid (e.g. an ensemble configuration); per page each setting has
a score record; `score` turns a list of records into the figure to maximise. Ties go to the
earlier grid point, so grids list the simplest or cheapest settings first.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from statistics import mean, stdev
from typing import Any

Score = Callable[[list[Any]], float]


def folds(count: int, k: int, seed: int = 15) -> list[list[int]]:
    """Page indices split into k folds of near-equal size, shuffled with a fixed seed."""
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def best_setting(records: dict[Any, list[Any]], pages: Sequence[int], score: Score) -> Any:
    """The grid point with the highest score on `pages` (the first one on ties)."""
    best, best_score = None, float("-inf")
    for setting, per_page in records.items():
        value = score([per_page[i] for i in pages])
        if value > best_score + 1e-12:
            best, best_score = setting, value
    return best


def cross_validate(records: dict[Any, list[Any]], k: int, score: Score) -> dict[str, Any]:
    """Held-out figures of tuning on the other folds: per fold, mean, spread, chosen settings."""
    count = len(next(iter(records.values())))
    parts = folds(count, k)
    held_out, chosen = [], []
    for index, test in enumerate(parts):
        train = [i for j, part in enumerate(parts) if j != index for i in part]
        setting = best_setting(records, train, score)
        chosen.append(setting)
        held_out.append(score([records[setting][i] for i in test]))
    return {"folds": held_out, **spread(held_out), "chosen": Counter(map(str, chosen))}


def fixed(per_page: list[Any], k: int, score: Score) -> dict[str, Any]:
    """The same per-fold figures for one fixed method (a baseline), on the same folds."""
    values = [score([per_page[i] for i in part]) for part in folds(len(per_page), k)]
    return {"folds": values, **spread(values)}


def spread(values: list[float]) -> dict[str, float]:
    return {
        "mean": round(mean(values), 4),
        "sd": round(stdev(values), 4) if len(values) > 1 else 0.0,
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }
