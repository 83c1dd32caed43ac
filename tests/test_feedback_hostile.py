"""Delivery feedback under attack, against the real moto server's SQS: forged notifications
(another topic, no envelope, strangers named), malformed ones (in the CLI and the Lambda),
a flood of recipients, a send racing the drain, and the configuration checks both share."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from reports import SAMPLE_DIR
from reports.aws.handlers import events_handler
from reports.aws.handlers import send_handler as lambda_handler
from reports.config import load_settings
from reports.errors import ConfigError
from reports.ledger import records
from reports.location import S3Url
from send_exec_reports import cli

from .conftest import AS_OF, ENV, Ses
from .stores import read_records, store, verify_log
from .test_feedback import World, event, sns
from .test_feedback import world as world  # the fixture: the sample sent, a queue made

TOPIC = "arn:aws:sns:us-east-1:123:ses"  # the topic test_feedback.sns() wraps notifications from


def bounce(message_id: str, *addresses: str, kind: str = "Permanent") -> dict[str, Any]:
    return event("Bounce", message_id, bounce={"bounceType": kind, "bounceSubType": "General",
                                               "bouncedRecipients": [{"emailAddress": a} for a in addresses]})


def delivery(message_id: str, *addresses: str) -> dict[str, Any]:
    return event("Delivery", message_id, delivery={"recipients": list(addresses)})


def doctor(world: World) -> str:
    return world.run("doctor").stdout


def with_topic(world: World) -> None:
    (world.tmp / "repos.env").write_text(ENV + f"SES_EVENTS_TOPIC_ARN={TOPIC}\n")


# --------------------------------------------------------------------------
# Forged: 24.1


def test_with_a_topic_set_only_its_sns_notifications_are_believed(world: World) -> None:
    with_topic(world)
    forged = bounce(world.ids["cfo"], "audit@example.com")
    world.put(json.dumps(forged))  # raw, no SNS envelope
    world.put(sns(forged, "f1").replace(TOPIC, "arn:aws:sns:us-east-1:666:not-ours"))
    world.put(sns(delivery(world.ids["ceo"], "owner@example.com"), "f2"))
    result = world.events()
    assert result.exit_code == 1  # some were refused
    assert result.stderr.count("refused") >= 2 and "left on the queue" in result.stderr
    assert "no SNS envelope" in result.stderr and "arn:aws:sns:us-east-1:666:not-ours" in result.stderr
    assert world.records("bounced") == [] and len(world.records("delivered")) == 1
    assert world.left() == 2  # the forged two, for the redrive policy
    assert "[FAIL]" not in doctor(world) and world.run("doctor").exit_code == 0


def test_only_the_messages_own_recipients_are_believed(world: World) -> None:
    world.put(sns(bounce(world.ids["cfo"], "stranger@example.net", "owner@example.com"), "r1"))
    world.put(sns(bounce(world.ids["ceo"], "stranger@example.net", "ceo@elsewhere.test"), "r2"))
    result = world.events()
    assert result.exit_code == 1  # r2 names none of the message's recipients: refused
    assert "were not recipients of message" in result.stderr
    assert "(stranger@example.net): ignored, the rest applied" in result.stderr
    assert "(stranger@example.net, ceo@elsewhere.test)" in result.stderr
    [record] = world.records("bounced")
    assert (record["role"], record["recipients"], record["ignored"]) == ("cfo", ["owner@example.com"], 1)
    assert world.left() == 1
    said = doctor(world)
    assert "stranger@example.net" not in said and "ceo@elsewhere.test" not in said
    assert "[warn] owner@example.com had a hard bounce" in said


def test_forget_clears_a_bounce_and_a_complaint_as_a_record(world: World) -> None:
    world.put(sns(bounce(world.ids["cfo"], "audit@example.com"), "g1"))
    world.put(sns(event("Complaint", world.ids["cmo"], complaint={
        "complainedRecipients": [{"emailAddress": "owner@example.com"}]}), "g2"))
    assert world.events().exit_code == 0
    assert world.run("doctor").exit_code == 2  # the BCC audit address bounced
    # No queue is needed to forget: it is a record in the log, nothing else.
    forget = CliRunner().invoke(cli, ["events", "--env-file", str(world.tmp / "repos.env"), "--audit-log",
                                      str(world.tmp / "audit.jsonl"), "--forget", "Audit <AUDIT@example.com>",
                                      "--forget", "owner@example.com"])
    assert forget.exit_code == 0, forget.output
    assert "audit@example.com: its hard bounce is forgotten" in forget.stderr
    assert "owner@example.com: its complaint is forgotten" in forget.stderr
    [record] = world.records("forgotten")
    assert record["recipients"] == ["audit@example.com", "owner@example.com"]
    assert record["cleared"] == {"audit@example.com": "hard bounce", "owner@example.com": "complaint"}
    after = world.run("doctor")
    assert after.exit_code == 0 and "had a" not in after.stdout
    again = world.events("--forget", "owner@example.com")
    assert again.exit_code == 0 and "owner@example.com: no bounce or complaint on record" in again.stderr
    assert len(world.records("forgotten")) == 1
    assert verify_log(world.tmp / "audit.jsonl").ok
    listing = world.run("audit", "--limit", "3").stdout
    assert "forgotten audit@example.com, owner@example.com" in listing


def test_a_later_delivery_clears_a_hard_bounce_and_not_a_complaint(world: World) -> None:
    world.put(sns(bounce(world.ids["cfo"], "owner@example.com"), "h1"))
    world.put(sns(event("Complaint", world.ids["cfo"], complaint={
        "complainedRecipients": [{"emailAddress": "audit@example.com"}]}), "h2"))
    world.put(sns(delivery(world.ids["ceo"], "owner@example.com"), "h3"))  # a report sent before the bounced one
    assert world.events().exit_code == 0
    assert "owner@example.com had a hard bounce" in doctor(world)
    handoffs = world.tmp / "handoffs" / "portfolio.md"
    handoffs.write_text(handoffs.read_text().replace("$86,500", "$80,000"))
    assert world.run("--as-of", AS_OF, "--role", "cfo").exit_code == 0
    later = world.records("sent")[-1]["message_id"]
    world.put(sns(delivery(later, "owner@example.com", "audit@example.com"), "h4"))
    assert world.events().exit_code == 0
    said = doctor(world)
    assert "owner@example.com had a" not in said
    assert "audit@example.com had a complaint" in said  # only --forget clears a complaint


def test_a_bounce_does_not_expire_with_time(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.put(sns(bounce(world.ids["cfo"], "audit@example.com"), "t1"))
    assert world.events().exit_code == 0

    class Later(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz or UTC) + timedelta(days=400)

    monkeypatch.setattr(records, "datetime", Later)  # the ledger's one clock
    late = world.run("doctor")
    assert late.exit_code == 2 and "the BCC audit address audit@example.com had a hard bounce" in late.stdout
    assert "events --forget audit@example.com" in late.stdout  # and says how to clear it


# --------------------------------------------------------------------------
# Malformed: 24.2


def malformed(message_id: str) -> list[str]:
    """Bodies that are not SES notifications, each in a way the red team found."""
    deep = "[" * (200 * 1024)
    return [
        sns({"eventType": "Bounce", "mail": {"messageId": message_id}, "bounce": "x"}, "m1"),
        sns({"eventType": "Bounce", "mail": {"messageId": message_id}, "bounce": [1]}, "m2"),
        sns({"eventType": "Reject", "mail": {"messageId": message_id, "destination": 5}, "reject": {}}, "m3"),
        sns({"eventType": "Delivery", "mail": {"messageId": message_id, "destination": 5},
             "delivery": {"recipients": ["owner@example.com"]}}, "m4"),
        sns({"eventType": "Bounce", "mail": {"messageId": message_id},
             "bounce": {"bouncedRecipients": [5]}}, "m5"),
        sns({"eventType": "Complaint", "mail": {"messageId": message_id},
             "complaint": {"complainedRecipients": [{"emailAddress": ["owner@example.com"]}]}}, "m6"),
        deep,
        json.dumps({"Type": "Notification", "MessageId": "m7", "TopicArn": TOPIC, "Message": deep}),
        json.dumps({"Type": "Notification", "MessageId": "m8", "TopicArn": TOPIC, "Message": {"eventType": 1}}),
    ]


def test_malformed_notifications_are_left_on_the_queue_and_the_rest_applied(world: World) -> None:
    bad = malformed(world.ids["cfo"])
    for body in bad:
        world.put(body)
    world.put(sns(delivery(world.ids["ceo"], "owner@example.com"), "ok1"))
    result = world.events()  # catch_exceptions=False: a traceback fails the test
    assert result.exit_code == 1
    assert result.stderr.count("is not an SES notification") == len(bad)
    assert "Traceback" not in result.output
    assert len(world.records("delivered")) == 1 and world.records("bounced") == []
    assert world.left() == len(bad)
    assert verify_log(world.tmp / "audit.jsonl").ok


def lambda_records(world: World) -> list[dict[str, Any]]:
    """Everything on the queue, as the SQS event source hands it to the Lambda."""
    out: list[dict[str, Any]] = []
    while True:
        got = world.sqs.receive_message(QueueUrl=world.queue, MaxNumberOfMessages=10, VisibilityTimeout=60)
        if not got.get("Messages"):
            return out
        out += [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                 "eventSource": "aws:sqs"} for m in got["Messages"]]


def lambda_env(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for line in ENV.splitlines():
        key, _, value = line.partition("=")
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AUDIT_LOG", str(world.tmp / "audit.jsonl"))
    monkeypatch.setenv("SES_EVENTS_TOPIC_ARN", TOPIC)


def test_the_lambda_reports_only_the_bad_messages_and_applies_the_rest(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    lambda_env(world, monkeypatch)
    for body in malformed(world.ids["cfo"]):
        world.put(body)
    world.put(json.dumps(bounce(world.ids["cfo"], "audit@example.com")))  # forged: no envelope
    world.put(sns(bounce(world.ids["ceo"], "owner@example.com"), "ok1"))
    world.put(sns(delivery(world.ids["cmo"], "owner@example.com"), "ok2"))
    records = lambda_records(world)
    good = {r["messageId"] for r in records if '"ok' in r["body"]}
    answer = events_handler({"Records": records}, None)
    failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
    assert failed == {r["messageId"] for r in records} - good and len(failed) == len(records) - 2
    assert [(r["role"], r["recipients"]) for r in world.records("bounced")] == [("ceo", ["owner@example.com"])]
    assert len(world.records("delivered")) == 1
    assert events_handler({"Records": records}, None) == answer  # the good ones again: duplicates, no record
    assert len(world.records("bounced")) == 1


def test_a_notification_naming_thousands_of_recipients_makes_a_small_record(world: World) -> None:
    strangers = [f"{n}@e.test" for n in range(6998)]
    # Raw and compact: under SQS's 256 KB as the SNS envelope's escaping would not be.
    world.put(json.dumps(bounce(world.ids["cfo"], "owner@example.com", *strangers, "audit@example.com"),
                         separators=(",", ":")))
    result = world.events()
    assert result.exit_code == 0, result.stderr
    assert "6998 address(es) in its bounced notification" in result.stderr and "and 6995 more" in result.stderr
    assert len(result.stderr) < 2000
    [record] = world.records("bounced")
    assert record["recipients"] == ["owner@example.com", "audit@example.com"] and record["ignored"] == 6998
    assert set(record["diagnostic"]) <= {"owner@example.com", "audit@example.com"}
    assert len(json.dumps(record)) < 2000


def test_at_most_fifty_recipients_are_recorded_and_the_rest_counted(world: World) -> None:
    # SES takes at most 50 recipients, so a log with more was written some other way: still bounded.
    crowd = [f"r{n}@example.com" for n in range(60)]
    with store(world.tmp / "audit.jsonl") as opened:
        opened.append("sent", kind="real", role="cfo", as_of=AS_OF, subject="s", to=crowd, bcc=[],
                      sha256="0" * 64, outcome="sent", message_id="crowd-message", **{"from": "reports@example.com"})
    world.put(sns(delivery("crowd-message", *crowd, "extra@example.net"), "crowd"))
    assert world.events().exit_code == 0
    [record] = world.records("delivered")
    assert record["recipients"] == crowd[:50]
    assert (record["recipients_omitted"], record["ignored"]) == (10, 1)


# --------------------------------------------------------------------------
# Racing: 24.3


@pytest.fixture
def bucket(ses: Ses, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The sample under s3://…/handoffs/, an audit log under audit/, the Lambda's environment."""
    ses.verify("example.com")
    name = f"fb-{tmp_path.name.lower().replace('_', '-')[:40]}"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    for path in sorted(SAMPLE_DIR.rglob("*.md")):
        s3.put_object(Bucket=name, Key=f"handoffs/{path.relative_to(SAMPLE_DIR).as_posix()}", Body=path.read_bytes())
    for line in ENV.splitlines():
        key, _, value = line.partition("=")
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HANDOFFS_DIR", f"s3://{name}/handoffs/")
    monkeypatch.setenv("AUDIT_LOG", f"s3://{name}/audit/")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return name


