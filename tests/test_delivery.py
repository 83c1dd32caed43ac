"""Delivery against a real moto SES server, read back from /moto-api/data.json."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reports import SAMPLE_DIR
from reports.ledger.records import label
from send_exec_reports import cli

from .conftest import AS_OF, Ses, Setup
from .stores import read_records, store, verify_log

ENV = """\
SES_REGION=us-east-1
SES_FROM_ADDRESS="Exec Reports <reports@example.com>"
SES_TO_ADDRESS=owner@example.com
SES_TO_CFO=cfo@example.net, partner@example.net
SES_BCC_ADDRESS=audit@example.com
"""


@pytest.fixture
def setup(ses: Ses, tmp_path: Path) -> Setup:
    ses.verify("example.com")
    handoffs = tmp_path / "handoffs"
    shutil.copytree(SAMPLE_DIR, handoffs)
    (tmp_path / "repos.env").write_text(ENV)
    return ses, handoffs, tmp_path / "audit.jsonl"


def send(handoffs: Path, log: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--env-file", "repos.env", "--handoffs", str(handoffs),
                                    "--audit-log", str(log), "--as-of", AS_OF, *args],
                              catch_exceptions=False)


def events(log: Path) -> list[tuple[str, str]]:
    return [(r["role"], label(r)) for r in read_records(log) if r["event"] != "inputs"]


def test_five_messages_arrive_with_the_right_to_and_bcc_and_preview_bodies(setup: Setup) -> None:
    ses, handoffs, log = setup
    preview = send(handoffs, log, "--dry-run", "--json")
    expected = {o["role"]: o for o in map(json.loads, preview.stdout.splitlines())}
    assert not log.exists()  # the preview writes nothing

    result = send(handoffs, log)
    assert result.exit_code == 0, result.output
    got = ses.messages()
    assert len(got) == 5
    by_subject = {m["subject"]: m for m in got}
    for o in expected.values():
        m = by_subject[o["subject"]]
        assert m["body"] == o["body"]  # byte-identical to the preview
        assert m["destinations"]["ToAddresses"] == o["to"]
        assert m["destinations"]["BccAddresses"] == ["audit@example.com"]
        assert m["source"] == "Exec Reports <reports@example.com>"
    assert expected["cfo"]["to"] == ["cfo@example.net", "partner@example.net"]
    records = [r for r in read_records(log) if r["event"] != "inputs"]
    assert [r["event"] for r in records] == ["attempt", "sent"] * 5
    sent = {r["role"]: r for r in records if r["event"] == "sent"}
    assert {role: sent[role]["sha256"] for role in sent} == {role: o["sha256"] for role, o in expected.items()}
    assert all(r["message_id"] for r in sent.values())
    assert not any("body" in r for r in records)
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    assert verify_log(log).ok


def test_unchanged_rerun_sends_nothing_and_an_edit_resends_only_what_changed(setup: Setup) -> None:
    ses, handoffs, log = setup
    assert send(handoffs, log).exit_code == 0
    again = send(handoffs, log)
    assert again.exit_code == 0 and "skipped, unchanged" in again.stderr
    assert len(ses.messages()) == 5
    assert events(log)[-5:] == [(r, "skipped") for r in ("ceo", "cto", "accounting", "cmo", "cfo")]

    (handoffs / "qdn" / "marketing.md").write_text(
        (handoffs / "qdn" / "marketing.md").read_text().replace("Fall cleanout special", "Fall clear-out"))
    result = send(handoffs, log)
    assert result.exit_code == 0
    outcome = {role: event for role, event in events(log)[15:] if event != "attempt"}
    # Only the CMO shows campaign names: the others cite qdn/marketing.md too, but what they
    # show did not change, and the Sources footer names files without their hashes.
    assert outcome == {"ceo": "skipped", "cto": "skipped", "accounting": "skipped", "cmo": "sent", "cfo": "skipped"}
    assert len(ses.messages()) == 6
    assert verify_log(log).ok


def test_an_edit_resends_only_the_reports_whose_content_changed(setup: Setup) -> None:
    ses, handoffs, log = setup
    assert send(handoffs, log).exit_code == 0
    plan = handoffs / "portfolio.md"
    plan.write_text(plan.read_text().replace("Second QDN truck lease", "Second QDN truck purchase"))
    result = send(handoffs, log)
    assert result.exit_code == 0
    outcome = {role: event for role, event in events(log)[10:] if event != "attempt"}
    # The capital plan is shown only in the CFO report: only it changes, only it goes again.
    assert outcome == {"ceo": "skipped", "cto": "skipped", "accounting": "skipped", "cmo": "skipped", "cfo": "sent"}
    assert len(ses.messages()) == 6


def test_force_sends_unchanged_content(setup: Setup) -> None:
    ses, handoffs, log = setup
    send(handoffs, log, "--role", "cfo")
    assert send(handoffs, log, "--role", "cfo", "--force").exit_code == 0
    assert len(ses.messages()) == 2
    assert events(log)[-1] == ("cfo", "sent")


def test_test_to_goes_only_to_that_address_without_bcc(setup: Setup) -> None:
    ses, handoffs, log = setup
    result = send(handoffs, log, "--role", "ceo", "--test-to", "me@example.com")
    assert result.exit_code == 0, result.output
    (m,) = ses.messages()
    assert m["destinations"] == {"ToAddresses": ["me@example.com"]}
    assert m["subject"].startswith("[TEST] ")
    assert events(log) == [("ceo", "attempt"), ("ceo", "test sent")]
    # a test send does not count as the real one
    send(handoffs, log, "--role", "ceo")
    assert events(log)[-1] == ("ceo", "sent")


def test_expect_sha256_sends_only_what_was_previewed(setup: Setup) -> None:
    ses, handoffs, log = setup
    preview = json.loads(send(handoffs, log, "--dry-run", "--json", "--role", "cfo").stdout)
    wrong = send(handoffs, log, "--role", "cfo", "--expect-sha256", "0" * 64)
    assert wrong.exit_code == 2 and preview["sha256"] in wrong.stderr
    assert ses.messages() == []
    assert send(handoffs, log, "--role", "cfo", "--expect-sha256", preview["sha256"]).exit_code == 0
    assert len(ses.messages()) == 1
    assert send(handoffs, log, "--role", "cfo", "--role", "ceo", "--expect-sha256", "x").exit_code == 2


def test_unverified_sender_fails_with_exit_1_and_a_failed_record(ses: Ses, tmp_path: Path) -> None:
    handoffs = tmp_path / "h"
    shutil.copytree(SAMPLE_DIR, handoffs)
    (tmp_path / "repos.env").write_text(ENV)
    log = tmp_path / "audit.jsonl"
    result = send(handoffs, log, "--role", "cfo", "--role", "ceo")
    assert result.exit_code == 1
    assert "MessageRejected" in result.stderr and "verified" in result.stderr
    assert events(log) == [("cfo", "attempt"), ("cfo", "failed"), ("ceo", "attempt"), ("ceo", "failed")]
    assert verify_log(log).ok


def test_attempt_without_outcome_holds_the_role_until_force(setup: Setup) -> None:
    ses, handoffs, log = setup
    with store(log) as opened:
        opened.append("attempt", run_id="dead", kind="real", role="cfo", as_of=AS_OF, subject="S",
                      to=["cfo@example.net"], bcc=[], sha256="0" * 64, inputs_sha256="0" * 64,
                      **{"from": "reports@example.com"})
    result = send(handoffs, log, "--role", "cfo", "--role", "ceo")
    assert result.exit_code == 1
    assert "cfo: HELD" in result.stderr and read_records(log)[0]["ts"] in result.stderr
    assert [m["subject"].split()[2] for m in ses.messages()] == ["CEO"]
    assert send(handoffs, log, "--role", "cfo", "--force").exit_code == 0
    assert events(log)[-1] == ("cfo", "sent")


def test_doctor_checks_the_sender_identity_on_the_server(setup: Setup, tmp_path: Path) -> None:
    ses, handoffs, log = setup
    result = CliRunner().invoke(cli, ["doctor", "--env-file", "repos.env", "--handoffs", str(handoffs),
                                      "--audit-log", str(log)])
    assert "[ok] sender identity reports@example.com is verified" in result.stdout or \
        "[ok] sender identity example.com is verified" in result.stdout
    (tmp_path / "repos.env").write_text(ENV.replace("example.com>", "example.org>"))
    result = CliRunner().invoke(cli, ["doctor", "--env-file", "repos.env", "--handoffs", str(handoffs),
                                      "--audit-log", str(log)])
    assert result.exit_code == 2 and "[FAIL] sender reports@example.org is not verified" in result.stdout
    assert "Traceback" not in result.output


def test_a_message_over_the_ses_size_limit_is_refused_before_sending(tmp_path: Path) -> None:

    from reports import progress
    from reports import run as pipeline
    from reports.config import Settings
    from reports.model import Portfolio
    from reports.render.compose import MAX_MESSAGE_BYTES, Outgoing, content_sha256
    from reports.run.execute import execute

    calls: list[str] = []

    class Recorder:
        def prepare(self) -> None:
            pass

        def send(self, msg: Outgoing) -> str:
            calls.append(msg.role)
            return "id-1"

    body = "x" * (MAX_MESSAGE_BYTES + 1)
    big = Outgoing("cfo", "S", "reports@example.com", ("owner@example.com",), (), (), body,
                   content_sha256("S", body))
    small = big._replace(role="ceo", body="fine\n", sha256=content_sha256("S", "fine\n"))
    log = tmp_path / "audit.jsonl"
    inputs = pipeline.Inputs(Portfolio("P", None, None, None), tmp_path, False, date(2026, 11, 15))
    decisions = tuple(pipeline.decide(m, None, force=False) for m in (big, small))
    assert [d.action for d in decisions] == [pipeline.REFUSE, pipeline.SEND]
    plan = pipeline.Plan(pipeline.Request(), Settings(), inputs, (big, small), decisions, log)
    said: list[str] = []
    with store(log) as audit_log, progress.routed(lambda _level, text: said.append(text)):
        results = execute(plan, audit_log, Recorder())
    assert pipeline.exit_code(results) == 1 and calls == ["ceo"]  # the big one never reached SES
    assert events(log) == [("cfo", "failed"), ("ceo", "attempt"), ("ceo", "sent")]
    assert "cfo: FAILED" in said[0] and "over the SES limit" in said[0]
