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
    def stop(self, *args, **kwargs):
        raise KeyboardInterrupt
    feeds.serve.FeedServer.serve_forever = stop
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
