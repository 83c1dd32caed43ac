"""The figures several reports share, computed once per run."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from reports.figures.cash import Runway, runways
from reports.figures.costs import JUMP_FLOOR
from reports.figures.deals import STAGE_WEIGHTS
from reports.figures.guardrails import Metrics, portfolio_metrics
from reports.figures.months import MonthTotal, Totals, histories, month_of, portfolio_totals
from reports.model import Portfolio


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
