"""The one path of delivery feedback: the `events` command drains the SQS queue (`drain`),
the events Lambda is handed a batch of it (`handle_batch`).

Both check the configuration the same way (`configure`) and treat each
message the same way (`_one`): a message that cannot be read or is not
believed is a warning and stays on the queue for its redrive policy (the
Lambda reports it in `batchItemFailures`); the others are applied, each
record fsynced before its message is deleted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from reports.addresses import addr_spec
from reports.aws.feedback import (
    SHOWN,
    Feedback,
    Malformed,
    Notification,
    Outcome,
    Refused,
    check_topic,
    cut,
    parse,
)
from reports.aws.session import Aws, check_endpoint
from reports.config import Settings
from reports.errors import ConfigError
from reports.ledger.stores import open_store
from reports.location import Location
from reports.progress import DETAIL, RESULT, logger
from reports.record import NamedTuple
from reports.run import audit_path

log = logger(__name__)
LEFT = "left on the queue for its redrive policy"
FAILED = "reported to SQS as a batch item failure, for its redrive policy"


class Drained(NamedTuple):
    """What one `events` run did."""

    applied: int = 0
    duplicates: int = 0
    unknown: int = 0  # about messages this log never sent: deleted without a record
    malformed: int = 0  # left on the queue
    refused: int = 0  # another topic, or none of the message's recipients: left on the queue
    forgotten: tuple[tuple[str, str | None], ...] = ()  # --forget: (address, what was cleared or None)

    @property
    def failed(self) -> bool:
        """Some could not be read or were not believed (exit 1)."""
        return bool(self.malformed or self.refused)

    def summary(self) -> str:
        """One line for a person."""
        if self.forgotten:
            done = sum(1 for _, why in self.forgotten if why)
            return f"{done} forgotten, {len(self.forgotten) - done} with nothing to clear"
        return (f"{self.applied} applied, {self.duplicates} duplicate(s), {self.unknown} not ours, "
                f"{self.malformed} malformed and {self.refused} refused (left on the queue)")


def configure(settings: Settings, queue_url: str | None = None, *, need_queue: bool = True) -> str | None:
    """Refuse what `events` and the events Lambda cannot work with (exit 2); the queue's URL."""
    if settings.unknown_ses_keys:
        raise ConfigError(f"{settings.unknown_ses_keys[0]}; fix or remove every unknown SES_* key")
    topic = settings.events_topic_arn
    if topic is not None and not (topic.startswith("arn:") and topic.count(":") >= 5):
        raise ConfigError(f"SES_EVENTS_TOPIC_ARN '{cut(topic)}' ({settings.where('SES_EVENTS_TOPIC_ARN')}) "
                          "is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")
    for service in ("sqs", "s3"):
        check_endpoint(settings, service)
    url = queue_url or settings.events_queue_url
    if need_queue and not url:
        raise ConfigError("no queue: pass --queue-url or set SES_EVENTS_QUEUE_URL (see docs/operations.md)")
    return url


def _one(feedback: Feedback, body: Any, topic: str | None, name: str, left: str) -> Outcome | None:
    """Read, check and apply one queue message; None when it could not be read."""
    try:
        if not isinstance(body, str):
            raise Malformed("it has no body")
        note = parse(body)
        check_topic(note, topic)
    except Malformed as exc:
        log.warning("warning: %s is not an SES notification (%s); %s", name, exc, left)
        return None
    except Refused as exc:
        log.warning("warning: %s refused: %s; %s", name, exc, left)
        return Outcome("refused", note)
    outcome = feedback.apply(note)
    if outcome.ignored:
        shown = ", ".join(cut(a, 60) for a in outcome.ignored[:SHOWN])
        more = f" and {len(outcome.ignored) - SHOWN} more" if len(outcome.ignored) > SHOWN else ""
        if outcome.what == "refused":
            log.warning("warning: %s refused: none of the %d address(es) in its %s notification was a recipient "
                        "of message %s (%s%s); %s", name, len(outcome.ignored), note.event, note.message_id,
                        shown, more, left)
        else:
            log.warning("warning: %s: %d address(es) in its %s notification were not recipients of message %s "
                        "(%s%s): ignored, the rest applied", name, len(outcome.ignored), note.event,
                        note.message_id, shown, more)
    return outcome


