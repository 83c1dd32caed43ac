"""The CEO report: the whole portfolio on one page, and what to do next."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.agenda import agenda, risks_tagged, unrated
from reports.figures.changes import Changes
from reports.figures.costs import share
from reports.figures.deals import is_overdue, pipeline
from reports.figures.guardrails import kpi_gaps
from reports.figures.shared import Figures, figures
from reports.model import Entity, Portfolio, Risk
from reports.render.common import (
    cite_financials,
    cite_portfolio_file,
    finish,
    left_out_lines,
    start,
    unrated_section,
    who,
)
from reports.render.text import change, money, months, percent, quantity, sparkline


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CEO report."""
    r = start("CEO", portfolio, as_of, tz, changes)
    shared = shared or figures(portfolio, as_of)
    by_entity, m = shared.by_entity, shared.metrics

    cite_financials(r, portfolio.entities)
    r.section("Headline")
    if m.last is None:
        r.para("No financials reported up to this date.", "  ")
    else:
        r.para(f"{m.last.month}: revenue {money(m.last.revenue)}, expenses "
               f"{money(m.last.expenses)}, net {money(m.last.net)}.", "  ")
    if m.cash is not None:
        cite_portfolio_file(r, portfolio)
    way = shared.runway
    best = way.conservative() if way else None
    if way is not None and best is not None:
        others = [x for x in (f"trailing 3-month {months(way.trailing)}" if way.trailing is not None else "",
                              f"latest month {months(way.latest)}" if way.latest is not None else "") if x]
        r.para(f"Runway {months(best[0])}, the most conservative basis: {best[1]}"
               + (f" (also: {'; '.join(others)})" if others else "")
               + f"; cash {money(way.cash)} as of {way.cash_month}.", "  ")
    elif m.avg_net_burn is not None and m.avg_net_burn <= 0:
        r.para("Cash-flow positive over the trailing 3 months.", "  ")
    for line in left_out_lines(shared.totals):
        r.para(line, "  ")
    critical = [(e, x) for e in portfolio.entities for x in e.risks if x.severity == "critical"]
    r.cite(x for _, x in critical)
    loose = unrated(portfolio.entities)
    no_severity = sum(1 for _, x in loose if isinstance(x, Risk))
    r.para(f"Critical risks: {len(critical)}." + (f" Unrated risks: {no_severity} (no severity written; "
                                                  "see Unrated risks and actions)." if no_severity else ""), "  ")
    r.bullets(critical, 10, lambda t: f"{who(t[0])}: {t[1].text}", empty="")

    r.section("Asset inventory")
    latest = {e.name: next((x for x in by_entity[e.name] if m.last and x.month == m.last.month), None)
              for e in portfolio.entities}
    revenue_total = sum((x.revenue for x in latest.values() if x), Decimal(0))
    loss_total = sum((-x.net for x in latest.values() if x and x.net < 0), Decimal(0))

    def inventory_row(e: Entity) -> list[str]:
        history, last = by_entity[e.name], latest[e.name]
        trend = [x.revenue for x in history[-6:]]
        rev_share = share(last.revenue, revenue_total) if last else None
        loss_share = share(-last.net, loss_total) if last and last.net < 0 else None
        return [e.name, e.code or "\u2014", money(last.revenue) if last else "\u2014",
                percent(rev_share) if rev_share is not None else "\u2014",
                money(last.net) if last else "\u2014", percent(loss_share) if loss_share is not None else "\u2014",
                f"{sparkline(trend)} {change(trend)}".strip()]

    r.table(["Entity", "Code", "Revenue", "Rev %", "Net", "Loss %", "Trend"],
            sorted(portfolio.entities, key=lambda e: e.name.casefold()), 200, inventory_row,
            right=(2, 3, 4, 5))
    if m.last is not None:
        r.para(f"Revenue and net for {m.last.month}, with each entity's share of the portfolio's revenue "
               "and of its losses; trend is monthly revenue, up to six months, and its change from the "
               "first month shown.", "  ")
        heavy = [e for e in portfolio.entities if latest[e.name] and revenue_total > 0
                 and latest[e.name].revenue * 2 > revenue_total]  # type: ignore[union-attr]
        for e in heavy:
            r.para(f"Concentration: {who(e)} is over half of the portfolio's revenue.", "  ")

    r.section("Revenue pipeline")
    deals = [(e, d) for e in portfolio.entities for d in e.pipeline]
    r.cite(d for _, d in deals)
    pipe = pipeline((d for _, d in deals), shared.stage_weights, as_of)
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
    overdue = sorted(((e, d) for e, d in deals if is_overdue(d, as_of)), key=lambda t: t[1].close or as_of)
    if overdue:
        r.blank()
        r.para("Overdue closes:", "  ")
        r.bullets(overdue, 20, lambda t: f"{who(t[0])}: {t[1].name}, {money(t[1].value)}"
                  f"{'/mo' if t[1].monthly else ''}, {t[1].stage}, "
                  f"close {t[1].close} ({(as_of - (t[1].close or as_of)).days} days ago)")

    r.section("Equity and personnel risk")
    people = risks_tagged(portfolio.entities, ("equity", "personnel"))
    r.bullets(people, 20, lambda t: f"[{t[1].severity or 'unrated'}] {who(t[0])}: {t[1].text}")

    r.section("KPI gaps (worst first)")
    gaps = kpi_gaps(portfolio.entities)
    r.table(["Entity", "KPI", "Actual", "Target", "Gap"], gaps, 25,
            lambda t: [t[0].name, t[1].name, quantity(t[1].actual, t[1].unit),
                       ("\u2264 " if t[1].lower_is_better else "") + quantity(t[1].target, t[1].unit),
                       percent(t[2] * 100)],
            right=(2, 3, 4), empty="Every KPI with a target meets it.")

    r.section("30-day agenda")
    items = agenda(portfolio, as_of)
    r.bullets(items, 30, lambda i: f"[{i.priority}] {i.due.isoformat() if i.due else 'no date'}"
              f"{' OVERDUE' if i.overdue else ''} {who(i.entity)}: {i.text}",
              empty="Nothing due in the next 30 days.")
    unrated_section(r, loose)
    return finish(r, portfolio)

