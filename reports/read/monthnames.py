"""Month names in the languages handoffs are written in: `ago/2026`, `Oktober 2026`, `2026年8月`.

The table is data, one line a month (every language's names and abbreviations), and is
only turned into a lookup the first time a month name is met: most files never need it.
"""

from __future__ import annotations

import functools
import re
from datetime import date

from reports.patterns import compiled

# en pt es fr de tr ru id: names, genitive and locative forms (октября, в октябре), abbreviations.
_MONTHS = (
    "jan january janeiro enero ene janvier janv januar jänner ocak январь января январе янв januari",
    "feb february fevereiro fev febrero février fevrier févr fevr februar şubat subat февраль февраля феврале "
    "фев februari",
    "mar march março marco marzo mars märz maerz mart март марта марте maret",
    "apr april abril abr avril avr nisan апрель апреля апреле апр",
    "may maio mai mayo mayıs mayis май мая мае mei",
    "jun june junho junio juin juni haziran июнь июня июне июн",
    "jul july julho julio juillet juil juli temmuz июль июля июле июл",
    "aug august agosto ago août aout ağustos agustos август августа августе авг agustus",
    "sep sept september setembro set septiembre setiembre septembre eylül eylul сентябрь сентября сентябре сен "
    "сент",
    "oct october outubro out octubre octobre oktober okt ekim октябрь октября октябре окт",
    "nov november novembro noviembre novembre kasım kasim ноябрь ноября ноябре ноя нояб",
    "dec december dezembro dez diciembre dic décembre decembre déc dezember aralık aralik декабрь декабря "
    "декабре дек desember",
)


@functools.cache
def _names() -> dict[str, int]:
    return {name: n for n, names in enumerate(_MONTHS, 1) for name in names.split()}


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A CJK month (`2026年8月`, `2026년 8월`), a named one in a cell (`ago/2026`, `outubro de
    2026`), and the words of a line."""
    return (compiled(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]"),
            compiled(r"([^\W\d_]+)\.?(?:\s*[/\s-]\s*(?:(?:de|del)\s+)?(\d{4}))?"),
            compiled(r"[^\W\d_]+|\d+"))


def month_number(word: str) -> int | None:
    """The month a name stands for in any of the languages (`ago` -> 8, `Oktober` -> 10)."""
    return _names().get(word.lower().rstrip("."))


def _dated(month: int, year: int | None, as_of: date | None) -> str | None:
    """`YYYY-MM`; a month without a year is the last one begun by the as-of date."""
    if year is None:
        if as_of is None:
            return None
        year = as_of.year if month <= as_of.month else as_of.year - 1
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and 1900 <= year <= 9000 else None


def cell_month(text: str, as_of: date | None) -> str | None:
    """A table cell that is a month in any language: `ago/2026`, `Oktober 2026`, `2026년 8월`."""
    cjk, named, _ = _patterns()
    m = cjk.fullmatch(text.strip())
    if m:
        return _dated(int(m[2]), int(m[1]), as_of)
    m = named.fullmatch(text.strip())
    month = month_number(m[1]) if m else None
    return _dated(month, int(m[2]) if m and m[2] else None, as_of) if m and month else None


def month_in(text: str, as_of: date | None) -> str | None:
    """The month a line's label names (`CA d'octobre 2026`, `2026年10月の売上`), else None."""
    cjk, _, words = _patterns()
    m = cjk.search(text)
    if m:
        return _dated(int(m[2]), int(m[1]), as_of)
    tokens = words.findall(text.lower())
    for i, word in enumerate(tokens):
        month = _names().get(word)
        if month is not None and not word.isdigit():
            year = int(tokens[i + 1]) if i + 1 < len(tokens) and len(tokens[i + 1]) == 4 \
                and tokens[i + 1].isdigit() else None
            return _dated(month, year, as_of)
    return None
