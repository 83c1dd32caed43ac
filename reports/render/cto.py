"""The CTO report: stacks, security, infrastructure cost, UX and dev-cycle gaps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.agenda import ENGINEERING_TAGS, open_actions, risks_tagged, unrated
from reports.figures.changes import Changes
from reports.figures.costs import share, stack_cost
from reports.figures.shared import Figures
from reports.model import Action, Entity, Portfolio, Risk
from reports.render.common import Context, cite_financials, unrated_items, who, write
from reports.render.text import DASH, NOT_GIVEN, cost_text, due_text, money, percent

STACKS_SHOWN = 30


def security_posture(ctx: Context) -> None:
    """Risks tagged security, then the open security actions."""
    r, entities = ctx.report, ctx.portfolio.entities
    r.section("Security posture")
    risks = risks_tagged(entities, ("security",))
    no_severity = sum(1 for _, x in unrated(entities) if isinstance(x, Risk))
    r.bullets(risks, 15, _risk, empty=(f"No risks tagged security; {no_severity} unrated risk(s) are not "
                                       "classified (see Unrated risks and actions)." if no_severity
                                       else "No open security risks reported."))
    acts = open_actions(entities, ("security",))
    if acts:
        r.blank()
        r.para("Open security actions:", "  ")
        r.bullets(acts, 15, lambda t: _action(t, ctx.as_of))


def stack_audit(ctx: Context) -> None:
    """Each entity's stack, layer by layer, costliest entity first."""
    r = ctx.report
    with_stack = [e for e in ctx.portfolio.entities if e.stack]
    r.section("Stack-by-stack audit")
    r.cite_lists(e.stack for e in with_stack)
    cite_financials(r, with_stack)  # revenue for the infrastructure share
    if not with_stack:
        r.para("No stacks reported.", "  ")
    for e in sorted(with_stack, key=lambda e: -stack_cost(e))[:STACKS_SHOWN]:
        r.blank()
        given = any(s.monthly_cost is not None for s in e.stack)
        r.para(f"{who(e)} \u2014 " + (f"{money(stack_cost(e))}/mo" + ("" if all(
            s.monthly_cost is not None for s in e.stack) else " (some costs not given)")
            if given else "cost not given"), "  ")
        r.table(["Layer", "Technology", "Cost/mo"],
                [[s.layer, s.tech, cost_text(s.monthly_cost)] for s in e.stack], 15, right=(2,))
    if len(with_stack) > STACKS_SHOWN:
        r.para(f"\u2026 and {len(with_stack) - STACKS_SHOWN:,} more entities with stacks", "  ")


def infrastructure_cost(ctx: Context) -> None:
    """Each entity's stack cost and its share of the entity's revenue, then the total."""
    r, m = ctx.report, ctx.shared.metrics
    r.section("Infrastructure cost")
    costs = sorted(((stack_cost(e), e) for e in ctx.portfolio.entities if e.stack),
                   key=lambda t: (-t[0], t[1].name))
    last_month = m.last.month if m.last else None

    def cost_row(t: tuple[Decimal, Entity]) -> list[str]:
        cost, e = t
        history = ctx.shared.by_entity[e.name]
        revenue = history[-1].revenue if history and history[-1].month == last_month else None
        if all(s.monthly_cost is None for s in e.stack):
            return [e.name, NOT_GIVEN, money(revenue), DASH]
        return [e.name, money(cost), money(revenue), percent(share(cost, revenue))]

    r.table(["Entity", "Cost/mo", "Revenue", "Share"], costs, 40, cost_row, right=(1, 2, 3),
            empty="No infrastructure costs reported.")
    if costs and m.last is not None:
        r.para(f"Total {money(m.infra_cost)}/mo, {percent(share(m.infra_cost, m.last.revenue))} "
               f"of portfolio revenue in {m.last.month}.", "  ")


def ux_shortfalls(ctx: Context) -> None:
    """Risks and open actions tagged ux."""
    _tagged(ctx, "UX shortfalls", "ux", "No UX shortfalls reported.")


def dev_cycle_gaps(ctx: Context) -> None:
    """Risks and open actions tagged devcycle."""
    _tagged(ctx, "Dev-cycle gaps", "devcycle", "No dev-cycle gaps reported.")


def engineering_actions(ctx: Context) -> None:
    """The ten most pressing open engineering actions."""
    ctx.report.section("Top 10 engineering actions")
    engineering = open_actions(ctx.portfolio.entities, ENGINEERING_TAGS)
    ctx.report.bullets(engineering, 10, lambda t: _action(t, ctx.as_of), empty="No open engineering actions.")


SECTIONS = (security_posture, stack_audit, infrastructure_cost, ux_shortfalls, dev_cycle_gaps,
            engineering_actions, unrated_items)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CTO report."""
    return write("CTO", SECTIONS, portfolio, as_of, tz, shared, changes)


def _tagged(ctx: Context, title: str, tag: str, empty: str) -> None:
    entities = ctx.portfolio.entities
    ctx.report.section(title)
    items: list[tuple[Entity, Risk | Action]] = [*risks_tagged(entities, (tag,)), *open_actions(entities, (tag,))]
    ctx.report.bullets(items, 15, lambda t: _risk_or_action(t, ctx.as_of), empty=empty)


def _action(t: tuple[Entity, Action], as_of: date) -> str:
    e, a = t
    return f"[{a.priority or 'unrated'}] {who(e)}: {a.text}{due_text(a.due, as_of)}"


def _risk_or_action(t: tuple[Entity, Risk | Action], as_of: date) -> str:
    e, item = t
    return _risk((e, item)) if isinstance(item, Risk) else _action((e, item), as_of)


def _risk(t: tuple[Entity, Risk]) -> str:
    e, x = t
    return f"[{x.severity or 'unrated'}] {who(e)}: {x.text}"
