"""The figures the reports show, as pure functions of the portfolio.

Every function states its formula; money is Decimal and nothing reads the
clock: the report date is passed in.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from reports.model import (
    Action,
    Campaign,
    Deal,
    Entity,
    Expense,
    Guardrail,
    Kpi,
    Measure,
    Portfolio,
    Risk,
    Src,
)
from reports.read.values import PRIORITIES, SEVERITIES, month_add

ZERO = Decimal(0)
JUMP_FLOOR = Decimal(500)  # default EXPENSE_JUMP_FLOOR: smaller expense rises are not flagged
CLOSED_STAGES = ("won", "lost", "closed", "closed won", "closed lost", "signed")
ENGINEERING_TAGS = ("eng", "security", "ux", "devcycle")


class MonthTotal(NamedTuple):
    """Revenue and expenses for one month, summed over entities that report it."""

    month: str
    revenue: Decimal
    expenses: Decimal

    @property
    def net(self) -> Decimal:
        """Net income: revenue − expenses."""
        return self.revenue - self.expenses


def entity_months(entity: Entity, through: str) -> list[MonthTotal]:
    """Return the entity's months up to `through` (YYYY-MM), oldest first; blanks count as 0."""
    sums: dict[str, list[Decimal]] = {}
    for f in entity.financials:
        if f.month <= through:
            pair = sums.setdefault(f.month, [ZERO, ZERO])
            if f.revenue is not None:
                pair[0] += f.revenue
            if f.expenses is not None:
                pair[1] += f.expenses
    return [MonthTotal(m, *sums[m]) for m in sorted(sums)]


def histories(portfolio: Portfolio, through: str) -> dict[str, list[MonthTotal]]:
    """Every entity's months up to `through`, by entity name: compute once per report."""
    return {e.name: entity_months(e, through) for e in portfolio.entities}


def total_months(by_entity: dict[str, list[MonthTotal]]) -> list[MonthTotal]:
    """Sum the entities' months, oldest first."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for months in by_entity.values():
        for m in months:
            rev, exp = totals.get(m.month, (ZERO, ZERO))
            totals[m.month] = (rev + m.revenue, exp + m.expenses)
    return [MonthTotal(m, *totals[m]) for m in sorted(totals)]


def month_of(day: date) -> str:
    """Return `YYYY-MM` for a date."""
    return f"{day.year:04d}-{day.month:02d}"


def trailing_average(values: Sequence[Decimal], n: int = 3) -> Decimal | None:
    """Mean of the last `n` values (fewer when fewer exist); None for none."""
    tail = list(values)[-n:]
    return sum(tail, ZERO) / len(tail) if tail else None


def net_burn(month: MonthTotal) -> Decimal:
    """Net burn: expenses − revenue (negative when the month made money)."""
    return month.expenses - month.revenue


def runway(cash: Decimal | None, avg_net_burn: Decimal | None) -> Decimal | None:
    """Runway in months: cash ÷ average net burn; None when cash-flow positive or unknown."""
    if cash is None or avg_net_burn is None or avg_net_burn <= 0:
        return None
    return cash / avg_net_burn


def growth_rate(revenues: Sequence[Decimal], n: int = 3) -> Decimal | None:
    """Compound monthly growth over the last `n` intervals: (last ÷ first)^(1/k) − 1."""
    tail = list(revenues)[-(n + 1):]
    if len(tail) < 2 or tail[0] <= 0 or tail[-1] <= 0:
        return None
    k = len(tail) - 1
    return (tail[-1] / tail[0]) ** (Decimal(1) / Decimal(k)) - 1


def months_to_break_even(revenue: Decimal, needed: Decimal, growth: Decimal | None) -> int | None:
    """Months until revenue × (1+g)^n ≥ needed: ceil(ln(needed/revenue) ÷ ln(1+g)).

    0 when revenue already covers what is needed; None when growth is not
    positive (not on the current trend) or revenue is zero.
    """
    if revenue >= needed:
        return 0
    if growth is None or growth <= 0 or revenue <= 0:
        return None
    ratio = (needed / revenue).ln() / (1 + growth).ln()
    n = int(ratio.to_integral_value(rounding="ROUND_CEILING"))
    return max(n, 1)


def kpi_gap(kpi: Kpi) -> Decimal | None:
    """Shortfall against target as a fraction of it; None without a target.

    Higher is better: (target − actual) ÷ |target|; lower is better:
    (actual − target) ÷ |target|. Positive means the target is missed.
    """
    if kpi.target is None:
        return None
    scale = abs(kpi.target) or Decimal(1)
    diff = kpi.actual - kpi.target if kpi.lower_is_better else kpi.target - kpi.actual
    return diff / scale


def kpi_gaps(entities: Iterable[Entity]) -> list[tuple[Entity, Kpi, Decimal]]:
    """Every missed KPI, worst (largest relative gap) first, then by entity and name."""
    gaps = [(e, k, g) for e in entities for k in e.kpis if (g := kpi_gap(k)) is not None and g > 0]
    return sorted(gaps, key=lambda t: (-t[2], t[0].name, t[1].name))


def is_overdue(deal: Deal, as_of: date) -> bool:
    """A deal is overdue when its close date has passed and it is not closed."""
    return deal.close is not None and deal.close < as_of and deal.stage not in CLOSED_STAGES


UNRATED = "unrated"


def _priority_rank(priority: str | None) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def severity_rank(severity: str | None) -> int:
    """0 for critical … 3 for low, 4 when unrated."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


