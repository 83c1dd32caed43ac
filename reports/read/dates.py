"""Due dates as people write them in a bullet: `(due 2026-11-12)`, `by Dec 20`, `before 12 Dec`,
`(12/15)` with a date order; a date without a year takes the year nearest the as-of date."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from reports.read.values import _MONTH_NAMES, MAX_YEAR, MIN_YEAR  # one month table, one year range

_MONTH_WORD = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
               r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DUE_WORDS = re.compile(
    r"(?P<lead>\(\s*|[\u2014\u2013]\s*|\s-\s*|\s|^)(?P<kw>due|by|before|deadline)\b\s*:?\s*"
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|"
    rf"{_MONTH_WORD}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_WORD}\.?(?:,?\s+\d{{4}})?)"
    r"(?P<trail>\s*\))?", re.I)


_DAY_FIRST_WORD = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_WORD}\.?(?:,?\s+\d{{4}})?"
_DUE_PAREN = re.compile(
    rf"(?P<lead>\(\s*)(?P<date>\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|"
    rf"{_MONTH_WORD}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|{_DAY_FIRST_WORD})(?P<trail>\s*\))", re.I)
DATE_ORDERS = ("MDY", "DMY")


class Due(NamedTuple):
    """A due date found in a bullet: the date (None if it could not be read), the text it
    was written as, and the bullet's text without it."""

    when: date | None
    written: str
    rest: str


def find_due(text: str, as_of: date | None, date_order: str | None = None) -> Due | None:
    """`(due 2026-11-12)`, `— due 2026-11-12`, `due: Nov 12`, `by 2026-11-12`, `before 12 Dec`, `(Dec 20)`.
    A date without a year takes the year that puts it nearest `as_of`; `12/15` is read only
    with a `date_order` (MDY or DMY)."""
    m = _DUE_WORDS.search(text) or _DUE_PAREN.search(text)
    if m is None:
        return None
    written = m["date"]
    when = _parse_loose_date(written, as_of, date_order)
    rest = text[: m.start()] + (" " if m["lead"].strip() == "" and m.start() > 0 else "") + text[m.end():]
    if m["lead"].strip().startswith("(") and not m["trail"]:
        rest = text[: m.start()] + " " + text[m.end():]
    return Due(when, written, " ".join(rest.replace("()", "").split()).rstrip(" -\u2014\u2013,;"))


def is_numeric_date(written: str) -> bool:
    """`12/15` or `20/12/2026`: month or day first depends on the writer."""
    return bool(re.fullmatch(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?", written.strip()))


def _parse_loose_date(written: str, as_of: date | None, date_order: str | None = None) -> date | None:
    s = written.strip().lower().replace(",", " ").replace(".", " ")
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if iso:
        return _checked(int(iso[1]), int(iso[2]), int(iso[3]))
    if is_numeric_date(s):
        if date_order not in DATE_ORDERS:
            return None  # 03/04: month or day first? Not guessed; warned
        parts = [int(x) for x in s.split("/")]
        month, day = (parts[0], parts[1]) if date_order == "MDY" else (parts[1], parts[0])
        if len(parts) == 3:
            return _checked(parts[2] + (2000 if parts[2] < 100 else 0), month, day)
        return _nearest(month, day, as_of)
    words = s.split()
    named = next((_MONTH_NAMES[w] for w in words if w in _MONTH_NAMES), None)
    numbers = [int(re.sub(r"(st|nd|rd|th)$", "", w)) for w in words if re.fullmatch(r"\d+(?:st|nd|rd|th)?", w)]
    if named is None or not numbers or numbers[0] > 31:
        return None
    year = next((n for n in numbers[1:] if n >= 1000), None)
    return _checked(year, named, numbers[0]) if year is not None else _nearest(named, numbers[0], as_of)


def _nearest(month: int, day: int, as_of: date | None) -> date | None:
    """The date of that month and day nearest the as-of date (`Jan 10` late in the year is next year's)."""
    if as_of is None:
        return None
    candidates = [d for d in (_checked(as_of.year + k, month, day) for k in (-1, 0, 1)) if d is not None]
    return min(candidates, key=lambda d: abs((d - as_of).days)) if candidates else None


def _checked(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if MIN_YEAR <= found.year <= MAX_YEAR else None
