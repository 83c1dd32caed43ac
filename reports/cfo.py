"""The CFO report: burn, runway, capital deployment, break-even, targets, guardrails."""

from __future__ import annotations

from datetime import date

from . import finance as f
from .common import cite_financials, cite_portfolio_file, finish, start
from .model import Portfolio
from .text import Report, money, months, percent, quantity

# The facts behind each guardrail measure that is not from financials or cash.
_MEASURED_FROM = {
    f.LARGEST_EXPENSE: lambda p: [e.expenses for e in p.entities],
    f.INFRA_SHARE: lambda p: [e.stack for e in p.entities],
    f.CHANNEL_SPEND: lambda p: [e.channels for e in p.entities],
}
TIERS = (("zero-cost", "Zero-cost"), ("low-cost", "Low-cost"), ("revenue", "Revenue-producing"))


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: f.Figures | None = None) -> str:
    """Render the CFO report."""
    r = start("CFO", portfolio, as_of, tz)
    shared = shared or f.figures(portfolio, as_of)
    history, m = shared.months, shared.metrics

    cite_financials(r, portfolio.entities)
    r.cite(portfolio.capital_plan, portfolio.targets, portfolio.guardrails)
    if m.cash is not None:
        cite_portfolio_file(r, portfolio)
    _burn_and_runway(r, history, m)
    _capital(r, portfolio)
    _break_even(r, history)
    _targets(r, portfolio, history)
    _guardrails(r, portfolio, m)
    return finish(r, portfolio)


def _burn_and_runway(r: Report, history: list[f.MonthTotal], m: f.Metrics) -> None:
    r.section("Burn-rate model")
    r.table(["Month", "Revenue", "Gross burn", "Net burn"],
            [[x.month, money(x.revenue), money(x.expenses), money(f.net_burn(x))] for x in history[-6:]],
            6, right=(1, 2, 3), empty="No financials reported.")
    if history:
        gross = f.trailing_average([x.expenses for x in history])
        r.para(f"Trailing 3-month average: gross burn {money(gross)}, net burn "
               f"{money(m.avg_net_burn)} (expenses \u2212 revenue).", "  ")

    r.section("Runway")
    if m.cash is None:
        r.para("No cash_on_hand in the portfolio file: runway cannot be computed.", "  ")
    elif m.runway is not None:
        r.para(f"{months(m.runway)}: cash {money(m.cash)} \u00f7 trailing 3-month net burn "
               f"{money(m.avg_net_burn)}.", "  ")
    elif m.avg_net_burn is not None:
        r.para(f"Cash-flow positive: the trailing 3 months made {money(-m.avg_net_burn)} a month "
               f"on average; cash {money(m.cash)}.", "  ")
    else:
        r.para("No financials: runway cannot be computed.", "  ")



def _capital(r: Report, portfolio: Portfolio) -> None:
    r.section("Capital deployment framework")
    if not portfolio.capital_plan:
        r.para("No capital plan in the portfolio file.", "  ")
    for tier, title in TIERS:
        items = [c for c in portfolio.capital_plan if c.tier == tier]
        if items:
            r.para(f"{title}:", "  ")
            r.bullets([c.text + (f" ({money(c.cost)})" if c.cost is not None else "") for c in items], 15)



def _break_even(r: Report, history: list[f.MonthTotal]) -> None:
    r.section("Break-even analysis")
    if not history:
        r.para("No financials reported.", "  ")
    else:
        needed = f.trailing_average([x.expenses for x in history]) or f.ZERO
        revenue = history[-1].revenue
        growth = f.growth_rate([x.revenue for x in history])
        n = f.months_to_break_even(revenue, needed, growth)
        r.para(f"Revenue needed: {money(needed)} a month (trailing 3-month average expenses).", "  ")
        r.para(f"Revenue in {history[-1].month}: {money(revenue)}; gap {money(max(needed - revenue, f.ZERO))}.", "  ")
        r.para("Trailing revenue growth: " + (f"{percent(growth * 100)} a month." if growth is not None
                                            else "not enough months to tell."), "  ")
        if n == 0:
            r.para("Break-even: already covered.", "  ")
        elif n is None:
            r.para("Break-even: not on current trend.", "  ")
        else:
            r.para(f"Break-even: in {n} months at the trailing growth rate.", "  ")



def _targets(r: Report, portfolio: Portfolio, history: list[f.MonthTotal]) -> None:
    r.section("Monthly revenue targets vs actuals")
    actual = {x.month: x.revenue for x in history}
    rows = []
    for t in sorted(portfolio.targets, key=lambda t: t.month):
        got = actual.get(t.month)
        rows.append([t.month, money(t.revenue), money(got),
                     money(got - t.revenue) if got is not None else "\u2014",
                     ("met" if got >= t.revenue else "missed") if got is not None else "upcoming"])
    r.table(["Month", "Target", "Actual", "Variance", "Status"], rows, 24, right=(1, 2, 3),
            empty="No revenue targets in the portfolio file.")



def _guardrails(r: Report, portfolio: Portfolio, m: f.Metrics) -> None:
    r.section("Financial guardrails")
    rows = []
    for g in portfolio.guardrails:
        status, value, what = f.evaluate_guardrail(g, m)
        r.cite_lists(_MEASURED_FROM.get(what, lambda p: [])(portfolio))
        limit = ("\u2264 " if g.comparison == "<=" else "\u2265 ") + quantity(g.limit, g.unit)
        figure = quantity(value, g.unit) if value is not None else what
        rows.append([g.name, limit, figure, status])
    r.table(["Guardrail", "Limit", "Figure", "Status"], rows, 30, right=(1, 2),
            empty="No guardrails in the portfolio file.")
