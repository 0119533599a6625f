import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsspider.config import load_config, parse_config
from newsspider.db import Database
from newsspider.errors import ConfigError, UnknownSiteError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "config"


def test_valid_config_loads_every_key():
    config = load_config(FIXTURES / "valid.toml")
    site = config.sites["mfa_en"]
    assert site.kind == "portal"
    assert site.start_urls == ("https://example.org/en/news",)
    assert site.allowed_domains == ("example.org",)
    assert site.max_pages == 3
    assert site.selectors["body"] == "xpath://div[@id='body']"
    assert config.sites["agency"].allowed_domains == ("agency.example.net", "cdn.example.net")
    assert config.feeds.base_url == "https://feeds.example.org/news/"
    assert config.feeds.limit == 20
    assert config.user_agent == "test-agent/1.0"


def test_select_names_unknown_sites():
    config = load_config(FIXTURES / "valid.toml")
    assert [s.name for s in config.select(["agency"])] == ["agency"]
    assert len(config.select([])) == 2
    with pytest.raises(UnknownSiteError, match=r"nope.*defined: agency, mfa_en"):
        config.select(["nope"])


def _site(**overrides):
    table = {"kind": "portal", "start_urls": ["https://example.org/news"], "timezone": "UTC"}
    table.update(overrides)
    return {"sites": {"s1": {k: v for k, v in table.items() if v is not None}}}


@pytest.mark.parametrize(
    ("overrides", "key", "message"),
    [
        ({"colour": "red"}, "colour", "unknown key"),
        ({"kind": "magic"}, "kind", "must be one of portal, generic"),
        ({"start_urls": None}, "start_urls", "is required"),
        ({"start_urls": []}, "start_urls", "at least one URL"),
        ({"start_urls": ["ftp://x.org/"]}, "start_urls", "not an http"),
        ({"timezone": "Asia/Tehrn"}, "timezone", "unknown time zone 'Asia/Tehrn'"),
        ({"timezone": None}, "timezone", "is required"),
        (
            {"article_url_pattern": "news/(\\d+"},
            "article_url_pattern",
            "invalid regular expression",
        ),
        ({"id_pattern": "news/(\\d+)"}, "id_pattern", "named group"),
        ({"selectors": {"title": "h1[[["}}, "selectors.title", "invalid selector"),
        ({"selectors": {"title": "xpath://h1[@"}}, "selectors.title", "invalid selector"),
        ({"selectors": {"colour": "h1"}}, "selectors.colour", "unknown field"),
        ({"max_pages": 0}, "max_pages", "at least 1"),
        ({"max_pages": "5"}, "max_pages", "must be int"),
        ({"obey_robots": 1}, "obey_robots", "must be bool"),
        ({"download_delay": -1}, "download_delay", "must not be negative"),
        ({"download_delay": float("nan")}, "download_delay", "must be a finite number"),
        ({"max_retry_delay": float("inf")}, "max_retry_delay", "must be a finite number"),
        ({"recheck": ["1h", "soon"]}, "recheck", "not a duration"),
        ({"recheck": [1]}, "recheck", "list of durations"),
        ({"timeout": 0}, "timeout", "must be above 0"),
        ({"download_delay": 1e300}, "download_delay", "must be at most 86400"),
        ({"timeout": 90000}, "timeout", "must be at most 86400"),
        ({"max_retry_delay": 1e10}, "max_retry_delay", "must be at most 86400"),
        ({"retries": 2**63 - 1}, "retries", "must be at most 100"),
    ],
)
def test_bad_site_definition_names_file_site_and_key(overrides, key, message):
    with pytest.raises(ConfigError) as caught:
        parse_config(_site(**overrides), "sites.toml")
    error = caught.value
    assert (error.site, error.key) == ("s1", key)
    assert str(error).startswith(f"sites.toml: [sites.s1] {key}: ")
    assert re.search(re.escape(message), str(error))


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        ({}, "sites", "no [sites.NAME] table"),
        ({**_site(), "colour": 1}, "colour", "unknown top-level key"),
        ({**_site(), "feeds": {"limit": 0}}, "feeds.limit", "at least 1"),
        ({**_site(), "feeds": {"base_url": "feeds/"}}, "feeds.base_url", "http(s) URL"),
        ({**_site(), "feeds": {"colour": 1}}, "feeds.colour", "unknown key"),
        ({**_site(), "crawl": {"extract_processes": -1}}, "crawl.extract_processes", "negative"),
        ({**_site(), "crawl": {"extract_processes": 99999}}, "crawl.extract_processes", "256"),
        (
            {**_site(), "feeds": {"families": {"alarms": {"kind": "tag", "value": "x"}}}},
            "feeds.families.alarms",
            "clashes",
        ),
    ],
)
def test_bad_global_options_name_the_key(raw, key, message):
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, "sites.toml")
    assert caught.value.key == key
    assert message in str(caught.value)


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[sites.x\nkind=", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(bad)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b'user_agent = "caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xe9 at offset 17\)"):
        load_config(latin1)


