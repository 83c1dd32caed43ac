"""Open risks and actions as the reports list them: the urgent ones always by name, the
rest up to a few, then counted per entity with where to find them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from reports.figures.agenda import is_urgent, linked_actions, owned
from reports.model import Action, Entity, Risk
from reports.render.common import Context, more_line, who
from reports.render.text import due_text

Pair = tuple[Entity, Risk | Action]
NAMED_MAX = 100  # urgent items a list names (a large portfolio); the rest are counted
REST_SHOWN = 10  # other items a list names before counting them
TITLES = {"cmo": "Marketing risks and actions", "accounting": "Money risks and actions",
          "cfo": "Money risks and actions"}


def action_text(a: Action, as_of: date) -> str:
    """`Rotate the key (P0, due 2026-11-18)`: an action as a risk line names it."""
    when = f", due {a.due.isoformat()}" if a.due else ""
    return f"{a.text} ({a.priority or 'unrated'}{when}{', OVERDUE' if a.due and a.due < as_of else ''})"


def risk_line(t: tuple[Entity, Risk], as_of: date) -> str:
    """`[high] Acme (AC): text`, with the action that addresses it when one does."""
    e, r = t
    acts = linked_actions(r, e)
    addressed = f" \u2014 addressed by: {'; '.join(action_text(a, as_of) for a in acts)}" if acts else ""
    return f"[{r.severity or 'unrated'}] {who(e)}: {r.text}{addressed}"


def action_line(t: tuple[Entity, Action], as_of: date) -> str:
    """`[P1] Acme (AC): text (due 2026-12-01)`."""
    e, a = t
    return f"[{a.priority or 'unrated'}] {who(e)}: {a.text}{due_text(a.due, as_of)}"


def item_line(t: Pair, as_of: date) -> str:
    """A risk line or an action line."""
    e, x = t
    return risk_line((e, x), as_of) if isinstance(x, Risk) else action_line((e, x), as_of)


def item_list(ctx: Context, items: Sequence[Pair], empty: str = "None.", rest: int = REST_SHOWN,
              fmt: Callable[[Pair, date], str] = item_line) -> None:
    """Every urgent item (critical, high, P0, P1) up to NAMED_MAX, then up to `rest` others, in
    order; the rest counted per entity with a pointer to `check`."""
    urgent = [x for _, x in items if is_urgent(x)][:NAMED_MAX]
    others = [x for _, x in items if not is_urgent(x)][:rest]
    chosen = {id(x) for x in (*urgent, *others)}
    shown = [t for t in items if id(t[1]) in chosen]
    r = ctx.report
    for t in shown:
        if isinstance(t[1], Risk):
            r.cite(linked_actions(t[1], t[0]))
    r.bullets(shown, len(shown), lambda t: fmt(t, ctx.as_of), empty=empty)
    more_line(r, [t for t in items if id(t[1]) not in chosen])


def owned_items(ctx: Context) -> None:
    """The open risks and actions this role owns (by tag or by what they say), most
    severe first; a CMO's [seo] actions are under Local SEO milestones instead."""
    role, entities = ctx.report.role, ctx.portfolio.entities
    r = ctx.report
    r.section(TITLES.get(role, "Risks and actions"))
    risks = owned(entities, role)
    acts = [t for t in owned(entities, role, risks=False) if not (role == "cmo" and "seo" in t[1].tags)]
    item_list(ctx, risks, empty="No open risks.")
    if acts:
        r.blank()
        r.para("Open actions:", "  ")
        item_list(ctx, acts)
    else:
        r.para("No open actions.", "  ")
