"""The demo corpus: the ground truth that every demo page is rendered from.

Tests compare what the crawler extracted against these records, so they are
built deterministically (seeded) and never from the HTML.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from newsspider.demo import wordbank
from newsspider.demo.persian import build_persian
from newsspider.demo.truth import ArticleTruth
from newsspider.demo.wordbank import slugify

ENGLISH_SECTIONS = ("alpha", "beta", "gamma")
SECTIONS = (*ENGLISH_SECTIONS, "fa")
SOURCES = ("IRNA", "ISNA", "Mehr", "Tasnim", None)
MIN_ARTICLES = 4
SCRIPTED_FIRST_ID = 480000
# Edition 1 misprints this alpha headline (after its slug is taken); edition 2 corrects it.
MISPRINTED_INDEX = 2
__all__ = ["ArticleTruth", "build_corpus"]

SEED_TITLE = (
    "Iran: Unilateral coercive measures hinder international cooperation in combating crime"
)
SEED_PUBLISHED = datetime(2025, 10, 27, 7, 52, 21)
SEED_NEWS_ID = "253326"
SEED_PARAGRAPHS = (
    "Iranian Deputy Foreign Minister Vahid Jalalzadeh, who has traveled to Vietnam to participate"
    " in the United Nations Convention against Cybercrime, delivered a speech at the signing"
    " ceremony of the United Nations Convention against Cybercrime.",
    "The text of the speech by Jalalzadeh is as follows:",
    "On behalf of the Islamic Republic of Iran, I express my most sincere gratitude to the"
    " Government and people of Vietnam for their warm and dignified hospitality and excellent"
    " organization of the historic signing ceremony of the Hanoi Convention.",
    "I also thank the United Nations Secretariat for its valuable support in facilitating this"
    " process.",
    "The rapid advances and expansion of information and communication technologies have"
    " provided significant opportunities for the development of societies and innovation, but"
    " have also created new opportunities to facilitate the commission of cybercrimes, crimes"
    " that allow perpetrators to act quickly and without being brought to justice.",
    "These crimes threaten national sovereignty, security, economies, urban infrastructure and"
    " the privacy of individuals around the world.",
    "Therefore, effective international cooperation among United Nations Member States is"
    " essential.",
    "The Convention on Cybercrime is an important step towards establishing a global framework"
    " for combating cybercrime and strengthening international cooperation.",
    "The Islamic Republic of Iran played an active role in the negotiations to draft the"
    " Convention, with the aim of providing a strong and effective legal framework for the"
    " international community to combat crimes based on information and communication"
    " technologies, punish criminals, and protect children and public morality against the"
    " growing abuse of these technologies.",
    "The Convention on Combating Cybercrime is an important step towards multilateralism and"
    " international cooperation to combat the criminal use of information and communication"
    " technologies.",
    "Although the member states at the last meeting of the Special Committee for Drafting the"
    " Convention showed through their votes on the Islamic Republic's proposed amendments that"
    " there are still different views on some of the provisions of the Convention, the"
    " ratification of this document is nevertheless a very useful step towards collectively"
    " combating various forms of cybercrime through international cooperation.",
    "The effective implementation of the Convention's objectives, which include facilitating"
    " and strengthening international cooperation in preventing and combating cybercrime,"
    " requires serious attention to the challenges and obstacles that limit international"
    " cooperation and the ability of countries to combat these crimes; the adoption and"
    " application of unilateral coercive measures continue to hinder international cooperation,"
    " including in the field of combating crime.",
    "These illegal actions are a clear violation of fundamental principles of international law"
    " and the Charter of the United Nations.",
    "Therefore, these obstacles must be addressed and removed in order to effectively achieve"
    " the important objectives of the Convention.",
    "Provision of technical assistance and capacity-building to developing countries should be"
    " based on their needs and priorities in combating the criminal use of information and"
    " communication technologies.",
)


def swap_letters(title: str) -> str:
    """Swap the 2nd and 3rd letters of the longest word: a typo, and also its correction."""
    words = title.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 4 and word[1] != word[2]]
    index = max(candidates, key=lambda i: (len(words[i]), -i))
    word = words[index]
    words[index] = word[0] + word[2] + word[1] + word[3:]
    return " ".join(words)


def article_path(section: str, news_id: str, slug: str) -> str:
    """Each markup links its articles differently; only gamma and fa put the ID in the path."""
    if section == "alpha":
        return f"/alpha/newsview.aspx?NewsID={news_id}"
    if section == "beta":
        return f"/beta/news/{slug}.html"
    return f"/{section}/news/{news_id}/{slug}"


def format_published(section: str, when: datetime) -> tuple[str, datetime]:
    """The date as the section prints it, and the moment truncated to what is printed."""
    if section == "alpha":
        hour = when.hour % 12 or 12
        meridiem = "AM" if when.hour < 12 else "PM"
        raw = f"{when.month}/{when.day}/{when.year} {hour}:{when:%M:%S} {meridiem}"
        return raw, when
    shown = when.replace(second=0)
    if section == "js":
        return f"{when:%Y-%m-%d %H:%M}", shown
    if section == "beta":
        return f"{when.day} {when:%B %Y %H:%M}", shown
    return f"{when:%d/%m/%Y - %H:%M}", shown


def seed_article(section: str = "alpha") -> ArticleTruth:
    """The real article the project started from, as the given markup prints it."""
    raw, shown = format_published(section, SEED_PUBLISHED)
    return ArticleTruth(
        section=section,
        news_id=SEED_NEWS_ID,
        url_path=article_path(section, SEED_NEWS_ID, slugify(SEED_TITLE)),
        title=SEED_TITLE,
        published_raw=raw,
        paragraphs=list(SEED_PARAGRAPHS),
        source="IRNA",
        published=shown,
    )


def make_article(
    section: str, news_id: int, when: datetime, rng: random.Random, taken: set[str]
) -> ArticleTruth:
    """A synthetic article whose slug is not in `taken`; adds the slug to it."""
    title, paragraphs = wordbank.make_article_text(rng, rng.randint(4, 12), taken)
    slug = slugify(title)
    taken.add(slug)
    raw, shown = format_published(section, when)
    return ArticleTruth(
        section=section,
        news_id=str(news_id),
        url_path=article_path(section, str(news_id), slug),
        title=title,
        published_raw=raw,
        paragraphs=paragraphs,
        source=rng.choice(SOURCES),
        published=shown,
    )


def timeline(rng: random.Random, start: datetime, first_id: int, count: int):
    """`count` (news_id, datetime) pairs strictly before `start`, both decreasing."""
    when, news_id = start, first_id
    for _ in range(count):
        when -= timedelta(minutes=rng.randint(47, 420), seconds=rng.randint(1, 59))
        news_id -= rng.randint(3, 41)
        yield news_id, when


def build_english(articles_per_section: int, seed: int) -> dict[str, list[ArticleTruth]]:
    """One agency timeline shared by the three markups; alpha and gamma open with the seed."""
    rng = random.Random(seed)
    corpus = {"alpha": [seed_article("alpha")], "beta": [], "gamma": [seed_article("gamma")]}
    taken = {slugify(SEED_TITLE)}
    order = ("beta", "alpha", "gamma")
    stamps = timeline(rng, SEED_PUBLISHED, int(SEED_NEWS_ID), 3 * articles_per_section - 2)
    for index, (news_id, when) in enumerate(stamps):
        section = next(
            s
            for s in order[index % 3 :] + order[: index % 3]
            if len(corpus[s]) < articles_per_section
        )
        corpus[section].append(make_article(section, news_id, when, rng, taken))
    misprinted = corpus["alpha"][MISPRINTED_INDEX]
    corpus["alpha"][MISPRINTED_INDEX] = replace(misprinted, title=swap_letters(misprinted.title))
    return corpus


def build_scripted(articles_per_section: int, seed: int) -> list[ArticleTruth]:
    """The script-built section (markup_js): its own timeline, so the others do not change."""
    rng = random.Random(f"js-{seed}")
    taken: set[str] = set()
    stamps = timeline(rng, SEED_PUBLISHED, SCRIPTED_FIRST_ID, articles_per_section)
    return [make_article("js", news_id, when, rng, taken) for news_id, when in stamps]


def build_corpus(
    articles_per_section: int = 16, seed: int = 1, scripted: bool = False
) -> dict[str, list[ArticleTruth]]:
    """Every section's articles, newest first (the order of the listing pages); `scripted`
    adds the "js" section, whose pages are built by JavaScript."""
    if articles_per_section < MIN_ARTICLES:
        raise ValueError(f"articles_per_section must be at least {MIN_ARTICLES}")
    corpus = build_english(articles_per_section, seed)
    corpus["fa"] = build_persian(articles_per_section, seed)
    if scripted:
        corpus["js"] = build_scripted(articles_per_section, seed)
    return corpus
