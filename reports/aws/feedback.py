"""Delivery feedback: SES notifications from an SQS queue into the audit log.

SES publishes an event for each message sent with a configuration set that has
an event destination (an SNS topic, subscribed by an SQS queue). This module
drains that queue, matches each event's `mail.messageId` to a `sent` record,
and appends a `delivered`, `bounced`, `complained`, `delayed` or `rejected`
record. A queue message is deleted only after its record is fsynced; a
duplicate adds nothing; a notification for a message this log never sent is
deleted without a record; a malformed one is left on the queue.
"""

from __future__ import annotations

import json
import time
from typing import Any, NamedTuple

from reports.digest import sha256_hex
from reports.ledger.store import AuditStore
from reports.progress import DETAIL, RESULT, logger

log = logger(__name__)
EVENTS = {"delivery": "delivered", "bounce": "bounced", "complaint": "complained",
          "deliverydelay": "delayed", "reject": "rejected", "rendering failure": "rejected",
          "renderingfailure": "rejected"}


class Notification(NamedTuple):
    """One SES event, as the audit log records it."""

    key: str  # what makes a duplicate a duplicate: the SNS message id, else the body's hash
    event: str  # delivered | bounced | complained | delayed | rejected
    message_id: str
    recipients: tuple[str, ...]
    detail: dict[str, Any]  # bounce type and subtype, diagnostic codes, reasons


class Malformed(ValueError):
    """A queue message that is not an SES notification this tool can read."""


def parse(body: str) -> Notification:
    """Read a queue message: an SNS envelope around an SES event (event publishing, or the
    older identity notifications), or the event itself (raw message delivery)."""
    try:
        outer = json.loads(body)
    except ValueError:
        raise Malformed("not JSON") from None
    if not isinstance(outer, dict):
        raise Malformed("not a JSON object")
    key = str(outer.get("MessageId") or sha256_hex(body.encode()))
    inner: Any = outer
    if outer.get("Type") == "Notification" and "Message" in outer:
        try:
            inner = json.loads(outer["Message"])
        except (TypeError, ValueError):
            raise Malformed("the SNS Message is not JSON") from None
    if not isinstance(inner, dict):
        raise Malformed("the notification is not a JSON object")
    kind = str(inner.get("eventType") or inner.get("notificationType") or "")
    event = EVENTS.get(kind.lower())
    mail = inner.get("mail")
    message_id = mail.get("messageId") if isinstance(mail, dict) else None
    if event is None or not isinstance(message_id, str) or not message_id:
        raise Malformed(f"no known eventType or notificationType with mail.messageId (got {kind!r})")
    recipients, detail = _details(event, inner)
    return Notification(key, event, message_id, recipients, detail)


def _details(event: str, inner: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    def addresses(items: Any, field: str = "emailAddress") -> tuple[str, ...]:
        if not isinstance(items, list):
            return ()
        return tuple(str(i.get(field) if isinstance(i, dict) else i) for i in items)

    if event == "delivered":
        body = inner.get("delivery") or {}
        return addresses(body.get("recipients"), field=""), {}
    if event == "bounced":
        body = inner.get("bounce") or {}
        found = body.get("bouncedRecipients") or []
        codes = {str(r.get("emailAddress")): r.get("diagnosticCode") for r in found if isinstance(r, dict)}
        return addresses(found), {"bounce_type": body.get("bounceType"),
                                  "bounce_subtype": body.get("bounceSubType"), "diagnostic": codes}
    if event == "complained":
        body = inner.get("complaint") or {}
        return addresses(body.get("complainedRecipients")), {
            "feedback_type": body.get("complaintFeedbackType")}
    if event == "delayed":
        body = inner.get("deliveryDelay") or {}
        return addresses(body.get("delayedRecipients")), {"delay_type": body.get("delayType")}
    body = inner.get("reject") or inner.get("failure") or {}
    mail = inner.get("mail") or {}
    return tuple(str(a) for a in mail.get("destination") or ()), {
        "reason": body.get("reason") or body.get("errorMessage")}


class Drained(NamedTuple):
    applied: int
    duplicates: int
    unknown: int
    malformed: int


def drain(queue_url: str, audit_log: AuditStore, client: Any, *, seconds: float = 30, wait: int = 2,
          said: Any = None, visibility: int = 30) -> Drained:
    """Drain the queue for up to `seconds`: apply each notification to the log, then delete it."""
    applied = duplicates = unknown = malformed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                        WaitTimeSeconds=max(0, min(wait, int(deadline - time.monotonic()))),
                                        VisibilityTimeout=visibility)
        batch = answer.get("Messages") or []
        if not batch:
            break
        for message in batch:
            try:
                note = parse(str(message.get("Body", "")))
            except Malformed as exc:
                malformed += 1
                log.warning("warning: queue message %s is not an SES notification (%s); left on the queue "
                            "for its redrive policy", message.get("MessageId"), exc)
                continue
            outcome = apply(audit_log, note)
            if outcome == "applied":
                applied += 1
                if said is not None:
                    said(note)
            elif outcome == "duplicate":
                duplicates += 1
            else:
                unknown += 1
            # Deleted only now: the record (if any) is already written and fsynced.
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    log.log(DETAIL, "%d duplicate(s) and %d notification(s) for messages this log did not send were "
            "deleted without a record", duplicates, unknown)
    return Drained(applied, duplicates, unknown, malformed)


def apply(audit_log: AuditStore, note: Notification) -> str:
    """Append the notification's record: applied, duplicate or unknown (not our message)."""
    if not audit_log.feedback_loaded:
        audit_log.load_feedback_index()
    states = audit_log.raw_states()
    if note.key in (states.get("_applied") or {}):
        return "duplicate"
    sent = (states.get("_messages") or {}).get(note.message_id)
    if sent is None:
        return "unknown"
    audit_log.append(note.event, run_id=None, role=sent["role"], kind=sent.get("kind", "real"),
                     message_id=note.message_id, event_id=note.key, recipients=list(note.recipients),
                     **{k: v for k, v in note.detail.items() if v is not None})
    log.log(RESULT, "%s: %s %s (message id %s)", sent["role"], note.event, ", ".join(note.recipients) or "-",
            note.message_id)
    return "applied"
