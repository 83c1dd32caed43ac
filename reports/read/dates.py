"""Due dates as people write them in a bullet, in every language of the vocabulary:
`(due 2026-11-12)`, `by Dec 20`, `antes de 15 de dezembro`, `(bis 1. Dezember)`,
`20 Aralık'a kadar`, `до 1 декабря`, `（12月10日まで）`, `截止 12月5日`, `(12/15)` with a date
order. A date without a year takes the year nearest the as-of date.

The words before or after a due date are each language's `due_words` / `due_after` in
`vocabulary.py`, the month names `monthnames.py`'s. The patterns are compiled on first use,
and tried only on a bullet holding a digit: most bullets hold no date.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any, NamedTuple

from reports.read.found import Problem
from reports.read.monthnames import month_number, month_words
from reports.read.values import MAX_YEAR, MIN_YEAR  # one year range
from reports.read.vocabulary import LANGUAGES

DATE_ORDERS = ("MDY", "DMY")
_DIGIT = re.compile(r"\d").search
_CJK = "\u2e80"  # words from here on are written without spaces between them: no word boundaries
_ENGLISH_WORDS = frozenset(("out", "set", "ago"))  # month names (pt, es) that are also English words
_TRIM = " -\u2014\u2013,;:\uff0c\u3001"  # what a removed due date leaves dangling at the end


class Due(NamedTuple):
    """A due date found in a bullet: the date (None if it could not be read), the text it
    was written as, and the bullet's text without it."""

    when: date | None
    written: str
    rest: str


@functools.cache
def _date() -> str:
    """A date as written: ISO, numeric, a month name and day either way round (any language's
    names, `1º de dezembro`, `1. Dezember`), or `12月5日` / `12월 5일`."""
    month = "(?:" + "|".join(re.escape(w) for w in month_words()) + r")\.?(?![^\W\d_])"
    day = r"(?<!\d)\d{1,2}"
    year = r"(?:,?\s+(?:de\s+|del\s+)?\d{4}(?!\d))?"
    return (r"(?<!\d)(?:\d{4}\s*[年년]\s*)?\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일号]"
            r"|(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"
            r"|(?<!\d)\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d/])"
            rf"|(?<![^\W\d_]){month}\s+{day}(?:st|nd|rd|th)?(?!\d){year}"
            rf"|{day}(?:\.\s*|(?:st|nd|rd|th|er|\u00ba|\u00aa|\u00b0)?\s+)(?:(?:de|del)\s+)?{month}{year}")


def _alternatives(words: set[str]) -> str:
    """Words as one alternation, longest first; a word in a spaced script stands alone."""
    ordered = sorted(words, key=len, reverse=True)
    spaced = "|".join(re.escape(w) for w in ordered if w[:1] < _CJK)
    joined = "|".join(re.escape(w) for w in ordered if w[:1] >= _CJK)
    return "(?:" + "|".join(filter(None, (spaced and rf"(?<!\w)(?:{spaced})(?!\w)", joined))) + ")"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A word then a date (`by Dec 20`), a date then a word (`12월 5일까지`), a date alone in
    parentheses (`(Dec 20)`): every language's words, compiled the first time a bullet has a digit."""
    before = {w for vocab in LANGUAGES.values() for w in vocab.due_words}
    after = {w for vocab in LANGUAGES.values() for w in vocab.due_after}
    when = rf"(?P<date>{_date()})"
    opening, closing = r"(?P<open>[(\uff08]\s*)?", r"(?P<close>\s*[)\uff09])?"
    return (re.compile(rf"{opening}(?:[\u2014\u2013]\s*|(?<=\s)-\s+)?{_alternatives(before)}\s*[:\uff1a]?\s*"
                       rf"{when}{closing}", re.I),
            re.compile(rf"{opening}{when}(?:['\u2019][^\W\d_]+)?\s*{_alternatives(after)}{closing}", re.I),
            re.compile(rf"(?P<open>[(\uff08]\s*){when}(?P<close>\s*[)\uff09])", re.I))


@functools.cache
def _bare() -> re.Pattern[str]:
    return re.compile(_date(), re.I)


