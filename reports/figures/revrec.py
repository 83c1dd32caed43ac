"""Revenue recognition: the amount, and the months booked and belonging, a handoff item states."""

import re
from datetime import date
from decimal import Decimal

from reports.figures.months import month_of
from reports.patterns import compiled
from reports.read.values import parse_money, parse_month
from reports.record import NamedTuple


class Adjustment(NamedTuple):
    """A revenue-recognition item that moves an amount from the month it was booked in."""

    amount: Decimal
    booked: str  # YYYY-MM it was booked in
    belongs: str | None  # YYYY-MM it belongs to, when the item says


_MONEY_IN_TEXT = compiled(r"\$\s?\d[\d,]*(?:\.\d+)?\s?[kKmM]?")
_MONTH_IN_TEXT = (r"(\d{4}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                  r"(?:\s+\d{4})?)")
_BOOKED = compiled(r"\bbooked\s+(?:as|in|into)\s+" + _MONTH_IN_TEXT, re.I)
_BELONGS = compiled(r"\b(?:for|belongs?\s+(?:to|in))\s+" + _MONTH_IN_TEXT, re.I)


def revrec_adjustment(text: str, as_of: date) -> Adjustment | None:
    """`Deposits for December charters ($4,100) were booked as October revenue` -> $4,100
    booked in 2026-10, belonging to 2026-12 (a month without a year: the one nearest the
    as-of date). None when the item gives no amount or no month it was booked in."""
    if "booked" not in text.lower():
        return None
    money = _MONEY_IN_TEXT.search(text)
    booked = _BOOKED.search(text)
    if money is None or booked is None:
        return None
    amount = parse_money(money[0].replace(" ", ""))
    month = _near_month(booked[1], as_of)
    if amount is None or month is None:
        return None
    belongs = _BELONGS.search(text)
    target = _near_month(belongs[1], as_of) if belongs else None
    return Adjustment(amount, month, target)


def _near_month(text: str, as_of: date) -> str | None:
    found = parse_month(text.strip().rstrip("."))
    if found is not None:
        return found
    candidates = [parse_month(f"{text.strip().rstrip('.')} {as_of.year + k}") for k in (-1, 0, 1)]
    here = month_of(as_of)
    options = [c for c in candidates if c is not None]
    if not options:
        return None

    def distance(m: str) -> int:
        return abs((int(m[:4]) * 12 + int(m[5:])) - (int(here[:4]) * 12 + int(here[5:])))

    return min(options, key=distance)
