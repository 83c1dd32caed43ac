"""Delivery feedback: read one SES notification, decide whether to believe it, record it.

A notification is read strictly (`parse`): anything that is not the shape SES
sends is `Malformed`, never an exception of another kind. It is believed
(`Feedback.apply`) only when it names a message this log sent and only for
the addresses that message went to (To, Cc or BCC); when SES_EVENTS_TOPIC_ARN
is set, only from that SNS topic (`check_topic`). What one record holds is
bounded: at most MAX_RECIPIENTS addresses, texts cut to MAX_TEXT characters.
`Feedback` is the only place that touches the audit log.
"""

from __future__ import annotations

import json
from typing import Any

from reports.addresses import addr_spec
from reports.digest import sha256_hex
from reports.errors import AuditError
from reports.ledger.records import FORGOTTEN
from reports.ledger.store import AuditStore
from reports.progress import RESULT, logger
from reports.record import NamedTuple

log = logger(__name__)
EVENTS = {"delivery": "delivered", "bounce": "bounced", "complaint": "complained",
          "deliverydelay": "delayed", "reject": "rejected", "rendering failure": "rejected",
          "renderingfailure": "rejected"}
MAX_BODY = 256 * 1024  # SQS's own limit on one message; anything longer is not from SNS
MAX_RECIPIENTS = 50  # addresses recorded per notification; the count of the rest is kept
MAX_TEXT = 1000  # characters kept of a diagnostic code, a reason, a type
MAX_ID = 256  # an SNS or SES message id is far shorter: a longer one is not believed
SHOWN = 3  # addresses named in one warning


class Notification(NamedTuple):
    """One SES event, as the audit log records it."""

    key: str  # what makes a duplicate a duplicate: the SNS message id, else the body's hash
    event: str  # delivered | bounced | complained | delayed | rejected
    message_id: str
    recipients: tuple[str, ...]  # addr-specs, lower case
    detail: dict[str, Any]  # bounce type and subtype, diagnostic codes, reasons
    topic: str | None = None  # the SNS TopicArn; None without an SNS envelope


class Malformed(ValueError):
    """A queue message that is not an SES notification this tool can read."""


class Refused(ValueError):
    """A notification that reads well but is not believed (another topic, no recipient of ours)."""


def cut(text: str, limit: int = 80) -> str:
    """Outside text shortened for a message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _json(text: str, what: str) -> Any:
    if len(text) > MAX_BODY:
        raise Malformed(f"{what} is over {MAX_BODY // 1024} KB")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise Malformed(f"{what} is not JSON") from None


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed(f"{where} is not a JSON object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Malformed(f"{where} is not a list")
    return value


def _text(value: Any, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value[:MAX_TEXT] if value else None
    raise Malformed(f"{where} is not a string")


def parse(body: str) -> Notification:
    """Read a queue message: an SNS envelope around an SES event (event publishing, or the
    older identity notifications), or the event itself (raw message delivery)."""
    outer = _object(_json(body, "the message"), "the message")
    topic = None
    inner: Any = outer
    if "Type" in outer:
        if outer["Type"] != "Notification" or not isinstance(outer.get("Message"), str):
            raise Malformed(f"an SNS {cut(str(outer['Type']), 40)!r} message, not a Notification with a Message")
        topic = _text(outer.get("TopicArn"), "TopicArn")
        inner = _object(_json(outer["Message"], "the SNS Message"), "the SNS Message")
    sns_id = outer.get("MessageId")
    key = sns_id if isinstance(sns_id, str) and 0 < len(sns_id) <= MAX_ID else sha256_hex(body.encode())
    kind = inner.get("eventType") or inner.get("notificationType")
    event = EVENTS.get(kind.lower()) if isinstance(kind, str) else None
    mail = _object(inner.get("mail"), "mail")
    _list(mail.get("destination"), "mail.destination")
    message_id = mail.get("messageId")
    if event is None or not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_ID:
        raise Malformed(f"no known eventType or notificationType with mail.messageId "
                        f"(got {cut(str(kind), 40)!r})")
    recipients, detail = _details(event, inner, mail)
    if not recipients and event != "rejected":
        raise Malformed(f"a {event} notification that names no recipient")
    return Notification(key, event, message_id, recipients, detail, topic)


def _addresses(items: Any, where: str, field: str | None = "emailAddress") -> tuple[str, ...]:
    out = []
    for n, item in enumerate(_list(items, where)):
        value = _object(item, f"{where}[{n}]").get(field) if field else item
        if not isinstance(value, str) or not value.strip():
            raise Malformed(f"{where}[{n}] is not an address")
        out.append(addr_spec(value[:MAX_TEXT]))
    return tuple(dict.fromkeys(out))


def _details(event: str, inner: dict[str, Any], mail: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The recipients an event names, and what it says of them."""
    if event == "delivered":
        body = _object(inner.get("delivery"), "delivery")
        return _addresses(body.get("recipients"), "delivery.recipients", None), {}
    if event == "bounced":
        body = _object(inner.get("bounce"), "bounce")
        found = _addresses(body.get("bouncedRecipients"), "bounce.bouncedRecipients")
        codes = {addr_spec(str(r["emailAddress"])[:MAX_TEXT]): _text(r.get("diagnosticCode"), "diagnosticCode")
                 for r in body.get("bouncedRecipients") or () if r.get("diagnosticCode") is not None}
        return found, {"bounce_type": _text(body.get("bounceType"), "bounce.bounceType"),
                       "bounce_subtype": _text(body.get("bounceSubType"), "bounce.bounceSubType"),
                       "diagnostic": codes}
    if event == "complained":
        body = _object(inner.get("complaint"), "complaint")
        return _addresses(body.get("complainedRecipients"), "complaint.complainedRecipients"), {
            "feedback_type": _text(body.get("complaintFeedbackType"), "complaint.complaintFeedbackType")}
    if event == "delayed":
        body = _object(inner.get("deliveryDelay"), "deliveryDelay")
        return _addresses(body.get("delayedRecipients"), "deliveryDelay.delayedRecipients"), {
            "delay_type": _text(body.get("delayType"), "deliveryDelay.delayType")}
    name = "reject" if "reject" in inner else "failure"
    body = _object(inner.get(name) or {}, name)
    return _addresses(mail.get("destination"), "mail.destination", None), {
        "reason": _text(body.get("reason") or body.get("errorMessage"), f"{name}.reason")}


