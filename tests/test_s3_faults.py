"""The audit log on S3 under faults: a loopback proxy in front of the real moto server resets
or refuses chosen S3 requests (SES goes to moto directly). Each test says how many copies
reached SES and what the chain holds afterwards."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import boto3
import pytest
from click.testing import CliRunner, Result

from reports import SAMPLE_DIR
from reports import run as pipeline
from reports.config import load_settings
from reports.errors import ReportsError
from reports.location import parse_s3_url
from send_exec_reports import cli

from .conftest import AS_OF, ENV, Ses
from .faultproxy import FaultProxy, fault_proxy
from .stores import read_records, verify_log


class World(NamedTuple):
    proxy: FaultProxy
    ses: Ses
    tmp: Path
    url: str  # the audit log, s3://bucket/audit/

    def send(self, *args: str, log: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--env-file", str(self.tmp / "repos.env"), "--handoffs",
                                        str(self.tmp / "handoffs"), "--audit-log", log or self.url, "--as-of",
                                        AS_OF, *args], catch_exceptions=False)

    def events(self) -> list[tuple[str, str]]:
        return [(str(r.get("role")), r["event"]) for r in read_records(parse_s3_url(self.url))
                if r["event"] != "inputs"]


@pytest.fixture
def world(ses: Ses, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    ses.verify("example.com")
    (tmp_path / "repos.env").write_text(ENV)
    shutil.copytree(SAMPLE_DIR, tmp_path / "handoffs")
    bucket = f"audit-{tmp_path.name.lower().replace('_', '-')[:40]}"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # botocore tries twice: two faults make one persistent
    with fault_proxy(ses.url) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        yield World(proxy, ses, tmp_path, f"s3://{bucket}/audit/")


def record(seq: int) -> str:
    return f"/audit/records/{seq:012d}.json"


# --------------------------------------------------------------------------
# A put that reached S3 before a reset: botocore retries it and meets its own record


def test_a_reset_after_the_attempt_put_still_wins_the_claim(world: World) -> None:
    world.proxy.on("PUT", record(2), "reset_after")  # 1 is the inputs record, 2 the CFO attempt
    result = world.send("--role", "cfo")
    assert result.exit_code == 0, result.output
    assert "cfo: sent" in result.stderr and len(world.ses.messages()) == 1
    assert world.events() == [("cfo", "attempt"), ("cfo", "sent")]
    assert world.proxy.seen.count("reset_after") == 1
    again = world.send("--role", "cfo")
    assert again.exit_code == 0 and "cfo: skipped, unchanged" in again.stderr  # never held


def test_a_reset_after_the_sent_put_writes_one_sent_record(world: World) -> None:
    world.proxy.on("PUT", record(3), "reset_after")
    result = world.send("--role", "cfo")
    assert result.exit_code == 0, result.output
    assert world.events() == [("cfo", "attempt"), ("cfo", "sent")]
    assert verify_log(parse_s3_url(world.url)).ok and len(world.ses.messages()) == 1


# --------------------------------------------------------------------------
# S3 refusing: an error that says what happened, never a traceback


@pytest.mark.parametrize("faults, closed", [(2, True), (4, False)])
def test_a_503_on_reading_the_attempt_back_stops_the_run_and_says_what_became_of_it(
        world: World, faults: int, closed: bool) -> None:
    world.proxy.on("GET", record(2), *["slow_down"] * faults)
    result = world.send("--role", "cfo,ceo")
    assert result.exit_code == 4 and "Traceback" not in result.output
    assert "SlowDown" in result.stderr and "ceo: not started" in result.stderr
    assert world.ses.messages() == []
    if closed:  # read again once S3 answered: the attempt is closed, nothing holds the report
        assert "cfo: NOT SENT: its attempt record could not be confirmed, so it was closed as failed" in result.stderr
        assert world.events() == [("cfo", "attempt"), ("cfo", "failed")]
        assert world.send("--role", "cfo").exit_code == 0 and len(world.ses.messages()) == 1
    else:  # S3 kept refusing: the attempt may stay open, and the run says so
        assert "cfo: NOT SENT: its attempt record may be in the log" in result.stderr and "--force" in result.stderr
        held = world.send("--role", "cfo")
        assert held.exit_code == 1 and "cfo: HELD" in held.stderr
        assert world.send("--role", "cfo", "--force").exit_code == 0 and len(world.ses.messages()) == 1


def test_a_503_on_listing_the_log_is_an_audit_error_before_anything_is_sent(world: World) -> None:
    world.proxy.on("GET", "list-type=2", "slow_down", "slow_down")
    result = world.send("--role", "cfo")
    assert result.exit_code == 4 and "Traceback" not in result.output
    assert f"cannot list the audit log {world.url}" in result.stderr and "SlowDown" in result.stderr
    assert world.ses.messages() == [] and world.events() == []


def test_a_persistent_503_on_the_sent_put_names_the_message_sent_and_the_roles_not_started(world: World) -> None:
    world.proxy.on("PUT", record(3), "slow_down", "slow_down")
    result = world.send("--role", "cfo,ceo,cto")
    assert result.exit_code == 4 and "Traceback" not in result.output
    (message,) = world.ses.messages()
    assert f"cfo: SENT (message id {message['id']}) but NOT RECORDED" in result.stderr
    assert "ceo: not started" in result.stderr and "cto: not started" in result.stderr
    assert world.events() == [("cfo", "attempt")]
    held = world.send("--role", "cfo")  # the next run holds it: a person checks the inbox
    assert held.exit_code == 1 and "cfo: HELD" in held.stderr and len(world.ses.messages()) == 1


def test_a_missing_bucket_is_a_configuration_error_naming_it(world: World) -> None:
    result = world.send("--role", "cfo", log="s3://no-such-bucket-here/audit/")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "no-such-bucket-here" in result.stderr and "does not exist" in result.stderr
    verify = CliRunner().invoke(cli, ["audit", "--verify", "--audit-log", "s3://no-such-bucket-here/audit/"])
    assert verify.exit_code == 2 and "no-such-bucket-here" in verify.stderr
    assert world.ses.messages() == []


# --------------------------------------------------------------------------
# The role state in the chain, on S3


def test_a_hand_edited_s3_checkpoint_is_ignored_by_a_send_and_failed_by_verify(world: World) -> None:
    assert world.send("--role", "cfo").exit_code == 0
    url = parse_s3_url(world.url)
    s3 = boto3.client("s3", region_name="us-east-1")
    key = url.key("checkpoint.json")
    saved = json.loads(s3.get_object(Bucket=url.bucket, Key=key)["Body"].read())
    saved.setdefault("states", {})["real:cfo"] = {"sent": None, "unknown": None, "baseline": None}
    s3.put_object(Bucket=url.bucket, Key=key, Body=json.dumps(saved).encode())  # anyone with s3:PutObject
    checked = CliRunner().invoke(cli, ["audit", "--verify", "--audit-log", world.url])
    assert checked.exit_code == 4 and "checkpoint" in checked.stdout
    result = world.send("--role", "cfo")
    assert "rebuilt from the whole log" in result.stderr and "cfo: skipped, unchanged" in result.stderr
    assert len(world.ses.messages()) == 1
    assert CliRunner().invoke(cli, ["audit", "--verify", "--audit-log", world.url]).exit_code == 0


# --------------------------------------------------------------------------
# Many writers


def test_eight_concurrent_writers_back_off_instead_of_giving_up(world: World,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", world.ses.url)  # no proxy: only the writers race
    settings = load_settings(world.tmp / "repos.env", {})
    errors: list[str] = []
    outcomes: list[str] = []

    def go() -> None:
        request = pipeline.Request(handoffs=world.tmp / "handoffs", as_of=pipeline.today(settings),
                                   audit_log=parse_s3_url(world.url))
        try:
            outcomes.extend(r.outcome for r in pipeline.run(settings, request)[1])
        except ReportsError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert errors == [] and outcomes.count("sent") == 5
    assert len(world.ses.messages()) == 5
    sent: list[Any] = [r["role"] for r in read_records(parse_s3_url(world.url)) if r["event"] == "sent"]
    assert sorted(sent) == sorted(["ceo", "cto", "accounting", "cmo", "cfo"])
    assert verify_log(parse_s3_url(world.url)).ok


def test_an_index_entry_that_cannot_be_written_still_chains_the_state(world: World) -> None:
    world.proxy.on("PUT", "/audit/sent/", "slow_down", "slow_down")  # say, a policy without audit/sent/*
    result = world.send("--role", "cfo")
    assert result.exit_code == 0 and "the index of messages sent" in result.stderr
    url = parse_s3_url(world.url)
    last = read_records(url, states=True)[-1]
    assert last["event"] == "state" and last["states"]["real:cfo"]["sent"] is not None
    saved = json.loads(boto3.client("s3", region_name="us-east-1").get_object(
        Bucket=url.bucket, Key=url.key("checkpoint.json"))["Body"].read())
    assert (saved["seq"], saved["head"]) == (last["seq"], last["hash"])
    again = world.send("--role", "cfo")  # the last send is in the chained state: still skipped
    assert again.exit_code == 0 and "cfo: skipped, unchanged" in again.stderr
