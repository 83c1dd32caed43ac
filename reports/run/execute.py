"""Carry out a plan: record each attempt before SES is called and its outcome after."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from reports.errors import AuditError, DeliveryError
from reports.progress import PROGRESS, RESULT, logger
from reports.run.decide import decide
from reports.run.types import HOLD, REFUSE, SEND, SKIP, Decision, Plan, Result, Sender

if TYPE_CHECKING:
    from reports.ledger.audit import AuditLog


log = logger(__name__)


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

