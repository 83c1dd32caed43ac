"""Run in AWS, against the real moto server: handoffs and one shared, hash-chained audit
log on S3, the Lambda entry point and racing runs (the template: test_deploy.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from reports import SAMPLE_DIR
from reports.aws.handlers import send_handler as lambda_handler
from reports.ledger.s3 import S3Store
from reports.ledger.states import RoleState
from reports.location import S3Url
from send_exec_reports import cli

from .conftest import AS_OF, Ses
from .stores import read_records, store, verify_log

ROOT = Path(__file__).resolve().parent.parent
ROLES = ["ceo", "cto", "accounting", "cmo", "cfo"]


@pytest.fixture
def bucket(ses: Ses, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A bucket holding the sample under handoffs/, and the environment a Lambda would have."""
    ses.verify("example.com")
    name = f"reports-{tmp_path.name.lower().replace('_', '-')[:40]}"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    for path in sorted(SAMPLE_DIR.rglob("*.md")):
        s3.put_object(Bucket=name, Key=f"handoffs/{path.relative_to(SAMPLE_DIR).as_posix()}", Body=path.read_bytes())
    env = {"SES_REGION": "us-east-1", "SES_FROM_ADDRESS": "reports@example.com",
           "SES_TO_ADDRESS": "owner@example.com", "SES_BCC_ADDRESS": "audit@example.com",
           "HANDOFFS_DIR": f"s3://{name}/handoffs/", "AUDIT_LOG": f"s3://{name}/audit/",
           "AWS_DEFAULT_REGION": "us-east-1"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return name


def sent(bucket: str) -> list[str]:
    url = S3Url(bucket, "audit/")
    return [r["role"] for r in read_records(url) if r["event"] == "sent"]


def test_the_handler_reads_s3_handoffs_and_writes_the_s3_audit(bucket: str, ses: Ses) -> None:
    answer = lambda_handler({"as_of": AS_OF}, None)
    assert [r["outcome"] for r in answer["results"]] == ["sent"] * 5
    assert all(r["message_id"] and len(r["sha256"]) == 64 for r in answer["results"])
    assert len(ses.messages()) == 5
    url = S3Url(bucket, "audit/")
    assert verify_log(url).ok
    records = read_records(url, states=True)
    # Sources and the inputs manifest name the object keys.
    keys = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket=bucket, Prefix="audit/")["Contents"]
    names = {k["Key"] for k in keys}
    assert f"audit/inputs/{records[0]['inputs_sha256']}.txt" in names and "audit/checkpoint.json" in names
    assert any(n.startswith("audit/snapshots/") for n in names)
    manifest = boto3.client("s3", region_name="us-east-1").get_object(
        Bucket=bucket, Key=f"audit/inputs/{records[0]['inputs_sha256']}.txt")["Body"].read().decode()
    assert "handoffs/jada.md\0" in manifest  # each object's key and hash
    verify = CliRunner().invoke(cli, ["audit", "--verify", "--expect-head", records[-1]["hash"]])
    assert verify.exit_code == 0 and f"{len(records)}/{len(records)} records valid" in verify.stdout


