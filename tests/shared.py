"""Where the read-only shared data lives: `../shared` beside the project root."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_ARTICLE = SHARED / "seed" / "000_61320329d3b7a11e.txt"
ATOM_RNC = SHARED / "feeds" / "atom.rnc"
AEB = SHARED / "eval" / "aeb"