def check_topic(note: Notification, topic: str | None) -> None:
    """With SES_EVENTS_TOPIC_ARN set, believe only SNS notifications from that topic."""
    if topic is None or note.topic == topic:
        return
    if note.topic is None:
        raise Refused(f"no SNS envelope, and SES_EVENTS_TOPIC_ARN is set (only {topic} is believed)")
    raise Refused(f"from the SNS topic {cut(note.topic)!r}, not SES_EVENTS_TOPIC_ARN {topic}")


class Outcome(NamedTuple):
    """What became of one notification: applied, duplicate, unknown (not our message) or refused."""

    what: str
    note: Notification  # as recorded: only the addresses the message went to
    ignored: tuple[str, ...] = ()  # addresses it named that the message never went to


class Feedback:
    """The audit log as delivery feedback reads and writes it (the one place that does)."""

    def __init__(self, audit_log: AuditStore) -> None:
        self.log = audit_log
        if not audit_log.feedback_loaded:
            audit_log.load_feedback_index()
        self.fresh = False  # looked again at the log since the last batch was received

    def received(self) -> None:
        """A batch came off the queue: what was sent since may be news to this index."""
        self.fresh = False

    def _look_again(self) -> bool:
        """Catch up with records written since the index was read (an S3 log has other writers)."""
        if self.fresh:
            return False
        self.log.refresh()
        self.fresh = True
        return True

    def _parts(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        states = self.log.raw_states()
        return (states.get("_messages") or {}), (states.get("_applied") or {}), (states.get("_bounced") or {})

    def _append(self, event: str, fields: dict[str, Any]) -> bool:
        """Write one record; False when another writer took its place (look again, decide again)."""
        return self.log.try_append(event, **fields)

    def apply(self, note: Notification) -> Outcome:
        """Record the notification unless it is a duplicate, not about our message, or names
        none of that message's recipients."""
        for _ in range(5):
            messages, applied, _ = self._parts()
            if note.key in applied:
                return Outcome("duplicate", note)
            sent = messages.get(note.message_id)
            if sent is None:
                if self._look_again():
                    continue
                return Outcome("unknown", note)
            ours = {addr_spec(str(a)) for k in ("to", "cc", "bcc") for a in sent.get(k) or ()}
            kept = tuple(a for a in note.recipients if a in ours)
            ignored = tuple(a for a in note.recipients if a not in ours)
            accepted = note._replace(recipients=kept, detail=_only(note.detail, kept))
            if ignored and not kept:
                return Outcome("refused", accepted, ignored)
            if self._append(note.event, _fields(accepted, sent, len(ignored))):
                log.log(RESULT, "%s: %s %s (message id %s)", sent["role"], note.event,
                        ", ".join(kept[:MAX_RECIPIENTS]) or "-", note.message_id)
                return Outcome("applied", accepted, ignored)
        raise AuditError("the audit log kept changing under `events`: other writers won five times in a row; "
                         "run it again")

    def forget(self, addresses: tuple[str, ...]) -> dict[str, str | None]:
        """Clear each address's hard bounce or complaint with one `forgotten` record: what was
        cleared, by address (None: there was nothing to clear)."""
        wanted = tuple(dict.fromkeys(addr_spec(a) for a in addresses))
        for _ in range(5):
            self._look_again()
            bounced = self._parts()[2]
            cleared = {a: str(bounced[a].get("why")) for a in wanted if a in bounced}
            if not cleared or self._append(FORGOTTEN, {"run_id": None, "recipients": list(cleared),
                                                       "cleared": cleared}):
                return {a: cleared.get(a) for a in wanted}
        raise AuditError("the audit log kept changing under `events --forget`: run it again")


def _only(detail: dict[str, Any], kept: tuple[str, ...]) -> dict[str, Any]:
    """The detail without what it says of addresses that are not kept."""
    if "diagnostic" not in detail:
        return detail
    return {**detail, "diagnostic": {a: c for a, c in detail["diagnostic"].items() if a in kept[:MAX_RECIPIENTS]}}


def _fields(note: Notification, sent: dict[str, Any], ignored: int) -> dict[str, Any]:
    """The record of an accepted notification, bounded."""
    fields: dict[str, Any] = {"run_id": None, "role": sent["role"], "kind": sent.get("kind", "real"),
                              "message_id": note.message_id, "event_id": note.key, "sent_ts": sent.get("ts"),
                              "recipients": list(note.recipients[:MAX_RECIPIENTS])}
    if len(note.recipients) > MAX_RECIPIENTS:
        fields["recipients_omitted"] = len(note.recipients) - MAX_RECIPIENTS
    if ignored:
        fields["ignored"] = ignored
    fields.update({k: v for k, v in note.detail.items() if v is not None})
    return fields