class AgendaItem(NamedTuple):
    priority: str
    due: date | None
    entity: Entity
    text: str
    source: Src
    overdue: bool


def risk_has_action(risk: Risk, entity: Entity) -> bool:
    """A risk is addressed only when an open action of the same entity links to it
    explicitly, by carrying the same `[#id]`; sharing a tag such as [ops] is not enough."""
    return bool(risk.links) and any(not a.done and set(a.links) & set(risk.links) for a in entity.actions)


def agenda(portfolio: Portfolio, as_of: date, days: int = 30) -> list[AgendaItem]:
    """Open actions due by as-of + `days` (overdue ones included) and critical or
    high risks with no action; ordered by priority (risks: critical = P0,
    high = P1), then due date (undated last), then entity."""
    horizon = as_of + timedelta(days=days)
    items: list[AgendaItem] = []
    for e in portfolio.entities:
        for a in e.actions:
            if not a.done and a.due is not None and a.due <= horizon:
                items.append(AgendaItem(a.priority or UNRATED, a.due, e, a.text, a.source, a.due < as_of))
        for r in e.risks:
            if r.severity in ("critical", "high") and not risk_has_action(r, e):
                prio = "P0" if r.severity == "critical" else "P1"
                items.append(AgendaItem(prio, None, e, f"Unaddressed {r.severity} risk: {r.text}",
                                        r.source, False))
    # Overdue first, by how overdue (an unrated one too); then by priority and date.
    return sorted(items, key=lambda i: (not i.overdue, i.due if i.overdue and i.due else date.min,
                                        _priority_rank(i.priority), i.due or date.max, i.entity.name, i.text))


class Adjustment(NamedTuple):
    """A revenue-recognition item that moves an amount from the month it was booked in."""

    amount: Decimal
    booked: str  # YYYY-MM it was booked in
    belongs: str | None  # YYYY-MM it belongs to, when the item says


_MONEY_IN_TEXT = r"\$\s?\d[\d,]*(?:\.\d+)?\s?[kKmM]?"
_MONTH_IN_TEXT = (r"(\d{4}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                  r"(?:\s+\d{4})?)")
_BOOKED = r"\bbooked\s+(?:as|in|into)\s+" + _MONTH_IN_TEXT  # compiled on first use: most items lack it
_BELONGS = r"\b(?:for|belongs?\s+(?:to|in))\s+" + _MONTH_IN_TEXT


def revrec_adjustment(text: str, as_of: date) -> Adjustment | None:
    """`Deposits for December charters ($4,100) were booked as October revenue` -> $4,100
    booked in 2026-10, belonging to 2026-12 (a month without a year: the one nearest the
    as-of date). None when the item gives no amount or no month it was booked in."""
    if "booked" not in text.lower():
        return None
    money = re.search(_MONEY_IN_TEXT, text)
    booked = re.search(_BOOKED, text, re.I)
    if money is None or booked is None:
        return None
    from reports.read.values import parse_money

    amount = parse_money(money[0].replace(" ", ""))
    month = _near_month(booked[1], as_of)
    if amount is None or month is None:
        return None
    belongs = re.search(_BELONGS, text, re.I)
    target = _near_month(belongs[1], as_of) if belongs else None
    return Adjustment(amount, month, target)


