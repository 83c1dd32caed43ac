"""The CEO report: the whole portfolio on one page, and what to do next."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.agenda import agenda, risks_tagged, unrated
from reports.figures.changes import Changes
from reports.figures.costs import share
from reports.figures.deals import is_overdue, pipeline
from reports.figures.guardrails import kpi_gaps
from reports.figures.months import MonthTotal
from reports.figures.shared import Figures
from reports.model import Entity, Portfolio, Risk
from reports.render.common import (
    Context,
    cite_financials,
    cite_portfolio_file,
    left_out_lines,
    unrated_items,
    who,
    write,
)
from reports.render.text import change, money, months, percent, quantity, sparkline


def headline(ctx: Context) -> None:
    """The latest full month, the runway and what the totals leave out."""
    r, m = ctx.report, ctx.shared.metrics
    cite_financials(r, ctx.portfolio.entities)
    r.section("Headline")
    if m.last is None:
        r.para("No financials reported up to this date.", "  ")
    else:
        r.para(f"{m.last.month}: revenue {money(m.last.revenue)}, expenses "
               f"{money(m.last.expenses)}, net {money(m.last.net)}.", "  ")
    if m.cash is not None:
        cite_portfolio_file(r, ctx.portfolio)
    way = ctx.shared.runway
    best = way.conservative() if way else None
    if way is not None and best is not None:
        others = [x for x in (f"trailing 3-month {months(way.trailing)}" if way.trailing is not None else "",
                              f"latest month {months(way.latest)}" if way.latest is not None else "") if x]
        r.para(f"Runway {months(best[0])}, the most conservative basis: {best[1]}"
               + (f" (also: {'; '.join(others)})" if others else "")
               + f"; cash {money(way.cash)} as of {way.cash_month}.", "  ")
    elif m.avg_net_burn is not None and m.avg_net_burn <= 0:
        r.para("Cash-flow positive over the trailing 3 months.", "  ")
    for line in left_out_lines(ctx.shared.totals):
        r.para(line, "  ")


def critical_risks(ctx: Context) -> None:
    """The critical risks, and how many risks carry no severity (end of the headline)."""
    r, entities = ctx.report, ctx.portfolio.entities
    critical = [(e, x) for e in entities for x in e.risks if x.severity == "critical"]
    r.cite(x for _, x in critical)
    no_severity = sum(1 for _, x in unrated(entities) if isinstance(x, Risk))
    r.para(f"Critical risks: {len(critical)}." + (f" Unrated risks: {no_severity} (no severity written; "
                                                  "see Unrated risks and actions)." if no_severity else ""), "  ")
    r.bullets(critical, 10, lambda t: f"{who(t[0])}: {t[1].text}", empty="")


def asset_inventory(ctx: Context) -> None:
    """Each entity's revenue and net in the latest month, its shares and its trend."""
    r, m, by_entity, entities = ctx.report, ctx.shared.metrics, ctx.shared.by_entity, ctx.portfolio.entities
    r.section("Asset inventory")
    latest = {e.name: next((x for x in by_entity[e.name] if m.last and x.month == m.last.month), None)
              for e in entities}
    revenue_total = sum((x.revenue for x in latest.values() if x), Decimal(0))
    loss_total = sum((-x.net for x in latest.values() if x and x.net < 0), Decimal(0))
    r.table(["Entity", "Code", "Revenue", "Rev %", "Net", "Loss %", "Trend"],
            sorted(entities, key=lambda e: e.name.casefold()), 200,
            lambda e: _inventory_row(e, by_entity[e.name], latest[e.name], revenue_total, loss_total),
            right=(2, 3, 4, 5))
    if m.last is not None:
        r.para(f"Revenue and net for {m.last.month}, with each entity's share of the portfolio's revenue "
               "and of its losses; trend is monthly revenue, up to six months, and its change from the "
               "first month shown.", "  ")
        for e in entities:
            last = latest[e.name]
            if last and revenue_total > 0 and last.revenue * 2 > revenue_total:
                r.para(f"Concentration: {who(e)} is over half of the portfolio's revenue.", "  ")


def _inventory_row(e: Entity, history: list[MonthTotal], last: MonthTotal | None, revenue_total: Decimal,
                   loss_total: Decimal) -> list[str]:
    trend = [x.revenue for x in history[-6:]]
    rev_share = share(last.revenue, revenue_total) if last else None
    loss_share = share(-last.net, loss_total) if last and last.net < 0 else None
    return [e.name, e.code or "\u2014", money(last.revenue) if last else "\u2014",
            percent(rev_share) if rev_share is not None else "\u2014",
            money(last.net) if last else "\u2014", percent(loss_share) if loss_share is not None else "\u2014",
            f"{sparkline(trend)} {change(trend)}".strip()]


