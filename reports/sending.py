"""Send the composed reports under the audit log's lock, applying the resend rules."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from .audit import AuditLog, open_log
from .compose import MAX_MESSAGE_BYTES, Outgoing
from .config import Settings
from .errors import DeliveryError

# Errors that say the endpoint itself is unreachable or silent: the other reports are
# not tried against it (each still gets a `failed` record), so a run stays short.
# SES received the request but never answered: it may have sent the message.
OUTCOME_UNKNOWN = "outcome unknown: "
ENDPOINT_ERRORS = ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError",
                   "ConnectionClosedError")


class Sender(Protocol):
    def send(self, msg: Outgoing) -> str: ...


def last_sent(log: AuditLog, role: str) -> dict[str, Any] | None:
    """The last `sent` record for a role."""
    return next((r for r in reversed(log.records) if r["role"] == role and r["event"] == "sent"), None)


def unknown_attempt(log: AuditLog, role: str) -> dict[str, Any] | None:
    """The role's latest attempt whose outcome is unknown: an `attempt` with no record
    after it, or a `failed` one recording that SES may have sent it after all."""
    timed_out = False
    for rec in reversed(log.records):
        if rec["role"] != role:
            continue
        if rec["event"] == "attempt":
            return rec
        if rec["event"] == "failed" and str(rec["error"]).startswith(OUTCOME_UNKNOWN) and not timed_out:
            timed_out = True  # the attempt just before it is the one to name
            continue
        if rec["event"] in ("sent", "failed", "test", "skipped") or timed_out:
            return None
    return None


def send_all(messages: Sequence[Outgoing], settings: Settings, audit_path: Path, *, force: bool,
             inputs_sha256: str, say: Callable[[str, int], None],
             sender: Sender | None = None) -> int:
    """Send each message once; return 0 when all went or were unchanged, else 1."""
    run_id = uuid.uuid4().hex
    failures = sent = skipped = 0
    endpoint_down: str | None = None
    with open_log(audit_path) as log:
        if sender is None:
            from .delivery import SesSender
            sender = SesSender(settings)
        for msg in messages:
            fields = {"run_id": run_id, "role": msg.role, "subject": msg.subject, "from": msg.sender,
                      "to": list(msg.to), "bcc": list(msg.bcc), "sha256": msg.sha256,
                      "inputs_sha256": inputs_sha256}
            if not msg.test and not force:
                pending = unknown_attempt(log, msg.role)
                if pending is not None:
                    say(f"{msg.role}: HELD — an attempt at {pending['ts']} (run {str(pending['run_id'])[:8]}) "
                        "may or may not have been delivered; check the inbox, then run again with --force "
                        "to send", 0)
                    failures += 1
                    continue
                previous = last_sent(log, msg.role)
                if previous and (previous["sha256"], previous["to"], previous["bcc"], previous["from"]) == (
                        msg.sha256, list(msg.to), list(msg.bcc), msg.sender):
                    log.append("skipped", **fields, error="unchanged since " + previous["ts"])
                    say(f"{msg.role}: skipped, unchanged since {previous['ts']} (--force sends it)", 0)
                    skipped += 1
                    continue
            size = len(msg.body.encode()) + len(msg.subject.encode())
            if size > MAX_MESSAGE_BYTES:
                log.append("failed", **fields, error=f"MessageTooLarge: {size} bytes")
                say(f"{msg.role}: FAILED — {size:,} bytes is over the SES limit; nothing sent", 0)
                failures += 1
                continue
            if endpoint_down is not None:
                log.append("failed", **fields, error=f"not attempted: {endpoint_down}")
                say(f"{msg.role}: FAILED — not attempted, the SES endpoint failed earlier in this run", 0)
                failures += 1
                continue
            log.append("attempt", **fields)
            try:
                message_id = sender.send(msg)
            except DeliveryError as exc:
                unknown = OUTCOME_UNKNOWN if exc.code == "ReadTimeoutError" else ""
                log.append("failed", **fields, error=f"{unknown}{exc}")
                say(f"{msg.role}: FAILED — {exc}", 0)
                failures += 1
                if exc.code in ENDPOINT_ERRORS:
                    endpoint_down = f"{exc.code} while sending the {msg.role} report"
                continue
            log.append("test" if msg.test else "sent", **fields, message_id=message_id)
            say(f"{msg.role}: {'test sent' if msg.test else 'sent'} to {', '.join(msg.to)} "
                f"(message id {message_id})", 0)
            sent += 1
        say(f"{sent} sent, {skipped} unchanged, {failures} failed or held; audit log {audit_path} "
            f"head {log.head}", 0)
    return 1 if failures else 0
