"""Monthly totals: each entity's months, the portfolio's complete months, the latest full month."""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from reports.model import Entity, Portfolio
from reports.read.values import month_add

ZERO = Decimal(0)


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
