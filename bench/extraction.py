"""Measure the extraction chain against trafilatura and htmldate alone on the shared eval pages.

Usage: python bench/extraction.py [--eval DIR] [--json] [--limit N] [--folds K] [--jobs N]
Body metric: the article-extraction-benchmark's 4-token shingle F1; dates: day accuracy by the
day the page states. Settings (ensemble configuration, date rule) are chosen by K-fold
cross-validation: tuned on K-1 folds, reported on the held-out fold, mean and spread.
Timings are wall-clock on a shared machine: noisy, compare ratios from the same run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import htmldate
import htmldate.meta
import trafilatura
import trafilatura.meta

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crossval import cross_validate, fixed
from extraction_cv import (
    body_candidates,
    body_families,
    body_grid,
    body_records,
    date_grid,
    date_records,
    date_signals,
    run_batch,
)

from newsspider.extract.body import extract_body
from newsspider.extract.ensemble import DEFAULT, PAGE_VOTE
from newsspider.extract.pubdate import DEFAULT_RULE, DateRule, find_published

DEFAULT_EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
TOKEN = re.compile(r"\w+")
SPEED_ROUNDS = 3


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of `size`-token shingles; a short text is one shingle."""
    tokens = TOKEN.findall(text or "")
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_counts(predicted: str, truth: str) -> tuple[float, float, float]:
    """Normalised TP/FP/FN for one page, as the benchmark computes them."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Precision and recall as means over pages, F1 from the means."""
    precisions, recalls = [], []
    for tp, fp, fn in counts:
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": round(f1, 4), "precision": round(precision, 4), "recall": round(recall, 4)}


def load_aeb(root: Path) -> list[tuple[str, str, str, str]]:
    """(id, url, html, truth) for every page of the body corpus."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        path = root / "html" / f"{page_id}.html.gz"
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        pages.append((page_id, item["url"], html, item["articleBody"]))
    return pages


def load_dates(root: Path) -> list[tuple[str, str, str, str | None]]:
    """(file, url, html, expected day) for every page of the date corpus."""
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))["pages"]
    pages = []
    for name, item in sorted(expected.items()):
        html = (root / "html" / name).read_text(encoding="utf-8", errors="replace")
        pages.append((name, item["url"], html, item["date"]))
    return pages


def trafilatura_body(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def chain_body(html: str, url: str) -> str:
    body = extract_body(html, url)
    return body.text if body else ""


def htmldate_day(html: str, url: str) -> str | None:
    return htmldate.find_date(html, url=url, extensive_search=True, original_date=True)


def chain_day(html: str, url: str) -> str | None:
    return find_published(html, url)


def reset_caches() -> None:
    """Empty the libraries' memo caches so that no run profits from the one before."""
    htmldate.meta.reset_caches()
    trafilatura.meta.reset_caches()


def timed_outputs(pages: list, extractors: dict[str, Callable]) -> dict[str, tuple[list, float]]:
    """Run the extractors page by page, alternating their order and emptying the caches before
    each call, so that machine load and memoization hit every extractor alike."""
    outputs: dict[str, list] = {name: [] for name in extractors}
    elapsed = dict.fromkeys(extractors, 0.0)
    for index, (_, url, html, _) in enumerate(pages):
        names = list(extractors) if index % 2 == 0 else list(reversed(extractors))
        for name in names:
            reset_caches()
            start = time.perf_counter()
            outputs[name].append(extractors[name](html, url))
            elapsed[name] += time.perf_counter() - start
    return {name: (outputs[name], elapsed[name]) for name in extractors}


def score_body(pages: list, outputs: list[str], elapsed: float) -> tuple[dict, list]:
    counts = [page_counts(out, page[3]) for out, page in zip(outputs, pages, strict=True)]
    scores: dict[str, Any] = body_scores(counts)
    scores["pages_per_s"] = round(len(pages) / elapsed, 2)
    return scores, counts


