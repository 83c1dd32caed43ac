"""The deal pipeline: open deals by stage, weighted by stage, and the overdue closes."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from reports.figures.months import ZERO
from reports.model import Deal
from reports.record import NamedTuple

STAGE_WEIGHTS: dict[str, Decimal] = {k: Decimal(v) for k, v in {
    "lead": "0.1", "unstaged": "0.1", "discovery": "0.2", "qualified": "0.3", "qualification": "0.3",
    "quoted": "0.4",
    "proposal": "0.4", "proposal sent": "0.4", "negotiation": "0.6", "negotiating": "0.6",
    "verbal": "0.8", "committed": "0.9"}.items()}
WON_STAGES = ("won", "signed", "closed won", "closed")
LOST_STAGES = ("lost", "closed lost")
CLOSED_STAGES = ("won", "lost", "closed", "closed won", "closed lost", "signed")


def is_overdue(deal: Deal, as_of: date) -> bool:
    """A deal is overdue when its close date has passed and it is not closed."""
    return deal.close is not None and deal.close < as_of and deal.stage not in CLOSED_STAGES


class StageTotal(NamedTuple):
    """One stage's deals: how many, and their one-off and monthly values."""

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
    weighted_one_off: Decimal  # Σ value × stage weight, one-off deals not past their close date
    weighted_monthly: Decimal  # the same for recurring deals, per month
    overdue_one_off: Decimal  # open deals past their close date (not weighted)
    overdue_monthly: Decimal


def pipeline(deals: Iterable[Deal], weights: dict[str, Decimal], as_of: date) -> Pipeline:
    """Sum open deals by stage, one-off and per month apart; weighted value = Σ value ×
    weight of its stage over the open deals not past their close date (stale deals are
    summed apart); won and lost deals are not open."""
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
        if is_overdue(d, as_of):  # stale: shown apart, never weighted as if still likely
            overdue[col] += value
        else:
            weighted[col] += value * weights.get(d.stage, ZERO)
    totals = [StageTotal(s, int(r[0]), r[1], r[2], weights.get(s)) for s, r in stages.items()]
    totals.sort(key=lambda t: (-(t.one_off + t.monthly * 12), t.stage))
    return Pipeline(totals, StageTotal("won", won_count, won[0], won[1], Decimal(1)), lost,
                    weighted[0], weighted[1], overdue[0], overdue[1])
