"""The agenda: what is due soon, unaddressed risks, and open actions and risks by tag and rank."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from reports.model import Action, Entity, Portfolio, Risk, Src
from reports.read.values import PRIORITIES, SEVERITIES

UNRATED = "unrated"
ENGINEERING_TAGS = ("eng", "security", "ux", "devcycle")


def _priority_rank(priority: str | None) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def severity_rank(severity: str | None) -> int:
    """0 for critical … 3 for low, 4 when unrated."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


class AgendaItem(NamedTuple):
    """One line of the agenda: an action due soon or an unaddressed risk."""

    priority: str
    due: date | None
    entity: Entity
    text: str
    source: Src
    overdue: bool


def risk_has_action(risk: Risk, entity: Entity) -> bool:
    """A risk is addressed only when an open action of the same entity links to it
    explicitly, by carrying the same `[#id]`; sharing a tag such as [ops] is not enough."""
    return bool(risk.links) and any(not a.done and set(a.links) & set(risk.links) for a in entity.actions)


def agenda(portfolio: Portfolio, as_of: date, days: int = 30) -> list[AgendaItem]:
    """Open actions due by as-of + `days` (overdue ones included) and critical or
    high risks with no action; ordered by priority (risks: critical = P0,
    high = P1), then due date (undated last), then entity."""
    horizon = as_of + timedelta(days=days)
    items: list[AgendaItem] = []
    for e in portfolio.entities:
        for a in e.actions:
            if not a.done and a.due is not None and a.due <= horizon:
                items.append(AgendaItem(a.priority or UNRATED, a.due, e, a.text, a.source, a.due < as_of))
        for r in e.risks:
            if r.severity in ("critical", "high") and not risk_has_action(r, e):
                prio = "P0" if r.severity == "critical" else "P1"
                items.append(AgendaItem(prio, None, e, f"Unaddressed {r.severity} risk: {r.text}",
                                        r.source, False))
    # Overdue first, by how overdue (an unrated one too); then by priority and date.
    return sorted(items, key=lambda i: (not i.overdue, i.due if i.overdue and i.due else date.min,
                                        _priority_rank(i.priority), i.due or date.max, i.entity.name, i.text))


def unrated(entities: Iterable[Entity]) -> list[tuple[Entity, Risk | Action]]:
    """Open risks with no severity and open actions with no priority: shown, marked unrated,
    never silently left out (dated actions first, by date)."""
    risks: list[tuple[Entity, Risk | Action]] = [(e, r) for e in entities for r in e.risks if r.severity is None]
    acts = sorted(((e, a) for e in entities for a in e.actions if a.priority is None and not a.done),
                  key=lambda t: (t[1].due or date.max, t[0].name, t[1].text))
    return risks + list(acts)


def open_actions(entities: Iterable[Entity], tags: Sequence[str]) -> list[tuple[Entity, Action]]:
    """Open actions carrying any of `tags`, by priority then due date."""
    found = [(e, a) for e in entities for a in e.actions if not a.done and set(a.tags) & set(tags)]
    return sorted(found, key=lambda t: (_priority_rank(t[1].priority), t[1].due or date.max,
                                        t[0].name, t[1].text))


def risks_tagged(entities: Iterable[Entity], tags: Sequence[str]) -> list[tuple[Entity, Risk]]:
    """Risks carrying any of `tags`, most severe first."""
    found = [(e, r) for e in entities for r in e.risks if set(r.tags) & set(tags)]
    return sorted(found, key=lambda t: (severity_rank(t[1].severity), t[0].name, t[1].text))
