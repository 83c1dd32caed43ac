"""What changed since the last report: small snapshots of figures, kept to compare the next report with.

No report body is ever kept. Per sent report the tool keeps a snapshot: the
few figures the "Changes since" section compares (docs/operations.md lists
them), as canonical JSON named by its own SHA-256, kept by the audit store
beside the log, the sent record naming that hash. This module only encodes
and decodes: the run reads the bytes through the store. A snapshot that is
missing or does not hash to its name is a note in the report, never a crash.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from reports.digest import sha256_hex
from reports.figures.agenda import is_urgent
from reports.figures.costs import large_expenses
from reports.figures.guardrails import evaluate_guardrail
from reports.figures.routing import route
from reports.figures.shared import Figures
from reports.model import Action, Entity, Measure, Portfolio, Risk

VERSION = 2  # 2: each risk, overdue and done action names the roles whose reports show it


def snapshot(portfolio: Portfolio, shared: Figures, as_of: date) -> dict[str, Any]:
    """The figures a later report compares against, as plain JSON values."""
    m = shared.metrics
    best = shared.runway.conservative() if shared.runway else None
    guardrails = {}
    for g in portfolio.guardrails:
        over = len(large_expenses(portfolio.entities, g.limit)) if g.measure == Measure.SINGLE_EXPENSE else 0
        guardrails[g.name] = evaluate_guardrail(g, m, over).status
    overdue = {f"{e.label}: {a.text}": _seen_by(a, e) for e in portfolio.entities for a in e.actions
               if not a.done and a.due is not None and a.due < as_of}
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
        "risks": {f"{e.label}: {r.text}": _seen_by(r, e) for e in portfolio.entities for r in e.risks},
        "overdue": overdue,
        "done": {f"{e.label}: {a.text}": _seen_by(a, e) for e in portfolio.entities for a in e.actions if a.done},
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


def _seen_by(item: Risk | Action, entity: Entity) -> list[str]:
    """The roles whose reports show this item: the ones it is routed to, and the CEO when urgent."""
    roles = set(route(item, entity).roles)
    if is_urgent(item):
        roles.add("ceo")
    return sorted(roles)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))
