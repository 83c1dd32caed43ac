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
from collections.abc import Iterator
from datetime import date
from typing import Any

from reports.patterns import compiled, longest_first
from reports.read.found import Problem
from reports.read.monthnames import month_number
from reports.read.values import MAX_YEAR, MIN_YEAR  # one year range
from reports.read.vocabulary import LANGUAGES
from reports.record import NamedTuple

DATE_ORDERS = ("MDY", "DMY")
_DIGIT = compiled(r"\d").search
_CJK = "\u2e80"  # words from here on are written without spaces between them: no word boundaries
_ENGLISH_WORDS = frozenset(("out", "set", "ago"))  # month names (pt, es) that are also English words
_TRIM = " -\u2014\u2013,;:\uff0c\u3001"  # what a removed due date leaves dangling at the end


_NUMERIC_DATE = compiled(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?")
_ISO_DATE = compiled(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CJK_DATE = compiled(r"(?:(\d{4})\s*[年년]\s*)?(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号]")
_DATE_TOKENS = compiled(r"[^\W\d_]+|\d+")


class Due(NamedTuple):
    """A due date found in a bullet: the date (None if it could not be read), the text it
    was written as, and the bullet's text without it."""

    when: date | None
    written: str
    rest: str


@functools.cache
def _forward() -> re.Pattern[str]:
    """Each number of a text, as the date it starts when it starts one: `12月5日`, ISO, `12/15`,
    or a day then a word that may be a month (`1º de dezembro`, `1. Dezember`, `20 Aralık`).
    Every branch starts with a digit; the look-ahead saying so lets the search skip to the next
    digit at once (a third of the cost)."""
    return compiled(r"(?=\d)(?:(?:\d{4}\s*[年년]\s*)?\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일号]|\d{4}-\d{1,2}-\d{1,2}(?!\d)"
                      r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d/])"
                      r"|\d{1,2}(?:\.\s*|(?:st|nd|rd|th|er|\u00ba|\u00aa|\u00b0)?\s+)(?:(?:de|del)\s+)?"
                      r"(?P<month>[^\W\d_]{3,})\.?(?![^\W\d_])(?:,?\s+(?:de\s+|del\s+)?\d{4}(?!\d))?|\d+)", re.I)


@functools.cache
def _day_after_month() -> re.Pattern[str]:
    """The day (and year) after a month name: `Dec 20`, `December 5th, 2026`."""
    return compiled(r"\d{1,2}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{4}(?!\d))?", re.I)


@functools.cache
def _suffix() -> re.Pattern[str]:
    return compiled(r"['\u2019][^\W\d_]{1,4}(?![^\W\d_])")


@functools.cache
def _due_words() -> tuple[frozenset[str], tuple[str, ...], frozenset[str], tuple[str, ...]]:
    """Every language's words before a due date and after one: spaced words (a set of phrases
    looked up whole) and words of scripts written without spaces (matched as they stand)."""
    before = {w.lower() for vocab in LANGUAGES.values() for w in vocab.due_words}
    after = {w.lower() for vocab in LANGUAGES.values() for w in vocab.due_after}

    def joined(words: set[str]) -> tuple[str, ...]:
        return tuple(sorted((w for w in words if w[:1] >= _CJK), key=longest_first))
    return (frozenset(w for w in before if w[:1] < _CJK), joined(before),
            frozenset(w for w in after if w[:1] < _CJK), joined(after))


def _dates_in(text: str) -> Iterator[tuple[int, int]]:
    """Where dates stand in a text, left to right: each found from where a number starts."""
    for m in _forward().finditer(text):
        if m[0].isdigit():  # a bare number: a day after a month name (`Dec 20`)?
            start = _month_before(text, m.start())
            day = _day_after_month().match(text, m.start()) if start is not None else None
            if start is not None and day:
                yield start, day.end()
        elif m["month"] is None or month_number(m["month"]) is not None:
            yield m.start(), m.end()


def _month_before(text: str, i: int) -> int | None:
    """Where a month name ends right before a number at `i` (`Dec 20`, `Sept. 5`), else None."""
    if i < 4 or not text[i - 1].isspace() or not (text[i - 2].isalpha() or text[i - 2] == "."):
        return None  # most numbers follow no word
    low = max(0, i - 16)
    end = low + len(text[low:i].rstrip().rstrip("."))
    start = end
    while start > low and text[start - 1].isalpha():
        start -= 1
    if start == end or (start > 0 and text[start - 1].isalpha()) or month_number(text[start:end]) is None:
        return None
    return start


