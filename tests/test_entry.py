"""The entry points and the AWS session: one precedence for every endpoint, one client per run,
credentials checked before anything is recorded, the Lambda's request checked as the CLI's is,
doctor, check output that cannot be injected into, and logging routed per run."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from reports import SAMPLE_DIR
from reports.aws.handlers import send_handler
from reports.aws.session import Aws, endpoint
from reports.config import load_settings
from reports.errors import ConfigError
from send_exec_reports import cli

from .conftest import AS_OF, ENV, Ses
from .stores import store

ROOT = Path(__file__).resolve().parent.parent
DEAD = "http://127.0.0.1:9"  # the discard port: nothing answers there


def _settings(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Any:
    (tmp_path / "repos.env").write_text(text)
    return load_settings(tmp_path / "repos.env", environ or {})


# --------------------------------------------------------------------------
# One precedence: flag, environment, repos.env, default


def test_the_environment_beats_repos_env_for_the_ses_endpoint(tmp_path: Path, ses: Ses) -> None:
    # Issue 22: AWS_ENDPOINT_URL_SESV2 in repos.env used to beat the same variable in the environment.
    ses.verify("example.com")
    (tmp_path / "repos.env").write_text(ENV + f"AWS_ENDPOINT_URL_SESV2={DEAD}\n")
    (tmp_path / "handoffs").mkdir()
    (tmp_path / "handoffs" / "a.md").write_text("# Acme\n\n## Risks\n\n- [high] The roof leaks\n")
    result = CliRunner(env={"AWS_ENDPOINT_URL_SESV2": ses.url}).invoke(
        cli, ["--handoffs", "handoffs", "--role", "cfo", "--as-of", AS_OF, "--yes"])
    assert result.exit_code == 0, result.output
    assert len(ses.messages()) == 1


@pytest.mark.parametrize(("service", "key"), [("sesv2", "AWS_ENDPOINT_URL_SESV2"), ("s3", "AWS_ENDPOINT_URL_S3"),
                                              ("sqs", "AWS_ENDPOINT_URL_SQS")])
def test_each_service_endpoint_follows_one_order(tmp_path: Path, service: str, key: str) -> None:
    settings = _settings(tmp_path, f"{key}=http://127.0.0.1:1001\nAWS_ENDPOINT_URL=http://127.0.0.1:1002\n")
    assert endpoint(settings, service, {}) == ("http://127.0.0.1:1001", key)  # repos.env, its own key first
    assert endpoint(settings, service, {"AWS_ENDPOINT_URL": "http://127.0.0.1:1003"}) == (
        "http://127.0.0.1:1003", "AWS_ENDPOINT_URL")  # the environment beats repos.env
    assert endpoint(settings, service, {}, {key: "http://127.0.0.1:1004"})[0] == "http://127.0.0.1:1004"  # a flag
    assert endpoint(_settings(tmp_path, ""), service, {}) == (None, None)  # boto3's default


def test_the_sqs_endpoint_in_repos_env_reaches_the_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 22: AWS_ENDPOINT_URL_SQS in repos.env was ignored by `events`.
    for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(key, raising=False)
    settings = _settings(tmp_path, "AWS_ENDPOINT_URL_SQS=http://127.0.0.1:1005\nAWS_DEFAULT_REGION=us-east-1\n"
                         "AWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY=testing\n")
    assert Aws(settings).sqs().meta.endpoint_url == "http://127.0.0.1:1005"


def test_one_s3_client_reads_every_handoff_object(ses: Ses, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 23 point 3: a session and client per object ran the Lambda out of memory.
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="many-handoffs")
    for i in range(40):
        s3.put_object(Bucket="many-handoffs", Key=f"handoffs/e{i:02d}.md", Body=f"# Entity {i}\n".encode())
    made: list[str] = []
    real = boto3.session.Session.client

    def counting(self: Any, service: str, *args: Any, **kwargs: Any) -> Any:
        made.append(service)
        return real(self, service, *args, **kwargs)

    monkeypatch.setattr(boto3.session.Session, "client", counting)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = CliRunner().invoke(cli, ["check", "--handoffs", "s3://many-handoffs/handoffs/"])
    assert result.exit_code == 0, result.output
    assert "40 entities from 40 files" in result.stdout
    assert made.count("s3") == 1


# --------------------------------------------------------------------------
# Failing early and clearly


def test_no_credentials_is_exit_2_before_any_record(tmp_path: Path, ses: Ses, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 23 point 7: this used to be "OUTCOME UNKNOWN" and a hold on every later run.
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (tmp_path / "repos.env").write_text(ENV)
    log = tmp_path / "audit.jsonl"
    result = CliRunner().invoke(cli, ["--handoffs", str(SAMPLE_DIR), "--as-of", AS_OF, "--yes",
                                      "--audit-log", str(log)])
    assert result.exit_code == 2, result.output
    assert "no AWS credentials found" in result.stderr and "aws configure" in result.stderr
    assert "UNKNOWN" not in result.stderr
    assert not log.exists() or b'"attempt"' not in log.read_bytes()
    assert ses.messages() == []


def test_a_missing_handoff_bucket_names_it(ses: Ses, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = CliRunner().invoke(cli, ["check", "--handoffs", "s3://no-such-bucket-here/handoffs/"])
    assert result.exit_code == 2
    assert "no-such-bucket-here does not exist" in result.stderr and "Traceback" not in result.output


def test_an_object_key_with_dot_dot_is_a_warning(ses: Ses, monkeypatch: pytest.MonkeyPatch) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="dotdot")
    s3.put_object(Bucket="dotdot", Key="handoffs/a.md", Body=b"# Acme\n")
    s3.put_object(Bucket="dotdot", Key="handoffs/../x.md", Body=b"# Elsewhere\n")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = CliRunner().invoke(cli, ["check", "--handoffs", "s3://dotdot/handoffs/"])
    assert "handoffs/../x.md" in result.stdout and "names no file under the prefix" in result.stdout
    assert "1 entities from 1 files" in result.stdout


# --------------------------------------------------------------------------
# The Lambda checks what the CLI checks


@pytest.mark.parametrize(("event", "said"), [
    ({"as_of": "0001-01-01"}, "out of range"),
    ({"as_of": "2026-02-30"}, "not a valid date"),
    ({"roles": ["cfo", "ceo-ish"]}, "'ceo-ish' is not one of"),
    ({"dry_run": True, "rols": ["cfo"]}, "unknown key(s) in the event: rols"),
])
def test_the_send_handler_checks_its_event_as_the_cli_checks_options(event: dict[str, Any], said: str) -> None:
    with pytest.raises(ConfigError, match=said.replace("(", r"\(").replace(")", r"\)")):
        send_handler(event)


def test_the_handlers_do_not_import_click() -> None:
    code = "import sys, reports.aws.handlers; sys.exit('click' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# --------------------------------------------------------------------------
# doctor and check


def test_doctor_masks_credentials_in_an_endpoint_url(tmp_path: Path) -> None:
    (tmp_path / "repos.env").write_text(ENV + "AWS_ENDPOINT_URL_SESV2=https://someone:s3cr3t-value@127.0.0.1:9\n")
    result = CliRunner().invoke(cli, ["doctor", "--handoffs", str(SAMPLE_DIR)])
    assert "s3cr3t-value" not in result.output and "https://***@127.0.0.1:9" in result.output


def test_doctor_lists_a_held_report(tmp_path: Path) -> None:

    (tmp_path / "repos.env").write_text(ENV)
    log = tmp_path / "audit.jsonl"
    with store(log) as opened:
        opened.append("attempt", run_id="r" * 32, kind="real", role="cfo", as_of=AS_OF, subject="s",
                      to=["owner@example.com"], bcc=[], sha256="0" * 64, inputs_sha256="1" * 64,
                      **{"from": "reports@example.com"})
    result = CliRunner().invoke(cli, ["doctor", "--handoffs", str(SAMPLE_DIR), "--audit-log", str(log)])
    assert "[warn] the cfo report is HELD" in result.output and "--role cfo --force" in result.output


def test_a_newline_in_a_portfolio_name_cannot_start_a_line_of_check_output(tmp_path: Path) -> None:
    # Issue 23 point 9: safe() kept "\n".
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "portfolio.md").write_text('---\ntype: portfolio\nname: "Acme\\nINJECTED: all clear"\n---\n# Portfolio\n')
    (tmp_path / "h" / "a.md").write_text("# Acme\n")
    result = CliRunner().invoke(cli, ["check", "--handoffs", str(tmp_path / "h")])
    assert result.exit_code == 0, result.output
    assert not any(line.startswith("INJECTED") for line in result.stdout.splitlines())
    assert "Acme\\x0aINJECTED" in result.stdout


# --------------------------------------------------------------------------
# Logging: the entry point's handler, one route per run


def test_two_runs_in_threads_each_hear_only_their_own_messages() -> None:
    from reports import progress

    heard: dict[str, list[str]] = {"a": [], "b": []}
    ready = threading.Barrier(2)

    def run(name: str) -> None:
        with progress.routed(lambda _level, text: heard[name].append(text)):
            ready.wait()
            logging.getLogger("reports.test").log(progress.RESULT, "from %s", name)
            ready.wait()

    threads = [threading.Thread(target=run, args=(n,)) for n in heard]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert heard == {"a": ["from a"], "b": ["from b"]}


# --------------------------------------------------------------------------
# Stale handoffs (issue 28 point 5)


def _aged(folder: Path, days: float) -> None:
    import os
    import time

    for path in folder.rglob("*.md"):
        stamp = time.time() - days * 86400
        os.utime(path, (stamp, stamp))


@pytest.mark.parametrize(("days", "env", "stale"), [
    (10, "", True), (5, "", False), (10, "HANDOFFS_MAX_AGE_DAYS=30\n", False), (400, "HANDOFFS_MAX_AGE_DAYS=0\n", False),
])
def test_stale_handoffs_are_a_warning_in_the_run_never_in_a_report(tmp_path: Path, days: int, env: str,
                                                                     stale: bool) -> None:
    shutil.copytree(SAMPLE_DIR, tmp_path / "h")
    _aged(tmp_path / "h", days)
    (tmp_path / "repos.env").write_text(env)
    result = CliRunner().invoke(cli, ["--dry-run", "--handoffs", str(tmp_path / "h"), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert ("stale handoffs" in result.stderr) is stale
    assert "stale" not in result.stdout  # the reports themselves never say it


def test_strict_refuses_to_send_on_stale_handoffs(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE_DIR, tmp_path / "h")
    _aged(tmp_path / "h", 20)
    (tmp_path / "repos.env").write_text(ENV)
    result = CliRunner().invoke(cli, ["--handoffs", str(tmp_path / "h"), "--as-of", AS_OF, "--yes", "--strict"])
    assert result.exit_code == 3 and "--strict: stale handoffs" in result.stderr


def test_the_bundled_sample_is_never_stale(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--dry-run", "--handoffs", str(SAMPLE_DIR), "--as-of", AS_OF],
                                env={"HANDOFFS_MAX_AGE_DAYS": "1"})
    assert result.exit_code == 0 and "stale" not in result.stderr


def test_the_send_handler_reports_stale_s3_handoffs(tmp_path: Path, ses: Ses, monkeypatch: pytest.MonkeyPatch) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="fresh-or-not")
    s3.put_object(Bucket="fresh-or-not", Key="handoffs/a.md", Body=b"# Acme\n\n## Risks\n\n- [high] Roof\n")
    for key, value in {"HANDOFFS_DIR": "s3://fresh-or-not/handoffs/", "AWS_DEFAULT_REGION": "us-east-1",
                       "AUDIT_LOG": str(tmp_path / "audit.jsonl")}.items():
        monkeypatch.setenv(key, value)
    assert send_handler({"dry_run": True, "as_of": AS_OF})["warnings"] == []
    monkeypatch.setenv("HANDOFFS_MAX_AGE_DAYS", "1")
    monkeypatch.setattr("time.time", lambda: 4102444800.0)  # 2100-01-01: the object is old by then
    answer = send_handler({"dry_run": True, "as_of": AS_OF})
    assert len(answer["warnings"]) == 1 and "stale handoffs" in answer["warnings"][0]
    with pytest.raises(Exception, match="--strict: stale handoffs"):
        send_handler({"dry_run": True, "as_of": AS_OF, "strict": True})


# --------------------------------------------------------------------------
# Ctrl-C during a send (issue 23 point 8)


def test_ctrl_c_during_a_send_says_what_became_of_each_report(tmp_path: Path, ses: Ses,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from reports.aws import ses as delivery

    ses.verify("example.com")
    (tmp_path / "repos.env").write_text(ENV)
    shutil.copytree(SAMPLE_DIR, tmp_path / "h")
    real = delivery.SesSender.send

    def send(self: Any, msg: Any) -> str:
        if msg.role == "cto":
            raise KeyboardInterrupt  # the user presses Ctrl-C while the CTO report is on its way
        return real(self, msg)

    monkeypatch.setattr(delivery.SesSender, "send", send)
    log = tmp_path / "audit.jsonl"
    result = CliRunner().invoke(cli, ["--handoffs", str(tmp_path / "h"), "--as-of", AS_OF, "--yes",
                                      "--audit-log", str(log)])
    assert result.exit_code == 130, result.output
    assert "ceo: sent to" in result.stderr
    assert "cto: INTERRUPTED while sending: SES may have sent it; held" in result.stderr
    for role in ("accounting", "cmo", "cfo"):
        assert f"{role}: not started" in result.stderr
    assert "interrupted: 1 sent; 4 not finished or not started" in result.stderr
    assert "Aborted!" not in result.output and len(ses.messages()) == 1
    again = CliRunner().invoke(cli, ["--handoffs", str(tmp_path / "h"), "--as-of", AS_OF, "--yes", "--role", "cto",
                                     "--audit-log", str(log)])
    assert again.exit_code == 1 and "cto: HELD" in again.stderr  # never sent twice by accident


def test_doctor_warns_that_a_send_refuses_the_bundled_sample(tmp_path: Path) -> None:
    (tmp_path / "repos.env").write_text(ENV)
    result = CliRunner().invoke(cli, ["doctor"])
    assert "[warn] handoff folder" in result.output and "a send refuses it" in result.output


def test_a_first_preview_imports_neither_boto3_nor_the_ledger(tmp_path: Path) -> None:
    code = ("import sys; from click.testing import CliRunner; from send_exec_reports import cli; "
            f"r = CliRunner().invoke(cli, ['--dry-run', '-q', '--as-of', '{AS_OF}', '--audit-log', "
            f"'{tmp_path / 'none.jsonl'}']); assert r.exit_code == 0, r.output; "
            "found = sorted(m for m in sys.modules if m.startswith(('boto3', 'botocore', 'reports.ledger'))); "
            "print(found); sys.exit(bool(found))")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_the_cli_imports_with_the_collector_paused_and_gives_it_back() -> None:
    """click and the library are imported with the collector off (3% of a preview,
    reports/collector.py), and an importer of the CLI keeps its collector on."""
    code = ("import builtins, gc\n"
            "seen, plain = {}, builtins.__import__\n"
            "def spy(name, *args, **kwargs):\n"
            "    seen.setdefault(name, gc.isenabled())\n"
            "    return plain(name, *args, **kwargs)\n"
            "builtins.__import__ = spy\n"
            "import send_exec_reports\n"
            "assert seen['click'] is False and seen['reports.run.request'] is False, seen\n"
            "assert gc.isenabled() and gc.get_freeze_count() > 1000\n")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
