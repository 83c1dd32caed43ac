"""Read the values handoff authors write: money, percentages, dates, markers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import NamedTuple

SEVERITIES = ("critical", "high", "medium", "low")
MIN_YEAR, MAX_YEAR = 1900, 9000  # past these, date arithmetic overflows
PRIORITIES = ("P0", "P1", "P2", "P3")

_SCALE = {"": Decimal(1), "k": Decimal(1000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
_MONEY = re.compile(
    r"""^(?P<neg>-)?\$?(?P<neg2>-)?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)\s*
        (?P<scale>[kKmMbB])?\s*(?:/\s*(?:mo|month|mth))?$""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"^(?P<num>-?(?:\d[\d,]*(?:\.\d+)?|\.\d+))\s*(?P<scale>[kKmM](?![a-zA-Z]))?\s*(?P<unit>.*)$")
_MONTH_NAMES = {
    name: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december")]
    )
    for name in names
}
_UNIT = re.compile(r"(?:[A-Za-z][A-Za-z /.-]{0,19})?")  # a word: days, ms, users, req/s; no digits
_MARKER = re.compile(r"\[([A-Za-z0-9][A-Za-z0-9_-]*)\]")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


LIMIT = Decimal(10) ** 12  # a trillion: past it a figure is a typo, not a small business


def sane(value: Decimal) -> Decimal | None:
    """The value if it is finite and under a trillion in size; else None (`nan`, `-Infinity`,
    `1e999999999` and 29-digit amounts would break the arithmetic of every report)."""
    return value if value.is_finite() and abs(value) < LIMIT else None


def _scaled(number: str, scale: str | None) -> Decimal | None:
    """`1,234.5` with an optional k/M/B suffix as a Decimal."""
    try:
        return sane(Decimal(number.replace(",", "")) * _SCALE[(scale or "").lower()])
    except ArithmeticError:  # InvalidOperation, Overflow
        return None


def parse_money(text: str) -> Decimal | None:
    """Return the amount in `text` (`$14,200`, `$14.2k`, `($300)`, `-$300/mo`), else None."""
    s = text.strip().translate(_DASHES).replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    m = _MONEY.match(s)
    value = _scaled(m["num"], m["scale"]) if m else None
    if m is None or value is None:
        return None
    if negative or m["neg"] or m["neg2"]:
        value = -value
    return value


def parse_percent(text: str) -> Decimal | None:
    """Return the number in `2.1%` as Decimal('2.1'), else None."""
    s = text.strip().translate(_DASHES)
    if not s.endswith("%"):
        return None
    try:
        return sane(Decimal(s[:-1].strip().replace(",", "")))
    except ArithmeticError:  # InvalidOperation, Overflow
        return None


class Quantity(NamedTuple):
    """A number with its unit: `$` for money, `%`, or a word such as `days`."""

    value: Decimal
    unit: str


def parse_quantity(text: str) -> Quantity | None:
    """Read `$1.2k`, `4.5%`, `12 days` or `0.8` into a Quantity."""
    s = text.strip().translate(_DASHES)
    if "$" in s:
        money = parse_money(s)
        return Quantity(money, "$") if money is not None else None
    pct = parse_percent(s)
    if pct is not None:
        return Quantity(pct, "%")
    m = _NUMBER.match(s)
    value = _scaled(m["num"], m["scale"]) if m else None
    unit = m["unit"].strip() if m else ""
    if m is None or value is None or not _UNIT.fullmatch(unit):
        return None  # `1.4.3`, `2026-03-04`, `24/24`, `1e9` are versions, dates, ratios: not figures
    return Quantity(value, unit)


def parse_date(text: str) -> date | None:
    """Return the ISO date `YYYY-MM-DD` in `text`, else None."""
    s = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return None
    try:
        day = date.fromisoformat(s)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def parse_month(text: str) -> str | None:
    """Return `YYYY-MM` for `2026-09`, `2026-09-01`, `Sep 2026` or `September 2026`."""
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", s)
    if m:
        year, month = int(m[1]), int(m[2])
    else:
        m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", s)
        if not m or m[1].lower() not in _MONTH_NAMES:
            return None
        year, month = int(m[2]), _MONTH_NAMES[m[1].lower()]
    if not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return f"{year:04d}-{month:02d}"


class Markers(NamedTuple):
    """The bracketed markers of a bullet, and its text without them."""

    text: str
    severity: str | None
    priority: str | None
    tags: tuple[str, ...]


def split_markers(text: str) -> Markers:
    """Pull `[critical]`, `[P1]` and `[tag]` markers out of a bullet's text."""
    severity = priority = None
    tags: list[str] = []
    for word in _MARKER.findall(text):
        low = word.lower()
        if low in SEVERITIES and severity is None:
            severity = low
        elif word.upper() in PRIORITIES and priority is None:
            priority = word.upper()
        elif low not in tags:
            tags.append(low)
    rest = " ".join(_MARKER.sub(" ", text).split())
    return Markers(rest, severity, priority, tuple(tags))


def month_add(month: str, n: int) -> str:
    """Return the `YYYY-MM` that is `n` months after `month`."""
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
