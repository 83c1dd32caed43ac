"""What one section reader found in one block, and what it knows besides the block.

Readers never raise and never warn directly: each returns a `Found`, the facts
it read and its problems as `(line, message)`, for the document to file.
"""

from datetime import date
from typing import Any

from reports.record import NamedTuple

Problem = tuple[int, str]  # (line, message)


class Found:
    """What one reader found in one block: facts, and problems as (line, message)."""

    __slots__ = ("facts", "problems")

    def __init__(self) -> None:
        self.facts: list[Any] = []
        self.problems: list[Problem] = []

    def add(self, fact: Any) -> None:
        self.facts.append(fact)

    def warn(self, line: int, message: str) -> None:
        self.problems.append((line, message))


class Context(NamedTuple):
    """What a reader knows besides its block: the report date and a `###` level heading."""

    as_of: date | None = None
    severity: str | None = None
    priority: str | None = None
    level: str | None = None  # the level as written (`high`, `P1`, `wont`), from the nearest heading or label
    done: bool = False  # under a heading about what was done
    date_order: str | None = None  # `MDY` or `DMY` from front matter: how `12/15` is read
    currency: str | None = None  # the file's `currency:`, else the portfolio's: how `10.000` is grouped


def short(text: str, width: int = 60) -> str:
    """Text cut to `width` characters for a warning."""
    return text if len(text) <= width else text[: width - 1] + "\u2026"
