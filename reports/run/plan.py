"""Compose the messages and decide per role: a preview, or the plan a send executes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from reports.aws.session import Aws
from reports.collector import no_cyclic_gc as _no_cyclic_gc
from reports.config import Settings
from reports.errors import ConfigError
from reports.location import Location
from reports.patterns import compiled
from reports.progress import logger
from reports.run.decide import _bounces, decide, same_message
from reports.run.inputs import audit_path, check_request, exists, read_inputs
from reports.run.types import Inputs, Plan, Request

if TYPE_CHECKING:
    from reports.ledger.records import Record
    from reports.ledger.states import RoleState
    from reports.ledger.store import AuditStore
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


def baselines_for(roles: Sequence[str], real: dict[str, RoleState], as_of: date, store: AuditStore) -> Baselines:
    """Per role, the snapshot of the last report sent with an earlier as-of date (a same-day
    resend compares against the same one), or a note saying why there is none."""
    from reports.figures.changes import decode

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
        digest = record.get("snapshot")
        snap = decode(store.read_snapshot(digest), digest) if digest else None
        out[role] = (snap, None) if snap is not None else (
            None, f"The figures of the report of {record.get('as_of') or 'an earlier date'} are missing or "
                  "damaged beside the audit log: nothing to compare.")
    return out


def check_expected(msg: Outgoing, expected: str) -> None:
    """--expect-sha256: the hash, or a prefix of it of at least 12 hex digits, as shown."""

    want = expected.strip().lower()
    if not compiled(r"[0-9a-f]{12,64}").fullmatch(want):
        raise ConfigError(f"--expect-sha256 '{expected}' is not 12 to 64 hex digits of a hash that "
                          "a preview showed")
    if not msg.sha256.startswith(want):
        raise ConfigError(f"--expect-sha256: the {msg.role} report differs from what you previewed "
                          f"(it now hashes to {msg.sha256[:len(want)]}, not {want}); preview it again "
                          "before sending")


def plan(settings: Settings, request: Request, inputs: Inputs, store: AuditStore | None,
         path: Location | None = None) -> Plan:
    """Compose the messages and decide, per role, from the audit store's state (read by the
    caller: opened for a send, peeked for a preview; None for a log at `path` not written
    yet): the states of the kind being sent, the real sends' snapshots for the changes
    section, the bounced addresses, and the index of every message sent before."""
    kind = "test" if request.test_to else "real"
    states, real = (store.states(kind), store.states("real")) if store else ({}, {})
    baselines: Baselines = (baselines_for(request.roles, real, inputs.as_of, store) if store
                            else {role: (None, None) for role in request.roles})
    messages, snap = _compose(settings, request, inputs, baselines)
    bounced = store.bounced() if store else {}
    decisions = tuple(_bounces(decide(m, states.get(m.role), request.force,
                                      _earlier(store, kind, m, states.get(m.role), request.force) if store else None),
                               bounced, request.strict) for m in messages)
    location = store.location if store else path
    assert location is not None
    return Plan(request, settings, inputs, messages, decisions, location, snap)


def _earlier(store: AuditStore, kind: str, msg: Outgoing, state: RoleState | None, force: bool) -> Record | None:
    """The earlier send of this very message, if the store's index has one (not looked up
    when the last send was this message, or under --force: the decision needs no more)."""
    from reports.ledger.states import identity

    if force or (state is not None and state.sent is not None and same_message(state.sent, msg)):
        return None
    return store.sent_before(identity(kind, msg.role, msg.sha256, msg.sender, msg.to, msg.bcc))


def preview(settings: Settings, request: Request, aws: Aws | None = None) -> Plan:
    """Plan without sending or locking: what a send would do now."""
    check_request(request)
    aws = aws or Aws(settings)  # one session for S3 handoffs and an S3 log alike (no boto3 until used)
    inputs = read_inputs(settings, request, aws=aws)
    path = audit_path(settings, request.audit_log)
    if not exists(path):
        # A local log not written yet has nothing to read; not importing the ledger for it
        # saves a first preview about 4 ms of 90 (farm-bench, the bundled sample).
        return plan(settings, request, inputs, None, path)
    from reports.ledger.stores import open_store

    store = open_store(path, aws.s3)
    store.peek()
    return plan(settings, request, inputs, store)
