"""Two workers share one host's delay: request start times at the server stay spaced."""

from __future__ import annotations

import subprocess
import time

from newsspider.demo import DemoServer, demo_config_toml
from tests.cluster.test_cluster_run import _cli, _enqueue
from tests.support.programs import requires_redis

pytestmark = requires_redis

DELAY = 0.25


class TimedDemoServer(DemoServer):
    """The demo server, also noting when each request arrived."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.arrivals: list[float] = []

    def record(self, path: str) -> None:
        super().record(path)
        self.arrivals.append(time.monotonic())


def test_two_workers_keep_the_sites_delay_between_requests(tmp_path, redis_server):
    with TimedDemoServer(articles_per_section=6) as demo:
        config, db = tmp_path / "sites.toml", tmp_path / "news.db"
        toml = demo_config_toml(demo.base_url, sections=("alpha",), max_pages=2)
        toml = toml.replace("download_delay = 0", f"download_delay = {DELAY}")
        toml += f'[cluster]\nredis_url = "{redis_server.url}"\nkey_prefix = "polite"\n'
        config.write_text(toml, encoding="utf-8")
        _enqueue(config, db)
        command = _cli(config, db, "worker", "--exit-when-idle", "-q")
        workers = [subprocess.Popen(command) for _ in range(2)]
        for worker in workers:
            assert worker.wait(timeout=60) == 0
        gaps = [b - a for a, b in zip(demo.arrivals, demo.arrivals[1:], strict=False)]
    assert len(gaps) >= 6
    assert min(gaps) >= DELAY * 0.8, gaps  # grant times are exact; arrival adds local jitter
    assert sum(gaps) / len(gaps) >= DELAY * 0.95
