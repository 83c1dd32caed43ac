"""The benchmark: `python bench/run.py` (not part of the installed package, never imported by it)."""
