"""The CFO report: burn, runway, capital deployment, break-even, targets, guardrails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.cash import net_burn, reconcile
from reports.figures.costs import large_expenses
from reports.figures.guardrails import evaluate_guardrail
from reports.figures.months import ZERO, last_full_month, month_of, trailing_average
from reports.figures.shared import Figures
from reports.figures.trend import break_even as break_even_figure
from reports.figures.trend import like_for_like, variable_costs
from reports.model import Guardrail, Measure, Portfolio
from reports.read.measures import UNITS
from reports.render.cash import (
    burn_text,
    cash_text,
    growth_text,
    no_cash_text,
    reconciliation_text,
    runway_headline,
    runway_lines,
    when,
)
from reports.render.changes import Changes
from reports.render.common import (
    Context,
    cite_cash,
    cite_financials,
    left_out_lines,
    who,
    write,
)
from reports.render.register import owned_items
from reports.render.text import MONEY, money, percent, quantity

# The facts behind each guardrail measure that is not from financials or cash.
_MEASURED_FROM = {
    Measure.SINGLE_EXPENSE: lambda p: [e.expenses for e in p.entities],
    Measure.INFRA_SHARE: lambda p: [e.stack for e in p.entities],
    Measure.MARKETING_SPEND: lambda p: [e.channels for e in p.entities],
}
TIERS = (("zero-cost", "Zero-cost"), ("low-cost", "Low-cost"), ("revenue", "Revenue-producing"))
BOOKED = "Revenue basis: booked, as the monthly financials give it (burn, runway and the projections)."
REVIEW_SHOWN = 5  # single expenses named in the guardrail line


def burn_rate(ctx: Context) -> None:
    """Gross and net burn month by month, and their trailing averages."""
    r, history, m = ctx.report, ctx.shared.months, ctx.shared.metrics
    cite_financials(r, ctx.portfolio.entities)
    r.section("Burn-rate model")
    r.table(["Month", "Revenue", "Gross burn", "Net burn"],
            [[x.month, money(x.revenue), money(x.expenses), _burn_cell(net_burn(x))] for x in history[-6:]],
            6, right=(1, 2, 3), empty="No complete months of financials.")
    if history:
        gross = trailing_average([x.expenses for x in history])
        net = burn_text(m.avg_net_burn)
        r.para(f"Trailing 3-month average: gross burn {money(gross)}, "
               f"{net if net.startswith('net') else 'net burn ' + net}. Net burn = expenses \u2212 revenue; "
               "a month that made money shows the net cash it generated.", "  ")
        r.para(BOOKED, "  ")
    for line in left_out_lines(ctx.shared.totals):
        r.para(line, "  ")


def _burn_cell(value: Decimal) -> str:
    return f"generated {money(-value)}" if value < 0 else money(value)


def runway(ctx: Context) -> None:
    """The headline runway, each case and basis behind it, the dated cash and the books."""
    r, way = ctx.report, ctx.shared.runway
    r.section("Runway")
    if way is None or way.cash.given is None:
        r.para(f"{no_cash_text(ctx.portfolio)}: runway cannot be computed.", "  ")
        return
    cite_cash(r, ctx.portfolio)
    rec = reconcile(ctx.portfolio)
    if way.base is None:
        r.para("No complete months of financials: runway cannot be computed.", "  ")
        r.bullet(cash_text(way.cash, ctx.as_of))
    else:
        r.para(runway_headline(way, ctx.as_of), "  ")
        for line in runway_lines(way, ctx.as_of, growth_text(ctx.shared.growth)):
            r.bullet(line)
    if rec is not None:
        r.cite(a for _, a in rec.accounts)
        r.bullet(reconciliation_text(rec, way.cash))


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
        way = ctx.shared.runway
        unpriced = sum(1 for c in portfolio.capital_plan if c.cost is None)
        one_off, monthly = (way.one_off, way.monthly) if way is not None else (ZERO, ZERO)
        r.para(f"Total: {money(one_off)} one-off and {money(monthly)}/mo"
               + (f"; {unpriced} item(s) without a cost." if unpriced else "."), "  ")


def break_even(ctx: Context) -> None:
    """The revenue needed to cover the costs, on recognised revenue, and when the trend reaches it."""
    r, shared = ctx.report, ctx.shared
    r.section("Break-even analysis")
    window = [m.month for m in shared.recognised[-3:]]
    variable = variable_costs(ctx.portfolio.entities, window)
    figure = break_even_figure(shared.recognised, shared.recognised_growth or like_for_like({}, ()), variable)
    if figure is None:
        r.para("No complete months of financials.", "  ")
        return
    r.para(_recognised_basis(ctx), "  ")
    if variable is None:
        r.para(f"Revenue needed: {money(figure.needed)} a month, the trailing 3-month average expenses; "
               "this assumes all costs are fixed (no expense is tagged [variable]).", "  ")
    else:
        r.cite_lists(e.expenses for e in ctx.portfolio.entities)
        fixed = figure.expenses - (figure.variable or ZERO)
        needed = f"{money(figure.needed)} a month" if figure.needed is not None else \
            "none: variable costs take all the revenue"
        r.para(f"Revenue needed: {needed} \u2014 fixed costs {money(fixed)} (3-month average expenses "
               f"{money(figure.expenses)} less [variable] costs {money(figure.variable)}) \u00f7 contribution "
               f"margin {percent((figure.margin or ZERO) * 100)} (1 \u2212 variable costs \u00f7 revenue, "
               f"{window[0]} to {window[-1]}).", "  ")
    r.para(f"Revenue in {figure.month}: {money(figure.revenue)}; gap {money(figure.gap)}.", "  ")
    r.para(f"Revenue growth: {growth_text(figure.growth)}.", "  ")
    if figure.months == 0:
        r.para("Break-even: already covered.", "  ")
    elif figure.months is None:
        r.para("Break-even: not on current trend.", "  ")
    else:
        r.para(f"Break-even: in {figure.months} months at that growth rate.", "  ")


def _recognised_basis(ctx: Context) -> str:
    """Which revenue the targets and the break-even use."""
    if ctx.shared.moved:
        r = ctx.report
        r.cite_lists(e.revenue_recognition for e in ctx.portfolio.entities)
        return (f"Revenue basis: recognised \u2014 booked, less {money(ctx.shared.moved)} the "
                "revenue-recognition items move out of the month booked (see the Accounting report).")
    return "Revenue basis: booked (no revenue-recognition item moves an amount between months)."


def revenue_targets(ctx: Context) -> None:
    """Each month's revenue target against the recognised actual."""
    r, portfolio = ctx.report, ctx.portfolio
    r.cite(portfolio.targets)
    r.section("Monthly revenue targets vs actuals")
    actual = {x.month: x.revenue for x in ctx.shared.recognised}
    full, now = last_full_month(ctx.as_of), month_of(ctx.as_of)
    rows, missing = [], []
    for t in sorted(portfolio.targets, key=lambda t: t.month):
        got = actual.get(t.month)
        if got is not None:
            status = "met" if got >= t.revenue else "missed"
        elif t.month <= full:
            status = "missing"
            missing.append(t.month)
        else:
            status = "in progress" if t.month == now else "upcoming"
        rows.append([t.month, money(t.revenue), money(got),
                     money(got - t.revenue) if got is not None else "\u2014", status])
    r.table(["Month", "Target", "Actual", "Variance", "Status"], rows, 24, right=(1, 2, 3),
            empty="No revenue targets in the portfolio file.")
    if rows:
        r.para(_recognised_basis(ctx).replace("Revenue basis:", "Actuals:"), "  ")
    if missing:
        r.para(f"Missing: {', '.join(missing)} \u2014 over, but not complete (see the Burn-rate model), "
               "so no actual is compared.", "  ")


