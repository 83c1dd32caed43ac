"""Role states: what a send needs to know, folded from the records in order.

A state is keyed `kind:role` (kind real or test) and says the last report sent,
an attempt of unknown outcome if one is open, and the baseline the changes
section compares with. `_bounced` holds the addresses that hard-bounced or
complained. `_messages` and `_applied` (each sent message id, the notifications
applied) are what delivery feedback needs; they grow with the log, so a state
record never carries them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reports.digest import sha256_hex
from reports.ledger.records import FEEDBACK, FORGOTTEN, Record, canonical, kind_of, label
from reports.record import NamedTuple

States = dict[str, Any]
FEEDBACK_INDEX = ("_messages", "_applied")  # grow with the log: kept apart, never in a state record
# The version of the fold below. A state record names the fold that made it; change this number
# with any change to `apply`, and older state records are neither trusted nor checked (the
# first send after the change rebuilds the states from the whole log, once).
FOLD = 1


class RoleState(NamedTuple):
    """One role's state for one kind of send (real or test)."""

    sent: dict[str, Any] | None  # the last report sent: ts, as_of, sha256, from, to, bcc, message_id
    unknown: dict[str, Any] | None  # an attempt with no outcome, or an unknown one: seq, ts, run_id
    baseline: dict[str, Any] | None = None  # the last report sent with an earlier as_of than `sent`


_SENT_FIELDS = ("seq", "ts", "as_of", "sha256", "from", "to", "bcc", "message_id", "subject", "snapshot")


def apply(states: States, rec: Record, *, index: bool = True) -> None:
    """Fold one record into the states (a state record changes nothing: it is checked).
    Without `index`, the delivery-feedback index is left out (verify does not need it)."""
    role = rec.get("role")
    if rec.get("v") is None:  # version 1: its own words for outcomes and test sends
        what: Any = label(rec)
        kind = kind_of(rec)
    else:
        what = rec.get("event")
        kind = rec.get("kind") or "real"
    if what in FEEDBACK or what == FORGOTTEN:
        _fold_feedback(states, rec, what, index)
        return
    outcome = what.removeprefix("test ") if isinstance(what, str) else what
    if outcome not in _CHANGES or not isinstance(role, str):
        return
    if index and outcome == "sent" and rec.get("message_id"):
        states.setdefault("_messages", {})[str(rec["message_id"])] = {
            "role": role, "kind": kind, "ts": rec.get("ts"), "to": rec.get("to"), "bcc": rec.get("bcc")}
    st = states.get(f"{kind}:{role}")
    if st is None:
        st = states[f"{kind}:{role}"] = {"sent": None, "unknown": None, "baseline": None}
    if outcome == "attempt":
        st["unknown"] = {"seq": rec.get("seq"), "ts": rec.get("ts"), "run_id": rec.get("run_id")}
    elif outcome == "sent":
        st["unknown"] = None
        new = dict(zip(_SENT_FIELDS, map(rec.get, _SENT_FIELDS), strict=True))
        old = st["sent"]
        if old is not None and str(old.get("as_of") or "") < str(new.get("as_of") or ""):
            st["baseline"] = old
        st["sent"] = new
    elif outcome == "failed":
        st["unknown"] = None
    # unknown: the open attempt stays open; SES may have sent it.


_CHANGES = frozenset(("attempt", "sent", "failed", "unknown"))  # what moves a role's state


def _fold_feedback(states: States, rec: Record, what: str, index: bool) -> None:
    """A hard bounce or complaint marks its addresses until `forgotten`; a delivery of a
    message sent no earlier than the bounced one clears a hard bounce. No clock clears either."""
    bounced = states.setdefault("_bounced", {})
    if what == FORGOTTEN:
        for address in rec.get("recipients") or ():
            bounced.pop(str(address).lower(), None)
        return
    if index:
        states.setdefault("_applied", {})[str(rec.get("event_id"))] = rec.get("seq")
    sent_ts = str(rec.get("sent_ts") or rec.get("ts") or "")  # when the message it is about was sent
    for address in rec.get("recipients") or ():
        key = str(address).lower()
        if what == "complained" or (what == "bounced" and rec.get("bounce_type") == "Permanent"):
            bounced[key] = {"ts": rec.get("ts"), "why": "complaint" if what == "complained" else "hard bounce",
                            "role": rec.get("role"), "sent_ts": sent_ts}
        elif what == "delivered" and key in bounced and bounced[key].get("why") == "hard bounce" \
                and sent_ts >= str(bounced[key].get("sent_ts") or bounced[key].get("ts") or ""):
            del bounced[key]


def as_role_states(states: States, kind: str) -> dict[str, RoleState]:
    """The states of one kind, by role."""
    prefix = f"{kind}:"
    return {k[len(prefix):]: RoleState(v["sent"], v["unknown"], v["baseline"])
            for k, v in states.items() if k.startswith(prefix)}


def chained(states: States) -> States:
    """The part of the states a state record carries (a copy): all but the feedback index."""
    part = {k: v for k, v in states.items() if k not in FEEDBACK_INDEX}
    copy: States = json.loads(canonical(part))
    return copy


def from_record(rec: Record) -> States:
    """The states a state record carries, ready to fold more records into."""
    found = rec.get("states")
    if not isinstance(found, dict):
        raise ValueError("a state record without states")
    copy: States = json.loads(canonical(found))
    return copy


def current(rec: Record) -> bool:
    """Whether a state record was made by this fold (so it can be trusted and checked)."""
    return rec.get("fold") == FOLD and isinstance(rec.get("states"), dict)


def mismatch(states: States, rec: Record) -> str | None:
    """Where a state record disagrees with the states folded from the records before it
    (None also for a record made by another version of the fold: it cannot be checked)."""
    if rec.get("fold") != FOLD:
        return None
    found = rec.get("states")
    if not isinstance(found, dict):
        return "it holds no states"
    expected = chained(states)
    wrong = sorted(k for k in set(expected) | set(found)
                   if canonical({"x": expected.get(k)}) != canonical({"x": found.get(k)}))
    if not wrong:
        return None
    return "it says otherwise of " + ", ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")


def identity(kind: str, role: str, sha256: str, sender: str, to: Sequence[str], bcc: Sequence[str]) -> str:
    """The name of one message as sent: its content hash, its sender and recipients, for a role."""
    return sha256_hex(canonical({"kind": kind, "role": role, "sha256": sha256, "from": sender,
                                 "to": list(to), "bcc": list(bcc)}))


def identity_of(rec: Record) -> str | None:
    """The identity of a sent record, or None for any other record."""
    if label(rec).removeprefix("test ") != "sent" or not isinstance(rec.get("role"), str):
        return None
    return identity(kind_of(rec), str(rec["role"]), str(rec.get("sha256")), str(rec.get("from")),
                    rec.get("to") or [], rec.get("bcc") or [])