def _near_month(text: str, as_of: date) -> str | None:
    from reports.read.values import parse_month

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


def unrated(entities: Iterable[Entity]) -> list[tuple[Entity, Risk | Action]]:
    """Open risks with no severity and open actions with no priority: shown, marked unrated,
    never silently left out (dated actions first, by date)."""
    risks: list[tuple[Entity, Risk | Action]] = [(e, r) for e in entities for r in e.risks if r.severity is None]
    acts = sorted(((e, a) for e in entities for a in e.actions if a.priority is None and not a.done),
                  key=lambda t: (t[1].due or date.max, t[0].name, t[1].text))
    return risks + list(acts)


def open_actions(entities: Iterable[Entity], tags: Sequence[str]) -> list[tuple[Entity, Action]]:
    """Open actions carrying any of `tags`, by priority then due date."""
    found = [(e, a) for e in entities for a in e.actions if not a.done and set(a.tags) & set(tags)]
    return sorted(found, key=lambda t: (_priority_rank(t[1].priority), t[1].due or date.max,
                                        t[0].name, t[1].text))


def risks_tagged(entities: Iterable[Entity], tags: Sequence[str]) -> list[tuple[Entity, Risk]]:
    """Risks carrying any of `tags`, most severe first."""
    found = [(e, r) for e in entities for r in e.risks if set(r.tags) & set(tags)]
    return sorted(found, key=lambda t: (severity_rank(t[1].severity), t[0].name, t[1].text))


def blast_conflicts(campaigns: Sequence[Campaign], min_days: int = 7) -> list[tuple[Campaign, Campaign]]:
    """Consecutive sends to the same list (case-insensitive) fewer than `min_days` apart."""
    by_list: dict[str, list[Campaign]] = {}
    for c in campaigns:
        if c.list:
            by_list.setdefault(c.list.casefold(), []).append(c)
    pairs: list[tuple[Campaign, Campaign]] = []
    for sends in by_list.values():
        sends.sort(key=lambda c: c.date)
        pairs.extend((a, b) for a, b in zip(sends, sends[1:], strict=False) if (b.date - a.date).days < min_days)
    return sorted(pairs, key=lambda p: (p[1].date, p[1].name))


def expense_jumps(months: Sequence[MonthTotal], threshold: Decimal = Decimal("0.25"),
                  floor: Decimal = ZERO, recent: Sequence[str] | None = None) -> list[tuple[MonthTotal, Decimal]]:
    """Months whose expenses rose more than `threshold` over the month before,
    (cur − prev) ÷ prev, and by at least `floor` dollars; only months in `recent` when given."""
    jumps = []
    for prev, cur in zip(months, months[1:], strict=False):
        if recent is not None and cur.month not in recent:
            continue
        if month_add(prev.month, 1) == cur.month and prev.expenses > 0 and cur.expenses - prev.expenses >= floor:
            change = (cur.expenses - prev.expenses) / prev.expenses
            if change > threshold:
                jumps.append((cur, change))
    return jumps


def large_expenses(entities: Iterable[Entity], limit: Decimal) -> list[tuple[Entity, Expense]]:
    """Single expenses over `limit`, largest first."""
    found = [(e, x) for e in entities for x in e.expenses if x.amount is not None and x.amount > limit]
    return sorted(found, key=lambda t: (-(t[1].amount or ZERO), t[0].name))


def stack_cost(entity: Entity) -> Decimal:
    """Monthly infrastructure cost: the sum of the entity's stack costs."""
    return sum((s.monthly_cost or ZERO for s in entity.stack), ZERO)


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole as a percentage; None when whole is zero or unknown."""
    if whole is None or whole == 0:
        return None
    return part / whole * 100


def cost_per_lead(spend: Decimal, leads: Decimal) -> Decimal | None:
    """Spend ÷ leads; None with no leads."""
    return spend / leads if leads > 0 else None


def last_full_month(as_of: date) -> str:
    """The latest month that has ended by `as_of`: its own month only on its last day."""
    if (as_of + timedelta(days=1)).month != as_of.month:
        return month_of(as_of)
    return month_add(month_of(as_of), -1)


class Totals(NamedTuple):
    """The portfolio's months, split by whether every entity that should report them did."""

    complete: list[MonthTotal]  # full months every operating entity reporting by then reports
    incomplete: dict[str, tuple[str, ...]]  # month -> the operating entities missing from it
    partial: MonthTotal | None  # the as-of month, not yet over (never in figures)
    left_out: tuple[str, ...]  # operating entities with no financials at all