@pytest.mark.parametrize("about", ["the new send", "an older send"])
def test_a_send_made_during_the_drain_loses_no_notification(bucket: str, about: str) -> None:
    """The new send's bounce is not deleted as "not ours"; an older send's notification is
    recorded after the new send's records (the S3 log moved on under the drain)."""
    from reports.aws import events

    sqs = boto3.client("sqs", region_name="us-east-1")
    queue = sqs.create_queue(QueueName=f"race-{bucket}")["QueueUrl"]
    ceo = lambda_handler({"as_of": AS_OF, "roles": ["ceo"]}, None)["results"][0]["message_id"]
    sqs.send_message(QueueUrl=queue, MessageBody=sns(delivery(ceo, "owner@example.com"), "s1"))
    racing: list[str] = []

    def meanwhile(_note: Any) -> None:
        """The scheduled Lambda sends while `events` drains; a notification arrives at once."""
        if racing:
            return
        racing.append(lambda_handler({"as_of": AS_OF, "roles": ["cfo"]}, None)["results"][0]["message_id"])
        late = bounce(racing[0], "owner@example.com") if about == "the new send" else bounce(ceo, "audit@example.com")
        sqs.send_message(QueueUrl=queue, MessageBody=sns(late, "s2"))

    settings = load_settings(None, os.environ)
    done = events.drain(settings, audit_log=None, queue_url=queue, seconds=20, said=meanwhile)
    assert (done.applied, done.unknown) == (2, 0)
    url = S3Url(bucket, "audit/")
    expected = ("cfo", racing[0]) if about == "the new send" else ("ceo", ceo)
    assert [(r["role"], r["message_id"]) for r in read_records(url) if r["event"] == "bounced"] == [expected]
    assert verify_log(url).ok
    left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert left["ApproximateNumberOfMessages"] == left["ApproximateNumberOfMessagesNotVisible"] == "0"


