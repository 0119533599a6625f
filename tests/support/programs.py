"""Skip markers for tests that need a system program: skipped at collection, with the reason."""

from __future__ import annotations

import shutil

import pytest


def requires_program(program: str, package: str | None = None) -> pytest.MarkDecorator:
    """Skip when `program` is not on PATH; `.ci/run` installs the Debian `package` for CI."""
    package = package or program
    return pytest.mark.skipif(
        shutil.which(program) is None,
        reason=f"{program} is not installed (apt-get install {package}; .ci/run installs it)",
    )


requires_redis = requires_program("redis-server")
