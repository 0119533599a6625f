"""Is a site still yielding articles? A verdict over its `crawl_runs` rows, nothing else.

Pure functions (no database, no Scrapy) so every rule is testable from plain rows:

- its last run failed (listing unreachable, crawl cut short);
- its last `empty_runs` runs found no article link and stored nothing (site down or
  its listing markup changed);
- the share of articles missing a date, a body or a title in its latest run rose by
  `missing_share_jump` over the runs before (its article markup changed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsspider.config import HealthOptions

BASELINE_RUNS = 20  # earlier runs pooled into the share a site usually has
MISSING_FIELDS = ("date", "body", "title")


@dataclass(frozen=True)
class Verdict:
    site: str
    healthy: bool
    reasons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "ok" if self.healthy else "UNHEALTHY: " + "; ".join(self.reasons)


def site_verdict(site: str, runs: Sequence[Mapping[str, Any]], options: HealthOptions) -> Verdict:
    """The verdict on one site from its finished runs, newest first."""
    finished = counted_runs(runs)
    reasons = [
        reason
        for reason in (
            _last_failed(finished),
            _empty_streak(finished, options.empty_runs),
            *_missing_jumps(finished, options),
        )
        if reason
    ]
    return Verdict(site, not reasons, tuple(reasons))


def counted_runs(runs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The runs a verdict weighs: finished ones, not those still running or interrupted."""
    return [r for r in runs if r.get("status") not in ("running", "interrupted")]


def _last_failed(runs: Sequence[Mapping[str, Any]]) -> str | None:
    if not runs or runs[0].get("status") != "failed":
        return None
    reason = runs[0].get("finish_reason")
    if reason and reason != "finished":
        return f"last run failed (crawl ended: {reason})"
    return "last run failed (no listing page could be fetched)"


def _empty_streak(runs: Sequence[Mapping[str, Any]], empty_runs: int) -> str | None:
    recent = runs[:empty_runs]
    if len(recent) == empty_runs and not any(yielded(r) for r in recent):
        return f"no article in the last {empty_runs} runs"
    return None


def yielded(run: Mapping[str, Any]) -> bool:
    """Whether a run saw any article: a link on a listing, or an article stored or re-checked,
    or a listing that answered 304 (the same as when it last had links)."""
    stored = sum(int(run.get(k) or 0) for k in ("new", "updated", "unchanged", "suspect"))
    unchanged = any(k.endswith("_not_modified") for k in _json(run.get("skipped_reasons")))
    return stored > 0 or int(run.get("article_links") or 0) > 0 or unchanged


def parsed_articles(run: Mapping[str, Any]) -> int:
    """Article pages actually read in a run (a 304 re-check reads none)."""
    read = sum(int(run.get(k) or 0) for k in ("new", "updated", "unchanged", "suspect", "dropped"))
    return read - int(run.get("not_modified") or 0)


def missing_counts(run: Mapping[str, Any]) -> dict[str, int]:
    """Articles of a run missing a date, a body or a title (dropped for it)."""
    warnings = _json(run.get("warnings"))
    dropped = _json(run.get("dropped_reasons"))
    return {
        "date": sum(v for k, v in warnings.items() if k.startswith("date_")),
        "body": warnings.get("body_missing", 0),
        "title": dropped.get("no_title", 0),
    }


def _missing_jumps(runs: Sequence[Mapping[str, Any]], options: HealthOptions) -> list[str]:
    read = [r for r in runs if parsed_articles(r) > 0]
    if not read or parsed_articles(read[0]) < options.min_articles:
        return []
    latest, earlier = read[0], read[1 : 1 + BASELINE_RUNS]
    base_total = sum(parsed_articles(r) for r in earlier)
    if base_total < options.min_articles:
        return []
    now_missing = missing_counts(latest)
    base_missing = {f: sum(missing_counts(r)[f] for r in earlier) for f in MISSING_FIELDS}
    jumps = []
    for name in MISSING_FIELDS:
        share = now_missing[name] / parsed_articles(latest)
        usual = base_missing[name] / base_total
        if share - usual >= options.missing_share_jump:
            jumps.append(f"articles missing a {name}: {share:.0%} (usually {usual:.0%})")
    return jumps


def _json(value: Any) -> dict[str, int]:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