def _word_before(text: str, start: int) -> int | None:
    """Where a due word ends the text before `start` (`by `, `antes de `, `截止 `, `期限: `), else None."""
    low = max(0, start - 40)
    head = text[low:start].rstrip().rstrip(":\uff1a").rstrip()
    spaced, joined, _, _ = _due_words()
    if head and head[-1] >= _CJK:  # `截止 12月5日`: no spaces around the word
        return next((low + len(head) - len(w) for w in joined if head.endswith(w)), None)
    words = head.rsplit(None, 4)[-4:]  # the longest phrase (`au plus tard le`) has four
    starts: list[int] = []
    at = len(head)
    for word in reversed(words):
        at = head.rindex(word, 0, at)
        starts.insert(0, at)
    for n in range(len(words), 0, -1):
        first = words[-n].lstrip("(\uff08\u2014\u2013-")
        if " ".join([first, *words[len(words) - n + 1:]]).lower() in spaced:
            return low + starts[-n] + len(words[-n]) - len(first)
    return None


def _word_after(text: str, end: int) -> int | None:
    """Where a due word after a date ends (`'a kadar`, `까지`, `まで`), else None."""
    suffix = _suffix().match(text, end)  # `Aralık'a`: a Turkish case ending on the month
    at = suffix.end() if suffix else end
    tail = text[at:at + 30]
    rest = tail.lstrip()
    at += len(tail) - len(rest)
    _, _, spaced, joined = _due_words()
    if rest[:1] >= _CJK:  # `12월 5일까지`, `12月10日まで`
        return next((at + len(w) for w in joined if rest.startswith(w)), None)
    words = rest.split(None, 2)[:2]
    for n in range(len(words), 0, -1):
        last = words[n - 1].rstrip(")\uff09,.;")
        if " ".join([*words[:n - 1], last]).lower() in spaced:
            return at + (rest.index(last, len(words[0])) if n == 2 else 0) + len(last)
    return None


@functools.cache
def _english_due() -> frozenset[str]:
    return frozenset(w.lower() for w in LANGUAGES["en"].due_words)


def _due_span(text: str, ds: int, de: int) -> tuple[int, int] | None:
    """The whole due text around a date at [ds, de): its due word (and a dash before it), or the
    parentheses it stands alone in; None when nothing says the date is a due date."""
    start, end = _word_before(text, ds), _word_after(text, de)
    english = not _ENGLISH_WORDS.isdisjoint(text[ds:de].lower().split())  # `3 out`, `2 set`
    if english and end is None and (start is None or text[start:ds].strip(" :").lower() in _english_due()):
        return None  # `(2 out)`, `by 3 out of 10`: an English word, not a month, unless its own language's due word says so
    if start is None and end is None:
        alone = text[:ds].rstrip().endswith(("(", "\uff08")) and text[de:].lstrip().startswith((")", "\uff09"))
        if not alone:
            return None
    start, end = ds if start is None else start, de if end is None else end
    before, after = text[:start].rstrip(), text[end:].lstrip()
    if before.endswith(("(", "\uff08")) and after.startswith((")", "\uff09")):
        return len(before) - 1, len(text) - len(after) + 1  # `(bis 1. Dezember)`: the parentheses go too
    if before.endswith(("\u2014", "\u2013", " -")):
        start = len(before) - 1  # `— due 2026-11-12`
    return start, end


def find_due(text: str, as_of: date | None, date_order: str | None = None) -> Due | None:
    """`(due 2026-11-12)`, `— due 2026-11-12`, `by Dec 20`, `antes de 15 de dezembro`,
    `(20 Aralık'a kadar)`, `（12月10日まで）`, `(Dec 20)`; `12/15` is read only with a
    `date_order` (MDY or DMY)."""
    if not _DIGIT(text):
        return None  # every date has a digit; most bullets have none
    for ds, de in _dates_in(text):
        span = _due_span(text, ds, de)
        if span is not None:
            rest = " ".join((text[:span[0]] + " " + text[span[1]:]).split())
            rest = rest.replace("()", "").replace("\uff08\uff09", "").replace(" ,", ",").replace("(, ", "(")
            return Due(parse_date(text[ds:de], as_of, date_order), text[ds:de], " ".join(rest.split()).rstrip(_TRIM))
    return None


def field_due(text: str, as_of: date | None, date_order: str | None = None) -> Due | None:
    """The date an issue block's Due field gives (`Dec 4`, `12月20日`, `before 2026-12-04`), or None."""
    for ds, de in _dates_in(text) if _DIGIT(text) else ():
        return Due(parse_date(text[ds:de], as_of, date_order), text[ds:de], text)
    return None


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
    return bool(_NUMERIC_DATE.fullmatch(written.strip()))


def parse_date(written: str, as_of: date | None, date_order: str | None = None) -> date | None:
    """A date as `_date()` finds it; without a year, the one nearest `as_of`; None if it is no date."""
    s = written.strip().lower()
    iso = _ISO_DATE.fullmatch(s)
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
    cjk = _CJK_DATE.fullmatch(s)
    if cjk:
        return _checked(int(cjk[1]), int(cjk[2]), int(cjk[3])) if cjk[1] else \
            _nearest(int(cjk[2]), int(cjk[3]), as_of)
    tokens = _DATE_TOKENS.findall(s)
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


def days_in(year: int, mon: int) -> int:
    """The number of days in a month (without `calendar`, which costs a preview's start-up
    more than this line)."""
    return 29 if mon == 2 and (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else \
        (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[mon - 1]


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