def score_dates(pages: list, found: list[str | None], elapsed: float) -> tuple[dict, list]:
    right = [(day[:10] if day else None) == page[3] for day, page in zip(found, pages, strict=True)]
    result = {"accuracy": round(sum(right) / len(pages), 4), "pages_per_s": 0.0}
    result["pages_per_s"] = round(len(pages) / elapsed, 2)
    return result, list(zip([p[0] for p in pages], found, [p[3] for p in pages], strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst body pages")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (K)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="extract --jobs")
    args = parser.parse_args(argv)
    if not args.eval.is_dir():
        parser.error(f"no evaluation pages at {args.eval} (../shared/eval); give --eval DIR")
    aeb, dates = load_aeb(args.eval / "aeb"), load_dates(args.eval / "dates")
    if args.limit:
        aeb, dates = aeb[: args.limit], dates[: args.limit]
    figures: dict[str, Any] = {
        "body": {},
        "date": {},
        "pages": {"body": len(aeb), "date": len(dates)},
    }
    bodies = timed_outputs(aeb, {"trafilatura": trafilatura_body, "chain": chain_body})
    figures["body"]["trafilatura"], _ = score_body(aeb, *bodies["trafilatura"])
    figures["body"]["chain"], chain_counts = score_body(aeb, *bodies["chain"])
    days = timed_outputs(dates, {"htmldate": htmldate_day, "chain": chain_day})
    figures["date"]["htmldate"], _ = score_dates(dates, *days["htmldate"])
    figures["date"]["chain"], date_rows = score_dates(dates, *days["chain"])
    figures["cv"] = {
        "body": body_cv(aeb, bodies["trafilatura"][0], args.folds),
        "date": date_cv(dates, days["htmldate"][0], args.folds),
    }
    figures["batch"] = batch_figures(args.eval, aeb, dates, args.jobs)
    base, ours = figures["body"]["trafilatura"], figures["body"]["chain"]
    figures["body"]["speed_ratio"] = round(ours["pages_per_s"] / base["pages_per_s"], 3)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print_report(figures, aeb, chain_counts, date_rows, args.worst)
    return 0


def batch_figures(root: Path, aeb: list, dates: list, jobs: int) -> dict[str, Any]:
    """`extract --batch --jobs N` on both corpora: body F1, day accuracy by `published_local`
    (the day the page states) and by UTC `published`, and pages/s."""
    gz = [(root / "aeb" / "html" / f"{page[0]}.html.gz", page[1]) for page in aeb]
    # Alternated three times, medians: one pair of runs moves by 10-20% on a shared machine.
    alone, ours = [], []
    for _ in range(SPEED_ROUNDS):
        alone.append(run_batch(gz, jobs, alone=True)[1])
        results, seconds = run_batch(gz, jobs)
        ours.append(seconds)
    texts = [result.get("body_text") or "" for result in results]
    scores = body_scores([page_counts(t, p[3]) for t, p in zip(texts, aeb, strict=True)])
    found, _ = run_batch([(root / "dates" / "html" / page[0], page[1]) for page in dates], jobs)

    def day_accuracy(field: str) -> float:
        days = [(result.get(field) or "")[:10] or None for result in found]
        return round(accuracy([d == p[3] for d, p in zip(days, dates, strict=True)]), 4)

    return {
        "jobs": jobs,
        "body": scores,
        "pages_per_s": round(len(aeb) / statistics.median(ours), 2),
        "trafilatura_pages_per_s": round(len(aeb) / statistics.median(alone), 2),
        "date_local": day_accuracy("published_local"),
        "date_utc": day_accuracy("published"),
    }


def f1(counts: list) -> float:
    return body_scores(counts)["f1"]


def body_cv(pages: list, trafilatura_texts: list[str], k: int) -> dict[str, Any]:
    """K-fold figures: the ensemble setting tuned on k-1 folds against fixed methods."""
    found, seconds = body_candidates(pages)
    grid = body_grid()
    truths = [page[3] for page in pages]
    records = body_records(found, grid, truths, page_counts)
    plain = [
        page_counts(text, truth) for text, truth in zip(trafilatura_texts, truths, strict=True)
    ]
    tuned = {
        f"tuned: {name}": cross_validate({c: records[c] for c in family}, k, f1)
        for name, family in body_families(grid).items()
    }
    return {
        **tuned,
        "shipped (default)": fixed(records[DEFAULT], k, f1),
        "page vote, margin 0.2 fixed": fixed(records[PAGE_VOTE], k, f1),
        "trafilatura precision alone": fixed(records[grid[0]], k, f1),
        "trafilatura recall alone": fixed(records[grid[1]], k, f1),
        "trafilatura default": fixed(plain, k, f1),
        "seconds": {name: round(value, 2) for name, value in seconds.items()},
    }


def date_cv(pages: list, htmldate_found: list, k: int) -> dict[str, Any]:
    """K-fold day accuracy: the date rule tuned on k-1 folds against fixed methods."""
    expected = [page[3] for page in pages]
    records = date_records(date_signals(pages), date_grid(), expected)
    plain = [(d[:10] if d else None) == w for d, w in zip(htmldate_found, expected, strict=True)]
    old = DateRule(zone_from_language=True, url_day_over_utc=True, vote=False)
    return {
        "tuned rule": cross_validate(records, k, accuracy),
        "shipped rule": fixed(records[DEFAULT_RULE], k, accuracy),
        "previous rules": fixed(records[old], k, accuracy),
        "htmldate extensive": fixed(plain, k, accuracy),
    }


def accuracy(right: list) -> float:
    return sum(right) / len(right)


def print_cv(cv: dict[str, Any]) -> None:
    for measure, rows in cv.items():
        print(f"{measure}: {len(next(iter(rows.values()))['folds'])}-fold, held-out folds")
        for name, row in rows.items():
            if "mean" not in row:
                print(f"  {name}: {row}")
                continue
            folds = " ".join(f"{value:.3f}" for value in row["folds"])
            print(f"  {name:28} {row['mean']:.4f} ± {row['sd']:.4f}  [{folds}]")
            if "chosen" in row:
                for setting, times in row["chosen"].most_common():
                    print(f"      chosen {times}x: {setting}")


def print_report(figures: dict, aeb: list, counts: list, date_rows: list, worst: int) -> None:
    print(f"body ({figures['pages']['body']} pages)")
    for name in ("trafilatura", "chain"):
        row = figures["body"][name]
        print(
            f"  {name:12} F1 {row['f1']:.4f}  P {row['precision']:.4f}  R {row['recall']:.4f}"
            f"  {row['pages_per_s']:.1f} pages/s"
        )
    print(f"  speed ratio chain/trafilatura {figures['body']['speed_ratio']:.3f}")
    batch = figures["batch"]
    print(
        f"  extract --batch --jobs {batch['jobs']}: F1 {batch['body']['f1']:.4f}"
        f"  {batch['pages_per_s']:.1f} pages/s; trafilatura alone over the same list, one"
        f" process, alternated with it (medians of {SPEED_ROUNDS}):"
        f" {batch['trafilatura_pages_per_s']:.1f} pages/s"
        f" (ratio {batch['pages_per_s'] / batch['trafilatura_pages_per_s']:.3f})"
    )
    print(
        f"  extract --batch dates: by published_local day {batch['date_local']:.4f},"
        f" by UTC day {batch['date_utc']:.4f}"
    )
    print_cv(figures["cv"])
    print(f"date ({figures['pages']['date']} pages)")
    for name in ("htmldate", "chain"):
        row = figures["date"][name]
        print(f"  {name:12} accuracy {row['accuracy']:.4f}  {row['pages_per_s']:.1f} pages/s")
    if worst:
        ranked = sorted(zip(counts, aeb, strict=True), key=lambda item: item[0][0])[:worst]
        for (tp, fp, fn), page in ranked:
            print(f"  worst body {page[0][:12]} tp {tp:.2f} fp {fp:.2f} fn {fn:.2f} {page[1]}")
        for name, found, want in date_rows:
            if (found[:10] if found else None) != want:
                print(f"  wrong date {name}: got {found} want {want}")


if __name__ == "__main__":
    sys.exit(main())
