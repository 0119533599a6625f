"""Which articles a feed holds, as SQL over `articles` that the feed indexes can answer.

Every feed is a `Selection`: configured sites, optionally one column value (language, source
agency), one label (category, tag) or a full-text query, optionally a lower date bound. The
SQL is shaped so that SQLite walks an index in feed order and stops at the feed's limit (or,
for labels and searches, reads only the matching articles): one feed costs its own size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from newsspider.db.schema import LABEL_NEWEST_FIRST_KEY, NEWEST_FIRST_KEY, SORT_DATE, qualified

INDEXED_COLUMNS = ("language", "source")
# The feed order, spelled as the indexes spell it (so they are used): over articles, and over
# article_labels' copy of the key (its index article_labels_newest).
NEWEST_FIRST = "ORDER BY " + qualified(NEWEST_FIRST_KEY, "a")
LABEL_NEWEST_FIRST = "ORDER BY " + qualified(LABEL_NEWEST_FIRST_KEY, "l")
_SORT_DATE = qualified(SORT_DATE, "a")
# The index newsspider.db creates on articles(story_id) (sqlite-utils' naming).
STORY_INDEX = "idx_articles_story_id"


@dataclass(frozen=True)
class Selection:
    """The articles of one feed: always limited to configured sites."""

    sites: tuple[str, ...]
    columns: tuple[tuple[str, str], ...] = ()
    label: tuple[str, str] | None = None
    match: str | None = None
    since: datetime | None = None
    one_per_story: bool = False

    def __post_init__(self) -> None:
        for name, _ in self.columns:
            if name not in INDEXED_COLUMNS:
                raise ValueError(f"cannot select on column {name!r}")

    def narrowed(self, *, match: str | None = None, since: datetime | None = None) -> Selection:
        """This selection further limited by a full-text query and/or a date (both ANDed)."""
        if match and self.match:
            match = f"({self.match}) AND ({match})"
        return replace(self, match=match or self.match, since=since or self.since)

    def newest_first_sql(self, columns: tuple[str, ...]) -> tuple[str, list[Any]]:
        """SELECT of this selection's articles, newest first."""
        where, params = self._conditions()
        source = "articles AS a"
        if self.label:
            # The label's rows, newest first, drive the loop: only its articles are read.
            source = "article_labels AS l CROSS JOIN articles AS a"
            label_where = ["l.kind = ?", "l.label = ?", "a.site = l.site", "a.news_id = l.news_id"]
            label_params: list[Any] = [*self.label]
            if self.since:
                label_where.append("l.sort_date >= julianday(?)")
                label_params.append(self.since.isoformat())
            where, params = [*label_where, *where], [*label_params, *params]
        sql = f"SELECT {_select_list(columns)} FROM {source} WHERE {' AND '.join(where)}"
        return f"{sql} {LABEL_NEWEST_FIRST if self.label else NEWEST_FIRST}", params

    def story_copies_sql(self) -> tuple[str, list[Any]]:
        """The copies of one story (`?` last) in this selection: site, news_id, sort date."""
        where, params = self._conditions(per_row=True)
        if self.label:
            where.append(
                "EXISTS (SELECT 1 FROM article_labels AS l WHERE l.kind = ? AND l.label = ? "
                "AND l.site = a.site AND l.news_id = a.news_id)"
            )
            params.extend(self.label)
        where.append("a.story_id = ?")
        # A story has a handful of copies: find them by story, whatever else the feed selects.
        source = f"articles AS a INDEXED BY {STORY_INDEX}"
        sql = f"SELECT a.site, a.news_id, {_SORT_DATE} FROM {source} WHERE {' AND '.join(where)}"
        return sql, params

    def _conditions(self, *, per_row: bool = False) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if len(self.sites) == 1 and not (self.columns or self.label or self.match):
            where.append("a.site = ?")  # walks the (site, newest) index
        else:
            # Unary + keeps SQLite off the site index, so it walks a newest-first index.
            where.append(f"+a.site IN ({', '.join('?' for _ in self.sites)})")
        params.extend(self.sites)
        for name, value in self.columns:
            where.append(f"a.{name} = ?")
            params.append(value)
        if self.match and per_row:
            # Checks the given rows only, instead of running the whole search again.
            where.append(
                "EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? "
                "AND articles_fts.rowid = a.rowid)"
            )
            params.append(self.match)
        elif self.match:
            where.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(self.match)
        if self.since:
            where.append(f"{_SORT_DATE} >= julianday(?)")
            params.append(self.since.isoformat())
        return where, params


def _select_list(columns: tuple[str, ...]) -> str:
    return ", ".join(f"a.{name}" for name in columns)
