"""Shared helpers: databases built through the real schema owner, configs, the Atom grammar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
import rnc2rng
from lxml import etree

from newsspider.config import Config, parse_config
from newsspider.db import Database
from tests.fixture_paths import ATOM_RNC

BASE_URL = "https://feeds.example.org/news/"


def article(site: str, news_id: str, **fields: Any) -> dict[str, Any]:
    """An article record with plausible defaults; `fields` override them."""
    record: dict[str, Any] = {
        "site": site,
        "news_id": news_id,
        "url": f"https://{site}.example.com/news/{news_id}/",
        "title": f"Title {news_id}",
        "body_text": f"First paragraph of {news_id}.\n\nSecond paragraph.",
        "body_html": f"<p>First paragraph of {news_id}.</p><p>Second paragraph.</p>",
        "source": "IRNA",
        "published": "2025-10-27T04:22:21+00:00",
        "language": "en",
    }
    record.update(fields)
    return record


@pytest.fixture
def make_db(tmp_path: Path) -> Callable[..., Path]:
    """Build `tmp_path/news.db` from records: each is `(record, first_seen)` or a record."""

    def build(*records: dict[str, Any] | tuple[dict[str, Any], str]) -> Path:
        path = tmp_path / "news.db"
        db = Database(path)
        try:
            for item in records:
                record, now = (
                    item if isinstance(item, tuple) else (item, "2025-10-28T00:00:00+00:00")
                )
                db.upsert_article(record, now=now)
        finally:
            db.close()
        return path

    return build


def make_config(*sites: str, language: str | None = "en", **feeds: Any) -> Config:
    """A configuration with the named sites (titles `Site <name>`) and `[feeds]` options."""
    table: dict[str, Any] = {
        name: {
            "kind": "portal",
            "start_urls": [f"https://{name}.example.com/"],
            "timezone": "Asia/Tehran",
            "title": f"Site {name}",
            **({"language": language} if language else {}),
        }
        for name in sites
    }
    return parse_config({"sites": table, "feeds": {"base_url": BASE_URL, **feeds}}, "test.toml")


class AtomChecker:
    """RFC 4287 checks: the RELAX NG grammar plus the Schematron rules embedded in it."""

    NS: ClassVar[dict[str, str]] = {
        "atom": "http://www.w3.org/2005/Atom",
        "s": "http://www.ascc.net/xml/schematron",
    }

    def __init__(self, rng: etree._ElementTree):
        self.relaxng = etree.RelaxNG(rng)
        self.rules = [
            (rule.get("context"), check.get("test"), check.text)
            for rule in rng.iterfind(".//s:rule", self.NS)
            for check in rule.iterfind("s:assert", self.NS)
        ]

    def errors(self, document: bytes) -> list[str]:
        """Every violation found in an Atom document (empty when valid)."""
        tree = etree.fromstring(document)
        if not self.relaxng.validate(tree.getroottree()):
            return [str(error) for error in self.relaxng.error_log]
        problems = []
        for context, test, message in self.rules:
            for node in tree.xpath(f"//{context}", namespaces=self.NS):
                if not node.xpath(f"boolean({test})", namespaces=self.NS):
                    problems.append(f"{context}: {message}")
        return problems


@pytest.fixture(scope="session")
def atom_checker(tmp_path_factory: pytest.TempPathFactory) -> AtomChecker:
    """RFC 4287's grammar, converted once per session with rnc2rng."""
    rng_path = tmp_path_factory.mktemp("atom") / "atom.rng"
    rng = rnc2rng.dumps(rnc2rng.load(str(ATOM_RNC)))
    # rnc2rng declares the grammar's empty `local` prefix, which XML forbids; the
    # grammar itself names the empty namespace explicitly (nsName ns=""), so drop it.
    rng_path.write_text(rng.replace('xmlns:local=""', ""), encoding="utf-8")
    return AtomChecker(etree.parse(str(rng_path)))
