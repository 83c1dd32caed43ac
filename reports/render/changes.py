"""The "Changes since" section: what moved between the last report's snapshot and this one's,
only in what the role's own report shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reports.record import NamedTuple
from reports.render.text import money, months, quantity

LIMIT = 10  # items listed per kind of change


class Changes(NamedTuple):
    """The section as a report shows it: its title and its lines."""

    title: str
    lines: tuple[str, ...]


ROLE_PARTS: dict[str, tuple[str, ...]] = {
    "ceo": ("revenue", "net", "cash", "runway", "kpis", "guardrails", "risks", "actions", "deals"),
    "cto": ("infra", "risks", "actions"),
    "accounting": ("revenue", "expenses", "net"),
    "cmo": ("deals", "actions"),
    "cfo": ("revenue", "net", "cash", "runway", "burn", "guardrails"),
}


def section(role: str, baseline: dict[str, Any] | None, note: str | None, new: dict[str, Any]) -> Changes:
    """The 'Changes since' section for one role."""
    if baseline is None:
        return Changes("Changes since the last report", (note or "First report \u2014 nothing to compare.",))
    title = f"Changes since the report of {baseline.get('as_of', 'an earlier date')}"
    lines = compare(role, baseline, new)
    return Changes(title, tuple(lines) or ("No figure this report shows has changed.",))


def compare(role: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The lines for what moved, in the order the role reads them."""
    parts = ROLE_PARTS.get(role, ())
    out: list[str] = []
    figures = [("revenue", "Revenue", "revenue"), ("expenses", "Expenses", "expenses"), ("net", "Net", "net"),
               ("cash", "Cash", "cash"), ("infra", "Infrastructure cost", "infra_cost"),
               ("burn", "Net burn, latest month", "burn_latest"), ("burn", "Net burn, 3-month average", "burn_3m")]
    for part, label, key in figures:
        if part in parts and old.get(key) != new.get(key):
            monthly = key in ("revenue", "expenses", "net")
            when_new = f" ({new.get('month')})" if monthly and new.get("month") else ""
            when_old = f" ({old.get('month')})" if monthly and old.get("month") else ""
            out.append(f"{label}: {_money(new.get(key))}{when_new}, was {_money(old.get(key))}{when_old}.")
    if "runway" in parts and old.get("runway") != new.get("runway"):
        out.append(f"Runway: {_months(new.get('runway'))}, was {_months(old.get('runway'))}.")
    if "kpis" in parts:
        old_k, new_k = old.get("kpis") or {}, new.get("kpis") or {}
        moved = [k for k in new_k if k in old_k and old_k[k] != new_k[k]]
        out += _capped([f"KPI {k}: {_qty(new_k[k])}, was {_qty(old_k[k])}." for k in moved])
    if "guardrails" in parts:
        old_g, new_g = old.get("guardrails") or {}, new.get("guardrails") or {}
        out += _capped([f"Guardrail {g}: {new_g[g]}, was {old_g[g]}." for g in new_g
                        if g in old_g and old_g[g] != new_g[g]])
    if "risks" in parts:
        out += _set_changes("Risk opened", "Risk closed", _mine(role, old.get("risks")), _mine(role, new.get("risks")))
    if "actions" in parts:
        out += _capped([f"Newly overdue: {a}." for a in _added(old.get("overdue"), _mine(role, new.get("overdue")))])
        out += _capped([f"Done: {a}." for a in _added(old.get("done"), _mine(role, new.get("done")))])
    if "deals" in parts:
        old_d, new_d = old.get("deals") or {}, new.get("deals") or {}
        out += _capped([f"Deal added: {d} ({new_d[d]})." for d in new_d if d not in old_d])
        out += _capped([f"Deal {d}: now {new_d[d]}, was {old_d[d]}." for d in new_d
                        if d in old_d and new_d[d] != old_d[d]])
        out += _capped([f"Deal gone: {d}." for d in old_d if d not in new_d])
    return out


def _mine(role: str, items: Any) -> list[str]:
    """The items a role's report shows: by the roles each names (snapshot version 2); an
    older snapshot's plain list names none, so all of it counts."""
    if isinstance(items, dict):
        return [k for k, roles in items.items() if role in (roles or ())]
    return list(items or ())


def _added(old: Any, new: Any) -> list[str]:
    before = set(old or ())
    return [x for x in (new or ()) if x not in before]


def _set_changes(opened: str, closed: str, old: Any, new: Any) -> list[str]:
    return (_capped([f"{opened}: {x}." for x in _added(old, new)])
            + _capped([f"{closed}: {x}." for x in _added(new, old)]))


def _capped(lines: list[str]) -> list[str]:
    return lines if len(lines) <= LIMIT else [*lines[:LIMIT], f"\u2026 and {len(lines) - LIMIT:,} more."]


def _money(value: Any) -> str:
    return money(Decimal(value)) if value is not None else "not given"


def _months(value: Any) -> str:
    return months(Decimal(value)) if value is not None else "none (cash-flow positive or no data)"


def _qty(pair: Any) -> str:
    value, unit = pair
    return quantity(Decimal(value), unit) if value is not None else "not given"
