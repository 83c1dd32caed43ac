"""Guardrails and targets: the metrics guardrails are checked against, each verdict, missed KPIs."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from reports.figures.cash import net_burn
from reports.figures.costs import share, stack_cost
from reports.figures.marketing import marketing_spend
from reports.figures.months import (
    ZERO,
    MonthTotal,
    histories,
    last_full_month,
    portfolio_totals,
    trailing_average,
)
from reports.figures.runway import CASH_OUT_HORIZON, Runway
from reports.model import Entity, Guardrail, Kpi, Measure, Portfolio
from reports.read.measures import LABELS, UNITS
from reports.record import NamedTuple


class Metrics(NamedTuple):
    """The portfolio figures guardrails are checked against (latest = the latest full,
    complete month)."""

    last: MonthTotal | None
    avg_net_burn: Decimal | None  # trailing 3 complete months
    runway: Decimal | None  # the headline runway: months from the as-of date to cash-out
    cash: Decimal | None  # the cash estimate: cash_on_hand rolled forward to the latest complete month
    largest_expense: Decimal | None
    infra_cost: Decimal  # stack costs given
    marketing_spend: Decimal  # live channels only
    lasts: bool = False  # the projection runs no case out of cash within its horizon
    infra_not_given: int = 0  # stack items whose cost was not given (not in infra_cost)

    @property
    def latest_net_burn(self) -> Decimal | None:
        return net_burn(self.last) if self.last else None


def portfolio_metrics(portfolio: Portfolio, as_of: date, months: list[MonthTotal] | None = None,
                      way: Runway | None = None) -> Metrics:
    """Compute the headline figures from complete months; pass them when already summed."""
    if months is None:
        months = portfolio_totals(portfolio, as_of, histories(portfolio, last_full_month(as_of))).complete
    burn = trailing_average([net_burn(m) for m in months])
    amounts = [x.amount for e in portfolio.entities for x in e.expenses if x.amount is not None]
    headline = way.headline if way is not None else None
    return Metrics(
        last=months[-1] if months else None,
        avg_net_burn=burn,
        runway=headline.cash_out.months if headline and headline.cash_out else None,
        cash=way.cash.estimate if way is not None else portfolio.cash_on_hand,
        largest_expense=max(amounts) if amounts else None,
        infra_cost=sum((stack_cost(e) for e in portfolio.entities), ZERO),
        marketing_spend=marketing_spend(portfolio.entities).spend,
        lasts=way is not None and way.base is not None and headline is None,
        infra_not_given=sum(1 for e in portfolio.entities for x in e.stack if x.monthly_cost is None),
    )


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
        wanted = "an amount with its currency mark" if unit == "$" else unit  # `$` is money in any currency
        return Evaluation("NOT EVALUATED", None, f"{label}: the limit has no unit; write it as {wanted}")
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
        if g.measure == Measure.RUNWAY and m.lasts:
            return Evaluation("OK" if g.comparison == ">=" else "BREACHED", None, label,
                              f"no cash-out within {CASH_OUT_HORIZON} months")
        return Evaluation("NOT EVALUATED", None, f"{label}: no data")
    ok = value <= g.limit if g.comparison == "<=" else value >= g.limit
    return Evaluation("OK" if ok else "BREACHED", value, label)


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


def kpi_difference(kpi: Kpi) -> Decimal | None:
    """The absolute gap in the KPI's own unit: actual − target; None without a target."""
    return None if kpi.target is None else kpi.actual - kpi.target


def kpi_gaps(entities: Iterable[Entity]) -> list[tuple[Entity, Kpi, Decimal]]:
    """Every missed KPI, worst (largest relative gap) first, then by entity and name."""
    gaps = [(e, k, g) for e in entities for k in e.kpis if (g := kpi_gap(k)) is not None and g > 0]
    return sorted(gaps, key=lambda t: (-t[2], t[0].name, t[1].name))
