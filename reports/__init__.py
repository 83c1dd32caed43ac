"""Turn markdown handoff notes into five executive reports and deliver them."""

from pathlib import Path

__version__ = "0.1.0"
SAMPLE_DIR = Path(__file__).resolve().parent / "sample"  # the bundled sample portfolio

ROLES = ("ceo", "cto", "accounting", "cmo", "cfo")
