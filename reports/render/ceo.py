"""The CEO report: the whole portfolio on one page, and what to do next."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from weakref import WeakKeyDictionary

from reports.figures.agenda import (
    Register,
    agenda,
    agenda_shown,
    is_open,
    is_urgent,
    owned,
    register,
    unowned_urgent,
    unrated,
    unrouted,
)
from reports.figures.costs import share
from reports.figures.deals import is_overdue, pipeline
from reports.figures.guardrails import kpi_difference, kpi_gaps
from reports.figures.months import MonthTotal
from reports.figures.routing import PEOPLE, ROLES_SHOWING_ALL, route
from reports.figures.shared import Figures
from reports.model import Action, Entity, Kpi, Portfolio, Risk
from reports.read.values import PRIORITIES
from reports.render.cash import headline_lines, unconverted_cash
from reports.render.changes import Changes
from reports.render.common import (
    CHECK,
    COUNTED,
    NAMES_PER_LINE,
    Context,
    cite_cash,
    cite_financials,
    left_out_lines,
    name_lines,
    per_entity,
    tally,
    unrated_items,
    who,
    write,
)
from reports.render.register import NAMED_MAX, Pair, action_text, item_list
from reports.render.text import ELLIPSIS, Report, change, money, percent, quantity, sparkline

HEADLINE_CRITICAL = 5  # critical risks the headline names; the register has the rest
PEOPLE_REST = 5  # people risks (and actions) below high (P1) named; the rest are counted
Pairs = list[Pair]
ROLE_TITLES = {"cto": "CTO", "cmo": "CMO", "accounting": "Accounting", "cfo": "CFO"}


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
        cite_cash(r, ctx.portfolio)
    for line in headline_lines(ctx.shared.runway, ctx.as_of) if ctx.shared.runway else ():
        r.para(line, "  ")
    unconverted = unconverted_cash(ctx.portfolio)
    if unconverted:
        r.para(f"No cash figure: {unconverted}; runway cannot be computed.", "  ")
    for line in left_out_lines(ctx.shared.totals):
        r.para(line, "  ")


def critical_risks(ctx: Context) -> None:
    """The critical risks, and how many risks carry no severity (end of the headline)."""
    r, entities = ctx.report, ctx.portfolio.entities
    critical = [(e, x) for e in entities for x in e.risks if x.severity == "critical" and is_open(x)]
    r.cite(x for _, x in critical)
    no_severity = sum(1 for _, x in unrated(entities) if isinstance(x, Risk))
    r.para(f"Critical risks: {len(critical)}." + (f" Unrated risks: {no_severity} (no severity written; "
                                                  "see Unrated risks and actions)." if no_severity else ""), "  ")
    r.bullets(critical[:HEADLINE_CRITICAL], HEADLINE_CRITICAL, lambda t: f"{who(t[0])}: {t[1].text}", empty="")
    if len(critical) > HEADLINE_CRITICAL:
        r.para(f"{ELLIPSIS} and {len(critical) - HEADLINE_CRITICAL:,} more: see the Risk register.", "  ")


def asset_inventory(ctx: Context) -> None:
    """Each entity's revenue and net in the latest month, its shares and its trend."""
    r, m, by_entity, entities = ctx.report, ctx.shared.metrics, ctx.shared.by_entity, ctx.portfolio.entities
    r.section("Asset inventory")
    latest = {e.name: next((x for x in by_entity[e.name] if m.last and x.month == m.last.month), None)
              for e in entities}
    revenue_total = sum((x.revenue for x in latest.values() if x), Decimal(0))
    loss_total = sum((-x.net for x in latest.values() if x and x.net < 0), Decimal(0))
    reporting = [e for e in entities if by_entity[e.name]]
    r.table(["Entity", "Code", "Revenue", "Rev %", "Net", "Loss %", "Trend"],
            sorted(reporting, key=lambda e: e.name.casefold()), 200,
            lambda e: _inventory_row(e, by_entity[e.name], latest[e.name], revenue_total, loss_total),
            right=(2, 3, 4, 5), empty="No entity reports financials.")
    silent = sorted((e.name for e in entities if not by_entity[e.name]), key=str.casefold)
    if silent:
        head = f"No financials from {len(silent):,} of {len(entities):,} entities"
        if len(silent) <= NAMES_PER_LINE:
            r.para(f"{head}: {', '.join(silent)}.", "  ")
        else:
            r.para(f"{head}:", "  ")
            for line in name_lines(silent):
                r.para(line, "    ")
    if m.last is not None and reporting:
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
            r.para(f"Past their close date (not weighted): {money(pipe.overdue_one_off)} one-off ({part} of open) and "
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


def risk_register(ctx: Context) -> None:
    """Open critical and high risks by name, a few per entity, each with its action; where
    the rest are; the medium and low ones counted per entity."""
    r, reg = ctx.report, _named(ctx)[0]
    r.section("Risk register")
    if not reg.shown:
        r.para("No open critical or high risks.", "  ")
    for entry in reg.shown:
        r.cite([entry.risk], entry.actions)
        acts = "; ".join(action_text(a, ctx.as_of) for a in entry.actions)
        acts = f"action: {acts}" if acts else "no action"
        r.bullet(f"[{entry.risk.severity}] {who(entry.entity)}: {entry.risk.text} \u2014 {acts}")
    if reg.rest:
        _rest_line(ctx, reg.rest)
    if reg.minor:
        r.cite(x for e, _, _ in reg.minor for x in e.risks if x.severity in ("medium", "low"))
        r.para("Medium and low risks: " + "; ".join(
            f"{who(e)} " + ", ".join(f"{n:,} {word}" for n, word in ((m, "medium"), (low, "low")) if n)
            for e, m, low in reg.minor[:COUNTED])
            + (f"; {ELLIPSIS} and {len(reg.minor) - COUNTED:,} more entities" if len(reg.minor) > COUNTED else "")
            + f". Each is listed in the report that owns it, or counted below; {CHECK}.", "  ")


PLACES = ("the CTO report", "the CMO report", "the Accounting report", "the CFO report",
          "Equity and personnel risk", "the 30-day agenda", "Other open priorities")


def _rest_line(ctx: Context, rest: list[tuple[Entity, Risk]]) -> None:
    """How many critical and high risks each entity has beyond those named, and where they are named."""
    named = _named(ctx)[1]
    where = Counter(p for e, x in rest for p in _places(e, x, named))
    ctx.report.cite(x for _, x in rest)
    ctx.report.para(f"More critical and high risks, by entity: {per_entity(tally(rest))}. They are named in "
                    + ", ".join(f"{p} ({where[p]:,})" for p in PLACES if where[p]) + ".", "  ")


def _places(e: Entity, x: Risk | Action, named: set[int]) -> set[str]:
    """Where a risk the register does not name is named instead."""
    found = route(x, e)
    places = {f"the {ROLE_TITLES[role]} report" for role in ROLES_SHOWING_ALL if role in found.roles}
    if "ceo" in found.roles and PEOPLE in found.topics:
        places.add("Equity and personnel risk")
    if not places:
        places.add("the 30-day agenda" if id(x) in named else "Other open priorities")
    return places


def people_risks(ctx: Context) -> None:
    """Open risks and actions about people and ownership (tagged, or by what they say)."""
    ctx.report.section("Equity and personnel risk")
    risks, acts = _people(ctx.portfolio.entities)
    item_list(ctx, risks, rest=PEOPLE_REST)
    if acts:
        ctx.report.blank()
        ctx.report.para("Open people actions:", "  ")
        item_list(ctx, acts, rest=PEOPLE_REST)


def _people(entities: Sequence[Entity]) -> tuple[Pairs, Pairs]:
    """The open risks, and the open actions, about people and ownership."""

    def about_people(t: tuple[Entity, Risk | Action]) -> bool:
        return PEOPLE in route(t[1], t[0]).topics

    return ([t for t in owned(entities, "ceo") if about_people(t)],
            [t for t in owned(entities, "ceo", risks=False) if about_people(t)])


def kpi_gap_table(ctx: Context) -> None:
    """Every missed KPI target, worst first: the gap in the KPI's unit and as a % of the target."""
    entities = ctx.portfolio.entities
    kpis = [k for e in entities for k in e.kpis]
    targeted = [k for k in kpis if k.target is not None]
    if not kpis:
        empty = "No KPI given."
    elif not targeted:
        empty = f"No KPI has a target ({len(kpis)} given without one)."
    else:
        empty = f"Every KPI with a target meets it ({len(targeted)} of {len(kpis)} have one)."
    ctx.report.section("KPI gaps (worst first)")
    ctx.report.table(["Code", "KPI", "Actual", "Target", "Gap (% of target)"], kpi_gaps(entities), 25,
                     lambda t: [t[0].code or t[0].name, t[1].name, quantity(t[1].actual, t[1].unit),
                                ("\u2264 " if t[1].lower_is_better else "") + quantity(t[1].target, t[1].unit),
                                f"{_gap(t[1])} ({percent(t[2] * 100)})"],
                     right=(2, 3, 4), empty=empty)


def _gap(kpi: Kpi) -> str:
    """actual − target in the KPI's own unit: `+2.0 pp`, `−$160`, `+18 days`."""
    diff = kpi_difference(kpi)
    if diff is None:
        return "\u2014"
    sign = "+" if diff >= 0 else "\u2212"
    if kpi.unit == "%":
        return f"{sign}{abs(diff).quantize(Decimal('0.1'))} pp"
    return sign + quantity(abs(diff), kpi.unit)


def thirty_day_agenda(ctx: Context) -> None:
    """What is due in the next 30 days or overdue, and the unaddressed risks: every P0
    action, the rest up to AGENDA_LIMIT lines."""
    r = ctx.report
    r.section("30-day agenda")
    items = agenda(ctx.portfolio, ctx.as_of)
    shown = agenda_shown(items)
    r.bullets(shown, len(shown), lambda i: f"[{i.priority}] {i.due.isoformat() if i.due else 'no date'}"
              f"{' OVERDUE' if i.overdue else ''} {who(i.entity)}: {i.text}",
              empty="Nothing due in the next 30 days.")
    on_agenda = {id(i) for i in shown}
    hidden = [i for i in items if id(i) not in on_agenda]
    if hidden:
        r.cite(hidden)
        levels = sorted({i.priority for i in hidden}, key=lambda p: (p not in PRIORITIES, p))
        count = ", ".join(f"{p} {sum(1 for i in hidden if i.priority == p):,}" for p in levels)
        r.para(f"{ELLIPSIS} and {len(hidden):,} more ({count}): in the Risk register, Other open priorities "
               f"or the reports that own them; {CHECK}.", "  ")


def p0_actions(ctx: Context) -> None:
    """Every open P0 action the agenda does not show: undated, or due later."""
    on_agenda = {id(i.item) for i in agenda_shown(agenda(ctx.portfolio, ctx.as_of))}
    p0 = [(e, a) for e in ctx.portfolio.entities for a in e.actions
          if a.priority == "P0" and is_open(a) and id(a) not in on_agenda]
    if p0:
        ctx.report.section("P0 actions not on the agenda")
        item_list(ctx, p0)


def other_open_priorities(ctx: Context) -> None:
    """Open P1 actions and critical or high risks no report owns, not named above."""
    items = unowned_urgent(ctx.portfolio.entities, _named(ctx)[1])
    if items:
        ctx.report.section("Other open priorities")
        ctx.report.para("P1 actions and critical or high risks that no tag or word routes to a report:", "  ")
        item_list(ctx, items)


def not_routed(ctx: Context) -> None:
    """Per entity, the open risks and actions no report owns and this one does not name."""
    entities = ctx.portfolio.entities
    named = _named(ctx)[1]
    named = named | {id(x) for _, x in unowned_urgent(entities, named)}
    counts = unrouted(entities, named)
    if not counts:
        return
    r = ctx.report
    r.cite(x for e, _, _ in counts for x in _items(e) if id(x) not in named and not route(x, e).roles)
    r.section("Not routed to any report")
    r.para("Open risks and actions no tag or word routes to a report (docs/reports.md, Routing): " + "; ".join(
        f"{who(e)} " + ", ".join(f"{n:,} {word}{'' if n == 1 else 's'}" for n, word in ((k, "risk"), (a, "action"))
                                 if n)
        for e, k, a in counts[:COUNTED])
        + (f"; {ELLIPSIS} and {len(counts) - COUNTED:,} more entities" if len(counts) > COUNTED else "")
        + f". {CHECK}.", "  ")


def _items(e: Entity) -> list[Risk | Action]:
    return [*e.risks, *e.actions]


_NAMED: WeakKeyDictionary[Report, tuple[Register, set[int]]] = WeakKeyDictionary()


def _named(ctx: Context) -> tuple[Register, set[int]]:
    """The register, and the ids of the risks and actions named by the register, the agenda
    and the people section (computed once per report)."""
    if ctx.report not in _NAMED:
        _NAMED[ctx.report] = _name(ctx)
    return _NAMED[ctx.report]


def _name(ctx: Context) -> tuple[Register, set[int]]:
    entities = ctx.portfolio.entities
    reg = register(entities)
    risks, acts = _people(entities)
    named = {id(x.risk) for x in reg.shown} | {id(i.item) for i in agenda_shown(agenda(ctx.portfolio, ctx.as_of))}
    for pairs in (risks, acts):  # the people section names its urgent items, up to NAMED_MAX
        named |= {id(x) for x in [x for _, x in pairs if is_urgent(x)][:NAMED_MAX]}
    return reg, named


SECTIONS = (headline, critical_risks, asset_inventory, revenue_pipeline, overdue_closes, risk_register,
            people_risks, kpi_gap_table, thirty_day_agenda, p0_actions, other_open_priorities, not_routed,
            unrated_items)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CEO report."""
    return write("CEO", SECTIONS, portfolio, as_of, tz, shared, changes)
