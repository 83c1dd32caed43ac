"""Bullets in handoff sections -> facts: one reader per kind of section.

Each reader takes one bullet (`Block`) and returns what it found (`Found`):
the facts it read and the problems it met, as `(line, message)`. The document
keeps a bullet no reader could read as a note, so nothing is silently lost.
Tables have their readers in `tables.py`.
"""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from reports.model import (
    Action,
    Campaign,
    CapitalItem,
    Deal,
    Guardrail,
    MonthFinancials,
    Note,
    Risk,
    Src,
    StackItem,
)
from reports.patterns import compiled
from reports.read import dates
from reports.read import values as v
from reports.read.found import Context, Found, short
from reports.read.items import is_done, item_level, written
from reports.read.kpis import MonthLine, month_money, read_kpi, read_kpi_target, split_line
from reports.read.markdown import Block

_DASH_SPLIT = compiled(r"\s+[-\u2013\u2014]+\s+|\s*[\u2013\u2014]\s*")


_FIGURE_PARTS = compiled(r";|,\s+(?=[A-Za-z])|\(|\)")


def _name_value(blk: Block, what: str, out: Found) -> tuple[str, str] | None:
    name, sep, rest = blk.text.partition(":")
    if not sep or not name.strip() or not rest.strip():
        out.warn(blk.line, f"{what}: expected `Name: value`, got '{short(blk.text)}'")
        return None
    return name.strip(), rest.strip()


_CLOSE = compiled(r"\(\s*close[sd]?\s*:?\s*(?P<date>[^)]*)\)\s*$", re.I)