def portfolio_totals(portfolio: Portfolio, as_of: date, by_entity: dict[str, list[MonthTotal]]) -> Totals:
    """Sum the entities' months. A month counts only when it is over and every operating
    entity that had started reporting by then reports it: a missing month is never a $0
    month. Ancillary entities are added when they report and never make a month
    incomplete."""
    full = last_full_month(as_of)
    operating = [e for e in portfolio.entities if e.kind == "operating"]
    first = {e.name: by_entity[e.name][0].month for e in operating if by_entity.get(e.name)}
    reported = {name: {m.month for m in by_entity[name]} for name in first}
    every = total_months(by_entity)
    complete, incomplete = [], {}
    partial = None
    for m in every:
        if m.month > full:
            partial = m
            continue
        missing = tuple(sorted(n for n, start in first.items() if start <= m.month and m.month not in reported[n]))
        if missing:
            incomplete[m.month] = missing
        else:
            complete.append(m)
    left_out = tuple(sorted(e.name for e in operating if e.name not in first))
    return Totals(complete, incomplete, partial, left_out)


class Runway(NamedTuple):
    """Every runway the reports state, each with its basis (docs/reports.md)."""

    cash: Decimal | None
    cash_month: str | None  # the month the cash balance is as of
    cash_basis: str  # "cash_as_of 2026-11-01" or "the last financial month"
    trailing: Decimal | None  # cash ÷ the trailing 3-month average net burn
    trailing_window: str  # "2026-08 to 2026-10"
    latest: Decimal | None  # cash ÷ the latest full month's net burn
    latest_month: str | None
    cash_out: str | None  # the first projected month whose cumulative cash is below zero
    months_to_cash_out: int | None
    floor: Decimal | None  # a cash reserve guardrail's floor
    floor_month: str | None  # the first projected month below it
    months_to_floor: int | None
    positive: bool  # the trailing 3 months made money

    def conservative(self) -> tuple[Decimal, str] | None:
        """The shortest of the runways, with what it rests on."""
        options: list[tuple[Decimal, str]] = []
        if self.months_to_cash_out is not None:
            options.append((Decimal(self.months_to_cash_out), f"projected cash-out in {self.cash_out}"))
        if self.months_to_floor is not None:
            options.append((Decimal(self.months_to_floor), f"cash below the reserve floor in {self.floor_month}"))
        if self.latest is not None:
            options.append((self.latest, f"the net burn of {self.latest_month}"))
        if self.trailing is not None:
            options.append((self.trailing, f"the trailing 3-month average net burn ({self.trailing_window})"))
        return min(options, key=lambda t: t[0]) if options else None


CASH_OUT_HORIZON = 60  # months the cash projection looks ahead


def runways(portfolio: Portfolio, complete: list[MonthTotal]) -> Runway:
    """Trailing and latest-month runway, and the projected months to cash-out and to the
    reserve floor: cash from its as-of month, plus each projected month's revenue −
    expenses (revenue growing at the trailing rate, expenses at their 3-month average)."""
    cash = portfolio.cash_on_hand
    last = complete[-1] if complete else None
    burns = [net_burn(m) for m in complete]
    avg = trailing_average(burns)
    window = f"{complete[-3:][0].month} to {last.month}" if last else ""
    trailing = runway(cash, avg)
    latest = runway(cash, net_burn(last)) if last else None
    cash_month: str | None
    if portfolio.cash_as_of is not None:
        cash_month, basis = month_of(portfolio.cash_as_of), f"cash_as_of {portfolio.cash_as_of.isoformat()}"
    else:
        cash_month, basis = (last.month if last else None), "the last financial month; no cash_as_of given"
    floor = next((g.limit for g in portfolio.guardrails
                  if g.measure == Measure.CASH_RESERVE and g.comparison == ">=" and g.problem is None), None)
    cash_out = floor_month = None
    to_out = to_floor = None
    if cash is not None and cash_month is not None and last is not None:
        if floor is not None and cash < floor:
            floor_month, to_floor = cash_month, 0
        balance = cash
        for k, (month, revenue, expenses) in enumerate(_projected(complete, cash_month), 1):
            balance += revenue - expenses
            if floor is not None and to_floor is None and balance < floor:
                floor_month, to_floor = month, k
            if balance < 0:
                cash_out, to_out = month, k
                break
    return Runway(cash, cash_month, basis, trailing, window, latest, last.month if last else None,
                  cash_out, to_out, floor, floor_month, to_floor, avg is not None and avg <= 0)


