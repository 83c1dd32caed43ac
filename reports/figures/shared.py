"""The figures several reports share, computed once per run."""

from datetime import date
from decimal import Decimal

from reports.figures.costs import JUMP_FLOOR
from reports.figures.deals import STAGE_WEIGHTS
from reports.figures.guardrails import Metrics, portfolio_metrics
from reports.figures.months import MonthTotal, Totals, histories, last_full_month, portfolio_totals
from reports.figures.runway import Runway, runways
from reports.figures.trend import WINDOW, Growth, like_for_like, recognised, resum
from reports.model import Portfolio
from reports.record import NamedTuple


class Figures(NamedTuple):
    """What several reports show, computed once per run (`figures`)."""

    by_entity: dict[str, list[MonthTotal]]  # each entity's months through the latest full month
    months: list[MonthTotal]  # the portfolio's complete months, oldest first
    metrics: Metrics
    totals: Totals | None = None
    runway: Runway | None = None
    stage_weights: dict[str, Decimal] = {}  # noqa: RUF012 - STAGE_WEIGHTS with overrides
    jump_floor: Decimal = JUMP_FLOOR
    growth: Growth | None = None  # like-for-like, booked revenue: the trend case and the roadmap
    recognised: list[MonthTotal] = []  # noqa: RUF012 - the complete months, revenue as recognised
    recognised_growth: Growth | None = None  # like-for-like on recognised revenue: break-even
    moved: Decimal = Decimal(0)  # revenue the recognition items move out of the month booked


def figures(portfolio: Portfolio, as_of: date, stage_weights: dict[str, Decimal] | None = None,
            jump_floor: Decimal = JUMP_FLOOR) -> Figures:
    """Compute the shared figures for one as-of date (and the configured weights and floor)."""
    by_entity = histories(portfolio, last_full_month(as_of))
    totals = portfolio_totals(portfolio, as_of, by_entity)
    window = [m.month for m in totals.complete[-WINDOW:]]
    growth = like_for_like(by_entity, window)
    ways = runways(portfolio, as_of, totals.complete, growth)
    metrics = portfolio_metrics(portfolio, as_of, totals.complete, ways)
    weights = {**STAGE_WEIGHTS, **(stage_weights or {})}
    by_recognised, moved = recognised(portfolio.entities, by_entity, as_of)
    return Figures(by_entity, totals.complete, metrics, totals, ways, weights, jump_floor, growth,
                   resum(by_recognised, totals.complete), like_for_like(by_recognised, window), moved)
