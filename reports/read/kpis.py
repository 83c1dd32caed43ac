"""KPI and money lines as people write them: `Paying stores: 212 (goal 250)`, `Avg ticket $412`,
`Google rating 4.7★`, `稼働率: 78%（目標: 85%）`, `CA d'octobre 2026 : 1 127 €`.

Under a KPI heading a line that cannot be read is warned about; under a status heading
(`## How it's going`, `## 数字`) only a line shaped exactly like a figure is read, the rest
stays a note, unwarned. A price (`49 €/mois`, `月額3,000円`) is never a figure.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from reports.model import Kpi, MonthFinancials, Src
from reports.read import values as v
from reports.read.found import Context, Found, short
from reports.read.markdown import Block
from reports.read.monthnames import month_in

# Words that name a target, in a `(goal 45)` aside or in a heading (`### Optimization Targets`).
TARGET_WORDS = ("target", "targets", "goal", "goals", "meta", "metas", "objetivo", "objetivos", "objectif",
                "objectifs", "ziel", "ziele", "hedef", "цель", "sasaran", "目標", "目标", "목표")
# Words that make a month's line revenue or expenses (`2026年10月の売上`, `CA d'octobre 2026`).
_REVENUE = ("revenue", "sales", "income", "mrr", "receita", "faturamento", "ventas", "ingresos", "ca",
            "umsatz", "revenus", "gelir", "ciro", "выручка", "доход", "pendapatan", "omzet")
_EXPENSES = ("expenses", "costs", "opex", "despesas", "gastos", "ausgaben", "kosten", "dépenses", "gider",
             "giderler", "расходы", "biaya", "pengeluaran")
_REVENUE_SET, _EXPENSES_SET = frozenset(_REVENUE), frozenset(_EXPENSES)
_CJK_REVENUE, _CJK_EXPENSES = ("売上", "収入", "营收", "收入", "销售额", "매출"), ("経費", "費用", "支出", "비용", "지출")
_COUNTERS = "社人件名個店室回台枚家个位개명건곳"  # `184社`: a count, no unit
_WIDE = str.maketrans({"\uff08": "(", "\uff09": ")", "\uff1a": ":", "\u2606": "\u2605"})
_MAX_NAME = 60  # characters: past it a line is prose that happens to hold a colon


class KpiTarget:
    """A line under a targets heading: the target of the KPI of that name read above it.

    (Plain classes here: a NamedTuple costs a preview's start-up about 0.3 ms to define.)"""

    __slots__ = ("lower_is_better", "name", "source", "unit", "value")

    def __init__(self, name: str, value: Decimal, unit: str, lower_is_better: bool, source: Src) -> None:
        self.name, self.value, self.unit, self.lower_is_better, self.source = name, value, unit, lower_is_better, source


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str],
                         re.Pattern[str]]:
    words = "|".join(TARGET_WORDS)
    return (re.compile(r"\(\s*(?:" + words + r")\s*:?\s*(?P<cmp><=|>=|\u2264|\u2265|<|>)?\s*(?P<target>[^()]*)\)\s*$",
                       re.I),
            re.compile(r"^(?P<name>.*?[^\W\d_].*?)\s+(?P<value>(?:R\$|US\$|Rp\.?|Rs\.?|[A-Z]{3})?\s?[^\s\d]?\d[\d.,]*"
                       r"\s?(?:[kKmM]\b|%|\u2605|\S{0,2}))$"),
            re.compile(r"^(?P<num>-?\d[\d.,]*)\s*%(?P<rest>[^\d%]*)$"),
            re.compile(r"^v?\d+(\.\d+){2,}\b|^\d{4}-\d{2}|^\d{1,2}:\d{2}|^\d+\s*/\s*\d+|^port\b|\bport\s+\d+|^#\d+|"
                       r"^[0-9a-f]{7,40}$", re.I),
            re.compile(r"[^\W\d_]+"), re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+"))


class Line:
    """A figure line taken apart: its name, value and target as written, and the comparison."""

    __slots__ = ("colon", "lower", "name", "target", "value")

    def __init__(self, name: str, value: str, target: str, lower: bool, colon: bool) -> None:
        self.name, self.value, self.target, self.lower, self.colon = name, value, target, lower, colon


def split_line(text: str) -> Line | None:
    """`Name: value (target: T)`, or `Name $412` / `Name 4.7★` with no colon; None if neither."""
    target_re, bare = _patterns()[:2]
    s = text.translate(_WIDE).replace("**", "").strip()
    target, lower = "", False
    m = target_re.search(s)
    if m:
        target, lower, s = m["target"].strip(), m["cmp"] in ("<=", "\u2264", "<"), s[: m.start()].rstrip()
    name, sep, value = s.partition(":")
    if sep and name.strip() and value.strip() and not (name[-1:].isdigit() and value[:1].isdigit()):  # 10:30
        return Line(name.strip(), value.strip(), target, lower, True)
    m = bare.match(s)
    return Line(m["name"].strip(" -\u2014"), m["value"], target, lower, False) if m else None


def figure(text: str, strict: bool) -> tuple[Decimal, str] | None:
    """A KPI value and its unit: `%`, `stars`, `$` or a currency code, "" for a count; with
    `strict`, nothing else (under a KPI heading, also a number with a unit word: `12 days`)."""
    percent, not_a_figure = _patterns()[2:4]
    s = text.strip()
    if not s or not_a_figure.search(s):
        return None  # `1.4.3`, `2026-03-04`, `24/24`: a version, a date, a ratio
    if "\u2605" in s:
        number = _number(s.replace("\u2605", "").strip())
        return (number, "stars") if number is not None else None
    m = percent.match(s)
    if m:
        number = _number(m["num"])
        return (number, "%") if number is not None and (not strict or len(m["rest"].split()) <= 1) else None
    if "." in s and _patterns()[5].fullmatch(s):  # `2.310`: a count is not written to three decimals
        return Decimal(s.replace(".", "")), ""
    if s[-1:] in _COUNTERS:
        s = s[:-1]
    amount = v.parse_amount(s)
    if amount is not None and not amount.monthly:
        return amount.value, "$" if amount.currency == "USD" else amount.currency or ""
    if strict or amount is not None:
        return None  # a price per month is not a figure
    q = v.parse_quantity(s)
    return (q.value, q.unit) if q is not None else None


def _number(text: str) -> Decimal | None:
    """`4,9` or `4.9` as a Decimal (one comma before one or two digits is a decimal comma)."""
    s = re.sub(r"^(\d+),(\d{1,2})$", r"\1.\2", text.strip())
    try:
        return v.sane(Decimal(s.replace(",", "")))
    except InvalidOperation:
        return None


def month_money(line: Line, src: Src, as_of: date | None) -> MonthFinancials | None:
    """`2026年10月の売上: 318,600円`, `CA d'octobre 2026 : 1 127 €`: that month's revenue (or expenses)."""
    if not line.colon:
        return None
    low = line.name.lower()
    words = frozenset(low.replace("'", " ").split()) if low.isascii() else frozenset(_patterns()[4].findall(low))
    ascii_name = low.isascii()
    key = "revenue" if not words.isdisjoint(_REVENUE_SET) or (not ascii_name and any(w in low for w in _CJK_REVENUE)) \
        else "expenses" if not words.isdisjoint(_EXPENSES_SET) or (not ascii_name and any(w in low for w in _CJK_EXPENSES)) \
        else None
    month = month_in(line.name, as_of) if key else None
    amount = v.parse_amount(line.value) if month else None
    if month is None or amount is None or amount.monthly:
        return None
    rev, exp = (amount.value, None) if key == "revenue" else (None, amount.value)
    return MonthFinancials(month, rev, exp, src, amount.currency)


def read_figure_line(text: str, src: Src, ctx: Context, strict: bool, targets: bool = False) -> Found:
    """One line as a month's money, a KPI or (under a targets heading) a KPI's target; with
    `strict` (a status heading) only a line shaped exactly so, and never a warning."""
    out = Found()
    if strict and not any(c.isdigit() for c in text):
        return out
    line = split_line(text)
    if line is None or (strict and (len(line.name) > _MAX_NAME or len(line.name.split()) > 8)):
        if line is None and not strict and ":" not in text:
            out.warn(src.line, f"KPI: expected `Name: value`, got '{short(text)}'")
        return out
    money = month_money(line, src, ctx.as_of)
    if money is not None:
        out.add(money)
        return out
    value = figure(line.value, strict)
    if value is not None and not value[1] and not line.colon:
        value = None  # `Node 20`: with no colon only an amount, a percentage or a rating is a figure
    if value is None:
        if not strict and not _patterns()[3].search(line.value):
            out.warn(src.line, f"KPI '{line.name}': cannot read the actual value '{short(line.value)}'")
        return out
    target = figure(line.target, False) if line.target else None
    if line.target and target is None and not strict:
        out.warn(src.line, f"KPI '{line.name}': cannot read the target '{short(line.target)}'; kept without one")
    unit = value[1] or (target[1] if target else "")
    if targets and not line.target:
        out.add(KpiTarget(line.name, value[0], unit, line.lower, src))
    else:
        out.add(Kpi(line.name, value[0], target[0] if target else None, unit, line.lower, src))
    return out


def read_kpi(blk: Block, src: Src, ctx: Context) -> Found:
    """A bullet under a KPI heading: `Name: value (target: T)`; prose without a figure is a note."""
    if ":" not in blk.text and not any(c.isdigit() for c in blk.text):
        return Found()  # prose under a metrics heading: a note, not a failed KPI
    return read_figure_line(blk.text, src, ctx, strict=False)


def read_kpi_target(blk: Block, src: Src, ctx: Context) -> Found:
    """A bullet under a targets heading (`### Optimization Targets`): the target of a KPI above."""
    return read_figure_line(blk.text, src, ctx, strict=False, targets=True)


def is_target_heading(text: str) -> bool:
    """A heading that lists targets (`Optimization Targets`, `Metas`, `目標`)."""
    return _target_heading().search(text.lower()) is not None


@functools.cache
def _target_heading() -> re.Pattern[str]:
    latin = "|".join(w for w in TARGET_WORDS if w[:1] < "\u2e80")
    return re.compile(rf"(?<!\w)(?:{latin})(?!\w)|" + "|".join(w for w in TARGET_WORDS if w[:1] > "\u2e80"))
