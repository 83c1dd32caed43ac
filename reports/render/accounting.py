"""The Accounting report: revenue recognition, accounts, expense audit, roadmap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.cash import reconcile
from reports.figures.costs import Jump, expense_jumps, large_expenses
from reports.figures.months import last_full_month, month_of, monthly_expenses
from reports.figures.revrec import revrec_adjustment
from reports.figures.shared import Figures
from reports.figures.trend import projection
from reports.model import Entity, Measure, Note, Portfolio
from reports.render.cash import growth_text, reconciliation_text
from reports.render.changes import Changes
from reports.render.common import Context, cite_cash, cite_financials, cite_portfolio_file, who, write
from reports.render.register import owned_items
from reports.render.text import money, percent

_TYPE_ORDER = ("asset", "liability", "equity", "income", "revenue", "expense")


def revenue_recognition(ctx: Context) -> None:
    """Each revenue-recognition item, with the adjustment it states against the booked month."""
    r, entities = ctx.report, ctx.portfolio.entities
    r.cite_lists(e.revenue_recognition for e in entities)
    r.section("Revenue-recognition issues")

    def recognised(t: tuple[Entity, Note]) -> str:
        e, item = t
        line = f"{who(e)}: {item.text}"
        adj = revrec_adjustment(item.text, ctx.as_of)
        if adj is None:
            return line
        booked = {m.month: m.revenue for m in ctx.shared.by_entity[e.name]}.get(adj.booked)
        moved = f" ({money(adj.amount)} belongs to {adj.belongs})" if adj.belongs else ""
        if booked is None:
            return f"{line} \u2014 adjusted: {money(adj.amount)} out of {adj.booked}{moved}."
        return (f"{line} \u2014 adjusted: {adj.booked} revenue {money(booked)} as booked, "
                f"{money(booked - adj.amount)} recognised{moved}.")

    r.bullets([(e, n) for e in entities for n in e.revenue_recognition], 30, recognised,
              empty="None reported.")


def chart_of_accounts(ctx: Context) -> None:
    """Every entity's accounts merged by name and type, with the entities holding them."""
    r, entities = ctx.report, ctx.portfolio.entities
    r.cite_lists(e.accounts for e in entities)
    r.section("Chart of accounts (all entities)")
    accounts: dict[tuple[str, str], tuple[str, list[str], list[Decimal]]] = {}
    for e in entities:
        for a in e.accounts:
            name, owners, balances = accounts.setdefault((a.account.casefold(), a.type), (a.account, [], []))
            owners.append(e.code or e.name)
            balances.append(a.balance or Decimal(0))
    merged = sorted(accounts.items(), key=lambda t: (_type_rank(t[0][1]), t[0][0]))
    r.table(["Account", "Type", "Entities", "Balance"],
            [[name, typ or "\u2014", _names(set(owners)), money(sum(balances, Decimal(0)))]
             for (_, typ), (name, owners, balances) in merged], 60, right=(3,), empty="No accounts reported.")
    rec = reconcile(ctx.portfolio)
    if rec is not None and ctx.shared.runway is not None:
        cite_cash(r, ctx.portfolio)
        r.para(reconciliation_text(rec, ctx.shared.runway.cash), "  ")


def expenses_by_category(ctx: Context) -> None:
    """The logged expenses summed by category (the expense audit begins)."""
    r, entities = ctx.report, ctx.portfolio.entities
    r.cite_lists(e.expenses for e in entities)
    r.section("Expense audit")
    by_cat: dict[str, tuple[set[str], list[Decimal]]] = {}
    for e in entities:
        for x in e.expenses:
            names, amounts = by_cat.setdefault(x.category, (set(), []))
            names.add(e.code or e.name)
            amounts.append(x.amount or Decimal(0))
    totals = {c: sum(amounts, Decimal(0)) for c, (_, amounts) in by_cat.items()}
    r.para("By category (expense logs):", "  ")
    r.table(["Category", "Entities", "Total"],
            [[c, _names(by_cat[c][0]), money(totals[c])] for c in sorted(totals, key=lambda c: -totals[c])],
            20, right=(2,), empty="No expense logs reported.")


def expenses_by_entity(ctx: Context) -> None:
    """Each entity's expenses in the last three complete months, from its financials: a month
    it did not report reads "missing", a blank or unreadable figure "blank", never $0."""
    r, recent = ctx.report, _recent(ctx)
    cite_financials(r, ctx.portfolio.entities)
    r.blank()
    r.para("By entity (expenses from monthly financials):", "  ")
    full = last_full_month(ctx.as_of)
    spent = {e.name: monthly_expenses(e, full) for e in ctx.portfolio.entities}
    reporting = sorted((e for e in ctx.portfolio.entities if set(spent[e.name]) & set(recent)),
                       key=lambda e: e.name.casefold())

    def cell(given: dict[str, Decimal | None], month: str) -> str:
        if month in given:
            amount = given[month]
            return money(amount) if amount is not None else "blank"
        return "missing" if given and month > min(given) else "\u2014"

    r.table(["Entity"] + recent, reporting, 40, lambda e: [e.name] + [cell(spent[e.name], m) for m in recent],
            right=tuple(range(1, len(recent) + 1)), empty="No complete months of financials.")


