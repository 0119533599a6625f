"""Browser tests: they need Chromium and the browser extra, and skip at collection without."""

from __future__ import annotations

import importlib.util
import os

import pytest

CHROMIUM = os.environ.get("NEWSSPIDER_TEST_CHROMIUM", "/usr/bin/chromium")
HAVE_BROWSER = os.access(CHROMIUM, os.X_OK) and importlib.util.find_spec("playwright") is not None
needs_chromium = pytest.mark.skipif(
    not HAVE_BROWSER,
    reason=f"no Chromium at {CHROMIUM} or no playwright (apt-get install chromium; .ci/run does)",
)