def test_a_byte_order_mark_is_no_error(tmp_path):
    """Notepad and other Windows editors start a UTF-8 file with a BOM."""
    path = tmp_path / "sites.toml"
    text = '[sites.a]\nkind = "portal"\nstart_urls = ["http://x.org/"]\ntimezone = "UTC"\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert list(load_config(path).sites) == ["a"]


def test_depth_limit_follows_max_pages_unless_set():
    def site(**keys):
        return parse_config(_site(**keys), "sites.toml").sites["s1"]

    assert site().depth_limit == 20
    assert site(max_pages=50).depth_limit == 53  # deep pagination is not cut at depth 20
    assert site(max_pages=50, max_depth=4).depth_limit == 4  # an explicit limit wins


@pytest.mark.parametrize("name", ["all", "alarms"])
def test_a_site_named_like_a_reserved_feed_is_a_config_error(name):
    raw = {"sites": {name: _site()["sites"]["s1"]}}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, "sites.toml")
    assert caught.value.site == name
    assert str(caught.value).startswith(f"sites.toml: [sites.{name}]: ")
    assert "reserved" in str(caught.value)


def test_refresh_hours_is_deprecated_not_an_error(caplog, monkeypatch):
    """Configs written before `recheck` keep loading (cron jobs survive the upgrade)."""
    monkeypatch.setattr("newsspider.config._WARNED", set())
    raw = _site(refresh_hours=48)
    raw["sites"]["s2"] = {**raw["sites"]["s1"], "refresh_hours": 12.5}
    with caplog.at_level("WARNING", logger="newsspider.config"):
        for where in ("sites.toml", "/etc/sites.toml"):  # two sites, two loads: one warning
            config = parse_config(raw, where)
    assert config.sites["s1"].recheck == config.sites["s2"].recheck == (3600, 21600, 86400, 259200)
    (record,) = caplog.records
    assert record.getMessage().startswith(
        "newsspider: warning: sites.toml: refresh_hours is deprecated and ignored; "
        "re-checks follow `recheck` now"
    )


def test_refresh_hours_warning_is_the_documented_line(tmp_path):
    """A cron job's config from before `recheck`: the command works, stderr has one line."""
    site = '[sites.{}]\nkind = "portal"\nstart_urls = ["http://127.0.0.1:9/"]\ntimezone = "UTC"\n'
    text = "".join(site.format(name) + "refresh_hours = 48\n\n" for name in ("a", "b"))
    (tmp_path / "sites.toml").write_text(text, encoding="utf-8")
    Database(tmp_path / "news.db").close()
    command = [sys.executable, "-m", "newsspider.cli", "status", "--config", "sites.toml"]
    done = subprocess.run(
        [*command, "--db", "news.db"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    docs = (Path(__file__).parents[2] / "docs" / "sites.md").read_text(encoding="utf-8")
    (documented,) = [line for line in docs.splitlines() if line.startswith("newsspider: warning")]
    assert done.stderr.splitlines() == [documented]
