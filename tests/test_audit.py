import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reports.errors import AuditError
from reports.ledger.files import checkpoint_path
from reports.ledger.records import SCHEMA, V1_FIELDS, canonical, record_hash
from send_exec_reports import cli

from .stores import read_records, store, verify_log


def message(role: str, i: int, **extra: Any) -> dict[str, Any]:
    """The fields every attempt and outcome record carries."""
    return {"run_id": "r", "kind": "real", "role": role, "as_of": "2026-11-15", "subject": f"S {role}",
            "from": "reports@example.com", "to": ["owner@example.com"], "bcc": [], "sha256": f"{i}" * 64,
            **extra}


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "state" / "audit.jsonl"
    with store(path) as opened:
        for i, role in enumerate(("ceo", "cto", "cfo")):
            opened.append("attempt", **message(role, i, inputs_sha256="e" * 64))
            opened.append("sent", **message(role, i, outcome="sent", message_id=f"m{i}"))
    return path


def verify(path: Path, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "--verify", "--audit-log", str(path), *extra])


def test_a_real_log_verifies_and_names_its_head(log: Path) -> None:
    result = verify(log)
    head = read_records(log, states=True)[-1]["hash"]
    assert result.exit_code == 0 and f"7/7 records valid, head {head}" in result.stdout  # 6 and the state
    assert verify(log, "--expect-head", head).exit_code == 0
    assert verify(log, "--expect-head", "f" * 64).exit_code == 4


def test_a_tampered_field_fails_naming_the_record(log: Path) -> None:
    lines = log.read_text().splitlines()
    rec = json.loads(lines[3])
    rec["to"] = ["attacker@example.org"]
    lines[3] = json.dumps(rec, sort_keys=True, separators=(",", ":"))
    log.write_text("\n".join(lines) + "\n")
    result = verify(log)
    assert result.exit_code == 4 and "3/7 records valid" in result.stdout and "line 4 (seq 4): hash" in result.stdout


def test_a_deleted_record_fails(log: Path) -> None:
    lines = log.read_text().splitlines()
    del lines[2]
    log.write_text("\n".join(lines) + "\n")
    result = verify(log)
    assert result.exit_code == 4 and "line 3: seq 4, expected 3" in result.stdout


def test_a_torn_last_line_fails_and_blocks_appending(log: Path) -> None:
    with log.open("a") as fh:
        fh.write('{"seq": 8, "ev')
    result = verify(log)
    assert result.exit_code == 4 and "line 8: torn last line" in result.stdout
    with pytest.raises(AuditError, match="damaged"):
        with store(log):
            pass
    assert log.read_text().endswith('"ev')  # history is never rewritten


def test_a_second_run_cannot_take_the_lock(log: Path) -> None:
    with store(log):
        with pytest.raises(AuditError, match="another send-exec-reports run"):
            with store(log):
                pass


