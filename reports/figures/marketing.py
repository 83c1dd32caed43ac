"""Marketing: sends to one list spaced too closely, and cost per lead."""

from collections.abc import Sequence
from decimal import Decimal

from reports.model import Campaign


def blast_conflicts(campaigns: Sequence[Campaign], min_days: int = 7) -> list[tuple[Campaign, Campaign]]:
    """Consecutive sends to the same list (case-insensitive) fewer than `min_days` apart."""
    by_list: dict[str, list[Campaign]] = {}
    for c in campaigns:
        if c.list:
            by_list.setdefault(c.list.casefold(), []).append(c)
    pairs: list[tuple[Campaign, Campaign]] = []
    for sends in by_list.values():
        sends.sort(key=lambda c: c.date)
        pairs.extend((a, b) for a, b in zip(sends, sends[1:], strict=False) if (b.date - a.date).days < min_days)
    return sorted(pairs, key=lambda p: (p[1].date, p[1].name))


def cost_per_lead(spend: Decimal, leads: Decimal) -> Decimal | None:
    """Spend ÷ leads; None with no leads."""
    return spend / leads if leads > 0 else None
