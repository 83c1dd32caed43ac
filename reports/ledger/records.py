"""The audit record: its fields by schema version, its one serialisation, its hash and its link.

Each record is one line of canonical JSON (sorted keys, no spaces, UTF-8);
its `hash` is the SHA-256 of that line without the `hash` member, and `prev`
is the previous record's hash, so the bytes of the log are what the chain
vouches for. Report bodies are never written. The schema is in
docs/operations.md; every earlier version still verifies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from reports.digest import sha256_hex

SCHEMA = 3  # version 3 adds the `state` record; a record of every version is read
KINDS = ("real", "test")
OUTCOMES = ("sent", "failed", "unknown")
FEEDBACK = ("delivered", "bounced", "complained", "delayed", "rejected")  # from SES, via `events`
FORGOTTEN = "forgotten"  # `events --forget`: a bounce or complaint cleared by a person
STATE = "state"  # each role's state as of this record, appended by every run that wrote
EVENTS = ("inputs", "attempt", *OUTCOMES, "skipped", *FEEDBACK, FORGOTTEN, STATE)
# The first version's records had exactly these fields.
V1_FIELDS = frozenset(("seq", "ts", "run_id", "event", "role", "subject", "from", "to", "bcc", "sha256",
                       "inputs_sha256", "message_id", "error", "prev", "hash"))
V1_EVENTS = ("attempt", "sent", "failed", "skipped", "test")
_MESSAGE = ("kind", "role", "as_of", "subject", "from", "to", "bcc", "sha256")
# What each event must carry (besides v, seq, ts, event, run_id, prev, hash), by version.
V2_REQUIRED: dict[str, tuple[str, ...]] = {
    "inputs": ("inputs_sha256", "files"),
    "attempt": (*_MESSAGE, "inputs_sha256"),
    "sent": (*_MESSAGE, "outcome", "message_id"),
    "failed": (*_MESSAGE, "outcome", "error"),
    "unknown": (*_MESSAGE, "outcome", "error"),
    "skipped": (*_MESSAGE, "reason"),
    **{event: ("role", "message_id", "event_id", "recipients") for event in FEEDBACK},
    FORGOTTEN: ("recipients", "cleared"),
}
REQUIRED: dict[str, tuple[str, ...]] = {**V2_REQUIRED, STATE: ("fold", "states")}  # version 3
BASE = ("v", "seq", "ts", "event", "run_id", "prev", "hash")
OUTCOME_UNKNOWN = "outcome unknown: "  # how version 1 said it

Record = dict[str, Any]
_raw_decode = json.JSONDecoder().raw_decode


def canonical(record: Record) -> bytes:
    """The record's one serialisation: sorted keys, no spaces, UTF-8."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: Record) -> str:
    """SHA-256 of the record's canonical JSON without its `hash` field."""
    return sha256_hex(canonical({k: v for k, v in record.items() if k != "hash"}))


_HASH_MEMBER = b',"hash":"'


def line_hash(raw: bytes, sha: Callable[[bytes], str] = sha256_hex) -> str | None:
    """The hash of a line computed on its own bytes with the hash member cut out (no
    re-serialising). The writer hashes the canonical form, so a line edited in any way
    (spaces, a repeated key, reordered keys) no longer matches; None when there is no
    hash member where one belongs."""
    at = raw.find(_HASH_MEMBER)
    if at < 0:
        return None
    end = at + len(_HASH_MEMBER) + 65  # 64 hex digits and the closing quote
    return sha(raw[:at] + raw[end:])


def label(rec: Record) -> str:
    """What a record says happened, across versions: attempt, sent, failed, unknown,
    skipped, inputs, state; a test send's outcome is prefixed `test `."""
    event = str(rec.get("event"))
    if rec.get("v") is None:  # version 1
        if event == "test":
            return "test sent"
        if event == "failed" and str(rec.get("error") or "").startswith(OUTCOME_UNKNOWN):
            return "unknown"
        return event
    return f"test {event}" if rec.get("kind") == "test" and event in OUTCOMES else event


def kind_of(rec: Record) -> str:
    """real or test, across versions (version 1 marked test sends by their subject)."""
    if rec.get("v") is None:
        return "test" if rec.get("event") == "test" or str(rec.get("subject") or "").startswith(
            "[TEST]") else "real"
    return str(rec.get("kind") or "real")


_HAS = {version: {event: frozenset((*BASE, *fields)) for event, fields in table.items()}
        for version, table in ((2, V2_REQUIRED), (3, REQUIRED))}


def fields_problem(rec: Record) -> str | None:
    """What is wrong with a record's fields for its version, or None."""
    version, event = rec.get("v"), rec.get("event")
    if not isinstance(event, str):
        return f"event {event!r} is not a name"  # a list or a map would not even look up
    if version is None:
        if rec.keys() != V1_FIELDS or event not in V1_EVENTS:
            return "fields are not the audit record's fields"
        return None
    if not isinstance(version, int) or version < 2:
        return f"unknown schema version {version!r}"
    table = _HAS.get(version)
    if table is None:  # a later version may add events and fields: the chain still vouches for them
        needed: frozenset[str] = frozenset(BASE)
    elif event not in table:
        return f"unknown event {event!r}"
    else:
        needed = table[event]
    if needed <= rec.keys():
        return None
    order = (*BASE, *(REQUIRED.get(event, ()) if table else ()))
    return f"missing field(s) {', '.join(k for k in order if k not in rec)}"


def check_line(raw: bytes, seq: int, prev: str | None, sha: Callable[[bytes], str] = sha256_hex
               ) -> tuple[Record | None, str | None]:
    """Parse and check one line (without its newline) as record number `seq` after `prev`."""
    try:
        text = raw.decode()  # UTF-8 by definition: no encoding to detect (a tenth of verify's time)
        rec, end = _raw_decode(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, "not a JSON record"
    if not isinstance(rec, dict) or end != len(text):
        return None, "not a JSON record"
    problem = fields_problem(rec)
    if problem:
        return None, problem
    if rec["seq"] != seq:
        return None, f"seq {rec['seq']}, expected {seq} (a record was removed or reordered)"
    if rec["prev"] != prev:
        return None, f"(seq {seq}): prev does not match the previous record's hash (a broken link)"
    if line_hash(raw, sha) != rec["hash"]:
        if record_hash(rec) != rec["hash"]:
            return None, f"(seq {seq}): hash does not match the content (the record was changed)"
        return None, (f"(seq {seq}): the line is not the record's canonical form (extra spaces, "
                      "a repeated key or reordered keys): its bytes are not what the chain vouches for")
    return rec, None


def parse_record(raw: bytes) -> Record | None:
    """A line's record if it is a JSON object whose bytes hash to its `hash`, else None."""
    try:
        rec = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(rec, dict) or line_hash(raw) != rec.get("hash"):
        return None
    return rec


def new_record(event: str, fields: Record, seq: int, prev: str | None) -> tuple[Record, bytes]:
    """The next record (this schema version, hashed) and its canonical line, for any store."""
    missing = [k for k in REQUIRED[event] if k not in fields]
    if missing:
        raise ValueError(f"an {event} record needs {', '.join(missing)}")
    rec: Record = dict(fields)
    rec.update(v=SCHEMA, seq=seq, event=event, prev=prev, ts=datetime.now(UTC).isoformat(timespec="microseconds"))
    rec.setdefault("run_id", None)
    rec["hash"] = sha256_hex(canonical(rec))
    return rec, canonical(rec)