def revenue_pipeline(ctx: Context) -> None:
    """Open deals by stage, their weighted and overdue values, and the won ones."""
    r = ctx.report
    deals = [d for e in ctx.portfolio.entities for d in e.pipeline]
    r.cite(deals)
    r.section("Revenue pipeline")
    pipe = pipeline(deals, ctx.shared.stage_weights, ctx.as_of)
    r.table(["Open stage", "Deals", "One-off", "Per month", "Weight"],
            [[s.stage, str(s.deals), money(s.one_off), money(s.monthly),
              "none" if s.weight is None else f"{s.weight:.0%}"] for s in pipe.open],
            20, right=(1, 2, 3, 4), empty="No open deals reported.")
    if pipe.open:
        open_one_off = sum((s.one_off for s in pipe.open), Decimal(0))
        open_monthly = sum((s.monthly for s in pipe.open), Decimal(0))
        r.para(f"Open: {money(open_one_off)} one-off and {money(open_monthly)}/mo; weighted by stage "
               f"{money(pipe.weighted_one_off)} and {money(pipe.weighted_monthly)}/mo.", "  ")
        if pipe.overdue_one_off or pipe.overdue_monthly:
            part = percent(share(pipe.overdue_one_off, open_one_off))
            r.para(f"Past their close date: {money(pipe.overdue_one_off)} one-off ({part} of open) and "
                   f"{money(pipe.overdue_monthly)}/mo.", "  ")
    if pipe.won.deals:
        r.para(f"Won (not in the table): {pipe.won.deals} deal(s), {money(pipe.won.one_off)} one-off and "
               f"{money(pipe.won.monthly)}/mo.", "  ")


def overdue_closes(ctx: Context) -> None:
    """Open deals past their close date, oldest close first (end of the pipeline section)."""
    as_of = ctx.as_of
    overdue = sorted(((e, d) for e in ctx.portfolio.entities for d in e.pipeline if is_overdue(d, as_of)),
                     key=lambda t: t[1].close or as_of)
    if overdue:
        ctx.report.blank()
        ctx.report.para("Overdue closes:", "  ")
        ctx.report.bullets(overdue, 20, lambda t: f"{who(t[0])}: {t[1].name}, {money(t[1].value)}"
                           f"{'/mo' if t[1].monthly else ''}, {t[1].stage}, "
                           f"close {t[1].close} ({(as_of - (t[1].close or as_of)).days} days ago)")


def people_risks(ctx: Context) -> None:
    """Risks tagged equity or personnel, most severe first."""
    ctx.report.section("Equity and personnel risk")
    people = risks_tagged(ctx.portfolio.entities, ("equity", "personnel"))
    ctx.report.bullets(people, 20, lambda t: f"[{t[1].severity or 'unrated'}] {who(t[0])}: {t[1].text}")


def kpi_gap_table(ctx: Context) -> None:
    """Every missed KPI target, worst first."""
    ctx.report.section("KPI gaps (worst first)")
    ctx.report.table(["Entity", "KPI", "Actual", "Target", "Gap"], kpi_gaps(ctx.portfolio.entities), 25,
                     lambda t: [t[0].name, t[1].name, quantity(t[1].actual, t[1].unit),
                                ("\u2264 " if t[1].lower_is_better else "") + quantity(t[1].target, t[1].unit),
                                percent(t[2] * 100)],
                     right=(2, 3, 4), empty="Every KPI with a target meets it.")


def thirty_day_agenda(ctx: Context) -> None:
    """What is due in the next 30 days or overdue, and the unaddressed risks."""
    ctx.report.section("30-day agenda")
    ctx.report.bullets(agenda(ctx.portfolio, ctx.as_of), 30,
                       lambda i: f"[{i.priority}] {i.due.isoformat() if i.due else 'no date'}"
                       f"{' OVERDUE' if i.overdue else ''} {who(i.entity)}: {i.text}",
                       empty="Nothing due in the next 30 days.")


SECTIONS = (headline, critical_risks, asset_inventory, revenue_pipeline, overdue_closes, people_risks,
            kpi_gap_table, thirty_day_agenda, unrated_items)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CEO report."""
    return write("CEO", SECTIONS, portfolio, as_of, tz, shared, changes)
