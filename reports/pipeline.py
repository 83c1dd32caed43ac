"""One run: read the handoffs, compose the messages, plan a decision per role, execute it.

Every entry point (the CLI, the benchmark, a scheduled runner) calls this
module and only maps its results to output. The policies live here: --strict,
the bundled sample, --expect-sha256, the default audit path, "today" in the
report time zone, and the resend rules (skip, hold, send).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from reports import ROLES, SAMPLE_DIR
from reports.config import Settings
from reports.errors import AuditError, ConfigError, DeliveryError, HandoffError
from reports.location import Location, S3Url
from reports.progress import PROGRESS, RESULT, WARNING, logger

if TYPE_CHECKING:
    from reports.ledger.audit import AuditLog, RoleState
    from reports.model import Portfolio
    from reports.render.compose import Baselines, Outgoing

log = logger(__name__)

# Decisions a plan makes for each role.
SEND, SKIP, HOLD, REFUSE = "send", "skip", "hold", "refuse"


class Request(NamedTuple):
    """What the caller asks of one run; None means "from configuration"."""

    roles: tuple[str, ...] = ROLES
    handoffs: Location | None = None  # given explicitly (--handoffs): may name the sample
    as_of: date | None = None
    audit_log: Location | None = None
    strict: bool = False
    force: bool = False
    test_to: str | None = None
    expect_sha256: str | None = None


class Inputs(NamedTuple):
    """The portfolio read for a run, and where from."""

    portfolio: Portfolio
    folder: Location
    is_sample: bool
    as_of: date


class Decision(NamedTuple):
    """What the run will do with one role's message, and why."""

    role: str
    action: str  # send | skip | hold | refuse
    reason: str
    message: Outgoing
    alerts: tuple[str, ...] = ()  # said before sending: a recipient that hard-bounced


class Plan(NamedTuple):
    """Everything needed to preview or execute a run."""

    request: Request
    settings: Settings
    inputs: Inputs
    messages: tuple[Outgoing, ...]
    decisions: tuple[Decision, ...]
    audit_path: Location
    snapshot: dict[str, Any] | None = None  # kept beside the log for each real report sent


class Result(NamedTuple):
    """How one role ended."""

    role: str
    outcome: str  # sent | test | skipped | held | refused | failed | unknown
    detail: str
    message_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("sent", "test", "skipped")


class Sender(Protocol):
    def prepare(self) -> None: ...

    def send(self, msg: Outgoing) -> str: ...


# --------------------------------------------------------------------------
# Inputs


def today(settings: Settings) -> date:
    """Today's date in the report time zone."""
    if settings.tz == "UTC":
        return datetime.now(UTC).date()
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(settings.tz)).date()


def audit_path(settings: Settings, override: Location | None = None) -> Location:
    """The audit log: --audit-log, else AUDIT_LOG, else the user state directory."""
    if override is not None:
        return override
    if settings.audit_log is not None:
        return settings.audit_log
    return default_state_dir() / "audit.jsonl"


def default_state_dir() -> Path:
    """The user state directory, as platformdirs names it. On Linux its XDG rule is
    applied here (a test holds it to platformdirs' answer): importing platformdirs
    costs a preview a twentieth of its start-up."""
    import sys

    if sys.platform == "linux":
        base = os.environ.get("XDG_STATE_HOME", "")
        if not base.strip():
            base = os.path.expanduser("~/.local/state")
        return Path(base) / "send-exec-reports"
    from platformdirs import user_state_path

    return user_state_path("send-exec-reports")


