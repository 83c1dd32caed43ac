"""Costs: infrastructure per entity, single large expenses, month-on-month expense jumps, shares."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from reports.figures.months import ZERO, MonthTotal
from reports.model import Entity, Expense
from reports.read.values import month_add
from reports.record import NamedTuple

JUMP_FLOOR = Decimal(500)  # default EXPENSE_JUMP_FLOOR: smaller expense rises are not flagged


def stack_cost(entity: Entity) -> Decimal:
    """Monthly infrastructure cost: the sum of the entity's stack costs given (a cost not
    given is not $0: count those with `Metrics.infra_not_given`)."""
    return sum((s.monthly_cost or ZERO for s in entity.stack), ZERO)


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole as a percentage; None when whole is zero or unknown."""
    if whole is None or whole == 0:
        return None
    return part / whole * 100


def large_expenses(entities: Iterable[Entity], limit: Decimal) -> list[tuple[Entity, Expense]]:
    """Single expenses over `limit`, largest first."""
    found = [(e, x) for e in entities for x in e.expenses if x.amount is not None and x.amount > limit]
    return sorted(found, key=lambda t: (-(t[1].amount or ZERO), t[0].name))


class Jump(NamedTuple):
    """A month whose expenses rose over the month before."""

    month: MonthTotal
    rise: Decimal  # dollars: this month's expenses − last month's
    change: Decimal  # the rise ÷ last month's expenses


def expense_jumps(months: Sequence[MonthTotal], threshold: Decimal = Decimal("0.25"),
                  floor: Decimal = ZERO, recent: Sequence[str] | None = None) -> list[Jump]:
    """Months whose expenses rose more than `threshold` over the month before,
    (cur − prev) ÷ prev, and by at least `floor` dollars; only months in `recent` when given."""
    jumps = []
    for prev, cur in zip(months, months[1:], strict=False):
        if recent is not None and cur.month not in recent:
            continue
        if month_add(prev.month, 1) == cur.month and prev.expenses > 0 and cur.expenses - prev.expenses >= floor:
            change = (cur.expenses - prev.expenses) / prev.expenses
            if change > threshold:
                jumps.append(Jump(cur, cur.expenses - prev.expenses, change))
    return jumps
