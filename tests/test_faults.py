"""Faults injected at the boundary: throttling, a dead or silent endpoint, a crash
mid-send, concurrent runs. SES faults are injected by patching moto's backend
inside a ThreadedMotoServer, never our own code."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from moto.core.exceptions import JsonRESTError
from moto.server import ThreadedMotoServer
from moto.sesv2.models import SESV2Backend

from bench.servers import free_port as _free_port
from reports import SAMPLE_DIR
from send_exec_reports import cli

from .conftest import AS_OF, ENV, Ses
from .stores import read_records, verify_log

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def threaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """An in-process moto server whose SES backend the test can patch."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    import urllib.request  # moto's backends live in this process: start each test empty

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=5)
    for key, value in {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_CONFIG_FILE": str(tmp_path / "none"),
                       "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    boto3.client("sesv2", region_name="us-east-1", endpoint_url=url).create_email_identity(
        EmailIdentity="example.com")
    _lay_out(tmp_path)
    yield url
    server.stop()


def _sent_count(url: str) -> int:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=5) as resp:
        return len(json.load(resp).get("ses", {}).get("Message", []))


def send(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--env-file", "repos.env", "--handoffs", str(tmp_path / "handoffs"),
                                    "--audit-log", str(tmp_path / "audit.jsonl"), "--as-of", AS_OF, *args],
                              catch_exceptions=False)


@pytest.mark.parametrize("code", ["Throttling", "TooManyRequestsException"])
def test_throttling_is_retried_and_the_report_goes_out_once(threaded: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    calls = {"n": 0}
    real = SESV2Backend.send_email

    def throttled(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise JsonRESTError(code, "Maximum sending rate exceeded.")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SESV2Backend, "send_email", throttled)
    result = send(tmp_path, "--role", "cfo", "-v")
    assert result.exit_code == 0, result.output
    assert calls["n"] == 3
    assert _sent_count(threaded) == 1
    assert result.stderr.count("SES asked us to wait") == 2
    records = [r for r in read_records(tmp_path / "audit.jsonl") if r["event"] != "inputs"]
    assert [r["event"] for r in records] == ["attempt", "sent"]


def test_a_rejection_is_not_retried(threaded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}

    def rejected(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        raise JsonRESTError("MessageRejected", "Email address is not verified.")

    monkeypatch.setattr(SESV2Backend, "send_email", rejected)
    result = send(tmp_path, "--role", "cfo")
    assert result.exit_code == 1 and calls["n"] == 1
    assert "MessageRejected" in result.stderr and "verified" in result.stderr


def test_a_dead_endpoint_fails_every_report_quickly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")  # nothing listens
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    _lay_out(tmp_path)
    started = time.monotonic()
    result = send(tmp_path)
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "EndpointConnectionError" in result.stderr
    records = [r for r in read_records(tmp_path / "audit.jsonl") if r["event"] != "inputs"]
    assert sorted(r["role"] for r in records if r["event"] == "failed") == sorted(
        ["ceo", "cto", "accounting", "cmo", "cfo"])
    assert verify_log(tmp_path / "audit.jsonl").ok


def test_a_silent_endpoint_is_bounded_by_the_read_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])  # read nothing, answer nothing
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{listener.getsockname()[1]}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    _lay_out(tmp_path)
    try:
        started = time.monotonic()
        result = send(tmp_path)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
    assert elapsed < 25  # one read timeout, not one per report and retry
    assert result.exit_code == 1
    assert "ReadTimeoutError" in result.stderr and "OUTCOME UNKNOWN" in result.stderr
    assert "check the inbox" in result.stderr
    assert len(accepted) == 1  # a request SES may have acted on is never sent again
    records = [r for r in read_records(tmp_path / "audit.jsonl") if r["event"] != "inputs"]
    assert [r["event"] for r in records].count("failed") == 4  # the others: not attempted
    first = next(r for r in records if r["event"] == "unknown")
    assert first["outcome"] == "unknown" and first["error"].startswith("ReadTimeoutError")
    # SES may have sent that one: the next run holds it back instead of sending it twice.
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")
    again = send(tmp_path)
    attempt = next(r for r in records if r["event"] == "attempt" and r["role"] == first["role"])
    assert f"{first['role']}: HELD" in again.stderr and attempt["ts"] in again.stderr
    assert again.stderr.count("HELD") == 1


