"""Read-only commands start fast: they load neither Scrapy/Twisted nor the numeric stack.

Each command runs in a fresh interpreter (`sys.modules` starts empty), on an empty
database; `serve` stops as soon as it would start serving.
"""

import json
import subprocess
import sys

import pytest

from newsspider.db import Database

HEAVY = ("scrapy", "twisted", "numpy", "scipy", "datasketch")
RUN = """
import json, sys
from newsspider.cli import main
if sys.argv[1] == "serve":
    import feeds.serve
    def stop(*args, **kwargs):
        return None
    feeds.serve.serve = stop
try:
    status = main(sys.argv[1:])
except SystemExit as exc:  # --help
    status = exc.code
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"status": status, "loaded": loaded}))
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("fast") / "news.db"
    Database(path).close()
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["status"],
        ["search", "budget"],
        ["articles"],
        ["export", "--out", "OUT"],
        ["serve", "--port", "0", "--out", "OUT"],
    ],
    ids=lambda argv: argv[0],
)
def test_command_loads_no_heavy_module(db, argv):
    out = db.parent / "feeds"
    out.mkdir(exist_ok=True)
    argv = [str(out) if a == "OUT" else a for a in argv]
    if argv != ["--help"]:
        argv += ["--db", str(db)]
    done = subprocess.run(
        [sys.executable, "-c", RUN, *argv], capture_output=True, text=True, timeout=60, check=False
    )
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["status"] == 0, done.stderr
    assert [m for m in HEAVY if m in result["loaded"]] == []


CRAWLER = """
import json, sys
from scrapy.crawler import CrawlerProcess
from newsspider.config import load_config
from newsspider.crawl import crawl_settings
from newsspider.spiders import spider_class_for
config = load_config(sys.argv[1])
settings = crawl_settings(config, sys.argv[2], "ERROR")
settings.set("RETRY_ENABLED", False, priority="cmdline")
settings.set("ITEM_PIPELINES", {}, priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(spider_class_for(next(iter(config.sites.values()))))
process.crawl(crawler)  # a crawl of a closed port: it starts, fails, ends
process.start()
running = sorted({type(extension).__name__ for extension in crawler.extensions.middlewares})
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"loaded": loaded, "running": running}))
"""


def test_a_crawl_runs_no_console_and_loads_extraction_with_the_first_article(db, tmp_path):
    """Scrapy's telnet and remote-control consoles stay off (no listening port per site; a
    cluster worker's settings are the crawl's); components turned off are not even loaded,
    and the extraction chain's libraries load with the first article, not before the first
    request (a worker's start)."""
    from newsspider.demo.config import demo_config_toml

    config = tmp_path / "sites.toml"
    config.write_text(demo_config_toml("http://127.0.0.1:9"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", CRAWLER, str(config), str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    result = json.loads(done.stdout.splitlines()[-1])
    assert {"TelnetConsole", "RemoteControl"} & set(result["running"]) == set(), done.stderr
    assert "RunLog" in result["running"]  # the check sees extensions that do run
    # aiohttp: the remote control's; tldextract: the cookie middleware's (cookies are off)
    unwanted = ("trafilatura", "dateparser", "aiohttp", "tldextract")
    assert [m for m in unwanted if m in result["loaded"]] == []
