"""The revenue trend: like-for-like growth, recognised revenue, the projection to the horizon
and break-even with the contribution margin."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from reports.figures.months import ZERO, MonthTotal, month_index, month_of, trailing_average
from reports.figures.revrec import revrec_adjustment
from reports.model import Entity
from reports.read.values import month_add
from reports.record import NamedTuple

WINDOW = 3  # the trailing months averages and growth are taken over


class Growth(NamedTuple):
    """Like-for-like revenue growth over the trailing window."""

    rate: Decimal | None  # compound monthly rate; None with fewer than two months or no revenue
    first: str | None  # the window's first and last month
    last: str | None
    start: Decimal  # revenue of the entities in every month of the window, in `first`
    end: Decimal  # the same entities' revenue in `last`
    left_out: tuple[str, ...]  # entities reporting some months of the window, not all


def like_for_like(by_entity: dict[str, list[MonthTotal]], window: Sequence[str]) -> Growth:
    """Compound monthly growth (end ÷ start)^(1/k) − 1 over the window's months (the last
    three complete months, those of the averages), k the months from the first to the last,
    summing only the entities that report every month of the window."""
    if not window:
        return Growth(None, None, None, ZERO, ZERO, ())
    wanted = set(window)
    start = end = ZERO
    left_out = []
    for name, history in by_entity.items():
        revenue = {m.month: m.revenue for m in history if m.month in wanted}
        if len(revenue) == len(wanted):
            start, end = start + revenue[window[0]], end + revenue[window[-1]]
        elif revenue:
            left_out.append(name)
    rate = compound_rate(start, end, month_index(window[-1]) - month_index(window[0]))
    return Growth(rate, window[0], window[-1], start, end, tuple(sorted(left_out)))


def compound_rate(start: Decimal, end: Decimal, k: int) -> Decimal | None:
    """Compound monthly growth (end ÷ start)^(1/k) − 1 over k months; None without a rate to take."""
    if k <= 0 or start <= 0 or end <= 0:
        return None
    return (end / start) ** (Decimal(1) / Decimal(k)) - 1


def growth_rate(revenues: Sequence[Decimal]) -> Decimal | None:
    """Compound monthly growth (last ÷ first)^(1/k) − 1 over consecutive monthly values."""
    return compound_rate(revenues[0], revenues[-1], len(revenues) - 1) if revenues else None


def recognised(entities: Iterable[Entity], by_entity: dict[str, list[MonthTotal]],
               as_of: date) -> tuple[dict[str, list[MonthTotal]], Decimal]:
    """Each entity's months with revenue as recognised: an amount a revenue-recognition item
    says was booked in a month it reports leaves that month and joins the month it belongs
    to (when that month is reported). Returns the histories and the amount moved."""
    out: dict[str, list[MonthTotal]] = {}
    moved = ZERO
    for e in entities:
        revenue = {m.month: m.revenue for m in by_entity.get(e.name, [])}
        for note in e.revenue_recognition:
            adj = revrec_adjustment(note.text, as_of)
            if adj is None or adj.booked not in revenue:
                continue
            revenue[adj.booked] -= adj.amount
            moved += adj.amount
            if adj.belongs in revenue:
                revenue[adj.belongs] += adj.amount
        out[e.name] = [m._replace(revenue=revenue[m.month]) for m in by_entity.get(e.name, [])]
    return out, moved


def resum(by_entity: dict[str, list[MonthTotal]], months: Sequence[MonthTotal]) -> list[MonthTotal]:
    """`months` with their revenue summed again from `by_entity` (the same months on another basis)."""
    revenue = {m.month: ZERO for m in months}
    for history in by_entity.values():
        for m in history:
            if m.month in revenue:
                revenue[m.month] += m.revenue
    return [m._replace(revenue=revenue[m.month]) for m in months]


def projection(months: Sequence[MonthTotal], horizon: str | None,
               growth: Decimal | None) -> list[tuple[str, Decimal, Decimal]]:
    """Project month by month to `horizon`: revenue grows at `growth` from the last actual
    month; expenses stay at their trailing 3-month average. Returns (month, revenue, expenses)."""
    if not months or horizon is None:
        return []
    expenses = trailing_average([m.expenses for m in months]) or ZERO
    out = []
    month, revenue = months[-1].month, months[-1].revenue
    for _ in range(120):
        month = month_add(month, 1)
        if month > horizon:
            break
        revenue = revenue * (1 + (growth or ZERO))
        out.append((month, revenue, expenses))
    return out


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


class BreakEven(NamedTuple):
    """The revenue a month that covers the costs, against the latest complete month."""

    needed: Decimal | None  # None: variable costs take all the revenue (no margin to cover fixed costs)
    month: str  # the latest complete month
    revenue: Decimal  # its revenue
    expenses: Decimal  # the trailing 3-month average expenses
    variable: Decimal | None  # the window's average [variable] costs a month; None: none tagged
    margin: Decimal | None  # contribution margin ratio: 1 − variable ÷ revenue over the window
    growth: Growth
    months: int | None  # at the growth rate; 0: already covered

    @property
    def gap(self) -> Decimal | None:
        """Needed − the latest month's revenue, never below zero."""
        return None if self.needed is None else max(self.needed - self.revenue, ZERO)


def variable_costs(entities: Iterable[Entity], window: Sequence[str]) -> Decimal | None:
    """Σ logged expenses in the window's months that are variable: tagged `[variable]`, or in
    a category one of the entity's tagged expenses is in. None when nothing is tagged."""
    total, tagged = ZERO, False
    months = set(window)
    for e in entities:
        categories = {x.category for x in e.expenses if "variable" in x.tags}
        tagged = tagged or bool(categories)
        total += sum((x.amount for x in e.expenses if x.category in categories and x.amount is not None
                      and x.date is not None and month_of(x.date) in months), ZERO)
    return total if tagged else None


def break_even(months: Sequence[MonthTotal], growth: Growth, variable: Decimal | None) -> BreakEven | None:
    """Revenue needed = fixed costs ÷ contribution margin ratio, where fixed costs = the
    3-month average expenses − the average variable costs and the ratio = 1 − variable costs ÷
    revenue over the same months; with nothing tagged variable, the average expenses."""
    if not months:
        return None
    window = list(months)[-WINDOW:]
    expenses = trailing_average([m.expenses for m in window]) or ZERO
    last = window[-1]
    if variable is None:
        needed: Decimal | None = expenses
        margin = None
    else:
        revenue = sum((m.revenue for m in window), ZERO)
        margin = 1 - variable / revenue if revenue > 0 else ZERO
        needed = (expenses - variable / len(window)) / margin if margin > 0 else None
    n = months_to_break_even(last.revenue, needed, growth.rate) if needed is not None else None
    avg_variable = variable / len(window) if variable is not None else None
    return BreakEven(needed, last.month, last.revenue, expenses, avg_variable, margin, growth, n)
