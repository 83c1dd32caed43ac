import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reports import audit
from reports.errors import AuditError
from send_exec_reports import cli


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "state" / "audit.jsonl"
    with audit.open_log(path) as opened:
        for i, role in enumerate(("ceo", "cto", "cfo")):
            opened.append("attempt", run_id="r", role=role, sha256=f"{i}" * 64)
            opened.append("sent", run_id="r", role=role, sha256=f"{i}" * 64, message_id=f"m{i}")
    return path


def verify(path: Path, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "--verify", "--audit-log", str(path), *extra])


def test_a_real_log_verifies_and_names_its_head(log: Path) -> None:
    result = verify(log)
    head = audit.read_records(log)[-1]["hash"]
    assert result.exit_code == 0 and f"6/6 records valid, head {head}" in result.stdout
    assert verify(log, "--expect-head", head).exit_code == 0
    assert verify(log, "--expect-head", "f" * 64).exit_code == 4


def test_a_tampered_field_fails_naming_the_record(log: Path) -> None:
    lines = log.read_text().splitlines()
    rec = json.loads(lines[3])
    rec["to"] = ["attacker@example.org"]
    lines[3] = json.dumps(rec, sort_keys=True, separators=(",", ":"))
    log.write_text("\n".join(lines) + "\n")
    result = verify(log)
    assert result.exit_code == 4 and "3/6 records valid" in result.stdout and "line 4 (seq 4): hash" in result.stdout


def test_a_deleted_record_fails(log: Path) -> None:
    lines = log.read_text().splitlines()
    del lines[2]
    log.write_text("\n".join(lines) + "\n")
    result = verify(log)
    assert result.exit_code == 4 and "line 3: seq 4, expected 3" in result.stdout


def test_a_torn_last_line_fails_and_blocks_appending(log: Path) -> None:
    with log.open("a") as fh:
        fh.write('{"seq": 7, "ev')
    result = verify(log)
    assert result.exit_code == 4 and "line 7: torn last line" in result.stdout
    with pytest.raises(AuditError, match="damaged"):
        with audit.open_log(log):
            pass
    assert log.read_text().endswith('"ev')  # history is never rewritten


def test_a_second_run_cannot_take_the_lock(log: Path) -> None:
    with audit.open_log(log):
        with pytest.raises(AuditError, match="another send-exec-reports run"):
            with audit.open_log(log):
                pass


def test_audit_lists_records_for_a_role(log: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", "--audit-log", str(log), "--role", "cfo"])
    assert result.exit_code == 0
    assert [line.split()[3] for line in result.stdout.splitlines()] == ["attempt", "sent"]
    out = CliRunner().invoke(cli, ["audit", "--audit-log", str(log), "--json", "--limit", "1"]).stdout
    assert json.loads(out)["message_id"] == "m2"


def test_listing_a_damaged_log_warns_that_it_does_not_verify(log: Path) -> None:
    with log.open("a") as fh:
        fh.write("not json\n")
    result = CliRunner().invoke(cli, ["audit", "--audit-log", str(log)])
    assert len(result.stdout.splitlines()) == 6
    assert "does not verify" in result.stderr and "line 7" in result.stderr
