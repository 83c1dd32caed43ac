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
from reports.patterns import compiled, longest_first
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
# Words that make a money line (or a monthly table's column) something other than what happened:
# a target, a forecast, a budget, a plan, in every language the vocabulary knows. The tables
# reader takes the one-word ones; a month's line also the phrases of last year's figures.
NOT_ACTUAL = (*TARGET_WORDS, "forecast", "forecasts", "projected", "projection", "budget", "budgets", "plan",
              "planned", "previsão", "previsto", "orçamento", "plano", "pronóstico", "previsión", "presupuesto",
              "prognose", "planung", "budgetiert", "prévision", "prévisionnel", "prévu", "tahmin", "bütçe",
              "прогноз", "бюджет", "план", "perkiraan", "proyeksi", "anggaran", "rencana", "予測", "見込", "予算",
              "計画", "预测", "预算", "计划", "예측", "예산", "계획")
_LAST_YEAR = ("last year", "prior year", "previous year", "year ago", "ly", "yoy", "ano passado", "ano anterior",
              "año pasado", "año anterior", "vorjahr", "vorjahres", "letztes jahr", "letzten jahres", "an dernier",
              "année dernière", "année précédente", "geçen yıl", "geçen yılın", "прошлый год", "прошлого года",
              "прошлом году", "tahun lalu", "前年", "昨年", "去年", "上年", "작년", "전년")


_DECIMAL_COMMA = compiled(r"^(\d+),(\d{1,2})$")


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
    return (compiled(r"\(\s*(?:" + words + r")\s*:?\s*(?P<cmp><=|>=|\u2264|\u2265|<|>)?\s*(?P<target>[^()]*)\)\s*$",
                       re.I),
            compiled(r"^(?P<name>.*?[^\W\d_].*?)\s+(?P<value>(?:R\$|US\$|Rp\.?|Rs\.?|[A-Z]{3})?\s?[^\s\d]?\d[\d.,]*"
                       r"\s?(?:[kKmM]\b|%|\u2605|\S{0,2}))$"),
            compiled(r"^(?P<num>-?\d[\d.,]*)\s*%(?P<rest>[^\d%]*)$"),
            compiled(r"^v?\d+(\.\d+){2,}\b|^\d{4}-\d{2}|^\d{1,2}:\d{2}|^\d+\s*/\s*\d+|^port\b|\bport\s+\d+|^#\d+|"
                       r"^[0-9a-f]{7,40}$", re.I),
            compiled(r"[^\W\d_]+"), compiled(r"[1-9]\d{0,2}(?:\.\d{3})+"))


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
    s = _DECIMAL_COMMA.sub(r"\1.\2", text.strip())
    try:
        return v.sane(Decimal(s.replace(",", "")))
    except InvalidOperation:
        return None


class MonthLine:
    """A month's revenue or expenses read from a line of its own, before the document joins it with
    the month's other line and the month's table row (the table wins); `heading` is set when filed."""

    __slots__ = ("heading", "money", "text")

    def __init__(self, money: MonthFinancials, text: str) -> None:
        self.money, self.text, self.heading = money, text, ""


def not_actual(name: str) -> bool:
    """A name that says its figure is a target, a forecast, a budget, a plan or last year's."""
    return _not_actual().search(name.lower().replace("\u2019", "'")) is not None


@functools.cache
def _not_actual() -> re.Pattern[str]:
    words = sorted({*NOT_ACTUAL, *_LAST_YEAR}, key=longest_first)
    latin = "|".join(re.escape(w) for w in words if w[:1] < "\u2e80")
    return compiled(rf"(?<!\w)(?:{latin})(?:'s)?(?!\w)|" + "|".join(w for w in words if w[:1] > "\u2e80"))


def month_money(line: Line, src: Src, as_of: date | None, currency: str | None = None) -> MonthFinancials | None:
    """`2026年10月の売上: 318,600円`, `CA d'octobre 2026 : 1 127 €`: that month's revenue (or expenses);
    None for a line about a target, a forecast, a budget, a plan or last year (see `money_name`)."""
    key = money_name(line)
    month = month_in(line.name, as_of) if key and not not_actual(line.name) else None
    amount = v.parse_amount(line.value, currency) if month else None  # `12.500` in a EUR file
    if month is None or amount is None or amount.monthly:
        return None
    rev, exp = (amount.value, None) if key == "revenue" else (None, amount.value)
    return MonthFinancials(month, rev, exp, src, amount.currency)


