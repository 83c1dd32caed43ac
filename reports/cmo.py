"""The CMO report: channels, email sequencing, OTA roadmap, local SEO, cost per lead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from . import finance as f
from .common import finish, start, who
from .model import Portfolio
from .text import money, number

MATRIX_ENTITIES = 7


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC") -> str:
    """Render the CMO report."""
    r = start("CMO", portfolio, as_of, tz)
    entities = [e for e in portfolio.entities if e.channels]
    r.cite(*(e.channels for e in entities), *(e.campaigns for e in portfolio.entities))

    r.section("Channel visibility matrix")
    shown = sorted(entities, key=lambda e: (-len(e.channels), e.name))[:MATRIX_ENTITIES]
    channels: list[str] = []
    for e in shown:
        for c in e.channels:
            if c.channel not in channels:
                channels.append(c.channel)
    status = {(e.name, c.channel): c.status for e in shown for c in e.channels}
    r.table(["Channel"] + [e.code or e.name[:6] for e in shown],
            [[ch] + [status.get((e.name, ch), "\u2014") for e in shown] for ch in channels], 30,
            empty="No channels reported.")
    if shown:
        r.para("Columns: " + "; ".join(f"{e.code or e.name[:6]} = {e.name}" for e in shown) + ".", "  ")
    if len(entities) > MATRIX_ENTITIES:
        r.para(f"\u2026 and {len(entities) - MATRIX_ENTITIES:,} more entities with channels", "  ")

    r.section("Blast email sequencing")
    sends = sorted(((e, c) for e in portfolio.entities for c in e.campaigns), key=lambda t: (t[1].date, t[0].name))
    clashes = {id(b) for e in portfolio.entities for _, b in f.blast_conflicts(e.campaigns)}
    r.table(["Date", "Entity", "Campaign", "List", "Spacing"],
            [[c.date.isoformat(), e.code or e.name, c.name, c.list or "\u2014",
              "< 7 days" if id(c) in clashes else ""] for e, c in sends], 40,
            empty="No campaigns reported.")
    pairs = [(e, a, b) for e in portfolio.entities for a, b in f.blast_conflicts(e.campaigns)]
    if pairs:
        r.blank()
        r.bullets([f"{who(e)}: '{b.name}' goes to {b.list} {(b.date - a.date).days} days after "
                   f"'{a.name}' (at least 7 apart)" for e, a, b in pairs], 20)

    r.section("OTA deployment roadmap")
    otas = [e for e in portfolio.entities if any(c.ota for c in e.channels)]
    r.bullets([f"{who(e)}: " + " \u2192 ".join(f"{c.channel} ({c.status})" for c in e.channels if c.ota)
               for e in otas], 20, empty="No OTA channels reported.")

    r.section("Local SEO milestones")
    seo = [(e, a) for e in portfolio.entities for a in e.actions if "seo" in a.tags]
    seo.sort(key=lambda t: (t[1].due or date.max, t[0].name))
    r.cite(a for _, a in seo)
    r.bullets([f"{'[done]' if a.done else ('[overdue]' if a.due and a.due < as_of else '[open]')} "
               f"{a.due.isoformat() if a.due else 'no date'} {who(e)}: {a.text}" for e, a in seo], 25,
              empty="No SEO milestones reported.")

    r.section("Spend and cost per lead")
    rows = []
    total_spend = total_leads = Decimal(0)
    for e in entities:
        for c in e.channels:
            spend, leads = c.spend or Decimal(0), c.leads or Decimal(0)
            total_spend, total_leads = total_spend + spend, total_leads + leads
            if spend or leads:
                cpl = f.cost_per_lead(spend, leads)
                rows.append((spend, [e.name, c.channel, money(spend), number(leads),
                                     money(cpl) if cpl is not None else "no leads"]))
    rows.sort(key=lambda t: -t[0])
    r.table(["Entity", "Channel", "Spend/mo", "Leads", "Per lead"], [row for _, row in rows], 30,
            right=(2, 3, 4), empty="No spend or leads reported.")
    if rows:
        cpl = f.cost_per_lead(total_spend, total_leads)
        r.para(f"All channels: {money(total_spend)}/mo for {number(total_leads)} leads"
               f"{', ' + money(cpl) + ' per lead' if cpl is not None else ''}.", "  ")
    return finish(r, portfolio)
