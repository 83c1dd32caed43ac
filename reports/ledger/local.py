"""The audit store in a local file: JSON Lines under an exclusive lock held for the whole run.

Beside the log `<log>`: `<log>.state.json` (the checkpoint: where the last
state record ends), `<log>.feedback.json` (the delivery-feedback index),
`<log>.sent/` (one small file per message identity sent, naming its record),
`<log>.inputs/` (a manifest per set of input files) and `<log>.snapshots/`
(the figures of each report sent). All are mode 0600. Only the log is
trusted: everything beside it is checked against the records it names.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from reports.digest import sha256_hex
from reports.errors import AuditError
from reports.ledger.files import (
    checkpoint_path,
    feedback_path,
    line_from,
    manifest_path,
    points_at,
    sent_path,
    snapshot_path,
    write_private,
)
from reports.ledger.records import STATE, Record, fields_problem, new_record, parse_record
from reports.ledger.states import (
    FEEDBACK_INDEX,
    FOLD,
    RoleState,
    apply,
    chained,
    from_record,
    identity_of,
)
from reports.ledger.states import current as current_fold
from reports.ledger.store import (
    CHECKPOINT_VERSION,
    INDEX_LOST,
    REBUILT,
    AuditWriteError,
    Tail,
    TailReads,
    damaged,
    empty,
)
from reports.ledger.verify import CheckpointCheck, Fold, Verification, openssl_sha256
from reports.progress import DETAIL, WARNING, logger

log = logger(__name__)
MANY = 64  # index entries written at once beyond which one os.sync() replaces an fsync each


class LocalStore(TailReads):
    """The audit log in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.feedback_loaded = False
        self._fd: int | None = None
        self._tail = empty()
        self._mark = 0  # the seq of the last state record read or written
        self._pointer: tuple[int, int, str | None] | None = None  # what the checkpoint file says
        self._found: dict[str, Record] = {}  # sent records read or written here, by identity
        self._level = WARNING  # what an ignored checkpoint is said at: a preview only notes it

    @property
    def location(self) -> Path:
        return self.path

    # Opening and reading the state ----------------------------------------

    def __enter__(self) -> LocalStore:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise AuditError(f"another send-exec-reports run holds the audit log {self.path}; "
                                 "wait for it to finish and run again") from None
            self._read(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not isinstance(exc, AuditError):  # a log that failed a write is left as it was cut back
                self.checkpoint()
        finally:
            if self._fd is not None:
                os.close(self._fd)  # closing releases the lock
            self._fd = None

    def peek(self) -> None:
        self._level = DETAIL  # a preview never believes it either, and leaves it for the next send
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self._tail = empty()
            return
        try:
            self._read(fd)
        finally:
            os.close(fd)

    def refresh(self) -> None:
        """Nothing to catch up with: the file is locked for the whole run."""

    def _read(self, fd: int) -> None:
        """The state: from the state record the checkpoint names, then every record after it."""
        size = os.fstat(fd).st_size
        start = self._from_checkpoint(fd, size)
        if start is None:
            self._mark, self._pointer = 0, None
        self._tail = self._fold_from(fd, start or empty(), remember=True)

    def _from_checkpoint(self, fd: int, size: int) -> Tail | None:
        """The state record the checkpoint points at, checked; None to rebuild from the whole log."""
        where = checkpoint_path(self.path)
        try:
            data = json.loads(where.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.log(self._level, REBUILT, where, "it cannot be read")
            return None
        version = data.get("v") if isinstance(data, dict) else None
        if isinstance(version, int) and version < CHECKPOINT_VERSION:
            log.log(self._level, REBUILT, where, "it is of an older version")
            return None
        if not isinstance(data, dict) or set(data) != {"v", "offset", "seq", "head"} or version != CHECKPOINT_VERSION:
            log.log(self._level, REBUILT, where, "it is not a checkpoint of this version")
            return None
        offset, seq, head = data["offset"], data["seq"], data["head"]
        rec = points_at(fd, size, offset, seq, head) if isinstance(offset, int) else None
        if rec is None or rec.get("event") != STATE or fields_problem(rec):
            log.log(self._level, REBUILT, where, f"it names seq {seq}, which is not a state record of this log")
            return None
        if not current_fold(rec):
            log.log(DETAIL, "the state record at seq %s is of another version: rebuilt from the log", seq)
            return None
        self._mark, self._pointer = seq, (offset, seq, head)
        return Tail(offset, seq, head, from_record(rec))

    def _fold_from(self, fd: int, tail: Tail, *, remember: bool, check_states: bool = True) -> Tail:
        """Verify and fold in every record after `tail`; refuse (exit 4) on damage."""
        many = tail.seq == 0  # the whole log: OpenSSL's SHA-256 is the faster per byte
        fold = Fold(tail.seq, tail.head, tail.states, openssl_sha256() if many else sha256_hex, check_states=check_states)
        offset = pos = tail.offset
        pending = b""
        while chunk := os.pread(fd, 1 << 20, pos):
            pos += len(chunk)
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for raw in lines:
                problem = fold.feed(raw)
                if problem is not None:
                    sep = " " if problem.startswith("(") else ": "
                    raise damaged(self.path, f"{self.path} line {fold.seq + 1}{sep}{problem}")
                if remember and fold.last is not None:
                    self._remember(fold.last, offset)
                offset += len(raw) + 1
        if pending:
            raise damaged(self.path, f"{self.path} line {fold.seq + 1}: torn last line ({len(pending)} bytes, "
                          "no newline): a write was cut short")
        return Tail(offset, fold.seq, fold.head, fold.states)

    def _remember(self, rec: Record, start: int) -> None:
        """Note what the index and the checkpoint need of a record read or written here."""
        if rec.get("event") == STATE:
            self._mark = int(rec["seq"])
            return
        name = identity_of(rec)
        if name is not None:
            self._found[name] = {"seq": rec["seq"], "offset": start, "hash": rec["hash"], "ts": rec.get("ts"),
                                 "as_of": rec.get("as_of")}

    # The state -------------------------------------------------------------

    def sent_before(self, identity: str) -> Record | None:
        if identity in self._found:
            return self._found[identity]
        try:
            entry = json.loads(sent_path(self.path, identity).read_bytes())
            seq, offset, head = int(entry["seq"]), int(entry["offset"]), entry["hash"]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no entry (or an unreadable one): not sent before, as far as the index knows
        if seq > self._tail.seq:
            return None
        fd = self._fd if self._fd is not None else os.open(self.path, os.O_RDONLY)
        try:
            rec = parse_record(line_from(fd, offset))
        finally:
            if fd != self._fd:
                os.close(fd)
        if rec is None or rec.get("seq") != seq or rec.get("hash") != head or identity_of(rec) != identity:
            log.warning("warning: %s does not match the record it names in the audit log: ignored",
                        sent_path(self.path, identity))
            return None
        return {"seq": seq, "offset": offset, "hash": head, "ts": rec.get("ts"), "as_of": rec.get("as_of")}

    # Writing ---------------------------------------------------------------

    def _open_fd(self) -> int:
        if self._fd is None:
            raise AuditError(f"the audit log {self.path} is not open for writing")
        return self._fd

    def append(self, event: str, **fields: Any) -> Record:
        """Write one record: written and fsynced before returning. A failed write cuts the
        file back to where it was and raises AuditWriteError."""
        fd = self._open_fd()
        offset, seq, head, states = self._tail
        rec, line = new_record(event, fields, seq + 1, head)
        line += b"\n"
        try:
            view = memoryview(line)
            while view:
                view = view[os.pwrite(fd, view, offset + len(line) - len(view)):]
            os.fsync(fd)
        except OSError as exc:
            try:
                os.ftruncate(fd, offset)
                os.fsync(fd)
                where = "the log was cut back to where it was"
            except OSError:
                where = f"the log could not be cut back: it may end in a torn line after byte {offset}"
            raise AuditWriteError(f"cannot write to the audit log {self.path} ({exc.strerror or exc}); "
                                  f"{where}") from None
        apply(states, rec)
        self._remember(rec, offset)
        self._tail = Tail(offset + len(line), seq + 1, rec["hash"], states)
        return rec

    def try_append(self, event: str, **fields: Any) -> bool:
        self.append(event, **fields)  # nobody else writes a locked file
        return True

    def claim(self, fields: Record, expected: RoleState | None) -> bool:
        if self.states(str(fields["kind"])).get(str(fields["role"])) != expected:
            return False  # cannot happen under the lock; said for the protocol's sake
        self.append("attempt", **fields)
        return True

    def checkpoint(self) -> None:
        """Index the sends read or made here, chain a state record after the run's records,
        point the checkpoint at it, and keep the feedback index. Failures only cost the
        next run a longer read: they are warnings."""
        if self._fd is None:
            return
        try:
            self._write_index()
        except OSError as exc:
            log.warning(INDEX_LOST, self.path, exc.strerror or exc)
        try:
            if self._tail.seq != self._mark:
                self.append(STATE, run_id=None, fold=FOLD, states=chained(self._tail.states))
            offset, seq, head, states = self._tail
            if seq and self._pointer != (offset, seq, head):
                write_private(checkpoint_path(self.path), json.dumps(
                    {"v": CHECKPOINT_VERSION, "offset": offset, "seq": seq, "head": head}).encode())
                self._pointer = (offset, seq, head)
            if self.feedback_loaded:
                index = {k: states.get(k) or {} for k in FEEDBACK_INDEX}
                write_private(feedback_path(self.path), json.dumps(
                    {"v": CHECKPOINT_VERSION, "offset": offset, "seq": seq, "head": head, "index": index},
                    sort_keys=True, ensure_ascii=False).encode())
        except (OSError, AuditError) as exc:
            log.warning("warning: the state of the audit log %s could not be kept (%s); the next run "
                        "reads more of the log", self.path, exc)

    def _write_index(self) -> None:
        """One file per message identity sent, naming its record (read back and checked on use)."""
        todo = [(sent_path(self.path, name), entry) for name, entry in self._found.items()]
        todo = [(target, entry) for target, entry in todo if not target.exists()]
        for target, entry in todo:
            body = {k: entry[k] for k in ("seq", "offset", "hash")}
            write_private(target, json.dumps(body).encode(), sync=len(todo) <= MANY)
        if len(todo) > MANY:
            os.sync()  # many at once (a log indexed for the first time): one flush for all
        self._found = {}

    def load_feedback_index(self) -> None:
        """Load the message-id index and the notifications applied (for `events`): from its
        file when it matches the log's bytes, caught up with the records since; else
        rebuilt from the whole log."""
        fd = self._open_fd()
        offset, seq, head, states = self._tail
        found = empty()
        try:
            data = json.loads(feedback_path(self.path).read_bytes())
            if data.get("v") == CHECKPOINT_VERSION and points_at(fd, offset, data["offset"], data["seq"],
                                                                  data["head"]) is not None:
                found = Tail(int(data["offset"]), int(data["seq"]), data["head"], dict(data["index"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            found = empty()
        caught = self._fold_from(fd, found, remember=False, check_states=False)
        for key in FEEDBACK_INDEX:
            states[key] = caught.states.get(key) or {}
        self.feedback_loaded = True

    def save_manifest(self, inputs_sha256: str, files: list[tuple[str, str]]) -> None:
        target = manifest_path(self.path, inputs_sha256)
        if not target.exists():
            write_private(target, "".join(f"{p}\0{h}\n" for p, h in files).encode())

    def save_snapshot(self, digest: str, data: bytes) -> None:
        target = snapshot_path(self.path, digest)
        if not target.exists():
            write_private(target, data)

    def read_snapshot(self, digest: str) -> bytes | None:
        try:
            return snapshot_path(self.path, digest).read_bytes()
        except OSError:
            return None

    # The whole log ---------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def raw_records(self) -> Iterator[bytes]:
        try:
            with self.path.open("rb") as fh:
                for raw in fh:
                    yield raw.rstrip(b"\n")
        except FileNotFoundError:
            return

    def copy_in(self, raws: Iterable[bytes]) -> int:
        if self.path.exists() and self.path.stat().st_size:
            raise AuditError(f"{self.path} is not empty: records are copied only into a new log")
        lines = [raw + b"\n" for raw in raws]
        write_private(self.path, b"".join(lines))
        return len(lines)

    def verify(self) -> Verification:
        """Recompute every hash and link, reading the log as a stream; check every state
        record against the records before it, and the checkpoint against the chain."""
        try:
            fh = self.path.open("rb")
        except FileNotFoundError:
            raise AuditError(f"no audit log at {self.path}: check --audit-log or AUDIT_LOG") from None
        where = checkpoint_path(self.path)
        try:
            check = CheckpointCheck(where.read_bytes(), str(where), frozenset(("v", "offset", "seq", "head")))
        except FileNotFoundError:
            check = CheckpointCheck(None, str(where), frozenset())
        fold = Fold(sha=openssl_sha256(), index=False)
        ends: dict[int, int] = {}  # state records: seq -> where their line ends
        offset = 0
        with fh:
            for n, raw in enumerate(fh, 1):
                line = f"{self.path} line {n}"
                if not raw.endswith(b"\n"):
                    return Verification(n, n - 1, fold.head, f"{line}: torn last line ({len(raw)} bytes, no "
                                        "newline): a write was cut short")
                problem = fold.feed(raw[:-1])
                if problem is not None:
                    sep = " " if problem.startswith("(") else ": "
                    return Verification(n + sum(1 for _ in fh), n - 1, fold.head, f"{line}{sep}{problem}")
                offset += len(raw)
                if fold.seq in fold.marks:
                    ends[fold.seq] = offset
                if check.at is not None:
                    check.watch(fold)
        return Verification(fold.seq, fold.seq, fold.head, check.result(fold, ends))

    def writable(self) -> tuple[bool, str]:
        path = self.path
        target = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
        ok = os.access(target, os.W_OK)
        return ok, f"audit log {path}: {'writable' if ok else 'NOT writable'}"

    def private(self) -> tuple[bool, str]:
        path = self.path
        if not path.exists() or os.name != "posix":
            return True, f"audit log {path}: private"
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            return False, f"audit log {path} has mode {mode:04o}, readable by others: run chmod 600 {path}"
        return True, f"audit log {path}: mode {mode:04o}"

