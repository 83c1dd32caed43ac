"""Turn markdown handoff notes into five executive reports and deliver them."""

__version__ = "0.1.0"

ROLES = ("ceo", "cto", "accounting", "cmo", "cfo")
