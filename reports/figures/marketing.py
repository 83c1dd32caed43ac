"""Marketing: sends to one list spaced too closely, spend on live channels, cost per lead."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from reports.model import Campaign, Channel, Entity
from reports.record import NamedTuple

ZERO = Decimal(0)


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


LIVE_STATUSES = ("live", "active", "running", "on")


class Spend(NamedTuple):
    """Marketing spend a month: live channels only, the rest listed apart."""

    live: list[tuple[Entity, Channel]]  # live channels with spend or leads
    apart: list[tuple[Entity, Channel]]  # paused, planned and other channels with spend or leads
    spend: Decimal  # Σ spend of live channels
    leads: Decimal  # Σ leads of live channels
    paid_leads: Decimal  # Σ leads of live channels that spend
    not_given: int  # live channels whose spend was not given (left out of the sum)

    @property
    def blended(self) -> Decimal | None:
        """Blended cost per lead: live spend ÷ leads from every live channel."""
        return cost_per_lead(self.spend, self.leads)

    @property
    def paid(self) -> Decimal | None:
        """Paid cost per lead: live spend ÷ leads from the live channels that spend."""
        return cost_per_lead(self.spend, self.paid_leads)


def marketing_spend(entities: Iterable[Entity]) -> Spend:
    """Split channels into live (status live, active, running or on) and the rest; sum the
    live ones' spend and leads, and the leads of those with spend over $0."""
    live, apart = [], []
    for e in entities:
        for c in e.channels:
            if c.status in LIVE_STATUSES:
                live.append((e, c))
            elif c.spend or c.leads:
                apart.append((e, c))
    spend = sum((c.spend or ZERO for _, c in live), ZERO)
    leads = sum((c.leads or ZERO for _, c in live), ZERO)
    paid = sum((c.leads or ZERO for _, c in live if c.spend), ZERO)
    shown = [(e, c) for e, c in live if c.spend or c.leads]
    return Spend(shown, apart, spend, leads, paid, sum(1 for _, c in live if c.spend is None))
