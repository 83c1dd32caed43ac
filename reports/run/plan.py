"""Compose the messages and decide per role: a preview, or the plan a send executes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from reports.config import Settings
from reports.errors import ConfigError
from reports.location import Location
from reports.progress import logger
from reports.run.collector import no_cyclic_gc as _no_cyclic_gc
from reports.run.decide import _bounces, decide
from reports.run.inputs import audit_path, check_request, exists, read_inputs
from reports.run.types import Inputs, Plan, Request

if TYPE_CHECKING:
    from reports.aws.session import Aws
    from reports.ledger.audit import RoleState
    from reports.render.compose import Baselines, Outgoing


log = logger(__name__)


def compose(settings: Settings, request: Request, inputs: Inputs,
            baselines: Baselines | None = None) -> tuple[Outgoing, ...]:
    """Render and address each selected role's message; check --expect-sha256."""
    check_request(request)
    messages, _ = _compose(settings, request, inputs, baselines)
    return messages


def _compose(settings: Settings, request: Request, inputs: Inputs, baselines: Baselines | None
             ) -> tuple[tuple[Outgoing, ...], dict[str, Any] | None]:
    """The messages and, with baselines, the snapshot a send keeps for the next report."""
    started = time.perf_counter()
    with _no_cyclic_gc():
        from reports.figures.changes import snapshot
        from reports.figures.shared import figures
        from reports.render.compose import compose_all

        shared = figures(inputs.portfolio, inputs.as_of, settings.stage_weights, settings.jump_floor)
        now = snapshot(inputs.portfolio, shared, inputs.as_of) if baselines is not None else None
        messages = tuple(compose_all(request.roles, inputs.portfolio, inputs.as_of, settings,
                                     request.test_to, baselines, shared, now))
    log.debug("rendered %d report(s) in %.3f s", len(messages), time.perf_counter() - started)
    if request.expect_sha256:
        check_expected(messages[0], request.expect_sha256)
    return messages, now


def baselines_for(roles: Sequence[str], real: dict[str, RoleState], as_of: date, path: Location) -> Baselines:
    """Per role, the snapshot of the last report sent with an earlier as-of date (a same-day
    resend compares against the same one), or a note saying why there is none."""
    from reports.figures.changes import load

    out: Baselines = {}
    for role in roles:
        state = real.get(role)
        record = None
        if state is not None and state.sent is not None:
            record = state.sent if str(state.sent.get("as_of") or "") < as_of.isoformat() else state.baseline
            if record is not None and str(record.get("as_of") or "") >= as_of.isoformat():
                record = None
        if record is None:
            out[role] = (None, None)
            continue
        snap = load(path, record.get("snapshot"))
        out[role] = (snap, None) if snap is not None else (
            None, f"The figures of the report of {record.get('as_of') or 'an earlier date'} are missing or "
                  "damaged beside the audit log: nothing to compare.")
    return out


def check_expected(msg: Outgoing, expected: str) -> None:
    """--expect-sha256: the hash, or a prefix of it of at least 12 hex digits, as shown."""
    import re

    want = expected.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{12,64}", want):
        raise ConfigError(f"--expect-sha256 '{expected}' is not 12 to 64 hex digits of a hash that "
                          "a preview showed")
    if not msg.sha256.startswith(want):
        raise ConfigError(f"--expect-sha256: the {msg.role} report differs from what you previewed "
                          f"(it now hashes to {msg.sha256[:len(want)]}, not {want}); preview it again "
                          "before sending")


def plan(settings: Settings, request: Request, inputs: Inputs, states: dict[str, RoleState],
         *, path: Location, real: dict[str, RoleState] | None = None,
         bounced: dict[str, Any] | None = None) -> Plan:
    """Compose the messages and decide, per role, from the audit state (`states` of the kind
    being sent; `real`, the real sends', give the baselines of the changes section)."""
    baselines = baselines_for(request.roles, states if real is None else real, inputs.as_of, path)
    messages, snap = _compose(settings, request, inputs, baselines)
    decisions = tuple(_bounces(decide(m, states.get(m.role), request.force), bounced or {}, request.strict)
                      for m in messages)
    return Plan(request, settings, inputs, messages, decisions, path, snap)


def preview(settings: Settings, request: Request, aws: Aws | None = None) -> Plan:
    """Plan without sending or locking: what a send would do now."""
    check_request(request)
    inputs = read_inputs(settings, request, aws=aws)
    path = audit_path(settings, request.audit_log)
    states: dict[str, RoleState] = {}
    real: dict[str, RoleState] = {}
    bounced: dict[str, Any] = {}
    if exists(path):
        from reports.ledger.audit import as_role_states, read_tail

        tail = read_tail(path).states  # one read serves both kinds and the bounce list
        states = as_role_states(tail, "test" if request.test_to else "real")
        real = as_role_states(tail, "real") if request.test_to else states
        bounced = dict(tail.get("_bounced") or {})
    return plan(settings, request, inputs, states, path=path, real=real, bounced=bounced)

