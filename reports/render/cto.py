"""The CTO report: stacks, security, infrastructure cost, UX and dev-cycle gaps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

from reports.figures.agenda import ENGINEERING_TAGS, open_actions, risks_tagged, unrated
from reports.figures.changes import Changes
from reports.figures.costs import share, stack_cost
from reports.figures.shared import Figures, figures
from reports.model import Action, Entity, Portfolio, Risk
from reports.render.common import cite_financials, finish, start, unrated_section, who
from reports.render.text import DASH, NOT_GIVEN, cost_text, due_text, money, percent


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CTO report."""
    r = start("CTO", portfolio, as_of, tz, changes)
    action = partial(_action, as_of=as_of)
    entities = portfolio.entities
    shared = shared or figures(portfolio, as_of)
    by_entity, m = shared.by_entity, shared.metrics
    last_month = m.last.month if m.last else None

    with_stack = [e for e in entities if e.stack]
    r.section("Security posture")
    risks = risks_tagged(entities, ("security",))
    loose = unrated(entities)
    no_severity = sum(1 for _, x in loose if isinstance(x, Risk))
    r.bullets(risks, 15, _risk, empty=(f"No risks tagged security; {no_severity} unrated risk(s) are not "
                                       "classified (see Unrated risks and actions)." if no_severity
                                       else "No open security risks reported."))
    acts = open_actions(entities, ("security",))
    if acts:
        r.blank()
        r.para("Open security actions:", "  ")
        r.bullets(acts, 15, action)

    r.section("Stack-by-stack audit")
    r.cite_lists(e.stack for e in with_stack)
    cite_financials(r, with_stack)  # revenue for the infrastructure share
    if not with_stack:
        r.para("No stacks reported.", "  ")
    for e in sorted(with_stack, key=lambda e: -stack_cost(e))[:30]:
        r.blank()
        given = any(s.monthly_cost is not None for s in e.stack)
        r.para(f"{who(e)} \u2014 " + (f"{money(stack_cost(e))}/mo" + ("" if all(
            s.monthly_cost is not None for s in e.stack) else " (some costs not given)")
            if given else "cost not given"), "  ")
        r.table(["Layer", "Technology", "Cost/mo"],
                [[s.layer, s.tech, cost_text(s.monthly_cost)] for s in e.stack], 15, right=(2,))
    if len(with_stack) > 30:
        r.para(f"\u2026 and {len(with_stack) - 30:,} more entities with stacks", "  ")

    r.section("Infrastructure cost")
    costs = sorted(((stack_cost(e), e) for e in with_stack), key=lambda t: (-t[0], t[1].name))

    def cost_row(t: tuple[Decimal, Entity]) -> list[str]:
        cost, e = t
        history = by_entity[e.name]
        revenue = history[-1].revenue if history and history[-1].month == last_month else None
        if all(s.monthly_cost is None for s in e.stack):
            return [e.name, NOT_GIVEN, money(revenue), DASH]
        return [e.name, money(cost), money(revenue), percent(share(cost, revenue))]

    r.table(["Entity", "Cost/mo", "Revenue", "Share"], costs, 40, cost_row, right=(1, 2, 3),
            empty="No infrastructure costs reported.")
    if costs and m.last is not None:
        r.para(f"Total {money(m.infra_cost)}/mo, {percent(share(m.infra_cost, m.last.revenue))} "
               f"of portfolio revenue in {m.last.month}.", "  ")

    for title, tag, empty in (("UX shortfalls", "ux", "No UX shortfalls reported."),
                              ("Dev-cycle gaps", "devcycle", "No dev-cycle gaps reported.")):
        r.section(title)
        tagged_risks, tagged_actions = risks_tagged(entities, (tag,)), open_actions(entities, (tag,))
        items: list[tuple[Entity, Risk | Action]] = [*tagged_risks, *tagged_actions]
        r.bullets(items, 15, partial(_risk_or_action, as_of=as_of), empty=empty)

    r.section("Top 10 engineering actions")
    engineering = open_actions(entities, ENGINEERING_TAGS)
    r.bullets(engineering, 10, action, empty="No open engineering actions.")
    unrated_section(r, loose)
    return finish(r, portfolio)


def _action(t: tuple[Entity, Action], as_of: date) -> str:
    e, a = t
    return f"[{a.priority or 'unrated'}] {who(e)}: {a.text}{due_text(a.due, as_of)}"


def _risk_or_action(t: tuple[Entity, Risk | Action], as_of: date) -> str:
    e, item = t
    return _risk((e, item)) if isinstance(item, Risk) else _action((e, item), as_of)


def _risk(t: tuple[Entity, Risk]) -> str:
    e, x = t
    return f"[{x.severity or 'unrated'}] {who(e)}: {x.text}"
