"""Paths of the fixture files that tests share (see tests/fixtures/README.md for their sources)."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_ARTICLE = FIXTURES / "seed" / "000_61320329d3b7a11e.txt"
ATOM_RNC = FIXTURES / "schemas" / "atom.rnc"