def _projected(complete: list[MonthTotal], after: str) -> list[tuple[str, Decimal, Decimal]]:
    """The projection's months after `after`, up to CASH_OUT_HORIZON months past the last actual."""
    horizon = month_add(complete[-1].month, CASH_OUT_HORIZON)
    return [p for p in projection(complete, horizon) if p[0] > after]


class Metrics(NamedTuple):
    """The portfolio figures guardrails are checked against (latest = the latest full,
    complete month)."""

    last: MonthTotal | None
    avg_net_burn: Decimal | None  # trailing 3 complete months
    runway: Decimal | None  # the most conservative runway
    cash: Decimal | None
    largest_expense: Decimal | None
    infra_cost: Decimal
    marketing_spend: Decimal  # live channels only

    @property
    def latest_net_burn(self) -> Decimal | None:
        return net_burn(self.last) if self.last else None


LIVE_STATUSES = ("live", "active", "running", "on")


def portfolio_metrics(portfolio: Portfolio, as_of: date, months: list[MonthTotal] | None = None,
                      conservative: Decimal | None = None) -> Metrics:
    """Compute the headline figures from complete months; pass them when already summed."""
    if months is None:
        months = portfolio_totals(portfolio, as_of, histories(portfolio, month_of(as_of))).complete
    burn = trailing_average([net_burn(m) for m in months])
    amounts = [x.amount for e in portfolio.entities for x in e.expenses if x.amount is not None]
    return Metrics(
        last=months[-1] if months else None,
        avg_net_burn=burn,
        runway=conservative if conservative is not None else runway(portfolio.cash_on_hand, burn),
        cash=portfolio.cash_on_hand,
        largest_expense=max(amounts) if amounts else None,
        infra_cost=sum((stack_cost(e) for e in portfolio.entities), ZERO),
        marketing_spend=sum((c.spend or ZERO for e in portfolio.entities for c in e.channels
                             if c.status in LIVE_STATUSES), ZERO),
    )


class Figures(NamedTuple):
    """What several reports show, computed once per run (`figures`)."""

    by_entity: dict[str, list[MonthTotal]]  # each entity's months through the as-of month
    months: list[MonthTotal]  # the portfolio's complete months, oldest first
    metrics: Metrics
    totals: Totals | None = None
    runway: Runway | None = None
    stage_weights: dict[str, Decimal] = {}  # noqa: RUF012 - STAGE_WEIGHTS with overrides
    jump_floor: Decimal = JUMP_FLOOR


def figures(portfolio: Portfolio, as_of: date, stage_weights: dict[str, Decimal] | None = None,
            jump_floor: Decimal = JUMP_FLOOR) -> Figures:
    """Compute the shared figures for one as-of date (and the configured weights and floor)."""
    by_entity = histories(portfolio, month_of(as_of))
    totals = portfolio_totals(portfolio, as_of, by_entity)
    ways = runways(portfolio, totals.complete)
    best = ways.conservative()
    metrics = portfolio_metrics(portfolio, as_of, totals.complete, best[0] if best else None)
    weights = {**STAGE_WEIGHTS, **(stage_weights or {})}
    return Figures(by_entity, totals.complete, metrics, totals, ways, weights, jump_floor)


# --------------------------------------------------------------------------
# Pipeline

