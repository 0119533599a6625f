"""Stories stored one article at a time equal stories computed from scratch, in any order."""

import logging
import random
import sqlite3

import pytest

from newsspider.db import Database
from newsspider.db.stories import Member, stories_from_scratch

SITES = ("a", "b", "c")
DAYS = ("2025-10-27T04:00:00Z", "2025-10-27T09:00:00Z", "2025-10-28T00:00:00Z", None)


def _texts(rng: random.Random, stories: int, copies: int) -> list[str]:
    """Stories of 60-120 words and copies of them with 0-20% of the words changed, so
    that pairs fall on both sides of both similarity thresholds."""
    vocabulary = [f"w{index}" for index in range(400)]
    texts = []
    for _ in range(stories):
        words = rng.choices(vocabulary, k=rng.randint(60, 120))
        texts.append(" ".join(words))
        for _ in range(rng.randint(0, copies)):
            share = rng.choice((0.0, 0.02, 0.05, 0.08, 0.12, 0.2))
            edited = [rng.choice(vocabulary) if rng.random() < share else w for w in words]
            texts.append(" ".join(edited))
    return texts


def _record(site: str, news_id: str, body: str, published: str | None) -> dict[str, object]:
    return {
        "site": site,
        "news_id": news_id,
        "url": f"http://{site}.test/{news_id}",
        "title": f"Title {news_id}",
        "body_text": body,
        "published": published,
        "fetched_at": "2025-10-28T00:00:00Z",
    }


def _stored(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, str | None], list[Member]]:
    stories, parents, members = {}, {}, []
    for site, news_id, published, print_, story, parent_site, parent_id in conn.execute(
        "SELECT a.site, a.news_id, a.published, f.fingerprint, a.story_id, f.parent_site,"
        " f.parent_news_id FROM articles AS a LEFT JOIN article_fingerprints AS f"
        " USING (site, news_id)"
    ):
        members.append(Member(site, news_id, published, print_))
        stories[f"{site}:{news_id}"] = story
        parents[f"{site}:{news_id}"] = f"{parent_site}:{parent_id}" if parent_site else None
    return stories, parents, members


def _assert_as_from_scratch(conn: sqlite3.Connection) -> None:
    stories, parents, members = _stored(conn)
    placed = stories_from_scratch(members)
    assert stories == {key: place.story for key, place in placed.items()}
    assert parents == {key: p.parent.key if p.parent else None for key, p in placed.items()}


@pytest.mark.parametrize("seed", range(8))
def test_stories_stored_in_any_order_equal_stories_from_scratch(tmp_path, seed):
    rng = random.Random(seed)
    texts = _texts(rng, stories=8, copies=5)
    records = [
        _record(rng.choice(SITES), str(index), text, rng.choice(DAYS))
        for index, text in enumerate(texts)
    ]
    rng.shuffle(records)
    database = Database(tmp_path / "news.db")
    for record in records:
        database.upsert_article(record, now="2025-10-28T00:00:00Z")
    _assert_as_from_scratch(database.conn)
    # Edits move articles between stories and in canonical order; each one re-places them.
    for record in rng.sample(records, 6):
        changed = dict(record, published=rng.choice(DAYS))
        if rng.random() < 0.5:
            changed["body_text"] = rng.choice(texts)
        database.upsert_article(changed, now="2025-10-29T00:00:00Z")
        _assert_as_from_scratch(database.conn)
    database.close()


def test_multi_member_stories_make_real_comparisons(tmp_path):
    """The random corpora above do hold stories of several articles (else they prove little)."""
    rng = random.Random(0)
    database = Database(tmp_path / "news.db")
    for index, text in enumerate(_texts(rng, stories=8, copies=5)):
        database.upsert_article(
            _record(rng.choice(SITES), str(index), text, rng.choice(DAYS)), now="x"
        )
    sizes = [
        row[0] for row in database.conn.execute("SELECT count(*) FROM articles GROUP BY story_id")
    ]
    database.close()
    assert max(sizes) >= 3 and sizes.count(1) >= 3


def test_a_version_4_database_gains_the_parents_of_its_stories(tmp_path):
    rng = random.Random(1)
    path = tmp_path / "news.db"
    database = Database(path)
    records = [
        _record(rng.choice(SITES), str(index), text, rng.choice(DAYS))
        for index, text in enumerate(_texts(rng, stories=6, copies=4))
    ]
    for record in records[:-5]:
        database.upsert_article(record, now="2025-10-28T00:00:00Z")
    database.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX article_fingerprints_parent")
    for column in ("parent_site", "parent_news_id"):
        conn.execute(f"ALTER TABLE article_fingerprints DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    database = Database(path)
    _assert_as_from_scratch(database.conn)
    for record in records[-5:]:  # and stories go on from there
        database.upsert_article(record, now="2025-10-29T00:00:00Z")
    _assert_as_from_scratch(database.conn)
    database.close()


def test_an_upgrade_says_so_once(tmp_path, caplog):
    path = tmp_path / "news.db"
    Database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    with caplog.at_level(logging.INFO, logger="newsspider.db"):
        Database(path).close()
        Database(path).close()
    said = [r.getMessage() for r in caplog.records if "upgrading" in r.getMessage()]
    assert said == [f"{path}: upgrading the database from schema version 4 to 5 (once)"]
