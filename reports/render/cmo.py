"""The CMO report: channels, email sequencing, OTA roadmap, local SEO, cost per lead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.marketing import blast_conflicts, cost_per_lead, marketing_spend
from reports.figures.shared import Figures
from reports.model import Channel, Entity, Portfolio
from reports.render.changes import Changes
from reports.render.common import Context, who, write
from reports.render.register import owned_items
from reports.render.text import money, number

MATRIX_ENTITIES = 7
ZERO = Decimal(0)


def channel_matrix(ctx: Context) -> None:
    """Each channel's status for the entities with the most channels."""
    r = ctx.report
    entities = _with_channels(ctx)
    r.cite_lists(e.channels for e in entities)
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


def blast_sequencing(ctx: Context) -> None:
    """Every campaign send by date, and the coming sends too close to the last to the same list."""
    r, as_of, entities = ctx.report, ctx.as_of, ctx.portfolio.entities
    r.cite_lists(e.campaigns for e in entities)
    r.section("Blast email sequencing")
    sends = sorted(((e, c) for e in entities for c in e.campaigns), key=lambda t: (t[1].date, t[0].name))
    pairs = [(e, a, b) for e in entities for a, b in blast_conflicts(e.campaigns) if b.date >= as_of]
    clashes = {id(b) for _, _, b in pairs}
    r.table(["Date", "Entity", "Campaign", "List", "Spacing"], sends, 40,
            lambda t: [t[1].date.isoformat(), t[0].code or t[0].name, t[1].name, t[1].list or "\u2014",
                       "< 7 days" if id(t[1]) in clashes else ("sent" if t[1].date < as_of else "")],
            empty="No campaigns reported.")
    if pairs:
        r.blank()
        r.bullets(pairs, 20, lambda t: f"{who(t[0])}: '{t[2].name}' goes to {t[2].list} "
                  f"{(t[2].date - t[1].date).days} days after '{t[1].name}' (keep sends at least 7 days apart)")


def ota_roadmap(ctx: Context) -> None:
    """Each entity's OTA channels and their status."""
    ctx.report.section("OTA deployment roadmap")
    otas = [e for e in ctx.portfolio.entities if any(c.ota for c in e.channels)]
    ctx.report.bullets(otas, 20, lambda e: f"{who(e)}: " + " \u2192 ".join(
        f"{c.channel} ({c.status})" for c in e.channels if c.ota), empty="No OTA channels reported.")


def local_seo(ctx: Context) -> None:
    """Actions tagged seo, done or not, by due date."""
    r, as_of = ctx.report, ctx.as_of
    r.section("Local SEO milestones")
    seo = [(e, a) for e in ctx.portfolio.entities for a in e.actions if "seo" in a.tags]
    seo.sort(key=lambda t: (t[1].due or date.max, t[0].name))
    r.cite(a for _, a in seo)
    r.bullets(seo, 25, lambda t: f"{'[done]' if t[1].done else ('[overdue]' if t[1].due and t[1].due < as_of else '[open]')} "
              f"{t[1].due.isoformat() if t[1].due else 'no date'} {who(t[0])}: {t[1].text}",
              empty="No SEO milestones reported.")


def spend_per_lead(ctx: Context) -> None:
    """Live channels' spend, leads and cost per lead, their totals, and the rest apart."""
    r = ctx.report
    r.section("Spend and cost per lead")
    spend = marketing_spend(ctx.portfolio.entities)
    rows = sorted(spend.live, key=lambda t: -(t[1].spend or ZERO))
    r.table(["Entity", "Channel", "Spend/mo", "Leads", "Per lead"], rows, 30, _spend_row,
            right=(2, 3, 4), empty="No live channel reports spend or leads.")
    if rows:
        blended, paid = spend.blended, spend.paid
        r.para(f"Live channels: {money(spend.spend)}/mo for {number(spend.leads)} leads; cost per lead "
               f"{money(blended) if blended is not None else 'n/a (no leads)'} blended (all live leads), "
               f"{money(paid) if paid is not None else 'n/a (no paid leads)'} paid only (spend \u00f7 "
               f"{number(spend.paid_leads)} leads from channels that spend).", "  ")
        if spend.not_given:
            r.para(f"{spend.not_given} live channel(s) without a spend given: not in the total.", "  ")
    if spend.apart:
        r.cite(spend.apart)
        r.para("Not live, so not in the totals: " + "; ".join(
            f"{who(e)} {c.channel} ({c.status}) {money(c.spend or ZERO)}/mo, {number(c.leads or ZERO)} leads"
            for e, c in spend.apart[:10]) + (f"; \u2026 and {len(spend.apart) - 10} more" if len(spend.apart) > 10
                                              else "") + ".", "  ")


def _spend_row(t: tuple[Entity, Channel]) -> list[str]:
    e, c = t
    cpl = cost_per_lead(c.spend or ZERO, c.leads or ZERO)
    return [e.name, c.channel, money(c.spend) if c.spend is not None else "not given", number(c.leads or ZERO),
            money(cpl) if cpl is not None else "no leads"]


SECTIONS = (channel_matrix, blast_sequencing, ota_roadmap, local_seo, spend_per_lead, owned_items)


def render(portfolio: Portfolio, as_of: date, tz: str = "UTC", shared: Figures | None = None,
           changes: Changes | None = None) -> str:
    """Render the CMO report."""
    return write("CMO", SECTIONS, portfolio, as_of, tz, shared, changes)


def _with_channels(ctx: Context) -> list[Entity]:
    return [e for e in ctx.portfolio.entities if e.channels]
