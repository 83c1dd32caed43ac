"""Carry out a plan: record each attempt before SES is called and its outcome after."""

from __future__ import annotations

import os
from typing import Any

from reports.errors import AuditError, DeliveryError, Interrupted
from reports.ledger.store import AuditStore, AuditWriteError
from reports.progress import PROGRESS, RESULT, logger
from reports.run.decide import decide
from reports.run.types import HOLD, REFUSE, SEND, SKIP, Decision, Plan, Result, Sender

log = logger(__name__)


def execute(the_plan: Plan, store: AuditStore, sender: Sender) -> list[Result]:
    """Carry out each decision, recording every attempt and outcome in the audit log.

    If the log cannot be written or read, the run stops before any further send, says
    which role was sent but not recorded (with its message id), which was not sent and
    why, and which were not started, and raises AuditError (exit 4).
    """
    carrier = _Carrier(the_plan, store, sender)
    try:
        carrier.inputs()
        for decision in the_plan.decisions:
            carrier.results.append(carrier.carry_out(decision))
    except AuditError as exc:
        carrier.say_unfinished()
        raise AuditError(f"{exc}; stopped before sending anything more") from None
    except KeyboardInterrupt:
        carrier.say_unfinished(interrupted=True)
        raise Interrupted(carrier.interrupted_summary()) from None
    return carrier.results


class _Carrier:
    """One execution: the run id, the endpoint's health, where it got to."""

    def __init__(self, the_plan: Plan, store: AuditStore, sender: Sender) -> None:
        self.plan, self.log, self.sender = the_plan, store, sender
        self.run_id = os.urandom(16).hex()  # as uuid4().hex, without importing uuid (and platform)
        self.kind = "test" if the_plan.request.test_to else "real"
        self.endpoint_down: str | None = None
        self.results: list[Result] = []
        self.current: str | None = None
        self.sent_id: str | None = None
        self.claimed = False  # the current role's attempt is recorded: SES may be sending it
        self.not_sent = "its attempt could not be recorded"
        # The states the plan decided on: a claim holds only while the role's state is still
        # this one (on S3 another run may have moved it since, even with no conflict).
        self.planned = store.states(self.kind)

    def say_unfinished(self, interrupted: bool = False) -> None:
        """After the log failed or Ctrl-C: each role not finished, with what became of it."""
        done = {r.role for r in self.results}
        for d in self.plan.decisions:
            if d.role in done:
                continue
            if d.role == self.current and self.sent_id:
                log.log(RESULT, "%s: SENT (message id %s) but NOT RECORDED in the audit log", d.role, self.sent_id)
            elif d.role == self.current and interrupted and self.claimed:
                log.log(RESULT, "%s: INTERRUPTED while sending: SES may have sent it; held until you check "
                        "the inbox and send it again with --force", d.role)
            elif d.role == self.current:
                log.log(RESULT, "%s: NOT SENT: %s", d.role, "interrupted before its attempt" if interrupted
                        else self.not_sent)
            else:
                log.log(RESULT, "%s: not started", d.role)

    def interrupted_summary(self) -> str:
        """One line for Ctrl-C: how many roles ended each way, and how many never started."""
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        ended = ", ".join(f"{n} {outcome}" for outcome, n in counts.items()) or "nothing finished"
        left = len(self.plan.decisions) - len(self.results)
        return f"interrupted: {ended}; {left} not finished or not started (listed above)"

    def inputs(self) -> None:
        """Record the input files' hashes once, before the first attempt."""
        if not any(d.action == SEND for d in self.plan.decisions):
            return
        portfolio = self.plan.inputs.portfolio
        try:
            self.log.save_manifest(portfolio.inputs_sha256, [(f.path, f.sha256) for f in portfolio.files])
        except OSError as exc:
            raise AuditWriteError(f"cannot write the inputs manifest beside the audit log "
                                  f"({exc.strerror or exc})") from None
        self.log.append("inputs", run_id=self.run_id, inputs_sha256=portfolio.inputs_sha256,
                        files=len(portfolio.files))

    def _keep_snapshot(self) -> str | None:
        """Keep the run's snapshot beside the log (once, mode 0600); its hash, or None."""
        assert self.plan.snapshot is not None
        from reports.figures.changes import encode

        data, digest = encode(self.plan.snapshot)  # encoded only when a report is sent
        try:
            self.log.save_snapshot(digest, data)
        except (OSError, AuditError) as exc:
            log.warning("warning: the figures for the next report's changes could not be kept (%s)",
                        getattr(exc, "strerror", None) or exc)
            return None
        return digest

    def claim(self, fields: dict[str, Any]) -> bool:
        """Write the attempt record, the claim on a send. False when another run's records
        arrived first and this run should decide again from them; never sends on a lost claim."""
        attempt = {**fields, "inputs_sha256": self.plan.inputs.portfolio.inputs_sha256}
        try:
            return self.log.claim(attempt, self.planned.get(str(fields["role"])))
        except AuditError:
            self.not_sent = self._close_claim(fields)
            raise

    def _close_claim(self, fields: dict[str, Any]) -> str:
        """After a claim that failed part-way (on S3 its record may be there, unconfirmed):
        close it with a `failed` record, so that it does not hold the report; say which."""
        try:
            self.log.refresh()
            state = self.log.states(self.kind).get(str(fields["role"]))
            if state is None or state.unknown is None or state.unknown.get("run_id") != self.run_id:
                return "its attempt could not be recorded"
            self.log.append("failed", **fields, outcome="failed",
                            error="not sent: the attempt record could not be confirmed")
            return "its attempt record could not be confirmed, so it was closed as failed"
        except AuditError:
            return ("its attempt record may be in the log, unconfirmed: if the next run holds this report, "
                    "nothing was sent; send it with --force")

    def carry_out(self, decision: Decision) -> Result:
        msg = decision.message
        self.current, self.sent_id, self.claimed = msg.role, None, False
        fields = {"run_id": self.run_id, "kind": self.kind, "role": msg.role,
                  "as_of": self.plan.inputs.as_of.isoformat(), "subject": msg.subject, "from": msg.sender,
                  "to": list(msg.to), "bcc": list(msg.bcc), "sha256": msg.sha256}
        if decision.action in (HOLD, SKIP):
            held = decision.action == HOLD
            self.log.append("skipped", **fields, reason=f"held: {decision.reason}" if held else decision.reason)
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
            self.log.append("failed", **fields, outcome="failed", error=why)
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
        self.claimed = True
        log.log(PROGRESS, "%s: sending to %s", msg.role, ", ".join(msg.to))
        try:
            message_id = self.sender.send(msg)
        except DeliveryError as exc:
            self.log.append(exc.outcome, **fields, outcome=exc.outcome, error=str(exc))
            if exc.endpoint_down:
                self.endpoint_down = f"{exc.code} while sending the {msg.role} report"
            if exc.outcome == "unknown":
                log.log(RESULT, "%s: OUTCOME UNKNOWN \u2014 %s", msg.role, exc)
                return Result(msg.role, "unknown", str(exc))
            log.log(RESULT, "%s: FAILED \u2014 %s", msg.role, exc)
            return Result(msg.role, "failed", str(exc))
        self.sent_id = message_id
        extra = {"snapshot": self._keep_snapshot()} if not msg.test and self.plan.snapshot else {}
        self.log.append("sent", **fields, outcome="sent", message_id=message_id, **extra)
        what = "test sent" if msg.test else "sent"
        log.log(RESULT, "%s: %s to %s (message id %s)", msg.role, what, ", ".join(msg.to), message_id)
        return Result(msg.role, "test" if msg.test else "sent", "", message_id)

