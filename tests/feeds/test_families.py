"""Feed families: labels, language, source agency, saved searches, each story once."""

from __future__ import annotations

import feedparser
import pytest
from lxml import etree

from feeds import export_feeds
from feeds.families import feed_specs
from newsspider.db.read import FEED_COLUMNS, BadQueryError, fts_query, open_readonly
from newsspider.errors import ConfigError
from tests.feeds.conftest import BASE_URL, article, make_config

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
STORY = " ".join(f"word{n} shared story about the port strike number {n}" for n in range(30))
FAMILIES = {
    "economy": {"kind": "category", "value": "Economy"},
    "sport": {"kind": "tag", "value": "football", "sites": ["b"]},
    "persian": {"kind": "language", "value": "fa"},
    "irna": {"kind": "source", "value": "IRNA", "language": "en", "title": "IRNA in English"},
    "strike": {"kind": "search", "query": "Port STRIKE"},
    "country": {"kind": "search", "query": "كشور"},
}


def _titles(path) -> list[str]:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return [entry.title for entry in parsed.entries]


@pytest.fixture
def family_db(make_db):
    return make_db(
        article("a", "1", title="Copy A", body_text=STORY, published="2025-10-02T00:00:00Z",
                categories=["Economy"]),
        article("b", "7", title="Copy B", body_text=STORY, published="2025-10-01T00:00:00Z",
                categories=["economy "], tags=["Football"]),
        article("b", "8", title="Match", published="2025-10-03T00:00:00Z", tags=["football"],
                source="ISNA"),
        article("a", "2", title="خبر کشور", language="fa", published="2025-10-04T00:00:00Z",
                body_text="اخبار کشور امروز", source="IRNA"),
        article("a", "3", title="Other", published="2025-10-05T00:00:00Z", categories=["Art"]),
    )  # fmt: skip


def test_each_family_selects_its_articles_newest_first(family_db, tmp_path, atom_checker):
    report = export_feeds(family_db, tmp_path, make_config("a", "b", families=FAMILIES))
    assert report.entries == {"a": 3, "b": 2, "all": 4, "economy": 1, "sport": 2, "persian": 1,
                              "irna": 2, "strike": 1, "country": 1}  # fmt: skip
    assert _titles(tmp_path / "economy.rss.xml") == ["Copy B"]
    assert _titles(tmp_path / "sport.atom.xml") == ["Match", "Copy B"]  # tags match any case
    assert _titles(tmp_path / "persian.atom.xml") == ["خبر کشور"]
    assert _titles(tmp_path / "irna.atom.xml") == ["Other", "Copy B"]
    assert _titles(tmp_path / "country.rss.xml") == ["خبر کشور"]  # Arabic kaf matches Persian
    for path in tmp_path.glob("*.atom.xml"):
        assert atom_checker.errors(path.read_bytes()) == [], path.name
    irna = etree.parse(str(tmp_path / "irna.atom.xml")).getroot()
    assert irna.findtext("atom:title", namespaces=ATOM) == "IRNA in English"
    self_link = irna.xpath("atom:link[@rel='self']/@href", namespaces=ATOM)
    assert self_link == [BASE_URL + "irna.atom.xml"]
    persian = etree.parse(str(tmp_path / "persian.atom.xml")).getroot()
    assert persian.get("{http://www.w3.org/XML/1998/namespace}lang") == "fa"


def test_combined_feed_shows_a_syndicated_story_once_as_its_earliest_copy(family_db, tmp_path):
    export_feeds(family_db, tmp_path, make_config("a", "b"))
    assert _titles(tmp_path / "all.atom.xml") == ["Other", "خبر کشور", "Match", "Copy B"]
    assert _titles(tmp_path / "a.atom.xml") == [
        "Other",
        "خبر کشور",
        "Copy A",
    ]  # site feeds keep all


