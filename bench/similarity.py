"""Measure near-duplicate detection on real article text and print how the parameters were chosen.

Positives: "lightly edited" copies of each article (new lead and dateline, dropped last
paragraph, changed agency line, a few words substituted, whitespace/letter-variant changes), as
one site republishing another's agency story would make. Negatives: every pair of distinct
articles, and hand-picked pairs of different articles on the same story (the hard negatives).

    PYTHONPATH=. python bench/similarity.py [ground-truth.json] [seed.txt]
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from newsspider.extract import similarity as sim

SHARED = Path(__file__).resolve().parents[2] / "shared"
GROUND_TRUTH = SHARED / "eval" / "aeb" / "ground-truth.json"
SEED_ARTICLE = SHARED / "seed" / "000_61320329d3b7a11e.txt"
# Different articles about the same event (ids are ground-truth key prefixes).
SAME_STORY_GROUPS = [
    ("c7e39ac4", "dc7ccccc"),  # Sweden drops the Assange investigation
    ("06e5123e", "bc13ff87", "fde930b0"),  # WeWork investigation and layoffs
    ("5ae11e58", "c69e539d"),  # two Ascom press releases
    ("35b15891", "9cb8224b"),  # The Doobie Brothers' anniversary
    ("08f79376", "7ab16ade", "6a72de37"),  # Browns-Steelers fight
    ("686bb170", "f344ca5f"),  # water vapour on Europa
    ("a078b365", "bd673bd7"),  # duvets and sleep
    ("39d5c43b", "d605bdef"),  # US-China trade talks
    ("42aad16b", "d1c57d78"),  # NASA lunar contracts
]
FILLER = ["officials", "said", "the", "talks", "would", "continue", "next", "week", "amid"]
THRESHOLDS = [0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8]
# The chosen threshold is the highest (most careful about merging different stories) that still
# keeps these shares of edited copies, and stays MARGIN above the most similar different articles.
REQUIRED_RECALL = {"LIGHT (all of the above)": 0.98, "LIGHT + 10% substituted": 0.90}
MARGIN_OVER_NEGATIVES = 0.15

Edit = Callable[[list[str], random.Random], list[str]]


def load_articles(ground_truth: Path, seed: Path) -> dict[str, str]:
    """Article bodies by id: the evaluation set's `articleBody` fields plus the seed article."""
    bodies = {
        key[:8]: row["articleBody"] for key, row in json.loads(ground_truth.read_text()).items()
    }
    lines = seed.read_text().splitlines()
    body = lines[4 : lines.index("Comments")]  # after News ID, date and the title shown twice
    bodies["seed"] = "\n\n".join(line for line in body if line.strip())
    return bodies


def paragraphs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def new_lead(paras: list[str], rng: random.Random) -> list[str]:
    dateline = rng.choice(["TEHRAN, Oct. 27 (IRNA) -- ", "LONDON (Reuters) - ", "Beirut, AFP: "])
    lead = "In a statement on Monday, " + " ".join(rng.sample(FILLER, 8)) + "."
    return [lead, dateline + paras[0], *paras[1:]]


def drop_last_paragraph(paras: list[str], rng: random.Random) -> list[str]:
    """Drop the closing paragraph, or only the last sentence when that paragraph is the bulk."""
    if len(paras) > 1 and 4 * len(paras[-1]) <= len("".join(paras)):
        return paras[:-1]
    sentences = paras[-1].split(". ")
    return [*paras[:-1], ". ".join(sentences[:-1]) or paras[-1]]


def agency_line(paras: list[str], rng: random.Random) -> list[str]:
    return [*paras, rng.choice(["(Reporting by Jane Roe; editing by John Doe)", "Source: ISNA"])]


def substitute(share: float) -> Edit:
    def edit(paras: list[str], rng: random.Random) -> list[str]:
        tokens = [paragraph.split(" ") for paragraph in paras]
        places = [(p, w) for p, words in enumerate(tokens) for w in range(len(words))]
        for p, w in rng.sample(places, max(3, round(share * len(places)))):
            tokens[p][w] = rng.choice(FILLER)
        return [" ".join(words) for words in tokens]

    return edit


