"""Hostile scenarios, one site each, crawled together in one child process.

A scenario names its category (for the bench table), the site-definition keys
it needs, its routes, and what the crawl must show: the articles stored (good
ones intact, text exact), the articles that must not exist, and the failure or
skip reasons counted in `crawl_runs`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.hostile_server import (
    ARABIC,
    FRENCH,
    GOOD_IDS,
    PERSIAN,
    HostileServer,
    MiB,
    Reply,
    article_page,
    good_body,
    good_title,
    gzip_bomb,
    html,
    listing_page,
    redirect,
    xml,
)

ROOT = Path(__file__).resolve().parents[2]
Routes = dict[str, Callable[[HostileServer, int], Reply]]
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


@dataclass
class Scenario:
    name: str
    category: str
    site: dict[str, Any] = field(default_factory=dict)
    # Extra articles that must be stored: id -> (title, a sentence of the body); None: the
    # site's usual good article.
    stored: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    # Extra listing links and the "Next" link: relative to the site, or templates with
    # {base}, {witness} and {witness_port}.
    links: tuple[str, ...] = ()
    next_page: str | None = None
    routes: Callable[[Scenario, HostileServer], Routes] = lambda s, server: {}

    def path(self, rest: str = "") -> str:
        return f"/s/{self.name}/{rest}"


def _good(scenario: Scenario, news_id: str) -> Callable[[HostileServer, int], Reply]:
    title, body = good_title(scenario.name, news_id), good_body(scenario.name, news_id)
    return lambda server, hit: html(article_page(news_id, title, body))


def _sequence(*replies: Reply) -> Callable[[HostileServer, int], Reply]:
    """The n-th hit gets the n-th reply; the last one repeats."""
    return lambda server, hit: replies[min(hit, len(replies)) - 1]


def _text_article(news_id: str, text: str) -> tuple[str, list[str]]:
    return f"{text[:48]} {news_id}", [f"{text} ({news_id}).", f"{text}, {news_id}."]


def _encoded(news_id: str, text: str, encoding: str, header: str | None, meta: str | None) -> Reply:
    title, body = _text_article(news_id, text)
    head = f'<meta charset="{meta}">' if meta else ""
    reply = html(article_page(news_id, title, body, head=head), header, encoding)
    return reply


ENCODED = {  # id -> (text, real encoding, HTTP charset, <meta> charset)
    "3": (PERSIAN, "cp1256", "windows-1252", None),
    "4": (PERSIAN, "cp1256", None, None),
    "5": (PERSIAN, "utf-8", "windows-1256", None),
    "6": (FRENCH, "cp1252", "utf-8", None),
    "7": (FRENCH, "iso-8859-15", None, "iso-8859-15"),
    "8": (ARABIC, "iso-8859-6", "iso-8859-6", None),
    "9": (PERSIAN, "utf-8", None, "iso-8859-1"),
    "10": (FRENCH, "utf-8", "iso-8859-1", "iso-8859-1"),
}


def _padded_article(scenario: Scenario, news_id: str) -> Reply:
    page = article_page(
        news_id, good_title(scenario.name, news_id), good_body(scenario.name, news_id)
    )
    return html(page.replace("<nav>", "<nav><!--" + "x" * (600 * 1024) + "-->"))


def _sitemap(urls: list[str], index: bool = False) -> bytes:
    tag, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    entries = "".join(f"<{item}><loc>{u}</loc></{item}>" for u in urls)
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0"?><{tag} xmlns="{ns}">{entries}</{tag}>'.encode()


def _rss(items: str, prolog: str = '<?xml version="1.0"?>') -> bytes:
    return f"{prolog}<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


SECRET_FILE = Path(os.environ.get("TMPDIR", "/tmp")) / "newsspider-hostile-secret.txt"
SECRET = "TOPSECRET4242"


def _bomb_routes(s: Scenario, server: HostileServer) -> Routes:
    base = server.base_url
    good = [f"{base}{s.path(f'news/{i}')}" for i in GOOD_IDS]
    xxe = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{SECRET_FILE}">]>'
    gz_headers = {"Content-Type": "application/xml", "Content-Encoding": "gzip"}
    return {
        s.path("laughs.xml"): lambda sv, h: xml(
            (LAUGHS + "<urlset><url><loc>&lol9;</loc></url></urlset>").encode()
        ),
        s.path("xxe.xml"): lambda sv, h: xml(
            (xxe + f"<urlset><url><loc>{base}{s.path('news/')}&e;</loc></url></urlset>").encode()
        ),
        s.path("bomb.xml.gz"): lambda sv, h: xml(gzip_bomb(60 * MiB), "application/gzip"),
        s.path("encoded-bomb.xml"): lambda sv, h: Reply(
            body=gzip_bomb(64 * MiB), headers=gz_headers
        ),
        s.path("good.xml.gz"): lambda sv, h: xml(
            __import__("gzip").compress(_sitemap(good)), "application/gzip"
        ),
        s.path("laughs.rss"): lambda sv, h: xml(
            _rss("<item><title>&lol9;</title><link>&lol9;</link></item>", LAUGHS),
            "application/rss+xml",
        ),
        s.path("xxe.rss"): lambda sv, h: xml(
            _rss(f"<item><title>x</title><link>{base}{s.path('news/')}&e;</link></item>", xxe),
            "application/rss+xml",
        ),
    }


def _deep_routes(s: Scenario, server: HostileServer) -> Routes:
    base = server.base_url
    good = [f"{base}{s.path(f'news/{i}')}" for i in GOOD_IDS]

    def chain(sv: HostileServer, hit: int, depth: int) -> Reply:
        return xml(_sitemap([f"{base}{s.path(f'chain/{depth + 1}.xml')}"], index=True))

    routes: Routes = {
        s.path("sitemap.xml"): lambda sv, h: xml(
            _sitemap([f"{base}{s.path('articles.xml')}", f"{base}{s.path('chain/1.xml')}"], True)
        ),
        s.path("articles.xml"): lambda sv, h: xml(_sitemap(good)),
    }
    for depth in range(1, 60):
        routes[s.path(f"chain/{depth}.xml")] = lambda sv, h, d=depth: chain(sv, h, d)
    return routes


def _queries_links() -> tuple[str, ...]:
    explosion = "&".join(f"f{i}=v{i}" for i in range(20))
    long_url = "news/77?q=" + "a" * 3000
    many = tuple(f"news/{1000 + i}" for i in range(120))
    return (f"news/55?{explosion}", long_url, *many)


SCENARIOS: list[Scenario] = [
    # Faults -----------------------------------------------------------------
    Scenario(
        "retry_after",
        "faults",
        stored={"3": None},
        routes=lambda s, sv: {
            s.path("news/3"): _sequence(
                Reply(503, b"busy", {"Retry-After": "2"}),
                html(article_page("3", good_title(s.name, "3"), good_body(s.name, "3"))),
            )
        },
    ),
    Scenario(
        "flaky_5xx",
        "faults",
        stored={"3": None},
        routes=lambda s, sv: {
            s.path("news/3"): _sequence(
                Reply(502),
                Reply(500),
                html(article_page("3", good_title(s.name, "3"), good_body(s.name, "3"))),
            )
        },
    ),
    Scenario(
        "resets",
        "faults",
        stored={"3": None},
        absent=("4",),
        errors=("connection",),
        routes=lambda s, sv: {
            s.path("news/3"): _sequence(
                Reply(action="reset"),
                html(article_page("3", good_title(s.name, "3"), good_body(s.name, "3"))),
            ),
            s.path("news/4"): _sequence(Reply(action="reset")),
        },
    ),
    Scenario(
        "always_503",
        "faults",
        absent=("3",),
        errors=("http_503",),
        routes=lambda s, sv: {s.path("news/3"): _sequence(Reply(503, b"down"))},
    ),
    Scenario(
        "retry_after_long",
        "faults",
        absent=("3",),
        errors=("http_503",),
        routes=lambda s, sv: {
            s.path("news/3"): _sequence(Reply(503, b"later", {"Retry-After": "3600"}))
        },
    ),
    Scenario(
        "truncated",
        "faults",
        absent=("3",),
        errors=("data_loss",),
        routes=lambda s, sv: {
            s.path("news/3"): lambda sv2, h: Reply(
                body=article_page("3", good_title(s.name, "3"), good_body(s.name, "3")).encode(),
                headers={"Content-Type": "text/html"},
                action="truncate",
            )
        },
    ),
    Scenario(
        "stalled",
        "faults",
        site={"timeout": 0.5, "retries": 1},
        absent=("3",),
        errors=("timeout",),
        routes=lambda s, sv: {
            s.path("news/3"): _sequence(
                Reply(body=b"<html>", headers={"Content-Type": "text/html"}, action="stall")
            )
        },
    ),
    # Encodings --------------------------------------------------------------
    Scenario(
        "encodings",
        "encodings",
        stored={i: (_text_article(i, t)[0], f"{t} ({i}).") for i, (t, *_) in ENCODED.items()},
        routes=lambda s, sv: {
            s.path(f"news/{i}"): lambda sv2, h, a=args, i=i: _encoded(i, *a)
            for i, args in ENCODED.items()
        },
    ),
    # Traps and limits -------------------------------------------------------
    Scenario(
        "redirect_loop",
        "traps",
        absent=("3",),
        errors=("redirect_loop",),
        routes=lambda s, sv: {
            s.path("news/3"): lambda sv2, h: redirect(s.path("loop/1")),
            **{
                s.path(f"loop/{n}"): (lambda sv2, h, n=n: redirect(s.path(f"loop/{n + 1}")))
                for n in range(1, 40)
            },
        },
    ),
    Scenario(
        "endless_pages",
        "traps",
        site={"max_pages": 3},
        skipped=("max_pages",),
        next_page="page/1",
        routes=lambda s, sv: (
            {
                s.path(f"page/{n}"): (
                    lambda sv2, h, n=n: html(
                        listing_page([s.path(f"news/{100 + n}")], s.path(f"page/{n + 1}"))
                    )
                )
                for n in range(1, 200)
            }
            | {s.path(f"news/{100 + n}"): _good(s, str(100 + n)) for n in range(1, 200)}
        ),
    ),
    Scenario(
        "calendar",
        "traps",
        site={"max_pages": 1000, "max_depth": 4},
        skipped=("max_depth",),
        next_page="page/1",
        routes=lambda s, sv: {
            s.path(f"page/{n}"): (
                lambda sv2, h, n=n: html(listing_page([], s.path(f"page/{n + 1}")))
            )
            for n in range(1, 200)
        },
    ),
    Scenario(
        "queries",
        "traps",
        site={"max_requests": 40},
        skipped=("max_requests", "too_many_query_params", "url_too_long"),
        links=_queries_links(),
        routes=lambda s, sv: {s.path(f"news/{i}"): _good(s, str(i)) for i in range(1000, 1120)},
    ),
    Scenario(
        "big_pages",
        "traps",
        site={"max_page_bytes": MiB},
        absent=("3", "4"),
        stored={"5": None},
        errors=("too_large",),
        routes=lambda s, sv: {
            s.path("news/3"): lambda sv2, h: html("<p>x</p>" * (400 * 1024)),
            s.path("news/4"): lambda sv2, h: Reply(
                body=gzip_bomb(64 * MiB),
                headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
            ),
            s.path("news/5"): lambda sv2, h: _padded_article(s, "5"),
        },
    ),
    Scenario(
        "deep_sitemaps",
        "traps",
        skipped=("max_depth",),
        routes=_deep_routes,
        site={
            "kind": "generic",
            "max_depth": 4,
            "sitemaps": ["{base}/s/deep_sitemaps/sitemap.xml"],
        },
    ),
    # Bombs ------------------------------------------------------------------
    Scenario(
        "xml_bombs",
        "bombs",
        absent=(SECRET,),
        routes=_bomb_routes,
        site={
            "kind": "generic",
            "sitemaps": [
                f"{{base}}/s/xml_bombs/{n}"
                for n in ("laughs.xml", "xxe.xml", "bomb.xml.gz", "encoded-bomb.xml", "good.xml.gz")
            ],
            "feeds": ["{base}/s/xml_bombs/laughs.rss", "{base}/s/xml_bombs/xxe.rss"],
        },
    ),
    # Where requests may go --------------------------------------------------
    Scenario(
        "offsite_redirect",
        "addresses",
        absent=("3",),
        skipped=("offsite",),
        routes=lambda s, sv: {
            s.path("news/3"): lambda sv2, h: redirect(f"{sv2.witness_url}{s.path('news/3')}")
        },
    ),
    Scenario(
        "ssrf",
        "addresses",
        absent=("3",),
        skipped=("blocked_address",),
        site={"allowed_domains": ["127.0.0.1", "127.0.0.2", "2130706434"]},
        links=("{witness}/s/ssrf/news/5", "http://2130706434:{witness_port}/s/ssrf/news/6"),
        routes=lambda s, sv: {
            s.path("news/3"): lambda sv2, h: redirect(f"{sv2.witness_url}{s.path('news/3')}")
        },
    ),
]


# The harness -----------------------------------------------------------------


def install(server: HostileServer) -> None:
    """Every scenario's listing, good articles and hostile routes on the server."""
    for scenario in SCENARIOS:
        for news_id in GOOD_IDS:
            server.routes[scenario.path(f"news/{news_id}")] = _good(scenario, news_id)
        server.routes.update(scenario.routes(scenario, server))
        server.routes[scenario.path()] = _listing(scenario)