def test_tie_goes_to_the_first_configured_site(make_db, tmp_path):
    same = "2025-10-01T00:00:00Z"
    db = make_db(article("b", "1", title="From b", body_text=STORY, published=same),
                 article("a", "9", title="From a", body_text=STORY, published=same))  # fmt: skip
    export_feeds(db, tmp_path, make_config("b", "a"))
    assert _titles(tmp_path / "all.atom.xml") == ["From b"]


def test_index_and_opml_list_the_families(family_db, tmp_path):
    export_feeds(family_db, tmp_path, make_config("a", "b", families=FAMILIES))
    outlines = etree.parse(str(tmp_path / "feeds.opml")).getroot().findall("body/outline")
    assert [o.get("xmlUrl").removeprefix(BASE_URL) for o in outlines][-2:] == [
        "strike.atom.xml",
        "country.atom.xml",
    ]
    assert 'href="economy.json"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_every_feed_query_walks_an_index(family_db):
    config = make_config("a", "b", families=FAMILIES)
    conn = open_readonly(family_db)
    for spec in feed_specs(config):
        for selection in (spec.selection, spec.selection.narrowed(match=fts_query("x"))):
            sql, params = selection.newest_first_sql(FEED_COLUMNS)
            plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
            scans = [step for step in plan.split(" | ") if step.startswith("SCAN")]
            assert scans in ([], ["SCAN a USING INDEX articles_feed_newest"]) or all(
                "articles_fts VIRTUAL TABLE" in step for step in scans
            ), (spec.name, plan)
            sql, params = selection.story_copies_sql()
            plan = " ".join(
                row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, [*params, "s"])
            )
            assert "USING INDEX idx_articles_story_id" in plan, plan
    conn.close()


@pytest.mark.parametrize("text", ['"', 'a" OR "b', "NEAR(a b)", "*", "title:x", "a AND", "^x"])
def test_hostile_queries_become_quoted_words(family_db, text):
    conn = open_readonly(family_db)
    try:
        match = fts_query(text)
    except BadQueryError:
        return
    conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,))
    conn.close()


def test_empty_query_is_refused():
    with pytest.raises(BadQueryError):
        fts_query(" ?! ")


@pytest.mark.parametrize(
    ("family", "key", "message"),
    [
        ({"kind": "colour", "value": "x"}, "feeds.families.f.kind", "must be one of"),
        ({"kind": "category"}, "feeds.families.f.value", "required"),
        ({"kind": "search", "query": "x", "value": "y"}, "feeds.families.f.value", "not used"),
        ({"kind": "tag", "value": "x", "sites": ["zz"]}, "feeds.families.f.sites", "unknown site"),
        ({"kind": "tag", "value": "x", "colour": 1}, "feeds.families.f.colour", "unknown key"),
        ({"kind": "tag", "value": 3}, "feeds.families.f.value", "must be str"),
    ],
)
def test_family_config_errors_name_the_key(family, key, message):
    with pytest.raises(ConfigError) as error:
        make_config("a", families={"f": family})
    assert error.value.key == key and message in str(error.value)


def test_family_names_cannot_clash_and_search_needs_words():
    for name in ("a", "all"):
        with pytest.raises(ConfigError, match="clashes"):
            make_config("a", families={name: {"kind": "tag", "value": "x"}})
    with pytest.raises(ConfigError) as error:
        export_feeds_config = make_config("a", families={"s": {"kind": "search", "query": "!!"}})
        feed_specs(export_feeds_config)
    assert error.value.key == "feeds.families.s.query"


def test_hub_and_max_age_options_are_validated():
    assert make_config("a").feeds.max_age == 900
    with pytest.raises(ConfigError) as error:
        make_config("a", websub_hub="ftp://hub/")
    assert error.value.key == "feeds.websub_hub"
    with pytest.raises(ConfigError) as error:
        make_config("a", max_age=-1)
    assert error.value.key == "feeds.max_age"