def test_a_crash_mid_send_holds_the_role_until_force(threaded: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = SESV2Backend.send_email

    def slow(self: Any, *args: Any, **kwargs: Any) -> Any:
        release.wait(30)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SESV2Backend, "send_email", slow)
    log = tmp_path / "audit.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "send_exec_reports.py"), "--env-file", "repos.env", "--handoffs",
         str(tmp_path / "handoffs"), "--audit-log", str(log), "--as-of", AS_OF, "--role", "cfo"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    deadline = time.monotonic() + 30
    while not (log.exists() and b'"attempt"' in log.read_bytes()):
        assert time.monotonic() < deadline and proc.poll() is None, "no attempt record appeared"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    release.set()

    assert verify_log(log).ok
    attempt = read_records(log)[-1]
    assert attempt["event"] == "attempt"
    held = send(tmp_path, "--role", "cfo")
    assert held.exit_code == 1
    assert "cfo: HELD" in held.stderr and attempt["ts"] in held.stderr and "--force" in held.stderr
    forced = send(tmp_path, "--role", "cfo", "--force")
    assert forced.exit_code == 0
    assert [r["event"] for r in read_records(log)] == ["inputs", "attempt", "skipped", "inputs",
                                                               "attempt", "sent"]  # skipped: the hold
    assert verify_log(log).ok


@pytest.fixture
def workspace(ses: Ses, tmp_path: Path) -> tuple[Ses, Path]:
    """A verified sender on the standalone server, repos.env and a copy of the sample."""
    ses.verify("example.com")
    _lay_out(tmp_path)
    return ses, tmp_path / "audit.jsonl"


def _lay_out(tmp_path: Path) -> None:
    (tmp_path / "repos.env").write_text(ENV)
    shutil.copytree(SAMPLE_DIR, tmp_path / "handoffs")


def test_concurrent_runs_send_each_report_exactly_once(workspace: tuple[Ses, Path], tmp_path: Path) -> None:
    ses, log = workspace
    args = [sys.executable, str(ROOT / "send_exec_reports.py"), "--env-file", "repos.env", "--handoffs",
            str(tmp_path / "handoffs"), "--audit-log", str(log), "--as-of", AS_OF]
    procs = [subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=dict(os.environ)) for _ in range(4)]
    codes = [p.wait(120) for p in procs]
    assert set(codes) <= {0, 4}, codes
    assert 0 in codes
    assert len(ses.messages()) == 5
    sent = [r["role"] for r in read_records(log) if r["event"] == "sent"]
    assert sorted(sent) == sorted(["ceo", "cto", "accounting", "cmo", "cfo"])
    assert verify_log(log).ok


def test_a_damaged_log_refuses_to_send_and_says_how_to_inspect(workspace: tuple[Ses, Path], tmp_path: Path) -> None:
    ses, log = workspace
    assert send(tmp_path, "--role", "cfo").exit_code == 0
    before = log.read_bytes()
    log.write_bytes(before + b'{"seq": 3, "torn')
    result = send(tmp_path, "--role", "cfo", "--force")
    assert result.exit_code == 4
    assert "damaged" in result.stderr and "audit --verify" in result.stderr
    assert log.read_bytes() == before + b'{"seq": 3, "torn'  # nothing rewritten, nothing added
    assert len(ses.messages()) == 1


def test_quiet_still_prints_every_failure_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")  # nothing listens
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    _lay_out(tmp_path)
    result = send(tmp_path, "-q")
    assert result.exit_code == 1
    assert all(f"{role}: FAILED" in result.stderr for role in ("ceo", "cto", "accounting", "cmo", "cfo"))
    assert "0 sent, 0 unchanged, 5 failed or held" in result.stderr
    assert "sending to" not in result.stderr  # progress is what -q silences


def test_more_verbosity_adds_detail_and_then_every_file_read(tmp_path: Path) -> None:
    _lay_out(tmp_path)
    plain = send(tmp_path, "--dry-run")
    detail = send(tmp_path, "--dry-run", "-v")
    trace = send(tmp_path, "--dry-run", "-vv")
    assert plain.stdout == detail.stdout == trace.stdout  # stderr only
    assert "handoff file(s) under" not in plain.stderr
    assert "handoff file(s) under" in detail.stderr and "rendered 5 report(s)" in detail.stderr
    assert "read qdn/marketing.md" not in detail.stderr and "read qdn/marketing.md" in trace.stderr
