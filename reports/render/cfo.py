"""The CFO report: burn, runway, capital deployment, break-even, targets, guardrails."""

from __future__ import annotations

from datetime import date

from reports.figures.cash import growth_rate, months_to_break_even, net_burn
from reports.figures.changes import Changes
from reports.figures.costs import large_expenses
from reports.figures.guardrails import evaluate_guardrail
from reports.figures.months import ZERO, trailing_average
from reports.figures.shared import Figures
from reports.model import Measure, Portfolio
from reports.read.measures import UNITS
from reports.render.common import (
    Context,
    cite_financials,
    cite_portfolio_file,
    left_out_lines,
    runway_lines,
    write,
)
from reports.render.register import owned_items
from reports.render.text import money, months, percent, quantity

# The facts behind each guardrail measure that is not from financials or cash.
_MEASURED_FROM = {
    Measure.SINGLE_EXPENSE: lambda p: [e.expenses for e in p.entities],
    Measure.INFRA_SHARE: lambda p: [e.stack for e in p.entities],
    Measure.MARKETING_SPEND: lambda p: [e.channels for e in p.entities],
}
TIERS = (("zero-cost", "Zero-cost"), ("low-cost", "Low-cost"), ("revenue", "Revenue-producing"))


def burn_rate(ctx: Context) -> None:
    """Gross and net burn month by month, and their trailing averages."""
    r, history, m = ctx.report, ctx.shared.months, ctx.shared.metrics
    cite_financials(r, ctx.portfolio.entities)
    r.section("Burn-rate model")
    r.table(["Month", "Revenue", "Gross burn", "Net burn"],
            [[x.month, money(x.revenue), money(x.expenses), money(net_burn(x))] for x in history[-6:]],
            6, right=(1, 2, 3), empty="No complete months of financials.")
    if history:
        gross = trailing_average([x.expenses for x in history])
        r.para(f"Trailing 3-month average: gross burn {money(gross)}, net burn "
               f"{money(m.avg_net_burn)} (expenses \u2212 revenue).", "  ")
    for line in left_out_lines(ctx.shared.totals):
        r.para(line, "  ")


def runway(ctx: Context) -> None:
    """The most conservative runway and each basis behind it."""
    r, way, m = ctx.report, ctx.shared.runway, ctx.shared.metrics
    if m.cash is not None:
        cite_portfolio_file(r, ctx.portfolio)
    r.section("Runway")
    if m.cash is None or way is None:
        r.para("No cash_on_hand in the portfolio file: runway cannot be computed.", "  ")
        return
    if not ctx.shared.months:
        r.para("No complete months of financials: runway cannot be computed.", "  ")
        return
    best = way.conservative()
    if best is not None:
        r.para(f"Most conservative: {months(best[0])}, from {best[1]}.", "  ")
    elif way.positive:
        r.para(f"Cash-flow positive: the trailing 3 months made {money(-(m.avg_net_burn or ZERO))} a month "
               "on average, and the projection never runs out of cash.", "  ")
    for line in runway_lines(way):
        r.bullet(line)


def capital_deployment(ctx: Context) -> None:
    """The capital plan by tier, with its one-off and monthly totals."""
    r, portfolio = ctx.report, ctx.portfolio
    r.cite(portfolio.capital_plan)
    r.section("Capital deployment framework")
    if not portfolio.capital_plan:
        r.para("No capital plan in the portfolio file.", "  ")
    for tier, title in TIERS:
        items = [c for c in portfolio.capital_plan if c.tier == tier]
        if items:
            r.para(f"{title}:", "  ")
            r.bullets([c.text + (f" \u2014 {money(c.cost)}{'/mo' if c.monthly else ' one-off'}"
                                 if c.cost is not None else "") for c in items], 15)
    if portfolio.capital_plan:
        one_off = sum((c.cost for c in portfolio.capital_plan if c.cost is not None and not c.monthly), ZERO)
        monthly = sum((c.cost for c in portfolio.capital_plan if c.cost is not None and c.monthly), ZERO)
        unpriced = sum(1 for c in portfolio.capital_plan if c.cost is None)
        r.para(f"Total: {money(one_off)} one-off and {money(monthly)}/mo"
               + (f"; {unpriced} item(s) without a cost." if unpriced else "."), "  ")


