from __future__ import annotations

from datetime import date, timedelta

import jdatetime
import pytest

from newsspider.demo.content import SEED_PARAGRAPHS, SEED_TITLE, build_corpus
from newsspider.demo.persian import ZWNJ, format_jalali, gregorian_to_jalali


def test_seed_article_opens_alpha_exactly_as_published():
    seed = build_corpus()["alpha"][0]
    assert seed.news_id == "253326"
    assert seed.title == SEED_TITLE
    assert seed.published_raw == "10/27/2025 7:52:21 AM"
    assert seed.source == "IRNA"
    assert seed.url_path == "/alpha/newsview.aspx?NewsID=253326"
    assert seed.paragraphs[0].startswith("Iranian Deputy Foreign Minister Vahid Jalalzadeh")
    assert seed.paragraphs[-1].startswith("Provision of technical assistance")
    assert len(seed.paragraphs) == len(SEED_PARAGRAPHS) == 15


def test_gamma_carries_its_own_copy_of_the_seed():
    copy = build_corpus()["gamma"][0]
    assert copy.news_id == "253326" and copy.title == SEED_TITLE
    assert copy.published_raw == "27/10/2025 - 07:52"
    assert copy.url_path.startswith("/gamma/news/253326/iran-unilateral-coercive")


def test_corpus_is_deterministic_and_seeded():
    assert build_corpus(8, seed=3) == build_corpus(8, seed=3)
    assert build_corpus(8, seed=3)["beta"] != build_corpus(8, seed=4)["beta"]


@pytest.mark.parametrize("section", ["alpha", "beta", "gamma", "fa"])
def test_each_section_is_newest_first_with_unique_ids_and_paths(section):
    articles = build_corpus(40)[section]
    assert len(articles) == 40
    dates = [a.published for a in articles]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    assert len({a.news_id for a in articles}) == 40
    assert len({a.url_path for a in articles}) == 40
    assert len({a.title for a in articles}) == 40


def test_synthetic_english_articles_vary_in_length_and_source():
    articles = [a for s in ("alpha", "beta", "gamma") for a in build_corpus(40)[s][1:]]
    lengths = {len(a.paragraphs) for a in articles}
    assert min(lengths) >= 4 and max(lengths) <= 12 and len(lengths) > 4
    assert {a.source for a in articles} == {"IRNA", "ISNA", "Mehr", "Tasnim", None}
    for article in articles:
        assert len(set(article.paragraphs)) == len(article.paragraphs)


def test_too_small_a_corpus_is_refused():
    with pytest.raises(ValueError, match="at least 4"):
        build_corpus(3)


def test_jalali_conversion_agrees_with_jdatetime():
    start = date(2019, 3, 1)
    for offset in range(0, 3000, 7):
        day = start + timedelta(days=offset)
        expected = jdatetime.date.fromgregorian(date=day)
        assert gregorian_to_jalali(day.year, day.month, day.day) == (
            expected.year,
            expected.month,
            expected.day,
        )


def test_persian_articles_print_jalali_dates_in_persian_digits():
    articles = build_corpus(16)["fa"]
    assert articles[0].published_raw == "۵ آبان ۱۴۰۴ - ۰۷:۵۲"
    raws = [a.published_raw for a in articles]
    assert any(raw[:4].isascii() and "/" in raw for raw in raws)
    assert any("۱۴۰۴/" in raw for raw in raws)
    for article in articles:
        expected = {format_jalali(article.published, style) for style in range(3)}
        assert article.published_raw in expected


def test_persian_text_has_zwnj_and_some_arabic_letter_variants():
    articles = build_corpus(16)["fa"]
    texts = [a.title + " ".join(a.paragraphs) for a in articles]
    assert sum(ZWNJ in text for text in texts) > len(texts) // 2
    assert any("ي" in text or "ك" in text for text in texts)
    assert any("ي" not in text and "ك" not in text for text in texts)
