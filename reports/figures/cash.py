"""Cash: net burn, runway on each basis, the revenue trend, the projection and break-even."""

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from reports.figures.months import ZERO, MonthTotal, month_of, trailing_average
from reports.model import Measure, Portfolio
from reports.read.values import month_add


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
