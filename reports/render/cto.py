"""The CTO report: stacks, security, infrastructure cost, UX and dev-cycle gaps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.agenda import open_actions, owned, risks_tagged
from reports.figures.costs import share, stack_cost
from reports.figures.routing import SECURITY, route
from reports.figures.shared import Figures
from reports.model import Action, Entity, Portfolio, Risk
from reports.render.changes import Changes
from reports.render.common import Context, cite_financials, who, write
from reports.render.register import item_list
from reports.render.text import DASH, NOT_GIVEN, cost_text, money, percent

STACKS_SHOWN = 15  # entities whose stack is shown layer by layer, costliest first


def security_posture(ctx: Context) -> None:
    """Every open security risk the CTO owns (by tag or by what it says), then the open
    security actions."""
    r, entities = ctx.report, ctx.portfolio.entities
    r.section("Security posture")
    item_list(ctx, _about(owned(entities, "cto"), SECURITY), empty="No open security risks reported.")
    acts = _about(owned(entities, "cto", risks=False), SECURITY)
    if acts:
        r.blank()
        r.para("Open security actions:", "  ")
        item_list(ctx, acts)


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
        r.para(f"\u2026 and {len(with_stack) - STACKS_SHOWN:,} more entities with stacks; "
               "`send-exec-reports check --json` lists every layer.", "  ")


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
        r.para(f"Total {'at least ' if m.infra_not_given else ''}{money(m.infra_cost)}/mo"
               f"{f', {m.infra_not_given} not given' if m.infra_not_given else ''}, "
               f"{percent(share(m.infra_cost, m.last.revenue))} of portfolio revenue in {m.last.month}.", "  ")


def ux_shortfalls(ctx: Context) -> None:
    """Risks and open actions tagged ux."""
    _tagged(ctx, "UX shortfalls", "ux", "No UX shortfalls reported.")


def dev_cycle_gaps(ctx: Context) -> None:
    """Risks and open actions tagged devcycle."""
    _tagged(ctx, "Dev-cycle gaps", "devcycle", "No dev-cycle gaps reported.")


def engineering_risks(ctx: Context) -> None:
    """The other open risks the CTO owns: not security, not tagged ux or devcycle."""
    ctx.report.section("Engineering risks")
    risks = [t for t in owned(ctx.portfolio.entities, "cto")
             if SECURITY not in route(t[1], t[0]).topics and not set(t[1].tags) & {"ux", "devcycle"}]
    item_list(ctx, risks, empty="No other engineering risks reported.")


def engineering_actions(ctx: Context) -> None:
    """Every open action the CTO owns, by priority then due date: the P0 and P1 ones all."""
    ctx.report.section("Engineering actions")
    item_list(ctx, owned(ctx.portfolio.entities, "cto", risks=False), empty="No open engineering actions.")


SECTIONS = (security_posture, stack_audit, infrastructure_cost, ux_shortfalls, dev_cycle_gaps,
            engineering_risks, engineering_actions)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CTO report."""
    return write("CTO", SECTIONS, portfolio, as_of, tz, shared, changes)


def _about(items: list[tuple[Entity, Risk | Action]], topic: str) -> list[tuple[Entity, Risk | Action]]:
    return [t for t in items if topic in route(t[1], t[0]).topics]


def _tagged(ctx: Context, title: str, tag: str, empty: str) -> None:
    entities = ctx.portfolio.entities
    ctx.report.section(title)
    items: list[tuple[Entity, Risk | Action]] = [*risks_tagged(entities, (tag,)), *open_actions(entities, (tag,))]
    item_list(ctx, items, empty=empty)