def find_due(text: str, as_of: date | None, date_order: str | None = None) -> Due | None:
    """`(due 2026-11-12)`, `— due 2026-11-12`, `by Dec 20`, `antes de 15 de dezembro`,
    `(20 Aralık'a kadar)`, `（12月10日まで）`, `(Dec 20)`; `12/15` is read only with a
    `date_order` (MDY or DMY)."""
    if not _DIGIT(text):
        return None  # every date has a digit; most bullets have none
    words, after, paren = _patterns()
    m = words.search(text) or after.search(text) or paren.search(text)
    if m is None or (m.re is paren and not _ENGLISH_WORDS.isdisjoint(m["date"].lower().split())):
        return None  # `(2 out)`, `(3 set)`: with no due word, an English word and not a month
    start, end = m.start(), m.end()
    if m["open"] and not m["close"]:
        start += len(m["open"])  # `(by Dec 5, if the bank agrees)`: the parenthesis stays open
    elif m["close"] and not m["open"]:
        end -= len(m["close"])
    rest = text[:start] + " " + text[end:]
    return Due(parse_date(m["date"], as_of, date_order), m["date"],
               " ".join(rest.replace("()", "").replace("\uff08\uff09", "").split()).rstrip(_TRIM))


def field_due(text: str, as_of: date | None, date_order: str | None = None) -> Due | None:
    """The date an issue block's Due field gives (`Dec 4`, `12月20日`, `before 2026-12-04`), or None."""
    m = _bare().search(text) if _DIGIT(text) else None
    return Due(parse_date(m[0], as_of, date_order), m[0], text) if m else None


def unreadable(found: Due) -> str | None:
    """The warning for a due date that could not be read, naming what to do; None once read."""
    if found.when is not None:
        return None
    if is_numeric_date(found.written):
        return (f"due date '{found.written}' may be month/day or day/month; set `date_order: MDY` or "
                "`date_order: DMY` in the front matter to read it; kept without one")
    return (f"due date '{found.written}' is not a date it can read (YYYY-MM-DD from 1900 to 9000, or a "
            "month name and day); kept without one")


def is_numeric_date(written: str) -> bool:
    """`12/15` or `20/12/2026`: month or day first depends on the writer."""
    return bool(re.fullmatch(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?", written.strip()))


def parse_date(written: str, as_of: date | None, date_order: str | None = None) -> date | None:
    """A date as `_date()` finds it; without a year, the one nearest `as_of`; None if it is no date."""
    s = written.strip().lower()
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
    cjk = re.fullmatch(r"(?:(\d{4})\s*[年년]\s*)?(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号]", s)
    if cjk:
        return _checked(int(cjk[1]), int(cjk[2]), int(cjk[3])) if cjk[1] else \
            _nearest(int(cjk[2]), int(cjk[3]), as_of)
    tokens = re.findall(r"[^\W\d_]+|\d+", s)
    named = next((n for n in map(month_number, tokens) if n is not None), None)
    numbers = [int(t) for t in tokens if t.isdecimal()]
    if named is None or not numbers or numbers[0] > 31:
        return None
    year = next((n for n in numbers[1:] if n >= 1000), None)
    return _checked(year, named, numbers[0]) if year is not None else _nearest(named, numbers[0], as_of)


def front_date_order(meta: dict[str, Any], text: str) -> tuple[str | None, Problem | None]:
    """A file's own `date_order:` (MDY or DMY); any other value is a problem naming its line."""
    value = meta.get("date_order") if meta else None
    if value is None or str(value).strip() == "":
        return None, None
    order = str(value).strip().upper()
    if order in DATE_ORDERS:
        return order, None
    lines = text.split("\n", 200)[:200]  # front matter is at the top; its key is on one of these lines
    line = next((n for n, s in enumerate(lines, 1) if s.lower().startswith("date_order")), 1)
    return None, (line, f"front matter `date_order: {' '.join(str(value).split())[:40]}` is neither MDY "
                  "(12/15 is December 15) nor DMY (15/12 is December 15); ignored")


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
