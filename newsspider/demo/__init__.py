"""The bundled demo: a family of "portal" news sites with known ground truth, served locally.

`DemoServer` serves four differently marked-up sections (alpha, beta, gamma and
the Persian fa) on 127.0.0.1; `build_corpus` and `DemoServer.truth()` give what
a perfect crawler would extract; `demo_config_toml` writes the site definitions.
"""

from newsspider.demo.config import demo_config_toml
from newsspider.demo.content import ArticleTruth, build_corpus
from newsspider.demo.server import DemoServer

__all__ = ["ArticleTruth", "DemoServer", "build_corpus", "demo_config_toml"]