def _read_deal(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    pair = _name_value(blk, "pipeline", out)
    if pair is None:
        return out
    name, rest = pair
    close = None
    m = _CLOSE.search(rest)
    if m:
        close = v.parse_date(m["date"])
        if close is None:
            out.warn(blk.line, f"deal '{name}': close date '{m['date'].strip()}' is not YYYY-MM-DD")
        rest = rest[: m.start()].strip()
    pieces = _DASH_SPLIT.split(rest, maxsplit=1)
    value_text, stage = pieces[0].strip(), (pieces[1].strip() if len(pieces) > 1 else "")
    amount = v.read_amount(value_text, ctx.currency)
    if amount is None:
        out.warn(blk.line, f"deal '{name}': cannot read the value '{short(value_text)}'; kept without one")
    out.add(Deal(name, amount and amount.value, v.split_markers(stage).text.lower() or "unstaged", close, src,
                 v.is_monthly(value_text) or bool(amount and amount.monthly), amount and amount.currency))
    return out


def _read_risk(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    flags = v.read_flags(blk.text)
    if flags.near_misses:
        _near_misses(flags, blk.line, out)
    level, text = item_level(flags.text)
    done = flags.done or bool(blk.checked) or blk.struck or ctx.done or is_done(blk.text)
    level = flags.severity or flags.priority or level or ctx.level
    severity, priority = written(level)
    out.add(Risk(text, severity or ctx.severity, flags.tags, src, flags.links,
                 priority if level == priority else None, done))
    return out


def _near_misses(flags: v.Flags, line: int, out: Found) -> None:
    for wrote, meant in flags.near_misses:
        out.warn(line, f"'{wrote}' looks like a severity or priority marker; did you mean {meant}? "
                 "Read as a tag")


_LEADING_DATE = compiled(r"^(?P<date>\d{4}-\d{2}-\d{2})\s*[:\u2013\u2014-]\s*")


def _read_action(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    text = blk.text
    due: date | None = None
    m = _LEADING_DATE.match(text)
    if m:
        due, text = v.parse_date(m["date"]), text[m.end():]
        if due is None:
            out.warn(blk.line, f"action: '{m['date']}' is not a valid date from 1900 to 9000")
    found_due = dates.find_due(text, ctx.as_of, ctx.date_order)
    if found_due is not None:
        problem = dates.unreadable(found_due)
        if problem is not None:
            out.warn(blk.line, f"action: {problem}")
        due, text = found_due.when or due, found_due.rest
    flags = v.read_flags(text)
    _near_misses(flags, blk.line, out)
    level, text = item_level(flags.text)
    if level == "wont":
        return out  # MoSCoW won't: not an open action (kept as a note)
    priority = flags.priority or (v.SEVERITY_TO_PRIORITY.get(flags.severity) if flags.severity else None)
    priority = priority or written(level)[1]
    done = bool(blk.checked) or flags.done or blk.struck or ctx.done or is_done(blk.text)
    out.add(Action(text, priority or ctx.priority, flags.tags, due, done, src, flags.links))
    return out


_COST = compiled(r"\((?P<cost>[^)]*)\)\s*$")


# Where things are, not what they are built with: a path, a URL, a host name or an IP address.
_PLACE = compiled(r"^(?:[a-z][a-z0-9+.-]*://|www\.|/|~/|\.{1,2}/|[A-Za-z]:\\|\\\\)|"
                    r"^(?:[\w-]+\.){2,}[a-z]{2,}(?::\d+)?(?:/\S*)?$|^[\w-]+\.(?:com|net|org|dev|app|test|co|"
                    r"cloud|example)(?::\d+)?(?:/\S*)?$|^\d{1,3}(?:\.\d{1,3}){3}\b", re.I)
_TOOL_WORDS = 6  # `Next.js 15 (App Router)`: a tool named without a layer; longer is prose


def _read_stack(blk: Block, src: Src, ctx: Context) -> Found:
    """`Frontend: Next.js 14 ($20/mo)` or a bare tool `Next.js 15 (App Router)`; a path, URL or
    host name is where something is, never a layer (kept as a note)."""
    out = Found()
    layer, sep, tech = blk.text.replace("\uff1a", ": ", 1).partition(":")  # `前端：` (full-width colon)
    if not sep or not tech.strip() or len(layer.split()) > 4:
        if len(blk.text.split()) <= _TOOL_WORDS and not _PLACE.search(blk.text.strip()):
            out.add(StackItem("", blk.text.strip(), None, src))
        return out  # prose about the stack: a note
    layer, tech = layer.strip(), tech.strip()
    if _PLACE.search(tech) or "path" in layer.lower():
        return out
    cost = None
    m = _COST.search(tech)
    if m and (_COSTLY.search(m["cost"]) or _marked(m["cost"])):  # `(port 5433)`, `(all via CDN)` are not costs
        cost = v.Amount(Decimal(0), None) if m["cost"].strip().lower() == "free" \
            else v.read_amount(m["cost"], ctx.currency)
        if cost is None:
            out.warn(blk.line, f"stack '{layer}': cannot read the cost '{m['cost']}'")
        tech = tech[: m.start()].strip()
    out.add(StackItem(layer, tech, cost and cost.value, src, cost and cost.currency))
    return out


def _marked(text: str) -> bool:
    """An amount with a currency mark (`€40`, `¥3,000`): a cost even without `/mo`."""
    amount = v.parse_amount(text) if any(c.isdigit() for c in text) else None
    return amount is not None and amount.currency is not None


_COSTLY = compiled(r"\$|/\s*mo|per month|monthly|\bfree\b|\bcheap\b|\bcost|\d\s*[kK]\b|^\s*\d[\d,.]*\s*$", re.I)
_MONEY_WORDS = {"revenue": ("revenue", "income", "sales", "rev"), "expenses": ("expenses", "expense", "costs",
                                                                              "cost", "spend", "opex")}


def _read_financial_bullet(blk: Block, src: Src, ctx: Context) -> Found:
    """`- 2026-10: revenue $4,800, expenses $3,100`, or `- Sept: R$ 22.100 (expenses about R$ 16.050)`:
    an unlabelled first amount is the revenue (either figure may be missing), each in the
    currency it is written in; a labelled month (`2026年10月の売上: 318,600円`) is also read."""
    out = Found()
    head, sep, rest = blk.text.partition(":")
    month = v.parse_month(head, ctx.as_of) if sep else None
    if month is None:
        line = split_line(blk.text) if sep else None
        money = month_money(line, src, ctx.as_of, ctx.currency) if line is not None else None
        if money is not None:
            out.add(MonthLine(money, blk.text))  # joined with the month's other line by the document
        elif any(c.isdigit() for c in blk.text):  # else prose about the financials: a note
            out.warn(blk.line, f"financials: expected `YYYY-MM: revenue $X, expenses $Y`, got '{short(blk.text)}'")
        return out
    figures: dict[str, v.Amount | None] = {"revenue": None, "expenses": None}
    parts = _FIGURE_PARTS.split(rest)  # not the comma inside $4,800
    for n, part in enumerate(p for p in parts if p.strip()):
        words = part.strip().split(None, 1)
        key = next((k for k, names in _MONEY_WORDS.items() if words and words[0].lower().strip(":") in names),
                   None)
        if key is None and n == 0 and v.read_amount(part, ctx.currency) is not None:
            key, words = "revenue", ["", part.strip()]
        if key is None or len(words) < 2:
            continue
        figures[key] = v.read_amount(_ABOUT.sub("", words[1]), ctx.currency)
        if figures[key] is None:
            out.warn(blk.line, f"financials {month}: cannot read {key} '{short(words[1].strip())}'")
    found = [a for a in figures.values() if a is not None]
    if not found:
        if not out.problems:
            out.warn(blk.line, f"financials {month}: no revenue or expenses amount in '{short(rest.strip())}'")
        return out
    currency = next((a.currency for a in found if a.currency), None)
    for key, a in figures.items():
        if a is not None and a.currency not in (None, currency):
            out.warn(blk.line, f"financials {month}: {key} is in {a.currency}, the line in {currency}; left out "
                     "(one currency a line)")
            figures[key] = None
    rev, exp = (a.value if a is not None else None for a in figures.values())
    out.add(MonthFinancials(month, rev, exp, src, currency))
    return out


_ABOUT = compiled(r"^(?:about|around|approx\.?|approximately|roughly|~)\s*", re.I)


_CAMPAIGN = compiled(r"^(?P<date>\S+)\s*:\s*(?P<name>.*?)\s*(?:\(\s*list\s*:\s*(?P<list>[^)]*)\))?\s*$", re.I)


def _read_campaign(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    m = _CAMPAIGN.match(blk.text)
    when = v.parse_date(m["date"]) if m else None
    if m is None or when is None:
        out.warn(blk.line, f"campaign: expected `YYYY-MM-DD: name (list: L)`, got '{short(blk.text)}'")
        return out
    out.add(Campaign(when, m["name"], (m["list"] or "").strip(), src))
    return out


def _read_revrec(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    mk = v.split_markers(blk.text)
    out.add(Note("Revenue recognition", mk.text, mk.tags, src))
    return out


_LIMIT = compiled(r"^(?P<cmp><=|>=|\u2264|\u2265|<|>|max(?:imum)?|min(?:imum)?|at most|at least)?\s*(?P<value>.+)$", re.I)
_FLOOR_WORDS = ("runway", "cash", "minimum", "min ", "floor", "reserve", "margin")


def _read_guardrail(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    pair = _name_value(blk, "guardrail", out)
    if pair is None:
        return out
    name, rest = pair
    explicit = None
    em = _MEASURE.search(rest)
    if em:
        explicit, rest = em["measure"], (rest[: em.start()] + rest[em.end():]).strip()
    m = _LIMIT.match(rest)
    assert m is not None  # the pattern matches any non-empty text
    amount = v.parse_amount(m["value"], ctx.currency)  # `€5,000`: money in the currency written
    currency = amount.currency if amount is not None else None
    qty = v.Quantity(amount.value, "$") if amount is not None and currency else v.parse_quantity(m["value"])
    if qty is not None and not qty.unit and amount is not None and amount.value != qty.value:
        qty, currency = v.Quantity(amount.value, "$"), ctx.currency  # `4.000` grouped as EUR: money
    if qty is None:
        out.warn(blk.line, f"guardrail '{name}': cannot read the limit '{short(rest)}'")
        return out
    cmp = (m["cmp"] or "").lower()
    if cmp in (">=", "\u2265", ">", "min", "minimum", "at least"):
        comparison = ">="
    elif cmp:
        comparison = "<="
    else:
        comparison = ">=" if any(w in name.lower() for w in _FLOOR_WORDS) else "<="
    from reports.read.measures import resolve_measure

    measure, problem = resolve_measure(name, explicit)
    if problem:
        out.warn(blk.line, f"guardrail '{name}': {problem}; it is shown as NOT EVALUATED")
    out.add(Guardrail(name, qty.value, qty.unit, comparison, src, measure, problem, currency))
    return out


_MEASURE = compiled(r"\(\s*measure\s*:\s*(?P<measure>[A-Za-z0-9 -]+?)\s*\)")


_TIERS = {"zero-cost": "zero-cost", "low-cost": "low-cost", "revenue": "revenue",
          "revenue-producing": "revenue"}


def _read_capital(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    mk = v.split_markers(blk.text)
    tier = next((_TIERS[t] for t in mk.tags if t in _TIERS), None)
    if tier is None:
        out.warn(blk.line, "capital item has no [zero-cost], [low-cost] or [revenue] tag; filed as low-cost")
        tier = "low-cost"
    text, cost = mk.text, None
    m = _COST.search(text)
    if m:
        cost = v.read_amount(m["cost"], ctx.currency)  # `($5,000)`, `(€5.000)`: with its currency
        if cost is not None:
            text = text[: m.start()].strip()
    monthly = m is not None and cost is not None and (v.is_monthly(m["cost"]) or cost.monthly)
    out.add(CapitalItem(text, tier, cost and cost.value, src, monthly, cost and cost.currency))
    return out


ITEM_READERS: dict[str, Callable[[Block, Src, Context], Found]] = {
    "financials": _read_financial_bullet,
    "kpis": read_kpi,
    "kpi_targets": read_kpi_target,
    "pipeline": _read_deal,
    "risks": _read_risk,
    "actions": _read_action,
    "stack": _read_stack,
    "campaigns": _read_campaign,
    "revenue_recognition": _read_revrec,
    "guardrails": _read_guardrail,
    "capital_plan": _read_capital,
}
