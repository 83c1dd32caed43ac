"""The agenda and the risk register: what is due soon, what is open, and who owns it."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TypeVar

from reports.figures.routing import ROLES_SHOWING_ALL, URGENT, level, route
from reports.model import Action, Entity, Portfolio, Risk, Src
from reports.read.values import PRIORITIES, SEVERITIES
from reports.record import NamedTuple

T = TypeVar("T")
Item = Risk | Action
UNRATED = "unrated"
AGENDA_LIMIT = 30  # agenda lines besides the P0 actions, which are always shown
P0_LIMIT = 100  # P0 actions the agenda shows at most (a very large portfolio)
REGISTER_PER_ENTITY = 3  # critical and high risks named per entity in the CEO's register
REGISTER_LIMIT = 60  # and in all


def _priority_rank(priority: str | None) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def severity_rank(severity: str | None) -> int:
    """0 for critical … 3 for low, 4 when unrated."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def rank(item: Item) -> int:
    """0 for critical or P0 … 3 for low or P3, 4 when unrated."""
    return severity_rank(item.severity) if isinstance(item, Risk) else _priority_rank(item.priority)


def is_open(item: Item) -> bool:
    """Not done (a risk is open unless the reader marked it done)."""
    return not getattr(item, "done", False)


def is_urgent(item: Item) -> bool:
    """A critical or high risk, or a P0 or P1 action: always listed by name in some report."""
    return level(item) in URGENT


class AgendaItem(NamedTuple):
    """One line of the agenda: an action due soon or an unaddressed risk."""

    priority: str
    due: date | None
    entity: Entity
    text: str
    source: Src
    overdue: bool
    item: Item | None = None  # the action or risk the line is about


def linked_actions(risk: Risk, entity: Entity) -> tuple[Action, ...]:
    """The open actions of the same entity that carry one of the risk's `[#id]`s."""
    if not risk.links:
        return ()
    return tuple(a for a in entity.actions if not a.done and set(a.links) & set(risk.links))


def risk_has_action(risk: Risk, entity: Entity) -> bool:
    """A risk is addressed only when an open action of the same entity links to it
    explicitly, by carrying the same `[#id]`; sharing a tag such as [ops] is not enough."""
    return bool(linked_actions(risk, entity))


def agenda(portfolio: Portfolio, as_of: date, days: int = 30) -> list[AgendaItem]:
    """Open actions due by as-of + `days` (overdue ones included) and critical or
    high risks with no action; ordered by priority (risks: critical = P0,
    high = P1), then due date (undated last), then entity."""
    horizon = as_of + timedelta(days=days)
    items: list[AgendaItem] = []
    for e in portfolio.entities:
        for a in e.actions:
            if not a.done and a.due is not None and a.due <= horizon:
                items.append(AgendaItem(a.priority or UNRATED, a.due, e, a.text, a.source, a.due < as_of, a))
        for r in e.risks:
            if r.severity in ("critical", "high") and is_open(r) and not risk_has_action(r, e):
                prio = "P0" if r.severity == "critical" else "P1"
                items.append(AgendaItem(prio, None, e, f"Unaddressed {r.severity} risk: {r.text}",
                                        r.source, False, r))
    # Overdue first, by how overdue (an unrated one too); then by priority and date.
    return sorted(items, key=lambda i: (not i.overdue, i.due if i.overdue and i.due else date.min,
                                        _priority_rank(i.priority), i.due or date.max, i.entity.name, i.text))


def agenda_shown(items: Sequence[AgendaItem], limit: int = AGENDA_LIMIT) -> list[AgendaItem]:
    """The agenda lines a report shows: every P0 action (up to P0_LIMIT), and the other
    lines in order while fewer than `limit` of them are shown."""
    shown: list[AgendaItem] = []
    room, p0_room = limit, P0_LIMIT
    for i in items:
        if i.priority == "P0" and isinstance(i.item, Action):
            if p0_room > 0:
                shown.append(i)
                p0_room -= 1
        elif room > 0:
            shown.append(i)
            room -= 1
    return shown


def in_turn(groups: Sequence[Sequence[T]], limit: int) -> list[T]:
    """Up to `limit` items taken one group at a time: every group's first item before
    any group's second."""
    out: list[T] = []
    depth = 0
    while len(out) < limit and any(len(g) > depth for g in groups):
        out.extend(g[depth] for g in groups if len(g) > depth)
        depth += 1
    return out[:limit]


def unrated(entities: Iterable[Entity]) -> list[tuple[Entity, Item]]:
    """Open risks with no severity and open actions with no priority, per entity in turn:
    each entity's first items before any entity's later ones (risks, then dated actions
    by date, then the rest)."""
    groups = []
    for e in entities:
        acts = sorted((a for a in e.actions if a.priority is None and not a.done), key=lambda a: a.due or date.max)
        items: list[Item] = [r for r in e.risks if r.severity is None and is_open(r)] + acts
        groups.append([(e, x) for x in items])
    return in_turn(groups, sum(len(g) for g in groups))


