"""The figures the reports show, as pure functions of the portfolio.

Every function states its formula; money is Decimal and nothing reads the
clock: the report date is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from .model import Action, Campaign, Deal, Entity, Expense, Guardrail, Kpi, Portfolio, Risk, Src
from .values import PRIORITIES, SEVERITIES, month_add

ZERO = Decimal(0)
CLOSED_STAGES = ("won", "lost", "closed", "closed won", "closed lost", "signed")
ENGINEERING_TAGS = ("eng", "security", "ux", "devcycle")
# What a guardrail is measured against, when it is not financials or cash.
LARGEST_EXPENSE = "largest single expense"
INFRA_SHARE = "infrastructure cost / revenue"
CHANNEL_SPEND = "channel spend per month"


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


def portfolio_months(portfolio: Portfolio, through: str) -> list[MonthTotal]:
    """Sum every entity's months up to `through`, oldest first."""
    return total_months(histories(portfolio, through))


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
    """A risk is covered when an open action of the same entity shares one of its tags."""
    return any(not a.done and set(a.tags) & set(risk.tags) for a in entity.actions)


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


def expense_jumps(months: Sequence[MonthTotal], threshold: Decimal = Decimal("0.25")) -> list[tuple[MonthTotal, Decimal]]:
    """Months whose expenses rose more than `threshold` over the month before: (cur − prev) ÷ prev."""
    jumps = []
    for prev, cur in zip(months, months[1:], strict=False):
        if month_add(prev.month, 1) == cur.month and prev.expenses > 0:
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


class Metrics(NamedTuple):
    """The portfolio figures guardrails are checked against."""

    last: MonthTotal | None
    avg_net_burn: Decimal | None
    runway: Decimal | None
    cash: Decimal | None
    largest_expense: Decimal | None
    infra_cost: Decimal
    marketing_spend: Decimal


def portfolio_metrics(portfolio: Portfolio, as_of: date, months: list[MonthTotal] | None = None) -> Metrics:
    """Compute the headline figures; pass `months` when already summed."""
    if months is None:
        months = portfolio_months(portfolio, month_of(as_of))
    burn = trailing_average([net_burn(m) for m in months])
    amounts = [x.amount for e in portfolio.entities for x in e.expenses if x.amount is not None]
    return Metrics(
        last=months[-1] if months else None,
        avg_net_burn=burn,
        runway=runway(portfolio.cash_on_hand, burn),
        cash=portfolio.cash_on_hand,
        largest_expense=max(amounts) if amounts else None,
        infra_cost=sum((stack_cost(e) for e in portfolio.entities), ZERO),
        marketing_spend=sum((c.spend or ZERO for e in portfolio.entities for c in e.channels), ZERO),
    )


class Figures(NamedTuple):
    """What several reports show, computed once per run (`figures`)."""

    by_entity: dict[str, list[MonthTotal]]  # each entity's months through the as-of month
    months: list[MonthTotal]  # the portfolio's totals, oldest first
    metrics: Metrics


def figures(portfolio: Portfolio, as_of: date) -> Figures:
    """Compute the shared figures for one as-of date."""
    by_entity = histories(portfolio, month_of(as_of))
    months = total_months(by_entity)
    return Figures(by_entity, months, portfolio_metrics(portfolio, as_of, months))


def guardrail_measure(g: Guardrail, m: Metrics) -> tuple[str, Decimal | None, str] | None:
    """Pick the metric a guardrail speaks of from its name: (what, value, unit)."""
    name = g.name.lower()
    revenue = m.last.revenue if m.last else None
    if "runway" in name:
        return ("runway", m.runway, "months")
    if "burn" in name:
        return ("trailing 3-month net burn", m.avg_net_burn, "$")
    if "expense" in name and ("review" in name or "single" in name):
        return (LARGEST_EXPENSE, m.largest_expense, "$")
    if "infra" in name:
        return (INFRA_SHARE, share(m.infra_cost, revenue), "%")
    if "marketing" in name or "spend" in name:
        return (CHANNEL_SPEND, m.marketing_spend, "$")
    if "cash" in name or "reserve" in name:
        return ("cash on hand", m.cash, "$")
    if "revenue" in name:
        return ("last month revenue", revenue, "$")
    return None


def evaluate_guardrail(g: Guardrail, m: Metrics) -> tuple[str, Decimal | None, str]:
    """Return (status, value, what): OK when value `comparison` limit holds, else BREACHED.

    A runway floor holds when cash-flow positive (infinite runway).
    """
    found = guardrail_measure(g, m)
    if found is None:
        return ("NOT EVALUATED", None, "no known measure for this name")
    what, value, unit = found
    if g.unit and g.unit != unit and not (unit == "months" and g.unit in ("month", "mo")):
        return ("NOT EVALUATED", None, f"{what} is in {unit}, the limit in {g.unit}")
    if value is None:
        if what == "runway" and m.avg_net_burn is not None and m.avg_net_burn <= 0:
            return ("OK" if g.comparison == ">=" else "BREACHED", None, "cash-flow positive")
        return ("NOT EVALUATED", None, f"no data for {what}")
    ok = value <= g.limit if g.comparison == "<=" else value >= g.limit
    return ("OK" if ok else "BREACHED", value, what)


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