def drain(settings: Settings, *, audit_log: Location | None, queue_url: str | None, seconds: int,
          said: Callable[[Notification], None] | None = None, forget: tuple[str, ...] = (),
          visibility: int = 30, wait: int = 2) -> Drained:
    """The `events` command: drain the queue into the audit log for up to `seconds`; or,
    with `forget`, clear those addresses' bounces and complaints (the queue is not read)."""
    url = configure(settings, queue_url, need_queue=not forget)
    wanted = tuple(addr_spec(a) for a in forget)
    for given, address in zip(forget, wanted, strict=True):
        if address.count("@") != 1 or not all(address.partition("@")[::2]) or " " in address:
            raise ConfigError(f"--forget '{cut(given)}' is not an email address")
    path = audit_path(settings, audit_log)
    aws = Aws(settings)
    if forget:
        with open_store(path, aws.s3) as opened:
            cleared = Feedback(opened).forget(wanted)
        for address, why in cleared.items():
            log.log(RESULT, f"{address}: its {why} is forgotten" if why else
                    f"{address}: no bounce or complaint on record; nothing to forget")
        return Drained(forgotten=tuple(cleared.items()))
    assert url is not None  # configure() refused a missing queue
    from botocore.exceptions import BotoCoreError, ClientError

    client = aws.sqs()
    try:
        with open_store(path, aws.s3) as opened:
            return _drain(Feedback(opened), client, url, settings.events_topic_arn, seconds, said,
                          visibility, wait)
    except (BotoCoreError, ClientError) as exc:
        raise ConfigError(f"cannot read the queue {url}: {exc}") from None


def _drain(feedback: Feedback, client: Any, url: str, topic: str | None, seconds: float,
           said: Callable[[Notification], None] | None, visibility: int, wait: int) -> Drained:
    counts = dict.fromkeys(("applied", "duplicate", "unknown", "malformed", "refused"), 0)
    left: set[str] = set()  # left on the queue by this run: seen again only after their visibility ends
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=visibility,
                                        WaitTimeSeconds=max(0, min(wait, int(deadline - time.monotonic()))))
        batch = [m for m in answer.get("Messages") or [] if str(m.get("MessageId")) not in left]
        if not batch:
            break
        feedback.received()
        for message in batch:
            outcome = _one(feedback, message.get("Body"), topic, f"queue message {message.get('MessageId')}", LEFT)
            what = outcome.what if outcome else "malformed"
            counts[what] += 1
            if what in ("malformed", "refused"):
                left.add(str(message.get("MessageId")))
                continue
            if what == "applied" and said is not None and outcome is not None:
                said(outcome.note)
            # Deleted only now: the record (if any) is already written and fsynced.
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    log.log(DETAIL, "%d duplicate(s) and %d notification(s) for messages this log did not send were "
            "deleted without a record", counts["duplicate"], counts["unknown"])
    return Drained(counts["applied"], counts["duplicate"], counts["unknown"], counts["malformed"], counts["refused"])


def handle_batch(settings: Settings, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The events Lambda: apply a batch SQS handed over; the messages to leave on the queue
    come back as {"batchItemFailures": [{"itemIdentifier": id}]} (SQS deletes the others)."""
    configure(settings, need_queue=False)  # SQS hands the messages over: no queue URL to read
    failures = []
    with open_store(audit_path(settings), Aws(settings).s3) as opened:
        feedback = Feedback(opened)
        feedback.received()
        for record in records if isinstance(records, list) else []:
            item = record if isinstance(record, dict) else {}
            ident = str(item.get("messageId") or "")
            outcome = _one(feedback, item.get("body"), settings.events_topic_arn, f"message {ident}", FAILED)
            if outcome is None or outcome.what == "refused":
                failures.append({"itemIdentifier": ident})
    return {"batchItemFailures": failures}
