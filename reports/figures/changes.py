"""What changed since the last report: small snapshots of figures, and their comparison.

No report body is ever kept. Per sent report the tool keeps a snapshot: the
few figures the "Changes since" section compares (docs/operations.md lists
them), as canonical JSON named by its own SHA-256, kept by the audit store
beside the log, the sent record naming that hash. This module only encodes
and decodes: the run reads the bytes through the store. A snapshot that is
missing or does not hash to its name is a note in the report, never a crash.
"""

from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from reports.digest import sha256_hex
from reports.figures.costs import large_expenses
from reports.figures.guardrails import evaluate_guardrail
from reports.figures.shared import Figures
from reports.model import Measure, Portfolio
from reports.render.text import money, months, quantity

VERSION = 1
LIMIT = 10  # items listed per kind of change


class Changes(NamedTuple):
    """The section as a report shows it: its title and its lines."""

    title: str
    lines: tuple[str, ...]


def snapshot(portfolio: Portfolio, shared: Figures, as_of: date) -> dict[str, Any]:
    """The figures a later report compares against, as plain JSON values."""
    m = shared.metrics
    best = shared.runway.conservative() if shared.runway else None
    guardrails = {}
    for g in portfolio.guardrails:
        over = len(large_expenses(portfolio.entities, g.limit)) if g.measure == Measure.SINGLE_EXPENSE else 0
        guardrails[g.name] = evaluate_guardrail(g, m, over).status
    overdue = [f"{e.label}: {a.text}" for e in portfolio.entities for a in e.actions
               if not a.done and a.due is not None and a.due < as_of]
    return {
        "v": VERSION, "as_of": as_of.isoformat(),
        "month": m.last.month if m.last else None,
        "revenue": _num(m.last.revenue if m.last else None),
        "expenses": _num(m.last.expenses if m.last else None),
        "net": _num(m.last.net if m.last else None),
        "cash": _num(m.cash),
        "runway": _num(best[0] if best else None),
        "burn_latest": _num(m.latest_net_burn), "burn_3m": _num(m.avg_net_burn),
        "infra_cost": _num(m.infra_cost),
        "kpis": {f"{e.label}: {k.name}": [_num(k.actual), k.unit] for e in portfolio.entities for k in e.kpis},
        "guardrails": guardrails,
        "risks": sorted(f"{e.label}: {r.text}" for e in portfolio.entities for r in e.risks),
        "overdue": sorted(overdue),
        "done": sorted(f"{e.label}: {a.text}" for e in portfolio.entities for a in e.actions if a.done),
        "deals": {f"{e.label}: {d.name}": d.stage for e in portfolio.entities for d in e.pipeline},
    }


def encode(snap: dict[str, Any]) -> tuple[bytes, str]:
    """The snapshot's canonical bytes and their SHA-256 (its name)."""
    import json

    data = json.dumps(snap, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return data, sha256_hex(data)


def decode(data: bytes | None, digest: str) -> dict[str, Any] | None:
    """The snapshot in `data` if it hashes to its name `digest`, else None (missing or damaged)."""
    if data is None or sha256_hex(data) != digest:
        return None
    import json

    try:
        snap = json.loads(data)
    except ValueError:
        return None
    return snap if isinstance(snap, dict) else None


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
        out.append(f"Runway (most conservative): {_months(new.get('runway'))}, was {_months(old.get('runway'))}.")
    if "kpis" in parts:
        old_k, new_k = old.get("kpis") or {}, new.get("kpis") or {}
        moved = [k for k in new_k if k in old_k and old_k[k] != new_k[k]]
        out += _capped([f"KPI {k}: {_qty(new_k[k])}, was {_qty(old_k[k])}." for k in moved])
    if "guardrails" in parts:
        old_g, new_g = old.get("guardrails") or {}, new.get("guardrails") or {}
        out += _capped([f"Guardrail {g}: {new_g[g]}, was {old_g[g]}." for g in new_g
                        if g in old_g and old_g[g] != new_g[g]])
    if "risks" in parts:
        out += _set_changes("Risk opened", "Risk closed", old.get("risks"), new.get("risks"))
    if "actions" in parts:
        out += _capped([f"Newly overdue: {a}." for a in _added(old.get("overdue"), new.get("overdue"))])
        out += _capped([f"Done: {a}." for a in _added(old.get("done"), new.get("done"))])
    if "deals" in parts:
        old_d, new_d = old.get("deals") or {}, new.get("deals") or {}
        out += _capped([f"Deal added: {d} ({new_d[d]})." for d in new_d if d not in old_d])
        out += _capped([f"Deal {d}: now {new_d[d]}, was {old_d[d]}." for d in new_d
                        if d in old_d and new_d[d] != old_d[d]])
        out += _capped([f"Deal gone: {d}." for d in old_d if d not in new_d])
    return out


def _added(old: Any, new: Any) -> list[str]:
    before = set(old or ())
    return [x for x in (new or ()) if x not in before]


def _set_changes(opened: str, closed: str, old: Any, new: Any) -> list[str]:
    return (_capped([f"{opened}: {x}." for x in _added(old, new)])
            + _capped([f"{closed}: {x}." for x in _added(new, old)]))


def _capped(lines: list[str]) -> list[str]:
    return lines if len(lines) <= LIMIT else [*lines[:LIMIT], f"\u2026 and {len(lines) - LIMIT:,} more."]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _money(value: Any) -> str:
    return money(Decimal(value)) if value is not None else "not given"


def _months(value: Any) -> str:
    return months(Decimal(value)) if value is not None else "none (cash-flow positive or no data)"


def _qty(pair: Any) -> str:
    value, unit = pair
    return quantity(Decimal(value), unit) if value is not None else "not given"