def expense_jump_list(ctx: Context) -> None:
    """Month-over-month expense jumps in the last three months, with what was logged then."""
    r, floor = ctx.report, ctx.shared.jump_floor
    r.blank()
    r.para(f"Month-over-month expense jumps over 25% and {money(floor)} in the last three "
           "months, with the logged expenses of that month:", "  ")
    recent = _recent(ctx)
    jumps = [(e, j) for e in ctx.portfolio.entities
             for j in expense_jumps(ctx.shared.by_entity[e.name], floor=floor, recent=recent)]
    jumps.sort(key=lambda t: (-t[1].rise, t[0].name))  # dollars first: a big % of little is little
    empty = (f"None: no month's expenses rose over 25% and {money(floor)}." if len(recent) > 1
             else "Fewer than two complete months: nothing to compare.")
    r.bullets(jumps, 20, _jump, empty=empty)


def _jump(t: tuple[Entity, Jump]) -> str:
    e, jump = t
    month = jump.month
    logged = sorted((x for x in e.expenses if x.date and month_of(x.date) == month.month and x.amount),
                    key=lambda x: -(x.amount or Decimal(0)))
    why = "; ".join(f"{x.vendor or x.category} {money(x.amount)}" for x in logged[:3])
    return (f"{who(e)}: {month.month} expenses {money(month.expenses)}, up {money(jump.rise)} "
            f"({percent(jump.change * 100)})" + (f" (logged: {why})" if why else " (no logged expenses explain it)"))


def single_expense_review(ctx: Context) -> None:
    """Single expenses over the review guardrail's threshold, largest first."""
    r, portfolio = ctx.report, ctx.portfolio
    review = next((g for g in portfolio.guardrails if g.measure == Measure.SINGLE_EXPENSE), None)
    r.blank()
    if review is None:
        r.para("No single-expense review guardrail is set in the portfolio file.", "  ")
        return
    r.cite([review])
    r.para(f"Single expenses over the review threshold of {money(review.limit)}:", "  ")
    logged = any(e.expenses for e in portfolio.entities)
    r.bullets(large_expenses(portfolio.entities, review.limit), 20,
              lambda t: f"{who(t[0])}: {t[1].date or 'undated'} {t[1].vendor}, {t[1].category}, "
              f"{money(t[1].amount)}", empty="None: no logged expense is over it." if logged
              else "No expense log given: nothing to check against it.")


def profitability_roadmap(ctx: Context) -> None:
    """The last three months and the projection to the horizon, against the revenue targets."""
    r, portfolio, months = ctx.report, ctx.portfolio, ctx.shared.months
    r.section(f"Profitability roadmap to {portfolio.horizon or 'the horizon'}")
    targets = {t.month: t.revenue for t in portfolio.targets}
    r.cite(portfolio.targets)
    cite_portfolio_file(r, portfolio)  # the horizon
    rows = [[m.month, "actual", money(m.revenue), money(m.expenses), money(m.net),
             money(targets.get(m.month))] for m in months[-3:]]
    growth = ctx.shared.growth
    rows += [[mo, "projected", money(rev), money(exp), money(rev - exp), money(targets.get(mo))]
             for mo, rev, exp in projection(months, portfolio.horizon, growth.rate if growth else None)]
    r.table(["Month", "Basis", "Revenue", "Expenses", "Net", "Target"], rows, 36,
            right=(2, 3, 4, 5), empty="No financials to project from.")
    if rows:
        r.para(f"Projection (trend case): revenue {growth_text(growth)}; expenses stay at their trailing "
               "3-month average. Revenue basis: booked; the targets are compared on recognised revenue "
               "in the CFO report.", "  ")
        way = ctx.shared.runway
        if way is not None and growth is not None and growth.rate is not None:
            r.para(f"Base case (revenue flat at {way.latest_month}'s {money(way.revenue)}): net "
                   f"{money(way.revenue - way.expenses)} a month.", "  ")


SECTIONS = (revenue_recognition, chart_of_accounts, expenses_by_category, expenses_by_entity,
            expense_jump_list, single_expense_review, profitability_roadmap, owned_items)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the Accounting report."""
    return write("Accounting", SECTIONS, portfolio, as_of, tz, shared, changes)


def _recent(ctx: Context) -> list[str]:
    """The last three complete months: the window the expense audit looks at."""
    return [m.month for m in ctx.shared.months[-3:]]


def _names(names: set[str], limit: int = 6) -> str:
    shown = sorted(names)
    more = f" +{len(shown) - limit:,}" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _type_rank(kind: str) -> int:
    return _TYPE_ORDER.index(kind) if kind in _TYPE_ORDER else len(_TYPE_ORDER)