STAGE_WEIGHTS: dict[str, Decimal] = {k: Decimal(v) for k, v in {
    "lead": "0.1", "unstaged": "0.1", "discovery": "0.2", "qualified": "0.3", "qualification": "0.3",
    "quoted": "0.4",
    "proposal": "0.4", "proposal sent": "0.4", "negotiation": "0.6", "negotiating": "0.6",
    "verbal": "0.8", "committed": "0.9"}.items()}
WON_STAGES = ("won", "signed", "closed won", "closed")
LOST_STAGES = ("lost", "closed lost")


class StageTotal(NamedTuple):
    stage: str
    deals: int
    one_off: Decimal  # one-off values
    monthly: Decimal  # recurring values, per month
    weight: Decimal | None  # None: no weight for this stage (counted at 0)


class Pipeline(NamedTuple):
    """Open deals by stage, the won ones apart, and the weighted and overdue values."""

    open: list[StageTotal]
    won: StageTotal
    lost: int
    weighted_one_off: Decimal  # Σ value × stage weight, one-off deals
    weighted_monthly: Decimal  # the same for recurring deals, per month
    overdue_one_off: Decimal  # open deals past their close date
    overdue_monthly: Decimal


def pipeline(deals: Iterable[Deal], weights: dict[str, Decimal], as_of: date) -> Pipeline:
    """Sum open deals by stage, one-off and per month apart; weighted value = Σ value ×
    weight of its stage; won and lost deals are not open."""
    stages: dict[str, list[Decimal]] = {}
    won_count, won = 0, [ZERO, ZERO]
    lost = 0
    weighted = [ZERO, ZERO]
    overdue = [ZERO, ZERO]
    for d in deals:
        value, col = d.value or ZERO, 1 if d.monthly else 0
        if d.stage in WON_STAGES:
            won_count += 1
            won[col] += value
            continue
        if d.stage in LOST_STAGES:
            lost += 1
            continue
        row = stages.setdefault(d.stage, [ZERO, ZERO, ZERO])
        row[0] += 1
        row[1 + col] += value
        weighted[col] += value * weights.get(d.stage, ZERO)
        if is_overdue(d, as_of):
            overdue[col] += value
    totals = [StageTotal(s, int(r[0]), r[1], r[2], weights.get(s)) for s, r in stages.items()]
    totals.sort(key=lambda t: (-(t.one_off + t.monthly * 12), t.stage))
    return Pipeline(totals, StageTotal("won", won_count, won[0], won[1], Decimal(1)), lost,
                    weighted[0], weighted[1], overdue[0], overdue[1])


# --------------------------------------------------------------------------
# Guardrails: a vocabulary of measures, resolved when read

UNITS = {Measure.RUNWAY: "months", Measure.INFRA_SHARE: "%"}  # the rest are in $
LABELS = {
    Measure.RUNWAY: "runway (most conservative)",
    Measure.NET_BURN_LATEST: "net burn, latest full month",
    Measure.NET_BURN_3M: "net burn, 3-month average",
    Measure.SINGLE_EXPENSE: "single expenses (review)",
    Measure.MARKETING_SPEND: "marketing spend, live channels",
    Measure.INFRA_SHARE: "infrastructure share of revenue",
    Measure.CASH_RESERVE: "cash on hand",
    Measure.REVENUE: "revenue, latest full month",
}
_MEASURE_WORDS: dict[Measure, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # (every one of these words, none of these)
    Measure.RUNWAY: (("runway",), ()),
    Measure.NET_BURN_LATEST: (("burn",), ("average", "avg", "trailing", "3-month", "3 month", "marketing",
                                           "multiple", "rate")),
    Measure.NET_BURN_3M: (("burn",), ("marketing", "multiple")),
    Measure.SINGLE_EXPENSE: (("expense",), ("ratio", "share", "total")),
    Measure.MARKETING_SPEND: (("marketing",), ("share", "ratio", "per lead")),
    Measure.INFRA_SHARE: (("infra",), ()),
    Measure.CASH_RESERVE: (("cash",), ("burn", "flow")),
    Measure.REVENUE: (("revenue",), ("share", "per ", "infra", "marketing", "expense", "growth")),
}