def break_even(ctx: Context) -> None:
    """The revenue needed to cover expenses, and when the trend reaches it."""
    r, history = ctx.report, ctx.shared.months
    r.section("Break-even analysis")
    if not history:
        r.para("No financials reported.", "  ")
    else:
        needed = trailing_average([x.expenses for x in history]) or ZERO
        revenue = history[-1].revenue
        growth = growth_rate([x.revenue for x in history])
        n = months_to_break_even(revenue, needed, growth)
        r.para(f"Revenue needed: {money(needed)} a month (trailing 3-month average expenses).", "  ")
        r.para(f"Revenue in {history[-1].month}: {money(revenue)}; gap {money(max(needed - revenue, ZERO))}.", "  ")
        r.para("Trailing revenue growth: " + (f"{percent(growth * 100)} a month." if growth is not None
                                            else "not enough months to tell."), "  ")
        if n == 0:
            r.para("Break-even: already covered.", "  ")
        elif n is None:
            r.para("Break-even: not on current trend.", "  ")
        else:
            r.para(f"Break-even: in {n} months at the trailing growth rate.", "  ")


def revenue_targets(ctx: Context) -> None:
    """Each month's revenue target against the actual."""
    r, portfolio = ctx.report, ctx.portfolio
    r.cite(portfolio.targets)
    r.section("Monthly revenue targets vs actuals")
    actual = {x.month: x.revenue for x in ctx.shared.months}
    rows = []
    for t in sorted(portfolio.targets, key=lambda t: t.month):
        got = actual.get(t.month)
        rows.append([t.month, money(t.revenue), money(got),
                     money(got - t.revenue) if got is not None else "\u2014",
                     ("met" if got >= t.revenue else "missed") if got is not None else "upcoming"])
    r.table(["Month", "Target", "Actual", "Variance", "Status"], rows, 24, right=(1, 2, 3),
            empty="No revenue targets in the portfolio file.")


def guardrails(ctx: Context) -> None:
    """Each guardrail's verdict against its measure."""
    r, portfolio, m = ctx.report, ctx.portfolio, ctx.shared.metrics
    r.cite(portfolio.guardrails)
    r.section("Financial guardrails")
    if not portfolio.guardrails:
        r.para("No guardrails in the portfolio file.", "  ")
    for g in portfolio.guardrails:
        review = 0
        if g.measure == Measure.SINGLE_EXPENSE:
            review = len(large_expenses(portfolio.entities, g.limit))
        result = evaluate_guardrail(g, m, review)
        if g.measure is not None:
            r.cite_lists(_MEASURED_FROM.get(g.measure, lambda p: [])(portfolio))
        limit = ("\u2264 " if g.comparison == "<=" else "\u2265 ") + quantity(g.limit, g.unit)
        if result.status == "NOT EVALUATED":
            line = f"[NOT EVALUATED] {g.name} {limit}: {result.measure}"
        elif result.status.startswith("REVIEW") or g.measure == Measure.SINGLE_EXPENSE:
            line = f"[{'OK' if not review else 'REVIEW'}] {g.name} {limit}: {review} single expense(s) over " \
                   "it to review (see the Accounting report)"
        else:
            figure = quantity(result.value, UNITS.get(g.measure, "$") if g.measure else g.unit) \
                if result.value is not None else result.detail
            line = f"[{result.status}] {g.name} {limit}: {result.measure} {figure}"
        r.bullet(line)
        r.cite([g])


SECTIONS = (burn_rate, runway, capital_deployment, break_even, revenue_targets, guardrails, owned_items)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CFO report."""
    return write("CFO", SECTIONS, portfolio, as_of, tz, shared, changes)
