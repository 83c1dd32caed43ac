"""The per-role decision as a table (state x message -> send, skip, hold, refuse), the claim
and the lost claim through a store, and the durability of an appended record."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reports import run as pipeline
from reports.config import Settings
from reports.ledger.local import LocalStore
from reports.ledger.states import RoleState
from reports.model import Portfolio
from reports.render.compose import MAX_MESSAGE_BYTES, Outgoing, content_sha256
from reports.run.decide import _bounces, decide
from reports.run.execute import execute

from .stores import read_records

BODY = "Runway 8.4 months\n"
MSG = Outgoing("cfo", "S", "Reports <reports@example.com>", ("cfo@example.net",), ("audit@example.com",), (),
               BODY, content_sha256("S", BODY))
OTHER = content_sha256("S", "Runway 8.3 months\n")


def sent(**changes: Any) -> dict[str, Any]:
    """The `sent` part of a state: MSG as it was sent, with `changes`."""
    record = {"ts": "2026-11-15T08:00:00+00:00", "as_of": "2026-11-15", "sha256": MSG.sha256, "from": MSG.sender,
              "to": list(MSG.to), "bcc": list(MSG.bcc), "message_id": "m1"}
    return {**record, **changes}


UNKNOWN: dict[str, Any] = {"seq": 4, "ts": "2026-11-16T08:00:00+00:00", "run_id": "ab" * 16}
EARLIER: dict[str, Any] = {"seq": 3, "ts": "2026-11-14T08:00:00+00:00", "as_of": "2026-11-14"}
BIG = MSG._replace(body="x" * (MAX_MESSAGE_BYTES + 1))

# state, message, force, an earlier identical send (the store's index) -> action, words of the reason
TABLE: list[tuple[str, RoleState | None, Outgoing, bool, dict[str, Any] | None, str, str]] = [
    ("first send", None, MSG, False, None, "send", "first send"),
    ("identical to the last send", RoleState(sent(), None), MSG, False, None, "skip", "unchanged since"),
    ("identical, forced", RoleState(sent(), None), MSG, True, None, "send", "forced"),
    ("content changed", RoleState(sent(sha256=OTHER), None), MSG, False, None, "send", "changed"),
    ("To changed", RoleState(sent(to=["old@example.net"]), None), MSG, False, None, "send", "changed"),
    ("BCC changed", RoleState(sent(bcc=[]), None), MSG, False, None, "send", "changed"),
    ("From changed", RoleState(sent(**{"from": "reports@example.com"}), None), MSG, False, None, "send",
     "changed"),
    ("To reordered", RoleState(sent(to=["cfo@example.net", "b@example.net"]), None),
     MSG._replace(to=("b@example.net", "cfo@example.net")), False, None, "send", "changed"),
    ("an attempt of unknown outcome", RoleState(sent(), UNKNOWN), MSG, False, None, "hold",
     UNKNOWN["ts"]),
    ("unknown outcome, first send", RoleState(None, UNKNOWN), MSG, False, None, "hold", "--force"),
    ("unknown outcome, forced", RoleState(None, UNKNOWN), MSG, True, None, "send", "forced"),
    ("unknown beats identical-to-earlier", RoleState(sent(sha256=OTHER), UNKNOWN), MSG, False, EARLIER,
     "hold", "check the inbox"),
    ("identical to an earlier send", RoleState(sent(sha256=OTHER), None), MSG, False, EARLIER, "skip",
     "identical to the report sent at 2026-11-14T08:00:00+00:00 (as of 2026-11-14)"),
    ("identical to an earlier send, forced", RoleState(sent(sha256=OTHER), None), MSG, True, EARLIER, "send",
     "forced"),
    ("over the SES size limit", None, BIG, False, None, "refuse", "over the SES limit"),
    ("over the limit, forced", RoleState(sent(), None), BIG, True, None, "refuse", "over the SES limit"),
]


@pytest.mark.parametrize("state, msg, force, earlier, action, words", [row[1:] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_the_decision_table(state: RoleState | None, msg: Outgoing, force: bool, earlier: dict[str, Any] | None,
                            action: str, words: str) -> None:
    decision = decide(msg, state, force, earlier)
    assert (decision.action, decision.role) == (action, msg.role)
    assert words in decision.reason


@pytest.mark.parametrize("strict, action", [(False, "send"), (True, "refuse")])
def test_a_bounced_recipient_warns_and_under_strict_refuses(strict: bool, action: str) -> None:
    bounced = {"cfo@example.net": {"ts": "2026-11-10T00:00:00+00:00", "why": "hard bounce", "role": "cfo"}}
    decision = _bounces(decide(MSG, None, False), bounced, strict)
    assert decision.action == action
    assert decision.alerts == ("cfo: cfo@example.net had a hard bounce at 2026-11-10T00:00:00+00:00",)


# --------------------------------------------------------------------------
# The claim, won and lost, through a store


class Recorder:
    """A sender that records what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def prepare(self) -> None:
        pass

    def send(self, msg: Outgoing) -> str:
        self.sent.append(msg.role)
        return f"id-{len(self.sent)}"


