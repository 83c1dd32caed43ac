"""Delivery feedback against the real moto server: reports sent through SES, then SES
notifications in their documented formats on an SQS queue, read into the audit log."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result

from reports import SAMPLE_DIR
from reports.aws import events
from reports.aws.session import Aws
from reports.config import load_settings
from send_exec_reports import cli

from .conftest import AS_OF, ENV, Ses
from .stores import read_records, verify_log


class World:
    def __init__(self, tmp: Path, queue: str, ids: dict[str, str]) -> None:
        self.tmp, self.queue, self.ids = tmp, queue, ids
        self.sqs = boto3.client("sqs", region_name="us-east-1")

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["--env-file", str(self.tmp / "repos.env"), "--handoffs",
                                        str(self.tmp / "handoffs"), "--audit-log", str(self.tmp / "audit.jsonl"),
                                        *args], catch_exceptions=False)

    def events(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["events", "--env-file", str(self.tmp / "repos.env"), "--audit-log",
                                        str(self.tmp / "audit.jsonl"), "--queue-url", self.queue,
                                        "--seconds", "5", *args], catch_exceptions=False)

    def put(self, body: str) -> None:
        self.sqs.send_message(QueueUrl=self.queue, MessageBody=body)

    def records(self, event: str | None = None) -> list[dict[str, Any]]:
        found = read_records(self.tmp / "audit.jsonl")
        return [r for r in found if event is None or r["event"] == event]

    def left(self) -> int:
        attrs = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["All"])["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def sns(event: dict[str, Any], sns_id: str) -> str:
    """An SES event-publishing notification in its SNS envelope, as SQS receives it."""
    return json.dumps({"Type": "Notification", "MessageId": sns_id, "TopicArn": "arn:aws:sns:us-east-1:123:ses",
                       "Message": json.dumps(event), "Timestamp": "2026-11-15T08:00:00.000Z"})


def event(kind: str, message_id: str, **body: Any) -> dict[str, Any]:
    return {"eventType": kind, "mail": {"messageId": message_id, "timestamp": "2026-11-15T07:59:00.000Z",
                                        "source": "reports@example.com",
                                        "destination": ["owner@example.com", "audit@example.com"]}, **body}


@pytest.fixture
def world(ses: Ses, tmp_path: Path) -> World:
    ses.verify("example.com")
    (tmp_path / "repos.env").write_text(ENV)
    shutil.copytree(SAMPLE_DIR, tmp_path / "handoffs")
    queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName=f"events-{tmp_path.name}")["QueueUrl"]
    w = World(tmp_path, queue, {})
    assert w.run("--as-of", AS_OF).exit_code == 0
    w.ids = {r["role"]: r["message_id"] for r in w.records("sent")}
    return w


def test_each_event_type_is_recorded_against_the_report_it_is_about(world: World) -> None:
    ids = world.ids
    world.put(sns(event("Delivery", ids["ceo"], delivery={"recipients": ["owner@example.com"]}), "n1"))
    world.put(sns(event("Bounce", ids["cfo"], bounce={
        "bounceType": "Permanent", "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": "owner@example.com", "diagnosticCode": "smtp; 550 5.1.1 no such user"}]}),
        "n2"))
    world.put(sns(event("Complaint", ids["cmo"], complaint={
        "complainedRecipients": [{"emailAddress": "owner@example.com"}], "complaintFeedbackType": "abuse"}), "n3"))
    world.put(sns(event("DeliveryDelay", ids["cto"], deliveryDelay={
        "delayType": "TransientCommunicationFailure", "delayedRecipients": [{"emailAddress": "owner@example.com"}]}),
        "n4"))
    world.put(sns(event("Reject", ids["accounting"], reject={"reason": "Bad content"}), "n5"))
    # The older identity-notification format, without the SNS envelope (raw delivery).
    world.put(json.dumps({"notificationType": "Delivery", "mail": {"messageId": ids["cfo"]},
                          "delivery": {"recipients": ["audit@example.com"]}}))
    result = world.events("--json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["event"] for line in result.stdout.splitlines()] == [
        "delivered", "bounced", "complained", "delayed", "rejected", "delivered"]
    bounced = world.records("bounced")[0]
    assert (bounced["role"], bounced["bounce_type"], bounced["bounce_subtype"]) == ("cfo", "Permanent", "General")
    assert bounced["recipients"] == ["owner@example.com"]
    assert bounced["diagnostic"] == {"owner@example.com": "smtp; 550 5.1.1 no such user"}
    assert world.left() == 0
    assert verify_log(world.tmp / "audit.jsonl").ok


def test_a_duplicate_an_unknown_id_and_a_malformed_body(world: World) -> None:
    delivered = sns(event("Delivery", world.ids["ceo"], delivery={"recipients": ["owner@example.com"]}), "d1")
    world.put(delivered)
    world.put(delivered)  # SQS delivers at least once
    world.put(sns(event("Delivery", "someone-elses-message", delivery={"recipients": ["x@elsewhere.test"]}), "d2"))
    world.put("{not json")
    result = world.events("-v")
    assert result.exit_code == 1  # one could not be parsed
    assert len(world.records("delivered")) == 1
    assert "not an SES notification" in result.stderr and "left on the queue" in result.stderr
    assert "1 duplicate(s) and 1 notification(s) for messages this log did not send" in result.stderr
    assert world.left() == 1  # only the malformed one, for its redrive policy
    again = world.events()
    assert len(world.records("delivered")) == 1 and again.exit_code in (0, 1)
    assert verify_log(world.tmp / "audit.jsonl").ok


def test_a_crash_between_the_record_and_the_delete_adds_no_second_record(world: World,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    world.put(sns(event("Delivery", world.ids["cfo"], delivery={"recipients": ["owner@example.com"]}), "c1"))

    class Crashing:
        """The real SQS client, dying on the first delete: after the record is written."""

        def __init__(self) -> None:
            self.inner = boto3.client("sqs", region_name="us-east-1")

        def receive_message(self, **kw: Any) -> Any:
            return self.inner.receive_message(**kw)

        def delete_message(self, **kw: Any) -> Any:
            raise ConnectionError("killed before the delete")

    settings = load_settings(world.tmp / "repos.env", os.environ)
    log_path = world.tmp / "audit.jsonl"
    with monkeypatch.context() as patched, pytest.raises(ConnectionError):
        patched.setattr(Aws, "sqs", lambda self: Crashing())
        events.drain(settings, audit_log=log_path, queue_url=world.queue, seconds=5, visibility=1)
    assert len(world.records("delivered")) == 1
    time.sleep(1.2)  # the message comes back once its visibility timeout ends
    done = events.drain(settings, audit_log=log_path, queue_url=world.queue, seconds=5)
    assert done.duplicates == 1 and done.applied == 0
    assert len(world.records("delivered")) == 1 and world.left() == 0
    assert verify_log(world.tmp / "audit.jsonl").ok


def test_what_people_see_after_a_bounce(world: World) -> None:
    world.put(sns(event("Bounce", world.ids["cfo"], bounce={
        "bounceType": "Permanent", "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": "owner@example.com"}]}), "b1"))
    world.put(sns(event("Delivery", world.ids["ceo"], delivery={"recipients": ["owner@example.com"]}), "b2"))
    assert world.events().exit_code == 0
    listing = world.run("audit", "--limit", "50").stdout
    cfo_line = next(line for line in listing.splitlines() if " cfo sent " in line)
    assert "delivery: owner@example.com bounced, audit@example.com pending" in cfo_line
    ceo_line = next(line for line in listing.splitlines() if " ceo sent " in line)
    assert "owner@example.com delivered" in ceo_line
    doctor = world.run("doctor")
    assert "[warn] owner@example.com had a hard bounce" in doctor.stdout
    # The next send to the hard-bounced address warns; with --strict it is refused.
    handoffs = world.tmp / "handoffs" / "portfolio.md"
    handoffs.write_text(handoffs.read_text().replace("$86,500", "$80,000"))
    warned = world.run("--as-of", AS_OF, "--role", "cfo")
    assert warned.exit_code == 0 and "owner@example.com had a hard bounce" in warned.stderr
    handoffs.write_text(handoffs.read_text().replace("$80,000", "$79,000"))
    sent_before = len(world.records("sent"))
    strict = world.run("--as-of", AS_OF, "--role", "cfo", "--strict")
    assert strict.exit_code == 1 and "--strict: not sent to it" in strict.stderr
    assert len(world.records("sent")) == sent_before


def test_a_bounced_bcc_audit_address_is_an_error_in_doctor(world: World) -> None:
    world.put(sns(event("Bounce", world.ids["cfo"], bounce={
        "bounceType": "Permanent", "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": "audit@example.com"}]}), "x1"))
    assert world.events().exit_code == 0
    doctor = world.run("doctor")
    assert "[FAIL] the BCC audit address audit@example.com had a hard bounce" in doctor.stdout
    assert doctor.exit_code == 2


def test_events_needs_a_queue(world: World) -> None:
    result = CliRunner().invoke(cli, ["events", "--env-file", str(world.tmp / "repos.env"), "--audit-log",
                                      str(world.tmp / "audit.jsonl")])
    assert result.exit_code == 2 and "SES_EVENTS_QUEUE_URL" in result.stderr


def test_the_feedback_index_outlives_sends_that_do_not_load_it(world: World) -> None:
    note = sns(event("Delivery", world.ids["cmo"], delivery={"recipients": ["owner@example.com"]}), "k1")
    world.put(note)
    assert world.events().exit_code == 0
    assert (world.tmp / "audit.jsonl.feedback.json").exists()
    assert world.run("--as-of", AS_OF, "--role", "cmo", "--force").exit_code == 0  # a send in between
    world.put(note)  # delivered again by SQS
    again = world.events("-v")
    assert again.exit_code == 0 and "1 duplicate(s)" in again.stderr
    assert len(world.records("delivered")) == 1
    (world.tmp / "audit.jsonl.feedback.json").unlink()  # a missing index is rebuilt from the log
    world.put(note)
    assert world.events().exit_code == 0 and len(world.records("delivered")) == 1