def _listing(scenario: Scenario) -> Callable[[HostileServer, int], Reply]:
    def reply(server: HostileServer, hit: int) -> Reply:
        ids = [
            *GOOD_IDS,
            *(i for i in sorted(_article_ids(scenario), key=int) if i not in GOOD_IDS),
        ]
        links = [scenario.path(f"news/{i}") for i in ids]
        links += [_expand(link, server, scenario) for link in scenario.links]
        following = _expand(scenario.next_page, server, scenario) if scenario.next_page else None
        return html(listing_page(links, following))

    return reply


def _article_ids(scenario: Scenario) -> set[str]:
    ids = set(scenario.stored) | {i for i in scenario.absent if i.isdigit()}
    return ids


def _expand(template: Any, server: HostileServer, scenario: Scenario) -> Any:
    if isinstance(template, list):
        return [_expand(item, server, scenario) for item in template]
    if not isinstance(template, str):
        return template
    text = template.format(
        base=server.base_url, witness=server.witness_url, witness_port=server.witness_port
    )
    return text if "://" in text or text.startswith("/") else scenario.path(text)


def site_table(scenario: Scenario, server: HostileServer) -> dict[str, Any]:
    table: dict[str, Any] = {
        "kind": "portal",
        "start_urls": [server.base_url + scenario.path()],
        "timezone": "UTC",
        "article_url_pattern": "/news/\\d+",
        "id_pattern": "/news/(?P<id>\\d+)",
        "obey_robots": False,
        "download_delay": 0,
        "timeout": 2,
        "max_retry_delay": 5,
    }
    for key, value in scenario.site.items():
        table[key] = _expand(value, server, scenario) if key in ("sitemaps", "feeds") else value
    return table