class RacedStore(LocalStore):
    """A store where another run claims each report, and fails it, just before this run does."""

    def claim(self, fields: dict[str, Any], expected: RoleState | None) -> bool:
        other = {**fields, "run_id": "another run"}
        self.append("attempt", **other)
        self.append("failed", **{k: v for k, v in other.items() if k != "inputs_sha256"}, outcome="failed",
                    error="MessageRejected")
        return super().claim(fields, expected)


def carry_out(store: LocalStore, sender: Recorder) -> list[pipeline.Result]:
    inputs = pipeline.Inputs(Portfolio("P", None, None, None), store.path.parent, False, date(2026, 11, 15))
    the_plan = pipeline.Plan(pipeline.Request(roles=("cfo",)), Settings(), inputs, (MSG,),
                             (decide(MSG, None, False),), store.path)
    with store:
        return execute(the_plan, store, sender)


def test_a_won_claim_sends_once_between_its_attempt_and_its_outcome(tmp_path: Path) -> None:
    sender = Recorder()
    results = carry_out(LocalStore(tmp_path / "audit.jsonl"), sender)
    assert [(r.role, r.outcome) for r in results] == [("cfo", "sent")] and sender.sent == ["cfo"]
    assert [r["event"] for r in read_records(tmp_path / "audit.jsonl")] == ["inputs", "attempt", "sent"]


def test_a_lost_claim_is_held_and_never_sent(tmp_path: Path) -> None:
    sender = Recorder()
    results = carry_out(RacedStore(tmp_path / "audit.jsonl"), sender)
    # The other run failed, so deciding again would say "send": a lost claim still holds.
    assert [(r.role, r.outcome) for r in results] == [("cfo", "held")] and sender.sent == []
    assert "another run claimed this report first" in results[0].detail
    events = [(r["run_id"], r["event"]) for r in read_records(tmp_path / "audit.jsonl")][1:]
    assert events == [("another run", "attempt"), ("another run", "failed"), (events[2][0], "skipped")]


# --------------------------------------------------------------------------
# Durability


def test_an_appended_record_is_fsynced_before_append_returns(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_pwrite, real_fsync = os.pwrite, os.fsync

    def pwrite(fd: int, data: Any, offset: int) -> int:
        calls.append("write")
        return real_pwrite(fd, data, offset)

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    with LocalStore(tmp_path / "audit.jsonl") as opened:
        monkeypatch.setattr(os, "pwrite", pwrite)
        monkeypatch.setattr(os, "fsync", fsync)
        opened.append("inputs", run_id="r", inputs_sha256="e" * 64, files=1)
        calls.append("returned")
        monkeypatch.undo()
    assert calls == ["write", "fsync", "returned"]
