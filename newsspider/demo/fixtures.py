"""Saved demo pages with golden JSON written from the ground truth, for extraction tests.

    python -m newsspider.demo.fixtures tests/fixtures/portal

Article goldens hold url, news_id, title, published_raw, published (naive
local ISO time), source and paragraphs; listing goldens hold url, the
listing's own article_urls in page order (not the sidebar's) and next_page.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from newsspider.demo.editions import build_editions
from newsspider.demo.layout import SectionView
from newsspider.demo.site import MARKUPS
from newsspider.demo.truth import ArticleTruth

FIXTURE_BASE_URL = "http://demo.newsspider.test"
ARTICLES_PER_SECTION = 16
SEED = 1

Pick = Callable[[ArticleTruth], bool]
ARTICLE_FIXTURES: dict[str, tuple[str, Pick]] = {
    "alpha_article_seed": ("alpha", lambda a: a.news_id == "253326"),
    "alpha_article_no_source": ("alpha", lambda a: a.source is None),
    "beta_article_br": ("beta", lambda a: int(a.news_id) % 2 == 1),
    "beta_article_p": ("beta", lambda a: int(a.news_id) % 2 == 0),
    "gamma_article_seed": ("gamma", lambda a: a.news_id == "253326"),
    "gamma_article_read_more": (
        "gamma",
        lambda a: int(a.news_id) % 3 == 0 and len(a.paragraphs) > 3,
    ),
    "fa_article_arabic_letters": ("fa", lambda a: _has_arabic_letters(a.title)),
    "fa_article_ascii_date": ("fa", lambda a: a.published_raw[:1].isascii()),
}


def _has_arabic_letters(text: str) -> bool:
    """True when the text uses Arabic ي/ك where Persian writes ی/ک."""
    return "ي" in text or "ك" in text


def fixture_files() -> dict[str, str]:
    """File name -> content, for every fixture page and golden file."""
    edition = build_editions(ARTICLES_PER_SECTION, SEED)[1]
    views = {
        name: SectionView(name, FIXTURE_BASE_URL, articles)
        for name, articles in edition.sections.items()
    }
    files: dict[str, str] = {}
    for name, (section, pick) in ARTICLE_FIXTURES.items():
        article = next(a for a in views[section].articles if pick(a))
        files[f"{name}.html"] = MARKUPS[section].article_page(article, views[section])
        files[f"{name}.json"] = _dump(article_golden(article))
    for section, view in views.items():
        files[f"{section}_listing.html"] = MARKUPS[section].listing_page(1, view)
        files[f"{section}_listing.json"] = _dump(listing_golden(view, 1))
    return files


def article_golden(article: ArticleTruth) -> dict[str, object]:
    return {
        "url": FIXTURE_BASE_URL + article.url_path,
        "news_id": article.news_id,
        "title": article.title,
        "published_raw": article.published_raw,
        "published": article.published.isoformat(),
        "source": article.source,
        "paragraphs": article.paragraphs,
    }


def listing_golden(view: SectionView, page: int) -> dict[str, object]:
    markup = MARKUPS[view.section]
    return {
        "url": view.absolute(markup.listing_path(page)),
        "article_urls": [view.absolute(a.url_path) for a in view.page_articles(page)],
        "next_page": view.absolute(markup.listing_path(page + 1)) if page < view.pages else None,
    }


def _dump(golden: dict[str, object]) -> str:
    return json.dumps(golden, ensure_ascii=False, indent=2) + "\n"


def write_fixtures(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in fixture_files().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m newsspider.demo.fixtures DIRECTORY", file=sys.stderr)
        return 2
    written = write_fixtures(Path(args[0]))
    print(f"wrote {len(written)} files to {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
