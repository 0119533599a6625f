"""The same site crawled by `run` or by a cluster of 1 or 2 workers gives byte-identical feeds.

Feeds are a function of what is stored, never of the order it was stored in: a cluster's
ingest stores articles in whatever order the workers finish them, and the demo's agency
stories appear on several sections (story grouping in the combined feed).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsspider.demo import DemoServer, demo_config_toml
from tests.support.programs import requires_redis

pytestmark = requires_redis
SECTIONS = ("alpha", "beta", "gamma", "fa")


def _cli(config: Path, db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newsspider.cli", *args, "--config", str(config), "--db", str(db)]


def _feeds(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _cluster(tmp: Path, config: Path, workers: int) -> dict[str, bytes]:
    db, out = tmp / f"cluster{workers}.db", tmp / f"cluster{workers}"
    subprocess.run(_cli(config, db, "enqueue", "-q"), check=True, timeout=60)
    worker = [*_cli(config, db, "worker", "--exit-when-idle", "-q"), "--concurrency", "4"]
    started = [subprocess.Popen(worker) for _ in range(workers)]
    ingest = [*_cli(config, db, "ingest", "--exit-when-idle", "-q"), "--out", str(out)]
    subprocess.run(ingest, check=True, timeout=180)
    assert all(process.wait(timeout=60) == 0 for process in started)
    return _feeds(out)


@pytest.mark.parametrize("workers", [1, 2])
def test_run_and_a_cluster_give_byte_identical_feeds(tmp_path, workers, redis_server):
    with DemoServer(articles_per_section=24) as demo:
        sites = demo_config_toml(demo.base_url, sections=SECTIONS, max_pages=50)
        base = f'[feeds]\nbase_url = "http://feeds.example.org/"\n{sites}'
        cluster = f'[cluster]\nredis_url = "{redis_server.url}"\nkey_prefix = "same{workers}"\n'
        config = tmp_path / "sites.toml"
        config.write_text(base + cluster, encoding="utf-8")
        local_out = tmp_path / "run"
        done = subprocess.run(
            [*_cli(config, tmp_path / "run.db", "run", "-q"), "--out", str(local_out)],
            timeout=180,
        )
        assert done.returncode == 0
        local = _feeds(local_out)
        clustered = _cluster(tmp_path, config, workers)
    assert "all.atom.xml" in local
    assert sorted(clustered) == sorted(local)
    differing = [name for name in local if clustered[name] != local[name]]
    assert not differing, differing