def config_toml(server: HostileServer) -> str:
    lines = ["[crawl]", 'allow_addresses = ["127.0.0.1/32"]', ""]
    for scenario in SCENARIOS:
        lines.append(f"[sites.{scenario.name}]")
        for key, value in site_table(scenario, server).items():
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)


@dataclass
class SiteOutcome:
    scenario: Scenario
    run: dict[str, Any]
    articles: dict[str, dict[str, Any]]
    problems: list[str]

    @property
    def finished(self) -> bool:
        return self.run.get("finish_reason") == "finished" and self.run.get("status") == "ok"


@dataclass
class CrawlOutcome:
    returncode: int
    stderr: str
    sites: dict[str, SiteOutcome]
    witness_hits: int
    integrity: str


def run_crawl(server: HostileServer, workdir: Path) -> CrawlOutcome:
    """Crawl every scenario site in one child process; read back what was stored."""
    SECRET_FILE.write_text(SECRET, encoding="utf-8")
    config, db = workdir / "hostile.toml", workdir / "hostile.db"
    config.write_text(config_toml(server), encoding="utf-8")
    tomllib.loads(config.read_text(encoding="utf-8"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q", "--config", str(config),
               "--db", str(db)]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=workdir, timeout=120
    )
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        runs = {row["site"]: dict(row) for row in conn.execute("SELECT * FROM crawl_runs")}
        stored: dict[str, dict[str, dict[str, Any]]] = {}
        for row in conn.execute("SELECT * FROM articles"):
            stored.setdefault(row["site"], {})[row["news_id"]] = dict(row)
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    sites = {s.name: _judge(s, runs.get(s.name, {}), stored.get(s.name, {})) for s in SCENARIOS}
    return CrawlOutcome(done.returncode, done.stderr, sites, server.witness_hits(), integrity)


def _judge(scenario: Scenario, run: dict[str, Any], articles: dict[str, Any]) -> SiteOutcome:
    problems = []
    expected = {i: None for i in GOOD_IDS} | scenario.stored
    for news_id, text in expected.items():
        title, sentence = text or (good_title(scenario.name, news_id),
                                   good_body(scenario.name, news_id)[0])  # fmt: skip
        article = articles.get(news_id)
        if article is None:
            problems.append(f"lost: {news_id}")
        elif article["title"] != title or sentence not in (article["body_text"] or ""):
            problems.append(f"corrupted: {news_id}: {article['title']!r}")
    for news_id in scenario.absent:
        leaked = not news_id.isdigit() and any(news_id in json.dumps(a) for a in articles.values())
        if news_id in articles or leaked:
            problems.append(f"stored but must not be: {news_id}")
    for group, reasons in (
        ("error_reasons", scenario.errors),
        ("skipped_reasons", scenario.skipped),
    ):
        counted = json.loads(run.get(group) or "{}")
        problems += [f"{group} lacks {r} (has {counted})" for r in reasons if not counted.get(r)]
    return SiteOutcome(scenario, run, articles, problems)