def test_audit_lists_records_for_a_role(log: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", "--audit-log", str(log), "--role", "cfo"])
    assert result.exit_code == 0
    assert [line.split()[3] for line in result.stdout.splitlines()] == ["attempt", "sent"]
    out = CliRunner().invoke(cli, ["audit", "--audit-log", str(log), "--json", "--limit", "1", "--role", "cfo"]).stdout
    assert json.loads(out)["message_id"] == "m2"


def test_listing_a_damaged_log_warns_that_it_does_not_verify(log: Path) -> None:
    with log.open("a") as fh:
        fh.write("not json\n")
    result = CliRunner().invoke(cli, ["audit", "--audit-log", str(log)])
    assert len(result.stdout.splitlines()) == 7
    assert "does not verify" in result.stderr and "line 8" in result.stderr


@pytest.mark.parametrize("damage", [{"to": 5, "sha256": 7}, {"to": [1, None], "bcc": "x"},
                                    {"event": "state", "states": [1]}, {"event": "delivered", "recipients": 3}])
def test_a_record_with_fields_of_the_wrong_type_is_listed_not_a_traceback(log: Path, damage: dict[str, Any]) -> None:
    lines = log.read_text().splitlines()
    lines[3] = json.dumps({**json.loads(lines[3]), **damage}, separators=(",", ":"), sort_keys=True)
    log.write_text("\n".join(lines) + "\n")
    for extra in ((), ("--json",)):
        result = CliRunner().invoke(cli, ["audit", "--audit-log", str(log), *extra])
        assert result.exit_code == 0 and result.exception is None, result.exception
        assert len(result.stdout.splitlines()) == 7 and "does not verify" in result.stderr


@pytest.mark.parametrize("event", [[], {"a": 1}, None])
def test_a_record_whose_event_is_no_name_fails_verify_naming_it(log: Path, event: Any) -> None:
    lines = log.read_text().splitlines()
    lines[3] = json.dumps({**json.loads(lines[3]), "event": event}, separators=(",", ":"), sort_keys=True)
    log.write_text("\n".join(lines) + "\n")
    result = verify(log)
    assert result.exit_code == 4 and "line 4: event" in result.output and "is not a name" in result.output
    preview = CliRunner().invoke(cli, ["--dry-run", "--role", "cfo", "--audit-log", str(log)])
    assert preview.exit_code == 4 and "line 4" in preview.stderr, preview.exception


def test_an_edited_middle_record_with_its_hash_recomputed_breaks_the_next_link(log: Path) -> None:
    lines = log.read_bytes().splitlines()
    rec = json.loads(lines[2])
    rec["to"] = ["attacker@example.org"]
    rec["hash"] = record_hash(rec)  # a careful forger re-hashes the record
    lines[2] = canonical(rec)
    log.write_bytes(b"\n".join(lines) + b"\n")
    result = verify(log)
    assert result.exit_code == 4
    assert "3/7 records valid" in result.stdout and "line 4 (seq 4): prev does not match" in result.stdout


@pytest.mark.parametrize("damage", ["spaces", "duplicate key"])
def test_a_line_that_is_not_the_canonical_bytes_of_its_record_fails(log: Path, damage: str) -> None:
    lines = log.read_bytes().splitlines()
    if damage == "spaces":
        lines[1] = json.dumps(json.loads(lines[1]), sort_keys=True, ensure_ascii=False).encode()
    else:
        lines[1] = lines[1][:-1] + b',"role":"cto"}'  # json.loads keeps the last: same record
    log.write_bytes(b"\n".join(lines) + b"\n")
    assert read_records(log)[1]["role"] == "ceo" or damage == "duplicate key"
    result = verify(log)
    assert result.exit_code == 4 and "line 2" in result.stdout


def test_verify_of_a_log_that_is_not_there_is_an_error_naming_the_path(tmp_path: Path) -> None:
    result = verify(tmp_path / "nowhere.jsonl")
    assert result.exit_code == 4 and "no audit log at" in result.stderr and "nowhere.jsonl" in result.stderr
    assert "0/0" not in result.stdout


def test_a_first_version_log_still_verifies_and_its_states_are_read(tmp_path: Path) -> None:
    path = tmp_path / "v1.jsonl"
    prev = None
    lines = []
    for seq, (event, role, error) in enumerate([("attempt", "cfo", None), ("sent", "cfo", None),
                                                ("attempt", "ceo", None),
                                                ("failed", "ceo", "outcome unknown: ReadTimeoutError")], 1):
        rec: dict[str, Any] = {k: None for k in V1_FIELDS}
        rec.update(seq=seq, ts=f"2026-11-0{seq}T00:00:00+00:00", run_id="r", event=event, role=role,
                   subject="S", to=["o@example.com"], bcc=[], sha256="a" * 64, error=error, prev=prev)
        rec["hash"] = record_hash(rec)
        prev = rec["hash"]
        lines.append(canonical(rec))
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert verify_log(path).ok
    opened = store(path)
    opened.peek()
    states = opened.states()
    assert states["cfo"].sent is not None and states["cfo"].unknown is None
    assert states["ceo"].unknown is not None  # an unknown outcome still holds the role
    with store(path) as opened:  # and a new run appends version-2 records after them
        opened.append("attempt", **message("cto", 1, inputs_sha256="e" * 64))
    assert verify_log(path).ok and read_records(path)[-1]["v"] == SCHEMA


def test_a_later_field_does_not_turn_a_log_into_a_damaged_one(log: Path) -> None:
    with store(log) as opened:
        opened.append("attempt", **message("cmo", 4, inputs_sha256="e" * 64, added_later="x"))
    assert verify_log(log).ok


def test_the_checkpoint_only_points_at_the_state_record_the_chain_holds(log: Path) -> None:
    state = checkpoint_path(log)
    assert state.exists() and oct(state.stat().st_mode & 0o777) == "0o600"
    saved = json.loads(state.read_text())
    assert set(saved) == {"v", "offset", "seq", "head"} and saved["seq"] == 7
    assert saved["offset"] == log.stat().st_size
    last = read_records(log, states=True)[-1]
    assert last["event"] == "state" and last["hash"] == saved["head"]
    assert last["states"]["real:cfo"]["sent"]["message_id"] == "m2"
    os.remove(state)  # a missing one is rebuilt from the log
    with store(log) as opened:
        sent = opened.states()["cfo"].sent
        assert sent is not None and sent["message_id"] == "m2"
    assert json.loads(state.read_text()) == saved and len(read_records(log, states=True)) == 7


def test_records_appended_after_the_checkpoint_are_verified_before_use(log: Path) -> None:
    with log.open("ab") as fh:
        fh.write(b'{"v":2,"seq":8}\n')  # appended behind the tool's back, not a record
    with pytest.raises(AuditError, match="line 8"):
        with store(log):
            pass
