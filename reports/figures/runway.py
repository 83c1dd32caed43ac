"""Runway: cash projected month by month on the base, trend and capital-plan cases, with the
cash-out and the reserve floor interpolated and counted in months from the as-of date."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import partial

from reports.figures.cash import Cash, dated_cash, net_burn, runway
from reports.figures.months import ZERO, MonthTotal, month_index, position, trailing_average
from reports.figures.trend import Growth
from reports.model import Measure, Portfolio
from reports.read.values import month_add
from reports.record import NamedTuple

CASH_OUT_HORIZON = 60  # months the cash projection looks ahead


class Crossing(NamedTuple):
    """Where a projected balance first falls below a level."""

    month: str  # the month it falls below
    months: Decimal  # from the as-of date to the interpolated point (0 when already below or past)


class Case(NamedTuple):
    """One projection of the cash balance."""

    name: str  # "base", "trend" or "capital plan"
    growth: Decimal  # monthly revenue growth assumed
    cash_out: Crossing | None  # None: cash lasts CASH_OUT_HORIZON months or more
    floor: Crossing | None  # below the reserve floor; None: no floor, or not reached


def balances(start_month: str, start: Decimal, last: MonthTotal, expenses: Decimal, growth: Decimal,
             one_off: Decimal = ZERO, monthly: Decimal = ZERO) -> list[tuple[str, Decimal]]:
    """Closing balances for each month after `start_month`: B_k = B_{k−1} + revenue_k −
    (expenses + monthly), less `one_off` in the first month, where revenue_k = the latest
    complete month's revenue × (1 + growth)^(months after it)."""
    out, balance = [], start - one_off
    for k in range(1, CASH_OUT_HORIZON + 1):
        month = month_add(start_month, k)
        ahead = month_index(month) - month_index(last.month)
        balance += last.revenue * (1 + growth) ** ahead - expenses - monthly
        out.append((month, balance))
    return out


def crossing(start_month: str, start: Decimal, points: Sequence[tuple[str, Decimal]], level: Decimal,
             as_of: date) -> Crossing | None:
    """The first month whose closing balance is below `level`, the point interpolated linearly
    within it: month_index(start_month) + k + (B_{k−1} − level) ÷ (B_{k−1} − B_k), less the
    as-of date's place on the month line (months.position)."""
    if start < level:
        return Crossing(start_month, ZERO)
    before = start
    for k, (month, balance) in enumerate(points, 1):
        if balance < level:
            at = Decimal(month_index(start_month) + k) + (before - level) / (before - balance)
            return Crossing(month, max(at - position(as_of), ZERO))
        before = balance
    return None


def project(name: str, rate: Decimal, *, start_month: str, start: Decimal, last: MonthTotal,
            expenses: Decimal, floor: Decimal | None, as_of: date, one_off: Decimal = ZERO,
            monthly: Decimal = ZERO) -> Case:
    """One case: the balances from `start` at the end of `start_month`, where they go below
    zero and below the floor."""
    points = balances(start_month, start, last, expenses, rate, one_off, monthly)
    spent = start - one_off
    return Case(name, rate, crossing(start_month, spent, points, ZERO, as_of),
                crossing(start_month, spent, points, floor, as_of) if floor is not None else None)


def first_out(*cases: Case | None) -> Case | None:
    """The case whose cash runs out first (the earlier of equals); None when none does."""
    out = [c for c in cases if c is not None and c.cash_out is not None]
    return min(out, key=lambda c: c.cash_out.months if c.cash_out else ZERO) if out else None


class Runway(NamedTuple):
    """Every runway the reports state, each with its basis (docs/reports.md)."""

    cash: Cash
    base: Case | None  # revenue flat at the latest complete month
    trend: Case | None  # revenue at the like-for-like growth rate; None: no rate
    capital: Case | None  # the headline case with the capital plan's costs; None: the plan costs nothing
    one_off: Decimal  # the capital plan's one-off costs
    monthly: Decimal  # and its monthly ones
    floor: Decimal | None  # a cash-reserve guardrail's floor
    trailing: Decimal | None  # the estimate ÷ the trailing 3-month average net burn
    trailing_window: str  # "2026-08 to 2026-10"
    trailing_burn: Decimal | None
    latest: Decimal | None  # the estimate ÷ the latest complete month's net burn
    latest_month: str | None
    latest_burn: Decimal | None
    positive: bool  # the trailing 3 months made money
    revenue: Decimal = ZERO  # the latest complete month's revenue: where every case starts
    expenses: Decimal = ZERO  # the trailing 3-month average expenses every case keeps

    @property
    def headline(self) -> Case | None:
        """The case (base or trend) whose cash runs out first; None when neither does."""
        return first_out(self.base, self.trend)

    @property
    def floor_case(self) -> Case | None:
        """The case the reserve floor is read from: the headline's, else the base case."""
        return self.headline or self.base

    def conservative(self) -> tuple[Decimal, str] | None:
        """The headline runway with its basis (the figure "Changes since" compares)."""
        case = self.headline
        if case is None or case.cash_out is None:
            return None
        return case.cash_out.months, f"cash-out in {case.cash_out.month} ({case.name} case)"


def runways(portfolio: Portfolio, as_of: date, complete: Sequence[MonthTotal], growth: Growth) -> Runway:
    """The dated cash, the base, trend and capital-plan cases, and the trailing and
    latest-month runways (the estimate ÷ net burn)."""
    cash = dated_cash(portfolio, as_of, complete)
    last = complete[-1] if complete else None
    avg = trailing_average([net_burn(m) for m in complete])
    floor = next((g.limit for g in portfolio.guardrails
                  if g.measure == Measure.CASH_RESERVE and g.comparison == ">=" and g.problem is None), None)
    one_off = sum((c.cost for c in portfolio.capital_plan if c.cost is not None and not c.monthly), ZERO)
    monthly = sum((c.cost for c in portfolio.capital_plan if c.cost is not None and c.monthly), ZERO)
    base = trend = capital = None
    expenses = trailing_average([m.expenses for m in complete]) or ZERO
    if cash.estimate is not None and cash.month is not None and last is not None:
        run = partial(project, start_month=cash.month, start=cash.estimate, last=last, expenses=expenses,
                      floor=floor, as_of=as_of)
        base = run("base", ZERO)
        trend = run("trend", growth.rate) if growth.rate is not None else None
        if one_off or monthly:
            capital = run("capital plan", (first_out(base, trend) or base).growth, one_off=one_off, monthly=monthly)
    window = f"{complete[-3:][0].month} to {last.month}" if last else ""
    return Runway(cash, base, trend, capital, one_off, monthly, floor, runway(cash.estimate, avg), window, avg,
                  runway(cash.estimate, net_burn(last)) if last else None, last.month if last else None,
                  net_burn(last) if last else None, avg is not None and avg <= 0,
                  last.revenue if last else ZERO, expenses)