def owned(entities: Iterable[Entity], role: str, risks: bool = True) -> list[tuple[Entity, Item]]:
    """The open risks (or actions) a role's report owns, most severe (or pressing) first."""
    found: list[tuple[Entity, Item]] = [
        (e, x) for e in entities for x in (e.risks if risks else e.actions)
        if is_open(x) and role in route(x, e).roles]
    return sorted(found, key=_order)


def _order(t: tuple[Entity, Item]) -> tuple[int, bool, date, str]:
    """Most severe first (a risk before an action of the same rank), then by due date and entity."""
    due = t[1].due if isinstance(t[1], Action) else None
    return rank(t[1]), isinstance(t[1], Action), due or date.max, t[0].name.casefold()


def open_actions(entities: Iterable[Entity], tags: Sequence[str]) -> list[tuple[Entity, Action]]:
    """Open actions carrying any of `tags`, by priority then due date."""
    found = [(e, a) for e in entities for a in e.actions if not a.done and set(a.tags) & set(tags)]
    return sorted(found, key=lambda t: (_priority_rank(t[1].priority), t[1].due or date.max,
                                        t[0].name, t[1].text))


def risks_tagged(entities: Iterable[Entity], tags: Sequence[str]) -> list[tuple[Entity, Risk]]:
    """Risks carrying any of `tags`, most severe first."""
    found = [(e, r) for e in entities for r in e.risks if set(r.tags) & set(tags) and is_open(r)]
    return sorted(found, key=lambda t: (severity_rank(t[1].severity), t[0].name, t[1].text))


class RegisterEntry(NamedTuple):
    """One critical or high risk as the CEO's register names it, with what addresses it."""

    entity: Entity
    risk: Risk
    actions: tuple[Action, ...]


class Register(NamedTuple):
    """The CEO's risk register: a few critical and high risks per entity by name, the
    rest of them, and the medium and low ones counted per entity."""

    shown: list[RegisterEntry]  # grouped by entity, the entity with the worst risk first
    rest: list[tuple[Entity, Risk]]  # critical and high risks not named in the register
    minor: list[tuple[Entity, int, int]]  # (entity, open medium risks, open low risks)


def listed_by_a_role(item: Item, entity: Entity) -> bool:
    """Whether a role report (CTO, CMO, Accounting, CFO) lists the item by name."""
    return bool(route(item, entity).roles & set(ROLES_SHOWING_ALL))


def register(entities: Sequence[Entity], per_entity: int = REGISTER_PER_ENTITY,
             limit: int = REGISTER_LIMIT) -> Register:
    """Name up to `per_entity` open critical and high risks of each entity, at most
    `limit` in all, each entity's first before any entity's second; the risks no role
    report lists come first within a severity."""
    groups: list[list[tuple[Entity, Risk]]] = []
    minor = []
    for e in entities:
        open_risks = [r for r in e.risks if is_open(r)]
        grave = [r for r in open_risks if r.severity in ("critical", "high")]
        grave.sort(key=lambda r: (severity_rank(r.severity), listed_by_a_role(r, e)))
        if grave:
            groups.append([(e, r) for r in grave])
        medium = sum(1 for r in open_risks if r.severity == "medium")
        low = sum(1 for r in open_risks if r.severity == "low")
        if medium or low:
            minor.append((e, medium, low))
    chosen = {id(r) for _, r in in_turn([g[:per_entity] for g in groups], limit)}
    groups.sort(key=lambda g: (severity_rank(g[0][1].severity), g[0][0].name.casefold()))
    shown = [RegisterEntry(e, r, linked_actions(r, e)) for g in groups for e, r in g if id(r) in chosen]
    rest = [(e, r) for g in groups for e, r in g if id(r) not in chosen]
    return Register(shown, rest, minor)


def unowned_urgent(entities: Sequence[Entity], named: set[int]) -> list[tuple[Entity, Item]]:
    """Open critical and high risks and open P1 actions that no report owns (no tag or word
    routes them), except those already named (`named`: their ids)."""
    out: list[tuple[Entity, Item]] = []
    for e in entities:
        items: list[Item] = [*e.risks, *e.actions]
        out.extend((e, x) for x in items if id(x) not in named and is_open(x) and level(x) in URGENT - {"P0"}
                   and not route(x, e).roles)
    return sorted(out, key=_order)


def unrouted(entities: Sequence[Entity], named: set[int]) -> list[tuple[Entity, int, int]]:
    """Per entity, the open risks and actions no report owns that are not named (`named`: ids)."""
    out = []
    for e in entities:
        risks = sum(1 for r in e.risks if is_open(r) and id(r) not in named and not route(r, e).roles)
        acts = sum(1 for a in e.actions if is_open(a) and id(a) not in named and not route(a, e).roles)
        if risks or acts:
            out.append((e, risks, acts))
    return out
