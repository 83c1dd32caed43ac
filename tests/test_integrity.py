"""Never twice, never the wrong inbox: transport faults through a loopback proxy in
front of the real moto server, and recipient safety. Each test says how many
copies moto received and what the audit log holds afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reports import SAMPLE_DIR
from reports.ledger.files import manifest_path
from reports.ledger.records import SCHEMA, label
from send_exec_reports import cli

from .conftest import AS_OF, ENV, Ses
from .faultproxy import FaultProxy, fault_proxy
from .stores import read_records, verify_log

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def proxy(ses: Ses, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """The sample, repos.env, a verified sender, and boto3 pointed at a fault proxy."""
    ses.verify("example.com")
    (tmp_path / "repos.env").write_text(ENV)
    shutil.copytree(SAMPLE_DIR, tmp_path / "handoffs")
    with fault_proxy(ses.url, trickle_s=0.5) as p:
        monkeypatch.setenv("AWS_ENDPOINT_URL", p.url)
        yield p


def send(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--env-file", "repos.env", "--handoffs", str(tmp_path / "handoffs"),
                                    "--audit-log", str(tmp_path / "audit.jsonl"), "--as-of", AS_OF, *args],
                              env=env, catch_exceptions=False)


def outcomes(tmp_path: Path) -> list[tuple[str, str]]:
    return [(r["role"], label(r)) for r in read_records(tmp_path / "audit.jsonl")
            if r["event"] not in ("inputs",)]


# --------------------------------------------------------------------------
# Sent at most once


@pytest.mark.parametrize("fault, copies", [
    ("reset_after", 1),   # SES took it, the answer was lost
    ("reset_before", 0),  # the client cannot tell this from the one above
    ("error_5xx", 1),     # a 500 whose body proves nothing
    ("empty_200", 1),     # `{}`: no message id
    ("truncated", 1),     # half a JSON body
])
def test_once_the_request_may_have_reached_ses_it_is_never_sent_again(
        proxy: FaultProxy, ses: Ses, tmp_path: Path, fault: str, copies: int) -> None:
    proxy.faults(fault)
    result = send(tmp_path, "--role", "cfo")
    assert "Traceback" not in result.output
    assert result.exit_code == 1 and "cfo: OUTCOME UNKNOWN" in result.stderr
    assert proxy.seen == [fault]  # one request: no automatic retry
    assert len(ses.messages()) == copies
    assert outcomes(tmp_path) == [("cfo", "attempt"), ("cfo", "unknown")]
    again = send(tmp_path, "--role", "cfo")  # a plain run holds it
    assert again.exit_code == 1 and "cfo: HELD" in again.stderr
    assert len(ses.messages()) == copies and proxy.seen == [fault]
    forced = send(tmp_path, "--role", "cfo", "--force")
    assert forced.exit_code == 0 and len(ses.messages()) == copies + 1


def test_every_selected_role_ends_with_a_record_and_a_result_line(proxy: FaultProxy, ses: Ses,
                                                                  tmp_path: Path) -> None:
    proxy.faults("empty_200")
    result = send(tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    roles = ("ceo", "cto", "accounting", "cmo", "cfo")
    assert all(f"{role}: " in result.stderr for role in roles)
    got = outcomes(tmp_path)
    assert got[:2] == [("ceo", "attempt"), ("ceo", "unknown")]
    assert [r for r, what in got[2:] if what == "failed"] == list(roles[1:])  # not attempted
    assert len(ses.messages()) == 1


def test_throttling_is_retried_and_the_report_goes_once(proxy: FaultProxy, ses: Ses, tmp_path: Path) -> None:
    proxy.faults("throttle", "throttle")
    result = send(tmp_path, "--role", "cfo", "-v")
    assert result.exit_code == 0, result.output
    assert proxy.seen == ["throttle", "throttle", "pass"] and len(ses.messages()) == 1
    assert result.stderr.count("SES asked us to wait") == 2
    assert outcomes(tmp_path) == [("cfo", "attempt"), ("cfo", "sent")]
    assert read_records(tmp_path / "audit.jsonl")[-1]["message_id"]


def test_a_trickling_answer_is_cut_off_at_the_send_deadline(proxy: FaultProxy, ses: Ses, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SES_SEND_DEADLINE", "3")
    proxy.faults("trickle")
    started = time.monotonic()
    result = send(tmp_path)
    elapsed = time.monotonic() - started
    assert elapsed < 15  # the answer alone would take minutes at one byte per 0.5 s
    assert result.exit_code == 1 and "DeadlineExceeded" in result.stderr
    assert len(ses.messages()) == 1 and proxy.seen == ["trickle"]
    got = outcomes(tmp_path)
    assert got[1] == ("ceo", "unknown") and [what for _, what in got[2:]] == ["failed"] * 4


def test_a_bad_endpoint_is_a_configuration_error_before_any_record(proxy: FaultProxy, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
    result = send(tmp_path, "--role", "cfo")
    assert result.exit_code == 2 and "AWS_ENDPOINT_URL" in result.stderr
    assert "Traceback" not in result.output
    assert read_records(tmp_path / "audit.jsonl") == []
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    assert send(tmp_path, "--role", "cfo").exit_code == 0  # nothing is held


def test_a_test_send_neither_settles_nor_holds_the_real_report(proxy: FaultProxy, ses: Ses,
                                                               tmp_path: Path) -> None:
    proxy.faults("reset_after")
    assert send(tmp_path, "--role", "cfo").exit_code == 1  # real: outcome unknown
    test = send(tmp_path, "--role", "cfo", "--test-to", "me@example.com")
    assert test.exit_code == 0 and "test sent" in test.stderr
    held = send(tmp_path, "--role", "cfo")
    assert held.exit_code == 1 and "cfo: HELD" in held.stderr  # the test send did not clear the hold
    assert len(ses.messages()) == 2
    # The reverse: a test attempt of unknown outcome does not hold the real report.
    proxy.faults("reset_after")
    assert send(tmp_path, "--role", "ceo", "--test-to", "me@example.com").exit_code == 1
    real = send(tmp_path, "--role", "ceo")
    assert real.exit_code == 0 and "ceo: sent" in real.stderr
    again = send(tmp_path, "--role", "ceo", "--test-to", "me@example.com")
    assert again.exit_code == 1 and "ceo: HELD" in again.stderr  # the test one is held on its own


def test_records_name_their_kind_as_of_and_outcome_and_inputs_are_kept_once(proxy: FaultProxy,
                                                                            tmp_path: Path) -> None:
    assert send(tmp_path, "--role", "cfo,ceo").exit_code == 0
    records = read_records(tmp_path / "audit.jsonl")
    assert [r["event"] for r in records] == ["inputs", "attempt", "sent", "attempt", "sent"]
    assert all(r["v"] == SCHEMA for r in records)
    sent = records[2]
    assert (sent["kind"], sent["as_of"], sent["outcome"]) == ("real", AS_OF, "sent")
    manifest = manifest_path(tmp_path / "audit.jsonl", records[0]["inputs_sha256"])
    lines = manifest.read_text().splitlines()
    assert len(lines) == records[0]["files"] == len(list((tmp_path / "handoffs").rglob("*.md")))
    from reports.digest import sha256_hex

    assert sha256_hex(manifest.read_bytes()) == records[0]["inputs_sha256"]  # content-addressed
    assert oct(manifest.stat().st_mode & 0o777) == "0o600"
    assert "files" not in records[1] and all(len(json.dumps(r)) < 1500 for r in records)


def test_a_relative_audit_log_follows_repos_env_not_the_current_folder(proxy: FaultProxy, ses: Ses,
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "config"
    home.mkdir()
    (home / "repos.env").write_text(ENV + "AUDIT_LOG=audit.jsonl\nHANDOFFS_DIR=../handoffs\n")
    args = ["--env-file", str(home / "repos.env"), "--as-of", AS_OF, "--role", "cfo"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0 and "skipped, unchanged" in second.stderr
    assert len(ses.messages()) == 1 and not (elsewhere / "audit.jsonl").exists()
    assert f"audit log {home / 'audit.jsonl'}" in second.stderr  # printed absolute


def test_a_full_disk_stops_the_run_names_what_happened_and_the_next_run_holds(
        proxy: FaultProxy, ses: Ses, tmp_path: Path) -> None:
    import resource

    log = tmp_path / "audit.jsonl"
    # Room for the inputs record and one attempt, not for the outcome after it.
    limit = 1200  # the inputs record and an attempt are about 930 bytes; with the outcome, 1,580
    cmd = [sys.executable, str(ROOT / "send_exec_reports.py"), "--env-file", "repos.env", "--handoffs",
           str(tmp_path / "handoffs"), "--audit-log", str(log), "--as-of", AS_OF, "--role", "cfo,ceo,cto"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=dict(os.environ),
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "cfo: SENT (message id" in proc.stderr and "NOT RECORDED" in proc.stderr
    assert "ceo: not started" in proc.stderr and "cto: not started" in proc.stderr
    assert len(ses.messages()) == 1  # nothing more was sent after the log failed
    assert verify_log(log).ok  # cut back to where it was: no torn record
    assert outcomes(tmp_path) == [("cfo", "attempt")]
    held = send(tmp_path, "--role", "cfo")
    assert held.exit_code == 1 and "cfo: HELD" in held.stderr and len(ses.messages()) == 1


# --------------------------------------------------------------------------
# The right inbox, or none


@pytest.mark.parametrize("typo, meant", [("SES_TO_CF0", "SES_TO_CFO"), ("SES_BCC_ADRESS", "SES_BCC_ADDRESS")])
def test_a_misspelt_recipient_key_stops_a_send_but_only_warns_a_preview(
        proxy: FaultProxy, ses: Ses, tmp_path: Path, typo: str, meant: str) -> None:
    (tmp_path / "repos.env").write_text(ENV + f"{typo}=cfo@example.net\n")
    preview = send(tmp_path, "--dry-run", "--role", "cfo")
    assert preview.exit_code == 0 and f"did you mean {meant}?" in preview.stderr
    result = send(tmp_path, "--role", "cfo")
    assert result.exit_code == 2 and f"unknown key {typo}" in result.stderr and meant in result.stderr
    assert ses.messages() == [] and read_records(tmp_path / "audit.jsonl") == []


def test_an_unknown_ses_key_in_the_environment_stops_a_send_too(proxy: FaultProxy, ses: Ses,
                                                                tmp_path: Path) -> None:
    result = send(tmp_path, "--role", "cfo", env={"SES_TO_CF0": "cfo@example.net"})
    assert result.exit_code == 2 and "SES_TO_CF0 (the environment)" in result.stderr
    assert ses.messages() == []


def test_a_repos_env_line_dotenv_cannot_read_is_an_error_not_a_fallback(proxy: FaultProxy, ses: Ses,
                                                                         tmp_path: Path) -> None:
    (tmp_path / "repos.env").write_text(ENV + 'SES_TO_CFO="Smith, Jane" <jane@example.com>\n')
    result = send(tmp_path, "--role", "cfo")
    assert result.exit_code == 2 and "repos.env line 5 cannot be read" in result.stderr
    assert "quote" in result.stderr and ses.messages() == []


def test_display_names_are_quoted_encoded_and_sent_exactly_as_previewed(proxy: FaultProxy, ses: Ses,
                                                                         tmp_path: Path) -> None:
    (tmp_path / "repos.env").write_text(
        ENV + """SES_TO_CFO='"Smith, John" <john@example.com>, Zoë Ünal <zoe@bücher.example>'\n""")
    preview = json.loads(send(tmp_path, "--dry-run", "--json", "--role", "cfo").stdout)
    assert preview["to"] == ['"Smith, John" <john@example.com>',
                             "=?utf-8?b?Wm/DqyDDnG5hbA==?= <zoe@xn--bcher-kva.example>"]
    assert send(tmp_path, "--role", "cfo").exit_code == 0
    (m,) = ses.messages()
    assert m["destinations"]["ToAddresses"] == preview["to"]  # two addresses, not three


@pytest.mark.parametrize("value, words", [
    ("a@example.com; b@example.com", "separate them with commas"),
    ('"Evil\x1b]0;title\x07" <a@example.com>', "control or invisible character"),
    ("Bob\u202e <a@example.com>", "control or invisible character"),
    ("jöhn@example.com", "non-ASCII"),
])
def test_address_lists_that_cannot_be_sent_safely_are_refused(tmp_path: Path, value: str, words: str) -> None:
    (tmp_path / "repos.env").write_text(ENV + f"SES_TO_CFO='{value}'\n")
    result = send(tmp_path, "--dry-run", "--role", "cfo")
    assert result.exit_code == 2 and "SES_TO_CFO" in result.stderr and words in result.stderr
    assert "\x1b" not in result.stderr


@pytest.mark.parametrize("key", ["SES_TO_CEO", "SES_BCC_ADDRESS", "SES_REPLY_TO"])
def test_a_display_name_cannot_carry_an_address_past_the_allowed_domains(tmp_path: Path, key: str) -> None:
    (tmp_path / "repos.env").write_text(
        ENV.replace("example.com", "example.test") + "SES_ALLOWED_DOMAINS=example.test\n"
        + f"""{key}='"boss@example.test" <x@evil.test>'\n""")
    result = send(tmp_path, "--dry-run", "--role", "ceo")
    assert result.exit_code == 2 and f"{key} 'x@evil.test' is outside SES_ALLOWED_DOMAINS" in result.stderr


def test_test_to_is_checked_on_its_addr_spec_too(tmp_path: Path) -> None:
    (tmp_path / "repos.env").write_text(ENV + "SES_ALLOWED_DOMAINS=example.com\n")
    result = send(tmp_path, "--role", "cfo", "--test-to", '"me@example.com" <x@evil.test>')
    assert result.exit_code == 2 and "'x@evil.test' is outside SES_ALLOWED_DOMAINS" in result.stderr


@pytest.mark.parametrize("allowed, address, ok", [
    ("Example.COM.", "owner@example.com", True),       # case and a trailing dot do not matter
    ("example.com", "owner@EXAMPLE.com.", True),
    ("example.com", "owner@mail.example.com", False),  # a subdomain only when listed
    ("example.com,mail.example.com", "owner@mail.example.com", True),
    ("example.com", "owner@example.com.evil.test", False),
])
def test_the_allowed_domain_rule(tmp_path: Path, allowed: str, address: str, ok: bool) -> None:
    from reports.config import load_settings

    env = tmp_path / "repos.env"
    env.write_text(f"SES_ALLOWED_DOMAINS={allowed}\nSES_TO_ADDRESS={address}\n")
    if ok:
        load_settings(env, {})
    else:
        with pytest.raises(Exception, match="outside SES_ALLOWED_DOMAINS"):
            load_settings(env, {})


def test_a_send_from_a_terminal_shows_what_will_go_and_asks_first(proxy: FaultProxy, ses: Ses,
                                                                  tmp_path: Path) -> None:
    import pty

    def run(answer: bytes, *extra: str) -> tuple[int, str]:
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "send_exec_reports.py"), "--env-file", "repos.env", "--handoffs",
             str(tmp_path / "handoffs"), "--audit-log", str(tmp_path / "audit.jsonl"), "--as-of", AS_OF,
             "--role", "cfo", *extra], cwd=tmp_path, stdin=secondary, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=dict(os.environ))
        os.close(secondary)
        os.write(primary, answer)
        out, err = proc.communicate(timeout=60)
        os.close(primary)
        return proc.returncode, err.decode()

    code, err = run(b"n\n")
    assert "About to send" in err and "to: owner@example.com" in err and "bcc: audit@example.com" in err
    assert "Send 1 report(s)?" in err and "not confirmed" in err
    assert code == 1 and ses.messages() == []
    code, err = run(b"y\n")
    assert code == 0 and len(ses.messages()) == 1
    code, err = run(b"", "--yes", "--force")  # --yes: no question
    assert code == 0 and "Send 1 report(s)?" not in err and len(ses.messages()) == 2


def test_doctor_shows_endpoint_config_file_and_recipients_and_never_calls_a_gap_valid(
        proxy: FaultProxy, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["doctor", "--env-file", "repos.env", "--handoffs",
                                      str(tmp_path / "handoffs"), "--audit-log", str(tmp_path / "a.jsonl")])
    assert f"SES endpoint: {proxy.url} (from AWS_ENDPOINT_URL)" in result.stdout
    assert f"repos.env: {tmp_path / 'repos.env'} (read)" in result.stdout
    assert "[ok] cfo recipients: owner@example.com" in result.stdout
    assert "[warn] this endpoint does not implement SES GetAccount" in result.stdout  # moto lacks it
    assert "[ok] sender identity" in result.stdout and result.exit_code == 0, result.stdout
    (tmp_path / "repos.env").write_text("SES_REGION=us-east-1\n")
    gap = CliRunner().invoke(cli, ["doctor", "--env-file", "repos.env", "--audit-log", str(tmp_path / "a.jsonl")])
    assert gap.exit_code == 2 and "[ok] configuration is valid" not in gap.stdout
    assert "[FAIL] SES_FROM_ADDRESS is not set" in gap.stdout


def test_doctor_flags_an_audit_log_others_can_read(proxy: FaultProxy, tmp_path: Path) -> None:
    assert send(tmp_path, "--role", "cfo").exit_code == 0
    log = tmp_path / "audit.jsonl"
    log.chmod(0o644)
    result = CliRunner().invoke(cli, ["doctor", "--env-file", "repos.env", "--handoffs",
                                      str(tmp_path / "handoffs"), "--audit-log", str(log)])
    assert f"[FAIL] audit log {log} has mode 0644" in result.stdout and f"chmod 600 {log}" in result.stdout
    again = send(tmp_path, "--role", "cfo")
    assert f"chmod 600 {log}" in again.stderr  # a send warns too


# --------------------------------------------------------------------------
# Small things a new user tripped on


def test_expect_sha256_takes_the_short_hash_a_listing_shows(proxy: FaultProxy, ses: Ses, tmp_path: Path) -> None:
    full = json.loads(send(tmp_path, "--dry-run", "--json", "--role", "cfo").stdout)["sha256"]
    assert send(tmp_path, "--role", "cfo", "--expect-sha256", full[:12]).exit_code == 0
    wrong = "0" * 12 if not full.startswith("0" * 12) else "1" * 12
    result = send(tmp_path, "--role", "cfo", "--force", "--expect-sha256", wrong)
    assert result.exit_code == 2 and "differs from what you previewed" in result.stderr
    assert f"hashes to {full[:12]}, not {wrong}" in result.stderr and full not in result.stderr
    too_short = send(tmp_path, "--role", "cfo", "--expect-sha256", full[:8])
    assert too_short.exit_code == 2 and "12 to 64 hex digits" in too_short.stderr
    assert len(ses.messages()) == 1


def test_the_audit_listing_shows_a_skip_as_a_reason_not_an_error(proxy: FaultProxy, tmp_path: Path) -> None:
    assert send(tmp_path, "--role", "cfo").exit_code == 0
    assert send(tmp_path, "--role", "cfo").exit_code == 0
    listing = CliRunner().invoke(cli, ["audit", "--audit-log", str(tmp_path / "audit.jsonl")]).stdout
    skip = listing.splitlines()[-2]  # the last line is the state record the run chained
    assert " skipped " in skip and "reason=unchanged since" in skip and "error=" not in skip


def test_a_missing_repos_env_is_named_with_where_it_was_looked_for(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--handoffs", str(SAMPLE_DIR), "--as-of", AS_OF, "--role", "cfo"])
    assert result.exit_code == 2
    assert f"no configuration file was found at {tmp_path / 'repos.env'}" in result.stderr
    assert "--env-file" in result.stderr


@pytest.mark.parametrize("command, shown, not_shown", [
    ("audit", ["--audit-log", "--env-file", "--verify"], ["--handoffs", "--as-of", "--strict"]),
    ("check", ["--handoffs", "--as-of", "--strict"], ["--audit-log", "--verify"]),
    ("doctor", ["--handoffs", "--audit-log"], ["--as-of", "--strict"]),
])
def test_each_subcommand_lists_only_the_options_it_uses(command: str, shown: list[str],
                                                        not_shown: list[str]) -> None:
    text = CliRunner().invoke(cli, [command, "--help"]).stdout
    assert all(o in text for o in shown) and not any(o in text for o in not_shown)


def test_role_takes_a_comma_separated_list_as_well(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--dry-run", "--json", "--as-of", AS_OF, "--role", "cfo,ceo", "--role", "cmo"])
    assert result.exit_code == 0
    assert [json.loads(line)["role"] for line in result.stdout.splitlines()] == ["cfo", "ceo", "cmo"]
    bad = CliRunner().invoke(cli, ["--dry-run", "--role", "cfo,cmoo"])
    assert bad.exit_code == 2 and "'cmoo' is not one of" in bad.output


def test_doctor_shows_what_an_endpoint_said_when_its_error_is_not_in_aws_shape(
        proxy: FaultProxy, tmp_path: Path) -> None:
    proxy.faults(*["error_5xx"] * 20)
    result = CliRunner().invoke(cli, ["doctor", "--env-file", "repos.env", "--handoffs",
                                      str(tmp_path / "handoffs"), "--audit-log", str(tmp_path / "a.jsonl")])
    assert "HTTP 500 from the endpoint: <html>upstream went away</html>" in result.stdout
    assert result.exit_code == 2