def respell(paras: list[str], rng: random.Random) -> list[str]:
    """Whitespace, quote, soft-hyphen and Arabic letter-variant changes: invisible to a reader."""
    table = str.maketrans({" ": "\u00a0 ", "’": "'", "ی": "ي", "ک": "ك", "e": "e\u00ad"})
    return [paragraph.translate(table) for paragraph in paras]


def first_half(paras: list[str], rng: random.Random) -> list[str]:
    words = " ".join(paras).split()
    return [" ".join(words[: len(words) // 2])]


def combine(*edits: Edit) -> Edit:
    def edit(paras: list[str], rng: random.Random) -> list[str]:
        for step in edits:
            paras = step(paras, rng)
        return paras

    return edit


LIGHT_NAME = "LIGHT (all of the above)"
LIGHT = combine(drop_last_paragraph, substitute(0.02), new_lead, agency_line, respell)
EDITS: dict[str, Edit] = {
    "new lead": new_lead,
    "drop last paragraph": drop_last_paragraph,
    "agency line": agency_line,
    "2% words substituted": substitute(0.02),
    "whitespace/variants": respell,
    LIGHT_NAME: LIGHT,
    "10% words substituted": substitute(0.10),
    "LIGHT + 10% substituted": combine(substitute(0.10), LIGHT),
    "first half only": first_half,
}


def edited_copies(bodies: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """(original, copy) pairs per edit, reproducibly random."""
    copies: dict[str, list[tuple[str, str]]] = {}
    for name, edit in EDITS.items():
        rng = random.Random(name)
        copies[name] = [
            (text, "\n\n".join(edit(paragraphs(text), rng))) for text in bodies.values()
        ]
    return copies


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def exact_similarities(
    bodies: dict[str, str], copies: dict[str, list[tuple[str, str]]], size: int
) -> tuple[dict[str, list[float]], list[float], list[float]]:
    """Exact Jaccard of each edited copy with its original, of different and same-story pairs."""
    sets = {key: sim.shingles(sim.words(text), size) for key, text in bodies.items()}
    edited = {
        name: [
            jaccard(sim.shingles(sim.words(a), size), sim.shingles(sim.words(b), size))
            for a, b in pairs
        ]
        for name, pairs in copies.items()
    }
    different = [jaccard(sets[x], sets[y]) for x, y in itertools.combinations(sets, 2)]
    same_story = [
        jaccard(sets[x], sets[y])
        for group in SAME_STORY_GROUPS
        for x, y in itertools.combinations(group, 2)
        if x in sets and y in sets
    ]
    return edited, different, same_story


def compare_shingle_sizes(bodies: dict[str, str], copies: dict[str, list[tuple[str, str]]]) -> None:
    """Exact Jaccard by shingle size: the gap between light copies and different articles."""
    print("Exact Jaccard by shingle size (words): LIGHT copies vs different articles")
    print(f"{'k':>2} {'copy min':>9} {'copy p5':>8} {'copy med':>9} {'diff max':>9} {'gap':>6}")
    for size in (1, 2, 3, 4, 5):
        edited, different, _ = exact_similarities(bodies, {LIGHT_NAME: copies[LIGHT_NAME]}, size)
        light = edited[LIGHT_NAME]
        print(
            f"{size:>2} {min(light):>9.3f} {percentile(light, 0.05):>8.3f}"
            f" {percentile(light, 0.5):>9.3f} {max(different):>9.3f}"
            f" {min(light) - max(different):>6.3f}"
        )


def print_rates(
    title: str, rows: dict[str, list[float]], negatives: dict[str, list[float]]
) -> None:
    """Share of pairs at or above each threshold: recall for copies, false positives otherwise."""
    print(f"\n{title}")
    print(f"{'pairs':<27}{'n':>5} " + " ".join(f"{t:>5}" for t in THRESHOLDS))
    for name, values in [*rows.items(), *negatives.items()]:
        rates = [sum(value >= t for value in values) / len(values) for t in THRESHOLDS]
        print(f"{name:<27}{len(values):>5} " + " ".join(f"{rate:>5.3f}" for rate in rates))


def choose_threshold(edited: dict[str, list[float]], different: list[float]) -> float:
    """Highest threshold keeping REQUIRED_RECALL of copies, with a margin over different pairs."""

    def keeps_enough(t: float) -> bool:
        return all(
            sum(v >= t for v in edited[name]) >= share * len(edited[name])
            for name, share in REQUIRED_RECALL.items()
        )

    allowed = [t for t in THRESHOLDS if t >= max(different) + MARGIN_OVER_NEGATIVES]
    return max(t for t in allowed if keeps_enough(t))


def compare_band_layouts(edited: dict[str, list[float]], different: list[float]) -> None:
    """Expected share of pairs that share a band key (1 - (1 - s^rows)^bands), per layout."""
    layouts = [(128, 32, 4), (128, 42, 3), (144, 48, 3), (192, 64, 3), (128, 64, 2)]
    print("\nExpected share of pairs sharing a band key, by MinHash layout (perms = bands x rows)")
    names = [LIGHT_NAME, "LIGHT + 10% substituted", "first half only"]
    print(f"{'perms bands rows':<17} " + " ".join(f"{n[:14]:>14}" for n in names) + "  different")
    for perms, bands, rows in layouts:

        def share(values: list[float], b: int = bands, r: int = rows) -> float:
            return sum(1 - (1 - s**r) ** b for s in values) / len(values)

        cells = " ".join(f"{share(edited[name]):>14.3f}" for name in names)
        print(f"{perms:>5} {bands:>5} {rows:>4}  {cells}  {share(different):>9.5f}")


def end_to_end(
    copies: dict[str, list[tuple[str, str]]], prints: list[sim.Fingerprint]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Estimated similarity as the database would see it: 0 unless the pair shares a band key."""

    def seen(a: sim.Fingerprint | None, b: sim.Fingerprint | None) -> float:
        if a is None or b is None or not set(sim.band_keys(a)) & set(sim.band_keys(b)):
            return 0.0
        return sim.similarity(a, b)

    edited = {
        name: [seen(sim.fingerprint(a), sim.fingerprint(b)) for a, b in pairs]
        for name, pairs in copies.items()
    }
    return edited, {
        "DIFFERENT articles": [seen(a, b) for a, b in itertools.combinations(prints, 2)]
    }


def time_fingerprint(bodies: dict[str, str]) -> None:
    text = " ".join(" ".join(bodies.values()).split()[:1000])
    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        sim.fingerprint(text)
    per_call = (time.perf_counter() - start) / rounds * 1000
    print(f"\nfingerprint() of a 1,000-word text: {per_call:.2f} ms")


def main(ground_truth: Path = GROUND_TRUTH, seed: Path = SEED_ARTICLE) -> None:
    if not ground_truth.is_file():
        sys.exit(f"bench/similarity.py: no evaluation pages at {ground_truth} (../shared/eval)")
    bodies = load_articles(ground_truth, seed)
    prints = {key: sim.fingerprint(text) for key, text in bodies.items()}
    too_short = sorted(key for key, fp in prints.items() if fp is None)
    print(f"{len(bodies)} articles; {len(too_short)} under {sim.MIN_WORDS} words: {too_short}\n")
    bodies = {key: text for key, text in bodies.items() if key not in too_short}
    copies = edited_copies(bodies)
    compare_shingle_sizes(bodies, copies)

    edited, different, same_story = exact_similarities(bodies, copies, sim.SHINGLE_WORDS)
    negatives = {"DIFFERENT articles": different, "  of which same story": same_story}
    print_rates(f"Exact Jaccard >= threshold, {sim.SHINGLE_WORDS}-word shingles", edited, negatives)
    chosen = choose_threshold(edited, different)
    compare_band_layouts(edited, different)

    found, false = end_to_end(copies, [fp for fp in prints.values() if fp is not None])
    print_rates(
        f"Module as used: shares a band key ({sim.BANDS} bands x {sim.ROWS} rows) and "
        f"estimated similarity ({sim.NUM_PERM} perms) >= threshold",
        found,
        false,
    )
    time_fingerprint(bodies)
    print(
        f"\nmost similar different articles: {max(different):.3f} exact;"
        f" chosen threshold: {chosen} (highest keeping {REQUIRED_RECALL},"
        f" >= {MARGIN_OVER_NEGATIVES} above any different pair);"
        f" module uses SIMILARITY_THRESHOLD = {sim.SIMILARITY_THRESHOLD}"
    )


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:3]))