def guardrails(ctx: Context) -> None:
    """Each guardrail's verdict against its measure."""
    r, portfolio = ctx.report, ctx.portfolio
    r.cite(portfolio.guardrails)
    r.section("Financial guardrails")
    if not portfolio.guardrails:
        r.para("No guardrails in the portfolio file.", "  ")
    for g in portfolio.guardrails:
        if g.measure is not None:
            r.cite_lists(_MEASURED_FROM.get(g.measure, lambda p: [])(portfolio))
        r.bullet(_guardrail_line(ctx, g))
        r.cite([g])


def _guardrail_line(ctx: Context, g: Guardrail) -> str:
    """`[STATUS] name limit: measure (its month) figure`, the expenses to review named."""
    portfolio, m = ctx.portfolio, ctx.shared.metrics
    over = large_expenses(portfolio.entities, g.limit) if g.measure == Measure.SINGLE_EXPENSE else []
    result = evaluate_guardrail(g, m, len(over))
    limit = ("\u2264 " if g.comparison == "<=" else "\u2265 ") + quantity(g.limit, MONEY if g.unit == "$" else g.unit)
    if result.status == "NOT EVALUATED":
        return f"[NOT EVALUATED] {g.name} {limit}: {result.measure}"
    if g.measure == Measure.SINGLE_EXPENSE:
        if not over:
            return f"[OK] {g.name} {limit}: no single logged expense over it"
        named = "; ".join(f"{who(e)} {x.date or 'undated'} {x.vendor or x.category} {money(x.amount)}"
                          for e, x in over[:REVIEW_SHOWN])
        more = f"; \u2026 and {len(over) - REVIEW_SHOWN} more (the Accounting report lists them)" \
            if len(over) > REVIEW_SHOWN else ""
        return f"[REVIEW] {g.name} {limit}: {len(over)} single expense(s) over it to review: {named}{more}"
    head = f"[{result.status}] {g.name} {limit}: {result.measure}{_qualifier(ctx, g)}"
    unit = UNITS.get(g.measure, MONEY) if g.measure else MONEY if g.unit == "$" else g.unit
    if result.value is None:
        return f"{head}: {result.detail}"
    if g.measure in (Measure.NET_BURN_LATEST, Measure.NET_BURN_3M):
        return f"{head} {burn_text(result.value)}"
    if g.measure == Measure.INFRA_SHARE and m.infra_not_given:
        return f"{head} at least {quantity(result.value, unit)} ({m.infra_not_given} stack cost(s) not given)"
    return f"{head} {quantity(result.value, unit)}"


def _qualifier(ctx: Context, g: Guardrail) -> str:
    """The month or window a measure was taken over, or the date of the cash it tested."""
    m, way = ctx.shared.metrics, ctx.shared.runway
    if g.measure in (Measure.NET_BURN_LATEST, Measure.REVENUE, Measure.INFRA_SHARE) and m.last is not None:
        return f" ({m.last.month})"
    if g.measure == Measure.NET_BURN_3M and way is not None and way.trailing_window:
        return f" ({way.trailing_window})"
    if g.measure == Measure.CASH_RESERVE and way is not None:
        if way.cash.rolled:
            return f" (estimated at the end of {way.cash.month})"
        return f" ({when(way.cash)})"
    if g.measure == Measure.RUNWAY and way is not None and way.headline is not None:
        return f" (from {ctx.as_of.isoformat()}, {way.headline.name} case)"
    return ""


SECTIONS = (burn_rate, runway, capital_deployment, break_even, revenue_targets, guardrails, owned_items)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CFO report."""
    return write("CFO", SECTIONS, portfolio, as_of, tz, shared, changes)