def join_months(rows: list[MonthFinancials | MonthLine]) -> tuple[list[MonthFinancials], list[tuple[MonthLine, str]]]:
    """A document's months, its month lines joined in: the lines of one month make one row (at the
    first one's place), and a month a table or a month bullet gives keeps that row's figures alone.
    The lines left out come back, each with why when it disagrees ("" when it agrees)."""
    given: dict[str, list[MonthFinancials]] = {}
    for row in rows:
        if not isinstance(row, MonthLine):
            given.setdefault(row.month, []).append(row)
    out: list[MonthFinancials] = []
    at: dict[str, int] = {}  # month -> index in out of the row its lines make
    left: list[tuple[MonthLine, str]] = []
    for row in rows:
        if not isinstance(row, MonthLine):
            out.append(row)
            continue
        money = row.money
        key = "revenue" if money.revenue is not None else "expenses"
        if money.month in given:
            left.append((row, _disagrees(given[money.month], key, money, "the table")))
        elif money.month not in at:
            at[money.month] = len(out)
            out.append(money)
        else:
            joined = out[at[money.month]]
            if getattr(joined, key) is None and money.currency == joined.currency:
                out[at[money.month]] = joined._replace(  # the one figure the row lacks
                    revenue=money.revenue if joined.revenue is None else joined.revenue,
                    expenses=money.expenses if joined.expenses is None else joined.expenses)
            else:
                left.append((row, _disagrees([joined], key, money, f"line {joined.source.line}")))
    return out, left


def _disagrees(rows: list[MonthFinancials], key: str, money: MonthFinancials, where: str) -> str:
    """Why a month line left out disagrees with the rows that give its month ("" when it agrees)."""
    figures = [getattr(r, key) for r in rows]
    value = getattr(money, key)
    if None not in figures and sum(figures) == value and all(r.currency in (None, money.currency) for r in rows):
        return ""
    given = " + ".join(f"{f} {r.currency or ''}".strip() for f, r in zip(figures, rows, strict=True)
                       if f is not None) or "none"
    return (f"financials {money.month}: {where} gives {key} {given}, this line {value} {money.currency or ''}"
            .rstrip() + "; the line is kept as a note")


def money_name(line: Line) -> str | None:
    """"revenue" or "expenses" when a `Name: value` line's name says which, else None."""
    if not line.colon:
        return None
    low = line.name.lower()
    words = frozenset(low.replace("'", " ").split()) if low.isascii() else frozenset(_patterns()[4].findall(low))
    ascii_name = low.isascii()
    key = "revenue" if not words.isdisjoint(_REVENUE_SET) or (not ascii_name and any(w in low for w in _CJK_REVENUE)) \
        else "expenses" if not words.isdisjoint(_EXPENSES_SET) or (not ascii_name and any(w in low for w in _CJK_EXPENSES)) \
        else None
    return key


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
    money = month_money(line, src, ctx.as_of, ctx.currency)
    if money is not None:
        out.add(MonthLine(money, text.strip()))
        return out
    if money_name(line) and not_actual(line.name) and month_in(line.name, ctx.as_of):
        return out  # `October revenue target: $20,000`: no month's actual and no KPI, a note
    if v.parse_month(line.name, ctx.as_of):
        return out  # `Sept: $22,100` outside a money section: a month's figure of no stated kind, a note
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
    if target is not None and not same_unit(value[1], target[1]):
        out.warn(src.line, f"KPI '{line.name}': the target '{short(line.target)}' is in {target[1]}, the value in "
                 f"{value[1]}; kept without the target")
        target = None
    unit = value[1] or (target[1] if target else "")
    if targets and not line.target:
        out.add(KpiTarget(line.name, value[0], unit, line.lower, src))
    else:
        out.add(Kpi(line.name, value[0], target[0] if target else None, unit, line.lower, src))
    return out


def same_unit(one: str, other: str) -> bool:
    """Whether a value and its target can be compared: the same unit or currency, or one unwritten."""
    return not one or not other or one.casefold().rstrip("s") == other.casefold().rstrip("s")


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
    return compiled(rf"(?<!\w)(?:{latin})(?!\w)|" + "|".join(w for w in TARGET_WORDS if w[:1] > "\u2e80"))