# --------------------------------------------------------------------------
# One path, one set of checks (issue 22 point 3)


def test_events_honours_the_sqs_endpoint_in_repos_env(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    moto = os.environ["AWS_ENDPOINT_URL"]
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    # Were the endpoint ignored, boto3 would go to AWS: through this dead loopback proxy instead.
    for key in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(key, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    (world.tmp / "repos.env").write_text(ENV + f"AWS_ENDPOINT_URL_SQS={moto}\n")
    world.put(sns(delivery(world.ids["ceo"], "owner@example.com"), "e1"))
    result = world.events()
    assert result.exit_code == 0, result.output
    assert len(world.records("delivered")) == 1 and world.left() == 0


@pytest.mark.parametrize(("key", "value"), [("AWS_ENDPOINT_URL_SQS", "ftp://nowhere"), ("SES_EVENTS_QUEUE", "x"),
                                          ("SES_EVENTS_TOPIC_ARN", "my-topic")])
def test_the_command_and_the_lambda_refuse_the_same_configuration(
        world: World, monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    result = world.events()
    assert result.exit_code == 2 and key in result.stderr
    lambda_env(world, monkeypatch)
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=key):
        events_handler({"Records": []}, None)


def test_the_lambda_needs_no_queue_url_and_the_command_does(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    lambda_env(world, monkeypatch)
    assert events_handler({"Records": []}, None) == {"batchItemFailures": []}
    result = CliRunner().invoke(cli, ["events", "--env-file", str(world.tmp / "repos.env"), "--audit-log",
                                      str(world.tmp / "audit.jsonl")])
    assert result.exit_code == 2 and "SES_EVENTS_QUEUE_URL" in result.stderr
