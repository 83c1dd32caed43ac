"""Monthly totals: each entity's months, the portfolio's complete months, the latest full month."""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from reports.model import Entity, Portfolio
from reports.read.dates import days_in
from reports.read.values import month_add
from reports.record import NamedTuple

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


def month_of(day: date) -> str:
    """Return `YYYY-MM` for a date."""
    return f"{day.year:04d}-{day.month:02d}"


def month_index(month: str) -> int:
    """Months since year 0 of `YYYY-MM`: the difference of two is the months between them."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_end(month: str) -> date:
    """The last day of `YYYY-MM`."""
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, days_in(year, mon))


def position(day: date) -> Decimal:
    """Where the end of `day` falls on the month line: month_index + day ÷ days in the
    month, so the end of month M is month_index(M) + 1."""
    days = days_in(day.year, day.month)
    return Decimal(month_index(month_of(day))) + Decimal(day.day) / Decimal(days)


def _rows(entity: Entity, through: str) -> tuple[dict[str, list[Decimal]], dict[str, str]]:
    """Sum each month's rows; a figure left blank or unreadable in any row makes it unknown, and
    so does one in another currency than the entity's reporting one with no fx rate."""
    sums: dict[str, list[Decimal]] = {}
    unknown: dict[str, set[str]] = {}
    foreign: dict[str, set[str]] = {}
    for f in entity.financials:
        if f.month > through:
            continue
        pair = sums.setdefault(f.month, [ZERO, ZERO])
        counted = f.currency in (None, entity.currency) or f.rate is not None
        for i, (name, value) in enumerate((("revenue", f.revenue), ("expenses", f.expenses))):
            if value is None or not counted:
                unknown.setdefault(f.month, set()).add(name)
                if value is not None:
                    foreign.setdefault(f.month, set()).add(str(f.currency))
            else:
                pair[i] += value if f.rate is None else value * f.rate
    blank = {m: " and ".join(sorted(names, reverse=True)) for m, names in unknown.items()}
    for m, codes in foreign.items():  # why: the report says which currency kept it out
        blank[m] += f" in {', '.join(sorted(codes))} (no fx rate)"
    return sums, blank


def entity_months(entity: Entity, through: str) -> list[MonthTotal]:
    """The entity's months up to `through` (YYYY-MM), oldest first, each with both figures
    given: a month with a blank or unreadable figure is left out (never read as $0)."""
    sums, blank = _rows(entity, through)
    return [MonthTotal(m, *sums[m]) for m in sorted(sums) if m not in blank]


def blank_months(entity: Entity, through: str) -> dict[str, str]:
    """The entity's months up to `through` whose revenue or expenses (which: the value) were
    left blank, `n/a`, `TBD` or could not be read."""
    return _rows(entity, through)[1]


def monthly_expenses(entity: Entity, through: str) -> dict[str, Decimal | None]:
    """Each month's expenses as the rows give them, whatever the revenue; None where blank or
    unreadable."""
    sums, blank = _rows(entity, through)
    return {m: None if "expenses" in blank.get(m, "") else sums[m][1] for m in sums}


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
    partial: str | None  # the as-of month, not yet over, when any entity reports it (never in figures)
    left_out: tuple[str, ...]  # operating entities with no financials at all
    blank: dict[str, tuple[str, ...]]  # month -> ("Alpha's revenue",): blank or unreadable, any entity


def portfolio_totals(portfolio: Portfolio, as_of: date, by_entity: dict[str, list[MonthTotal]]) -> Totals:
    """Sum the entities' full months. A month counts only when every operating entity that
    had started reporting by then reports both its figures: a missing month, or a blank or
    unreadable figure, is never $0. Ancillary entities are added when they report and never
    make a month incomplete."""
    full = last_full_month(as_of)
    operating = [e for e in portfolio.entities if e.kind == "operating"]
    blank = {e.name: blank_months(e, full) for e in portfolio.entities}
    first = {e.name: min([m.month for m in by_entity.get(e.name, [])] + list(blank[e.name]))
             for e in operating if by_entity.get(e.name) or blank[e.name]}
    reported = {name: {m.month for m in by_entity.get(name, [])} for name in first}
    complete, incomplete = [], {}
    for m in total_months(by_entity):
        gone = tuple(sorted(n for n, start in first.items()
                            if start <= m.month and m.month not in reported[n] and m.month not in blank[n]))
        if gone or any(m.month in blank[n] for n in first):
            incomplete[m.month] = gone
        else:
            complete.append(m)
    blanks: dict[str, list[str]] = {}
    for e in portfolio.entities:
        for month, what in blank[e.name].items():
            blanks.setdefault(month, []).append(f"{e.name}'s {what}")
            if e.name in first:
                incomplete.setdefault(month, ())
    as_of_month = month_of(as_of)
    partial = as_of_month if as_of_month > full and any(
        f.month == as_of_month for e in portfolio.entities for f in e.financials) else None
    left_out = tuple(sorted(e.name for e in operating if e.name not in first))
    return Totals(complete, incomplete, partial, left_out, {m: tuple(sorted(v)) for m, v in blanks.items()})
