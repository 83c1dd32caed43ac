"""The ledger keeps its promises on a local file: a message identical to any earlier one is not
sent again, the role state is in the chain (a checkpoint is never taken at its word), and an
older log is still read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reports import SAMPLE_DIR
from reports.ledger.files import checkpoint_path, sent_path
from reports.ledger.records import canonical, record_hash
from reports.ledger.states import apply, chained, identity
from send_exec_reports import cli

from .conftest import ENV, Ses
from .stores import read_records, store, verify_log


@pytest.fixture
def folder(ses: Ses, tmp_path: Path) -> Path:
    ses.verify("example.com")
    (tmp_path / "repos.env").write_text(ENV)
    shutil.copytree(SAMPLE_DIR, tmp_path / "handoffs")
    return tmp_path


def run(tmp: Path, as_of: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--env-file", str(tmp / "repos.env"), "--handoffs", str(tmp / "handoffs"),
                                    "--audit-log", str(tmp / "audit.jsonl"), "--as-of", as_of, *args],
                              catch_exceptions=False)


def audit_verify(tmp: Path) -> Result:
    return CliRunner().invoke(cli, ["audit", "--verify", "--audit-log", str(tmp / "audit.jsonl")])


def sent_as_of(tmp: Path) -> list[str]:
    return [r["as_of"] for r in read_records(tmp / "audit.jsonl") if r["event"] == "sent"]


# --------------------------------------------------------------------------
# Never twice: any earlier identical message


def test_an_as_of_date_going_back_does_not_resend_an_identical_report(folder: Path, ses: Ses) -> None:
    said = [run(folder, day, "--role", "cfo") for day in
            ("2026-11-15", "2026-11-16", "2026-11-15", "2026-11-16", "2026-11-15")]
    assert [r.exit_code for r in said] == [0] * 5
    assert sent_as_of(folder) == ["2026-11-15", "2026-11-16"] and len(ses.messages()) == 2
    first = next(r for r in read_records(folder / "audit.jsonl") if r["event"] == "sent")
    assert f"cfo: skipped, identical to the report sent at {first['ts']} (as of 2026-11-15)" in said[2].stderr
    assert "cfo: skipped" in said[3].stderr and "cfo: skipped, identical" in said[4].stderr
    assert run(folder, "2026-11-15", "--role", "cfo", "--force").exit_code == 0 and len(ses.messages()) == 3
    # One small index entry per message sent (a forced resend is the same message), not a set
    # growing inside the checkpoint.
    assert len(list(sent_path(folder / "audit.jsonl", "x").parent.iterdir())) == 2
    assert set(json.loads(checkpoint_path(folder / "audit.jsonl").read_text())) == {"v", "offset", "seq", "head"}


def test_an_index_entry_is_believed_only_when_the_record_it_names_is_that_message(folder: Path, ses: Ses) -> None:
    assert run(folder, "2026-11-15", "--role", "cfo").exit_code == 0
    tomorrow = json.loads(run(folder, "2026-11-16", "--role", "cfo", "--dry-run", "--json").stdout)
    name = identity("real", "cfo", tomorrow["sha256"], tomorrow["from"], tomorrow["to"], tomorrow["bcc"])
    log = folder / "audit.jsonl"
    real = next(sent_path(log, "x").parent.iterdir())
    sent_path(log, name).write_bytes(real.read_bytes())  # "tomorrow's report went already"
    result = run(folder, "2026-11-16", "--role", "cfo")
    assert result.exit_code == 0 and "does not match the record it names" in result.stderr
    assert sent_as_of(folder) == ["2026-11-15", "2026-11-16"] and len(ses.messages()) == 2


# --------------------------------------------------------------------------
# The role state is in the chain


def forged_state(saved: dict[str, Any], how: str) -> dict[str, Any]:
    """A checkpoint edited by hand the way a red team did: the role states in it changed."""
    states = saved.setdefault("states", {})
    if how == "resend":
        states["real:cfo"] = {"sent": None, "unknown": None, "baseline": None}
    else:  # an attempt of unknown outcome forgotten
        states["real:cfo"] = {"sent": {"sha256": "f" * 64, "to": [], "bcc": [], "from": "", "ts": "",
                                       "as_of": "2026-11-01"}, "unknown": None, "baseline": None}
    return saved


@pytest.mark.parametrize("how", ["resend", "forget the unknown attempt"])
def test_a_hand_edited_checkpoint_is_ignored_by_a_send_and_failed_by_verify(folder: Path, ses: Ses,
                                                                             how: str) -> None:
    log = folder / "audit.jsonl"
    if how == "resend":
        assert run(folder, "2026-11-15", "--role", "cfo").exit_code == 0
    else:
        with store(log) as opened:  # a crash left an attempt open
            opened.append("attempt", run_id="dead", kind="real", role="cfo", as_of="2026-11-15", subject="S",
                          to=["cfo@example.net"], bcc=[], sha256="0" * 64, inputs_sha256="0" * 64,
                          **{"from": "reports@example.com"})
    before = len(ses.messages())
    cp = checkpoint_path(log)
    cp.write_text(json.dumps(forged_state(json.loads(cp.read_text()), how)))
    checked = audit_verify(folder)
    assert checked.exit_code == 4 and "checkpoint" in checked.stdout and str(cp) in checked.stdout
    result = run(folder, "2026-11-15", "--role", "cfo")
    assert "checkpoint" in result.stderr and "rebuilt from the whole log" in result.stderr
    assert len(ses.messages()) == before  # never sent on the checkpoint's word
    assert ("cfo: skipped, unchanged" if how == "resend" else "cfo: HELD") in result.stderr
    assert audit_verify(folder).exit_code == 0  # the send pointed it back at the chain


def test_a_forged_state_record_is_found_by_verify_and_refused_by_a_send(folder: Path, ses: Ses) -> None:
    assert run(folder, "2026-11-15", "--role", "cfo").exit_code == 0
    log = folder / "audit.jsonl"
    last = read_records(log, states=True)[-1]
    assert last["event"] == "state" and last["states"]["real:cfo"]["sent"]["as_of"] == "2026-11-15"
    forged = json.loads(json.dumps(last))
    forged["states"]["real:cfo"]["sent"]["sha256"] = "f" * 64
    forged.update(seq=last["seq"] + 1, prev=last["hash"])
    forged["hash"] = record_hash(forged)  # well formed: only the fold can tell
    with log.open("ab") as fh:
        fh.write(canonical(forged) + b"\n")
    checked = audit_verify(folder)
    assert checked.exit_code == 4
    assert f"(seq {forged['seq']}): the state record does not match the records before it" in checked.stdout
    assert "real:cfo" in checked.stdout
    refused = run(folder, "2026-11-16", "--role", "cfo")
    assert refused.exit_code == 4 and "damaged" in refused.stderr and len(ses.messages()) == 1


def test_a_send_reads_only_the_state_record_and_what_follows_and_doctor_reads_all(folder: Path,
                                                                                 ses: Ses) -> None:
    assert run(folder, "2026-11-15").exit_code == 0
    log = folder / "audit.jsonl"
    with log.open("r+b") as fh:  # damage a record the checkpoint's state record already covers
        data = fh.read()
        at = data.index(b'"role":"cto"')
        fh.seek(at)
        fh.write(b'"role":"CTO"')
    assert audit_verify(folder).exit_code == 4  # only the full verify reads it
    result = run(folder, "2026-11-16", "--role", "cfo")
    assert result.exit_code == 0 and len(ses.messages()) == 6
    doctor = CliRunner().invoke(cli, ["doctor", "--env-file", str(folder / "repos.env"), "--handoffs",
                                      str(folder / "handoffs"), "--audit-log", str(log)])
    assert doctor.exit_code == 2 and "[FAIL] audit log: " in doctor.stdout and "hash does not match" in doctor.stdout


# --------------------------------------------------------------------------
# Older logs


def test_a_version_2_log_with_its_checkpoint_is_read_and_carried_on(folder: Path, ses: Ses) -> None:
    log = folder / "audit.jsonl"
    prev, lines = None, []
    preview = json.loads(run(folder, "2026-11-15", "--role", "cfo", "--dry-run", "--json").stdout)
    message = {"kind": "real", "role": "cfo", "as_of": "2026-11-15", "subject": preview["subject"],
               "from": preview["from"], "to": preview["to"], "bcc": preview["bcc"], "sha256": preview["sha256"]}
    events: list[tuple[str, dict[str, Any]]] = [("attempt", {"inputs_sha256": "e" * 64}),
                                                ("sent", {"outcome": "sent", "message_id": "m1", "snapshot": None})]
    for seq, (event, extra) in enumerate(events, 1):
        rec: dict[str, Any] = {"v": 2, "seq": seq, "ts": f"2026-11-15T0{seq}:00:00.000000+00:00", "event": event,
                               "run_id": "r", "prev": prev, **message, **extra}
        rec["hash"] = record_hash(rec)
        prev = rec["hash"]
        lines.append(canonical(rec))
    log.write_bytes(b"\n".join(lines) + b"\n")
    states: dict[str, Any] = {}
    for line in lines:
        apply(states, json.loads(line))
    old = {"v": 3, "offset": log.stat().st_size, "seq": 2, "head": prev}  # the previous version's checkpoint
    checkpoint_path(log).write_text(json.dumps({**old, "states": chained(states)}))
    assert audit_verify(folder).exit_code == 0
    checkpoint_path(log).write_text(json.dumps({**old, "states": {}}))
    checked = audit_verify(folder)
    assert checked.exit_code == 4 and "does not match the chain" in checked.stdout and "real:cfo" in checked.stdout
    result = run(folder, "2026-11-15", "--role", "cfo")
    assert result.exit_code == 0 and "cfo: skipped, unchanged since 2026-11-15T02:00:00" in result.stderr
    assert len(ses.messages()) == 0
    assert verify_log(log).ok and [r["v"] for r in read_records(log, states=True)] == [2, 2, 3, 3]


def test_doctor_lists_a_held_report_from_the_chained_state(folder: Path) -> None:
    log = folder / "audit.jsonl"
    with store(log) as opened:  # a crash left an attempt open
        attempt = opened.append("attempt", run_id="dead", kind="real", role="cfo", as_of="2026-11-15", subject="S",
                                to=["cfo@example.net"], bcc=[], sha256="0" * 64, inputs_sha256="0" * 64,
                                **{"from": "reports@example.com"})
    doctor = CliRunner().invoke(cli, ["doctor", "--env-file", str(folder / "repos.env"), "--handoffs",
                                      str(folder / "handoffs"), "--audit-log", str(log)])
    assert f"[warn] the cfo report is HELD: an attempt at {attempt['ts']}" in doctor.stdout
    assert "--role cfo --force" in doctor.stdout and "[ok] audit log: 2/2 records valid" in doctor.stdout
