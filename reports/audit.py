"""The append-only, hash-chained JSON Lines audit log: its lock, its chain, verify.

Each record's `hash` is the SHA-256 of its canonical JSON (sorted keys, no
spaces, UTF-8) without `hash`; `prev` is the previous record's hash. Report
bodies are never written here.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .errors import AuditError

EVENTS = ("attempt", "sent", "failed", "skipped", "test")
FIELDS = ("seq", "ts", "run_id", "event", "role", "subject", "from", "to", "bcc", "sha256",
          "inputs_sha256", "message_id", "error", "prev", "hash")


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON without its `hash` field."""
    body = {k: v for k, v in record.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Verification(NamedTuple):
    """What `audit --verify` found."""

    total: int
    valid: int
    head: str | None
    problem: str | None  # the first bad record, said precisely

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        line = f"{self.valid}/{self.total} records valid, head {self.head or '(empty log)'}"
        return line if self.ok else f"{line}\nFAILED: {self.problem}"


def _check(data: bytes, path: Path) -> tuple[list[dict[str, Any]], Verification]:
    """Parse and verify the whole log; stop at the first bad record."""
    lines = data.split(b"\n")
    torn = lines[-1] != b""
    if not torn:
        lines.pop()
    total = len(lines)
    records: list[dict[str, Any]] = []
    prev: str | None = None
    for i, raw in enumerate(lines, 1):
        where = f"{path} line {i}"
        if torn and i == total:
            return records, Verification(total, len(records), prev, f"{where}: torn last line "
                                         f"({len(raw)} bytes, no newline): a write was cut short")
        try:
            rec = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return records, Verification(total, len(records), prev, f"{where}: not a JSON record")
        if not isinstance(rec, dict) or set(rec) != set(FIELDS):
            return records, Verification(total, len(records), prev, f"{where}: fields are not the "
                                         "audit record's fields")
        if rec["seq"] != i:
            return records, Verification(total, len(records), prev, f"{where}: seq {rec['seq']}, "
                                         f"expected {i} (a record was removed or reordered)")
        if rec["prev"] != prev:
            return records, Verification(total, len(records), prev, f"{where} (seq {i}): prev does "
                                         "not match the previous record's hash")
        if record_hash(rec) != rec["hash"]:
            return records, Verification(total, len(records), prev, f"{where} (seq {i}): hash does "
                                         "not match the content (the record was changed)")
        records.append(rec)
        prev = rec["hash"]
    return records, Verification(total, total, prev, None)


def verify(path: Path) -> Verification:
    """Recompute every hash and link of the log at `path`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Verification(0, 0, None, None)
    return _check(data, path)[1]


def read_records(path: Path) -> list[dict[str, Any]]:
    """Return every record that parses, for display (verification is separate)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    out = []
    for raw in data.splitlines():
        try:
            rec = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def describe(rec: dict[str, Any]) -> str:
    """One line per record: time, role, event, recipients, message id, short hash."""
    to = ", ".join(rec.get("to") or []) or "-"
    extra = f" id={rec['message_id']}" if rec.get("message_id") else ""
    if rec.get("error"):
        extra += f" error={rec['error']}"
    sha = (rec.get("sha256") or "")[:12]
    return f"{rec.get('seq')} {rec.get('ts')} {rec.get('role')} {rec.get('event')} to={to} sha={sha}{extra}"


def check_writable(path: Path) -> tuple[bool, str]:
    """Say whether the log (or the folder it would be created in) is writable."""
    target = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
    ok = os.access(target, os.W_OK)
    return ok, f"audit log {path}: {'writable' if ok else 'NOT writable'}"


class RoleState(NamedTuple):
    """What the log says of one role: its last `sent` record, and an attempt whose
    outcome is unknown (None when every attempt has an outcome)."""

    sent: dict[str, Any] | None
    unknown: dict[str, Any] | None


OUTCOME_UNKNOWN = "outcome unknown: "


def role_states(records: list[dict[str, Any]], kind: str = "real") -> dict[str, RoleState]:
    """Each role's state, from the records in log order."""
    sent: dict[str, dict[str, Any]] = {}
    unknown: dict[str, dict[str, Any] | None] = {}
    for rec in records:
        role, event = rec.get("role"), rec.get("event")
        if not isinstance(role, str):
            continue
        if event == "attempt":
            unknown[role] = rec
        elif event == "failed" and str(rec.get("error") or "").startswith(OUTCOME_UNKNOWN):
            pass  # the attempt before it stays open: SES may have sent it
        elif event in ("sent", "failed", "test", "skipped"):
            unknown[role] = None
            if event == "sent":
                sent[role] = rec
    return {r: RoleState(sent.get(r), unknown.get(r)) for r in set(sent) | set(unknown)}


def read_states(path: Path, kind: str = "real") -> dict[str, RoleState]:
    """Role states from a consistent read of the log, without taking its lock (previews)."""
    return role_states(read_records(path), kind)


class AuditLog:
    """The log held open and locked for a whole run."""

    def __init__(self, path: Path, fd: int, records: list[dict[str, Any]]) -> None:
        self.path = path
        self._fd = fd
        self.records = records

    @property
    def head(self) -> str | None:
        return self.records[-1]["hash"] if self.records else None

    def states(self, kind: str = "real") -> dict[str, RoleState]:
        """Each role's state as of now."""
        return role_states(self.records, kind)

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        """Write one record: written, flushed and fsynced before returning."""
        assert event in EVENTS
        rec: dict[str, Any] = {k: None for k in FIELDS}
        rec.update(fields)
        rec.update(seq=len(self.records) + 1, event=event, prev=self.head,
                   ts=datetime.now(UTC).isoformat(timespec="microseconds"))
        rec["hash"] = record_hash(rec)
        line = (json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
        view = memoryview(line)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)
        self.records.append(rec)
        return rec


@contextmanager
def open_log(path: Path) -> Iterator[AuditLog]:
    """Open, lock and verify the log; refuse (exit 4) if it is held or damaged."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AuditError(f"another send-exec-reports run holds the audit log {path}; "
                             "wait for it to finish and run again") from None
        chunks: list[bytes] = []
        while chunk := os.pread(fd, 1 << 20, sum(len(c) for c in chunks)):
            chunks.append(chunk)
        records, result = _check(b"".join(chunks), path)
        if not result.ok:
            raise AuditError(
                f"the audit log is damaged, so nothing was sent: {result.problem}. Inspect it with "
                f"`send-exec-reports audit --verify --audit-log {path}`; the tool never rewrites "
                "history: keep the file as evidence, move it aside and start a new log, or cut a "
                "torn last line off a copy after checking it")
        yield AuditLog(path, fd, records)
    finally:
        os.close(fd)  # closing releases the lock