def test_a_cli_run_after_the_scheduled_one_skips_all_five(bucket: str, ses: Ses) -> None:
    lambda_handler({"as_of": AS_OF}, None)
    result = CliRunner().invoke(cli, ["--as-of", AS_OF, "--yes"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("skipped, unchanged") == 5 and len(ses.messages()) == 5


def test_two_runs_racing_send_each_report_once(bucket: str, ses: Ses) -> None:
    answers: list[Any] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            answers.append(lambda_handler({"as_of": AS_OF}, None))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    # A run that finds the other's attempt still open holds that report, and a hold fails the
    # run (the alarm sees it); nothing else may go wrong.
    assert all(isinstance(e, RuntimeError) and '"outcome": "held"' in str(e) for e in errors), errors
    assert len(ses.messages()) == 5
    assert sorted(sent(bucket)) == sorted(ROLES)
    assert verify_log(S3Url(bucket, "audit/")).ok


def test_a_lost_claim_never_sends(bucket: str, ses: Ses, monkeypatch: pytest.MonkeyPatch) -> None:
    real_claim = S3Store.claim
    stolen: list[str] = []

    def claim(self: S3Store, fields: dict[str, Any], expected: RoleState | None) -> bool:
        if fields["role"] == "cfo" and not stolen:
            # Another run claims the CFO report just before this one does.
            stolen.append("cfo")
            with store(self.location) as other:
                other.append("attempt", **{**fields, "run_id": "f" * 32})
        return real_claim(self, fields, expected)

    monkeypatch.setattr(S3Store, "claim", claim)
    with pytest.raises(RuntimeError, match='"outcome": "held"'):  # a hold fails the run: the alarm sees it
        lambda_handler({"as_of": AS_OF, "roles": ["cfo"]}, None)
    assert ses.messages() == []  # the loser did not send
    assert verify_log(S3Url(bucket, "audit/")).ok


def test_a_dry_run_in_lambda_sends_nothing(bucket: str, ses: Ses) -> None:
    answer = lambda_handler({"as_of": AS_OF, "dry_run": True, "roles": ["cfo"]}, None)
    assert answer["results"][0]["outcome"] == "preview: send" and ses.messages() == []


def test_the_handler_never_sends_the_bundled_sample(bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOFFS_DIR")
    with pytest.raises(Exception, match="refusing to send the bundled sample"):
        lambda_handler({"as_of": AS_OF}, None)


def test_a_local_log_copied_to_s3_verifies_there(bucket: str, ses: Ses, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_LOG", str(tmp_path / "local.jsonl"))
    assert lambda_handler({"as_of": AS_OF, "roles": ["cfo"]}, None)["results"][0]["outcome"] == "sent"
    result = CliRunner().invoke(cli, ["audit", "--copy-to", f"s3://{bucket}/copied/"])
    assert result.exit_code == 0, result.output
    assert "records valid" in result.stdout
    assert verify_log(S3Url(bucket, "copied/")).ok


def test_the_events_handler_records_feedback_in_the_s3_audit(bucket: str, ses: Ses) -> None:
    import json

    from reports.aws.handlers import events_handler

    answer = lambda_handler({"as_of": AS_OF, "roles": ["cfo"]}, None)
    message_id = answer["results"][0]["message_id"]
    bounce = {"eventType": "Bounce", "mail": {"messageId": message_id},
              "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                         "bouncedRecipients": [{"emailAddress": "owner@example.com"}]}}
    body = json.dumps({"Type": "Notification", "MessageId": "sns-1", "Message": json.dumps(bounce)})
    event = {"Records": [{"messageId": "q1", "body": body}, {"messageId": "q2", "body": body},
                         {"messageId": "q3", "body": "{oops"}]}
    assert events_handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "q3"}]}
    url = S3Url(bucket, "audit/")
    bounced = [r for r in read_records(url) if r["event"] == "bounced"]
    assert len(bounced) == 1 and bounced[0]["role"] == "cfo"  # the duplicate added nothing
    assert verify_log(url).ok


def test_the_events_command_on_an_s3_audit_records_once_and_is_seen_in_audit_and_doctor(
        bucket: str, ses: Ses) -> None:
    import json

    message_id = lambda_handler({"as_of": AS_OF, "roles": ["cfo"]}, None)["results"][0]["message_id"]
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue = sqs.create_queue(QueueName=f"events-{bucket}")["QueueUrl"]
    bounce = {"eventType": "Bounce", "mail": {"messageId": message_id},
              "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                         "bouncedRecipients": [{"emailAddress": "owner@example.com"}]}}
    body = json.dumps({"Type": "Notification", "MessageId": "sns-1", "Message": json.dumps(bounce)})
    for _ in range(2):  # SQS delivers at least once: the second copy adds nothing
        sqs.send_message(QueueUrl=queue, MessageBody=body)
        result = CliRunner().invoke(cli, ["events", "--queue-url", queue, "--seconds", "5", "--json"])
        assert result.exit_code == 0, result.output
    url = S3Url(bucket, "audit/")
    bounced = [r for r in read_records(url) if r["event"] == "bounced"]
    assert [(r["role"], r["message_id"]) for r in bounced] == [("cfo", message_id)]
    assert verify_log(url).ok
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "0"
    listing = CliRunner().invoke(cli, ["audit", "--limit", "50"]).stdout
    assert "delivery: owner@example.com bounced" in next(ln for ln in listing.splitlines() if " cfo sent " in ln)
    doctor = CliRunner().invoke(cli, ["doctor"])
    assert "[warn] owner@example.com had a hard bounce" in doctor.stdout