def resolve_measure(name: str, explicit: str | None = None) -> tuple[Measure | None, str | None]:
    """The measure a guardrail names: `(measure: net-burn-3m)` explicitly, else the one
    measure its name's words map to; (None, why) when none or several do."""
    if explicit is not None:
        try:
            return Measure(explicit.strip().lower()), None
        except ValueError:
            return None, (f"unknown measure '{explicit}'; use one of: {', '.join(m.value for m in Measure)}")
    low = f" {' '.join(name.lower().replace('-', ' ').split())} ".replace("infrastructure", "infra")
    found = [m for m, (need, never) in _MEASURE_WORDS.items()
             if all(w in low for w in need) and not any(w in low for w in never)]
    if Measure.NET_BURN_LATEST in found and Measure.NET_BURN_3M in found:
        monthly = any(w in low for w in (" monthly ", " month ", " latest ", " last month "))
        found.remove(Measure.NET_BURN_3M if monthly else Measure.NET_BURN_LATEST)
        if not monthly and not any(w in low for w in ("average", "avg", "trailing", "3 month")):
            return None, ("say which net burn: add (measure: net-burn-latest) or (measure: net-burn-3m)")
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, ("no measure for this name; add (measure: NAME), one of: "
                      + ", ".join(m.value for m in Measure))
    return None, f"the name fits {' and '.join(m.value for m in found)}; add (measure: NAME) to choose"


class Evaluation(NamedTuple):
    """A guardrail's verdict: OK, BREACHED, REVIEW (expenses to look at) or NOT EVALUATED."""

    status: str
    value: Decimal | None
    measure: str  # what was measured, or why nothing was
    detail: str = ""


def evaluate_guardrail(g: Guardrail, m: Metrics, expenses_over: int = 0) -> Evaluation:
    """Check a guardrail against its measure: OK when value `comparison` limit holds.

    A runway floor holds when the portfolio is cash-flow positive. A single-expense
    threshold is a review threshold: never breached, it counts the expenses to review.
    """
    if g.measure is None:
        return Evaluation("NOT EVALUATED", None, g.problem or "no measure")
    unit = UNITS.get(g.measure, "$")
    label = LABELS[g.measure]
    if not g.unit:
        return Evaluation("NOT EVALUATED", None, f"{label}: the limit has no unit; write it in {unit}")
    if g.unit != unit and not (unit == "months" and g.unit in ("month", "mo", "mos")):
        return Evaluation("NOT EVALUATED", None, f"{label} is in {unit}, the limit in {g.unit}")
    if g.measure == Measure.SINGLE_EXPENSE:
        status = f"REVIEW {expenses_over}" if expenses_over else "OK"
        return Evaluation(status, m.largest_expense, label, f"{expenses_over} expense(s) over it to review")
    revenue = m.last.revenue if m.last else None
    value = {
        Measure.RUNWAY: m.runway,
        Measure.NET_BURN_LATEST: m.latest_net_burn,
        Measure.NET_BURN_3M: m.avg_net_burn,
        Measure.MARKETING_SPEND: m.marketing_spend,
        Measure.INFRA_SHARE: share(m.infra_cost, revenue),
        Measure.CASH_RESERVE: m.cash,
        Measure.REVENUE: revenue,
    }[g.measure]
    if value is None:
        if g.measure == Measure.RUNWAY and m.avg_net_burn is not None and m.avg_net_burn <= 0:
            return Evaluation("OK" if g.comparison == ">=" else "BREACHED", None, label, "cash-flow positive")
        return Evaluation("NOT EVALUATED", None, f"{label}: no data")
    ok = value <= g.limit if g.comparison == "<=" else value >= g.limit
    return Evaluation("OK" if ok else "BREACHED", value, label)


def projection(months: Sequence[MonthTotal], horizon: str | None) -> list[tuple[str, Decimal, Decimal]]:
    """Project month by month to `horizon`: revenue grows at the trailing growth
    rate from the last actual month; expenses stay at their trailing 3-month
    average. Returns (month, revenue, expenses)."""
    if not months or horizon is None:
        return []
    growth = growth_rate([m.revenue for m in months]) or ZERO
    expenses = trailing_average([m.expenses for m in months]) or ZERO
    out = []
    month, revenue = months[-1].month, months[-1].revenue
    for _ in range(120):
        month = month_add(month, 1)
        if month > horizon:
            break
        revenue = revenue * (1 + growth)
        out.append((month, revenue, expenses))
    return out