def handoff_folder(settings: Settings, explicit: Location | None) -> tuple[Location, bool]:
    """The handoff folder and whether it is the bundled sample by default."""
    folder = explicit or settings.handoffs_dir
    if folder is None:
        log.warning("note: no handoff folder configured; using the bundled sample portfolio at "
                    "%s (set HANDOFFS_DIR or pass --handoffs)", SAMPLE_DIR)
        return SAMPLE_DIR, True
    key = "--handoffs" if explicit else f"HANDOFFS_DIR ({settings.where('HANDOFFS_DIR')})"
    if isinstance(folder, S3Url):
        return folder, False
    if not folder.exists():
        raise ConfigError(f"{key}: handoff folder {folder} does not exist")
    if not folder.is_dir():
        raise ConfigError(f"{key}: {folder} is not a folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ConfigError(f"{key}: handoff folder {folder} is not readable")
    return folder, False


def exists(path: Location) -> bool:
    """A local log that exists; an S3 one is always read (it may be empty)."""
    return isinstance(path, S3Url) or path.exists()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Reading and rendering build large acyclic structures: the cyclic collector's
    passes over them are pure overhead (10-15% at 10,000 entities)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read_inputs(settings: Settings, request: Request, *, strict: bool | None = None,
                announce: bool = True) -> Inputs:
    """Read the handoff folder into a Portfolio, applying --strict; `announce` says how
    many warnings there are (not wanted by `check`, which lists them)."""
    folder, is_sample = handoff_folder(settings, request.handoffs)
    as_of = request.as_of or today(settings)
    started = time.perf_counter()
    with _no_cyclic_gc():
        from reports.read.folder import read_portfolio  # imported here: its import builds no cycles either

        portfolio = read_portfolio(folder, as_of)
    log.debug("read %d handoff file(s) under %s: %d entities, in %.3f s", len(portfolio.files), folder,
              len(portfolio.entities), time.perf_counter() - started)
    if not portfolio.files:
        raise HandoffError(f"no handoff files (*.md) found under {folder}")
    if portfolio.warnings and announce:
        log.warning("%d handoff warning(s) in %s; list them with `send-exec-reports check`",
                    len(portfolio.warnings), folder)
        if request.strict if strict is None else strict:
            for w in portfolio.warnings[:20]:
                log.warning("%s: %s", w.source, w.message)
            raise HandoffError(f"--strict: {len(portfolio.warnings)} handoff warning(s); nothing sent")
    return Inputs(portfolio, folder, is_sample, as_of)


# --------------------------------------------------------------------------
# Planning


def compose(settings: Settings, request: Request, inputs: Inputs,
            baselines: Baselines | None = None) -> tuple[Outgoing, ...]:
    """Render and address each selected role's message; check --expect-sha256."""
    check_request(request)
    messages, _ = _compose(settings, request, inputs, baselines)
    return messages


def check_request(request: Request) -> None:
    """What can be refused before anything is read."""
    if request.expect_sha256 and len(request.roles) != 1:
        raise ConfigError("--expect-sha256 needs exactly one --role")


def _compose(settings: Settings, request: Request, inputs: Inputs, baselines: Baselines | None
             ) -> tuple[tuple[Outgoing, ...], dict[str, Any] | None]:
    """The messages and, with baselines, the snapshot a send keeps for the next report."""
    started = time.perf_counter()
    with _no_cyclic_gc():
        from reports.figures.changes import snapshot
        from reports.figures.finance import figures
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


def decide(msg: Outgoing, state: RoleState | None, force: bool) -> Decision:
    """Send, skip (unchanged since the last send) or hold (an attempt of unknown outcome)."""
    from reports.render.compose import MAX_MESSAGE_BYTES

    size = len(msg.body.encode()) + len(msg.subject.encode())
    if size > MAX_MESSAGE_BYTES:
        return Decision(msg.role, REFUSE, f"{size:,} bytes is over the SES limit; nothing sent", msg)
    if force or state is None:
        return Decision(msg.role, SEND, "forced" if force else "first send", msg)
    pending = state.unknown
    if pending is not None:
        return Decision(msg.role, HOLD, f"an attempt at {pending['ts']} (run {str(pending['run_id'])[:8]}) "
                        "may or may not have been delivered; check the inbox, then run again with "
                        "--force to send", msg)
    previous = state.sent
    if previous and (previous["sha256"], previous["to"], previous["bcc"], previous["from"]) == (
            msg.sha256, list(msg.to), list(msg.bcc), msg.sender):
        return Decision(msg.role, SKIP, f"unchanged since {previous['ts']}", msg)
    return Decision(msg.role, SEND, "changed since the last send" if previous else "first send", msg)


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


def _bounces(decision: Decision, bounced: dict[str, Any], strict: bool) -> Decision:
    """Warn about a recipient that hard-bounced or complained; --strict refuses the report."""
    if decision.action != SEND or not bounced:
        return decision
    from reports.ledger.audit import addr_spec

    msg = decision.message
    hit = [a for a in (*msg.to, *msg.bcc) if addr_spec(a) in bounced]
    if not hit:
        return decision
    said = tuple(f"{msg.role}: {addr_spec(a)} had a {bounced[addr_spec(a)].get('why')} at "
                 f"{bounced[addr_spec(a)].get('ts')}" for a in hit)
    if strict:
        return decision._replace(action=REFUSE, reason="; ".join(said) + " (--strict: not sent to it)",
                                 alerts=said)
    return decision._replace(alerts=said)


def preview(settings: Settings, request: Request) -> Plan:
    """Plan without sending or locking: what a send would do now."""
    check_request(request)
    inputs = read_inputs(settings, request)
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


# --------------------------------------------------------------------------
# Sending


def check_sendable(settings: Settings, request: Request, inputs: Inputs) -> None:
    """Refuse to send the bundled sample unless it was named on purpose."""
    if inputs.is_sample and request.handoffs is None:
        raise ConfigError("refusing to send the bundled sample portfolio; set HANDOFFS_DIR, or pass "
                          f"--handoffs {inputs.folder} to send it on purpose")


def run(settings: Settings, request: Request, *, sender: Sender | None = None,
        confirm: Callable[[Plan], bool] | None = None) -> tuple[Plan, list[Result]]:
    """Read, plan under the audit log's lock, and execute: the whole send."""
    from reports.config import require_sending, validate_fully
    from reports.ledger.audit import open_log, private

    check_request(request)
    require_sending(settings, () if request.test_to else request.roles)
    validate_fully(settings)
    inputs = read_inputs(settings, request)
    check_sendable(settings, request, inputs)
    if not inputs.portfolio.entities:
        raise HandoffError(f"no entities were read from {inputs.folder}: nothing to report, so nothing "
                           "sent; run `send-exec-reports check` to see why")
    if sender is None:
        from reports.aws.ses import SesSender

        sender = SesSender(settings)
    sender.prepare()  # a bad endpoint or client set-up is a configuration error, before any record
    path = audit_path(settings, request.audit_log)
    with open_log(path) as audit_log:
        ok, text = private(path)
        if not ok:
            log.warning("warning: %s", text)
        the_plan = plan(settings, request, inputs, audit_log.states(kind="test" if request.test_to else "real"),
                        path=path, real=audit_log.states(kind="real"),
                        bounced=dict(audit_log.raw_states().get("_bounced") or {}))
        if confirm is not None and not confirm(the_plan):
            log.log(RESULT, "not confirmed: nothing sent")
            return the_plan, [Result(d.role, "refused", "not confirmed") for d in the_plan.decisions]
        results = execute(the_plan, audit_log, sender)
        sent = sum(r.outcome in ("sent", "test") for r in results)
        skipped = sum(r.outcome == "skipped" for r in results)
        log.log(RESULT, "%d sent, %d unchanged, %d failed or held; audit log %s head %s",
                sent, skipped, len(results) - sent - skipped, path, audit_log.head)
    return the_plan, results


def execute(the_plan: Plan, audit_log: AuditLog, sender: Sender) -> list[Result]:
    """Carry out each decision, recording every attempt and outcome in the audit log.

    If the log cannot be written, the run stops before any further send, says
    which roles were sent but not recorded and which were not started, and
    raises AuditError (exit 4).
    """
    from reports.ledger.audit import AuditWriteError

    carrier = _Carrier(the_plan, audit_log, sender)
    try:
        carrier.inputs()
        for decision in the_plan.decisions:
            carrier.results.append(carrier.carry_out(decision))
    except AuditWriteError as exc:
        done = {r.role for r in carrier.results}
        for d in the_plan.decisions:
            if d.role in done:
                continue
            if d.role == carrier.current and carrier.sent_id:
                log.log(RESULT, "%s: SENT (message id %s) but NOT RECORDED in the audit log", d.role,
                        carrier.sent_id)
            elif d.role == carrier.current:
                log.log(RESULT, "%s: NOT SENT: its attempt could not be recorded", d.role)
            else:
                log.log(RESULT, "%s: not started", d.role)
        raise AuditError(f"{exc}; stopped before sending anything more") from None
    return carrier.results


CLAIM_TRIES = 8


class _Carrier:
    """One execution: the run id, the endpoint's health, where it got to."""

    def __init__(self, the_plan: Plan, audit_log: AuditLog, sender: Sender) -> None:
        self.plan, self.log, self.sender = the_plan, audit_log, sender
        self.run_id = os.urandom(16).hex()  # as uuid4().hex, without importing uuid (and platform)
        self.kind = "test" if the_plan.request.test_to else "real"
        self.endpoint_down: str | None = None
        self.results: list[Result] = []
        self.current: str | None = None
        self.sent_id: str | None = None
        # The states the plan decided on: a claim holds only while the role's state is still
        # this one (on S3 another run may have moved it since, even with no conflict).
        self.planned = audit_log.states(self.kind)

    def inputs(self) -> None:
        """Record the input files' hashes once, before the first attempt."""
        if not any(d.action == SEND for d in self.plan.decisions):
            return
        from reports.ledger.audit import AuditWriteError

        portfolio = self.plan.inputs.portfolio
        try:
            self.log.save_manifest(portfolio.inputs_sha256, [(f.path, f.sha256) for f in portfolio.files])
        except OSError as exc:
            raise AuditWriteError(f"cannot write the inputs manifest beside the audit log "
                                  f"({exc.strerror or exc})") from None
        self.append("inputs", run_id=self.run_id, inputs_sha256=portfolio.inputs_sha256,
                        files=len(portfolio.files))

    def _keep_snapshot(self) -> str | None:
        """Write the run's snapshot beside the log (once, mode 0600); its hash, or None."""
        assert self.plan.snapshot is not None
        from reports.figures.changes import encode

        data, digest = encode(self.plan.snapshot)  # encoded only when a report is sent
        try:
            self.log.save_snapshot(digest, data)
        except OSError as exc:
            log.warning("warning: the figures for the next report's changes could not be kept (%s)",
                        exc.strerror or exc)
            return None
        return digest

    def append(self, event: str, **fields: Any) -> None:
        """Append a record; on S3, after another run took the seq, catch up and append again."""
        from reports.ledger.s3store import AuditConflict

        for _ in range(CLAIM_TRIES):
            try:
                self.log.append(event, **fields)
                return
            except AuditConflict:
                self.log.refresh()
        raise AuditError(f"the audit log kept changing under this run ({CLAIM_TRIES} tries); run again")

    def claim(self, fields: dict[str, Any]) -> bool:
        """Write the attempt record, the claim on a send. False when another run's records
        arrived first and this run should decide again from them; never sends on a lost claim."""
        from reports.ledger.s3store import AuditConflict

        role = fields["role"]
        before = self.planned.get(role)
        for _ in range(CLAIM_TRIES):
            if self.log.states(self.kind).get(role) != before:
                return False  # this role's state moved since the plan: another run is at it
            try:
                self.log.append("attempt", **fields, inputs_sha256=self.plan.inputs.portfolio.inputs_sha256)
                return True
            except AuditConflict:
                self.log.refresh()
                if self.log.states(self.kind).get(role) != before:
                    return False  # this role's state moved: another run is sending it or sent it
        raise AuditError(f"the audit log kept changing under this run ({CLAIM_TRIES} tries); run again")

    def carry_out(self, decision: Decision) -> Result:
        msg = decision.message
        self.current, self.sent_id = msg.role, None
        fields = {"run_id": self.run_id, "kind": self.kind, "role": msg.role,
                  "as_of": self.plan.inputs.as_of.isoformat(), "subject": msg.subject, "from": msg.sender,
                  "to": list(msg.to), "bcc": list(msg.bcc), "sha256": msg.sha256}
        if decision.action in (HOLD, SKIP):
            held = decision.action == HOLD
            self.append("skipped", **fields, reason=f"held: {decision.reason}" if held else decision.reason)
            if held:
                log.log(RESULT, "%s: HELD \u2014 %s", msg.role, decision.reason)
                return Result(msg.role, "held", decision.reason)
            log.log(RESULT, "%s: skipped, %s (--force sends it)", msg.role, decision.reason)
            return Result(msg.role, "skipped", decision.reason)
        for alert in decision.alerts:
            log.warning("warning: %s", alert)
        if decision.action == REFUSE or self.endpoint_down is not None:
            why = (decision.reason if decision.alerts else f"MessageTooLarge: {decision.reason}")
            why = why if decision.action == REFUSE else f"not attempted: {self.endpoint_down}"
            self.append("failed", **fields, outcome="failed", error=why)
            log.log(RESULT, "%s: FAILED \u2014 %s", msg.role, why)
            return Result(msg.role, "failed", why)
        if not self.claim(fields):
            state = self.log.states(self.kind).get(msg.role)
            again = decide(msg, state, self.plan.request.force)
            log.log(RESULT, "%s: another run got there first; decided again: %s", msg.role, again.action)
            if again.action == SEND:
                again = again._replace(action=HOLD, reason="another run claimed this report first; run "
                                       "again to see what it did")
            return self.carry_out(again)
        log.log(PROGRESS, "%s: sending to %s", msg.role, ", ".join(msg.to))
        try:
            message_id = self.sender.send(msg)
        except DeliveryError as exc:
            self.append(exc.outcome, **fields, outcome=exc.outcome, error=str(exc))
            if exc.endpoint_down:
                self.endpoint_down = f"{exc.code} while sending the {msg.role} report"
            if exc.outcome == "unknown":
                log.log(RESULT, "%s: OUTCOME UNKNOWN \u2014 %s", msg.role, exc)
                return Result(msg.role, "unknown", str(exc))
            log.log(RESULT, "%s: FAILED \u2014 %s", msg.role, exc)
            return Result(msg.role, "failed", str(exc))
        self.sent_id = message_id
        extra = {"snapshot": self._keep_snapshot()} if not msg.test and self.plan.snapshot else {}
        self.append("sent", **fields, outcome="sent", message_id=message_id, **extra)
        what = "test sent" if msg.test else "sent"
        log.log(RESULT, "%s: %s to %s (message id %s)", msg.role, what, ", ".join(msg.to), message_id)
        return Result(msg.role, "test" if msg.test else "sent", "", message_id)


def exit_code(results: Sequence[Result]) -> int:
    """0 when every role was sent or skipped, else 1."""
    return 0 if all(r.ok for r in results) else 1


__all__ = ["HOLD", "REFUSE", "SEND", "SKIP", "WARNING", "Decision", "Inputs", "Plan", "Request",
           "Result", "execute", "plan", "preview", "read_inputs", "run"]
