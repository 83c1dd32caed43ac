"""The append-only, hash-chained JSON Lines audit log: its lock, chain, state and verify.

Each line is one record in canonical JSON (sorted keys, no spaces, UTF-8);
its `hash` is the SHA-256 of that line without the `hash` member, and `prev`
is the previous record's hash. So the log's bytes are what the chain vouches
for. Report bodies are never written here. The schema is in
docs/operations.md; every earlier version still verifies.

Beside the log, `<log>.state.json` is a checkpoint (offset, seq, head and
each role's state) checked against the log's bytes whenever it is read and
rebuilt from the log when it is missing or does not match, so a send reads
only what was appended since; `<log>.inputs/` holds one manifest per set
of input files and `<log>.snapshots/` the figures of each report sent, each
named by its hash.
"""

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from reports.digest import sha256_hex
from reports.errors import AuditError
from reports.location import Location, S3Url

SCHEMA = 2
KINDS = ("real", "test")
OUTCOMES = ("sent", "failed", "unknown")
FEEDBACK = ("delivered", "bounced", "complained", "delayed", "rejected")  # from SES, via `events`
FORGOTTEN = "forgotten"  # `events --forget`: a bounce or complaint cleared by a person
EVENTS = ("inputs", "attempt", *OUTCOMES, "skipped", *FEEDBACK, FORGOTTEN)
# The first version's records had exactly these fields.
V1_FIELDS = frozenset(("seq", "ts", "run_id", "event", "role", "subject", "from", "to", "bcc", "sha256",
                       "inputs_sha256", "message_id", "error", "prev", "hash"))
V1_EVENTS = ("attempt", "sent", "failed", "skipped", "test")
# Version 2: what each event must carry (besides v, seq, ts, event, run_id, prev, hash).
_MESSAGE = ("kind", "role", "as_of", "subject", "from", "to", "bcc", "sha256")
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
_BASE = ("v", "seq", "ts", "event", "run_id", "prev", "hash")
OUTCOME_UNKNOWN = "outcome unknown: "  # how version 1 said it


def canonical(record: dict[str, Any]) -> bytes:
    """The record's one serialisation: sorted keys, no spaces, UTF-8."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON without its `hash` field."""
    return sha256_hex(canonical({k: v for k, v in record.items() if k != "hash"}))


_HASH_MEMBER = b',"hash":"'


def _line_hash(raw: bytes, sha: Callable[[bytes], str] = sha256_hex) -> str | None:
    """The hash of a line computed on its own bytes with the hash member cut out (no
    re-serialising). The writer hashes the canonical form, so a line edited in any way
    (spaces, a repeated key, reordered keys) no longer matches; None when there is no
    hash member where one belongs."""
    at = raw.find(_HASH_MEMBER)
    if at < 0:
        return None
    end = at + len(_HASH_MEMBER) + 65  # 64 hex digits and the closing quote
    return sha(raw[:at] + raw[end:])


def _openssl_sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def label(rec: dict[str, Any]) -> str:
    """What a record says happened, across versions: attempt, sent, failed, unknown,
    skipped, inputs; a test send's outcome is prefixed `test `."""
    event = str(rec.get("event"))
    if rec.get("v") is None:  # version 1
        if event == "test":
            return "test sent"
        if event == "failed" and str(rec.get("error") or "").startswith(OUTCOME_UNKNOWN):
            return "unknown"
        return event
    return f"test {event}" if rec.get("kind") == "test" and event in OUTCOMES else event


def kind_of(rec: dict[str, Any]) -> str:
    """real or test, across versions (version 1 marked test sends by their subject)."""
    if rec.get("v") is None:
        return "test" if rec.get("event") == "test" or str(rec.get("subject") or "").startswith(
            "[TEST]") else "real"
    return str(rec.get("kind") or "real")


# --------------------------------------------------------------------------
# State: what a send needs to know, derived from the records


class RoleState(NamedTuple):
    """One role's state for one kind of send (real or test)."""

    sent: dict[str, Any] | None  # the last report sent: ts, as_of, sha256, from, to, bcc, message_id
    unknown: dict[str, Any] | None  # an attempt with no outcome, or an unknown one: seq, ts, run_id
    baseline: dict[str, Any] | None = None  # the last report sent with an earlier as_of than `sent`


_SENT_FIELDS = ("seq", "ts", "as_of", "sha256", "from", "to", "bcc", "message_id", "subject", "snapshot")


def apply(states: dict[str, dict[str, Any]], rec: dict[str, Any]) -> None:
    """Fold one record into the states, keyed `kind:role`; and, under `_messages`,
    `_applied` and `_bounced`, what delivery feedback needs: each sent message id, the
    notifications already applied, and the addresses that hard-bounced or complained."""
    role = rec.get("role")
    what = label(rec)
    if what in FEEDBACK or what == FORGOTTEN:
        _fold_feedback(states, rec, what)
        return
    if what.removeprefix("test ") == "sent" and rec.get("message_id"):
        states.setdefault("_messages", {})[str(rec["message_id"])] = {
            "role": role, "kind": kind_of(rec), "ts": rec.get("ts"), "to": rec.get("to"), "bcc": rec.get("bcc")}
    if not isinstance(role, str) or what in ("inputs", "skipped"):
        return
    key = f"{kind_of(rec)}:{role}"
    st = states.setdefault(key, {"sent": None, "unknown": None, "baseline": None})
    outcome = what.removeprefix("test ")
    if outcome == "attempt":
        st["unknown"] = {"seq": rec.get("seq"), "ts": rec.get("ts"), "run_id": rec.get("run_id")}
    elif outcome == "sent":
        st["unknown"] = None
        new = {k: rec.get(k) for k in _SENT_FIELDS}
        old = st["sent"]
        if old is not None and str(old.get("as_of") or "") < str(new.get("as_of") or ""):
            st["baseline"] = old
        st["sent"] = new
    elif outcome == "failed":
        st["unknown"] = None
    # unknown: the open attempt stays open; SES may have sent it.


def _fold_feedback(states: dict[str, dict[str, Any]], rec: dict[str, Any], what: str) -> None:
    """A hard bounce or complaint marks its addresses until `forgotten`; a delivery of a
    message sent no earlier than the bounced one clears a hard bounce. No clock clears either."""
    bounced = states.setdefault("_bounced", {})
    if what == FORGOTTEN:
        for address in rec.get("recipients") or ():
            bounced.pop(str(address).lower(), None)
        return
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


def as_role_states(states: dict[str, dict[str, Any]], kind: str) -> dict[str, RoleState]:
    """The states of one kind, by role."""
    prefix = f"{kind}:"
    return {k[len(prefix):]: RoleState(v["sent"], v["unknown"], v["baseline"])
            for k, v in states.items() if k.startswith(prefix)}


# --------------------------------------------------------------------------
# Verify


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


def _fields_problem(rec: dict[str, Any]) -> str | None:
    version = rec.get("v")
    if version is None:
        if set(rec) != V1_FIELDS or rec.get("event") not in V1_EVENTS:
            return "fields are not the audit record's fields"
        return None
    if not isinstance(version, int) or version < 2:
        return f"unknown schema version {version!r}"
    missing = [k for k in _BASE if k not in rec]
    if version == SCHEMA:
        event = rec.get("event")
        if event not in V2_REQUIRED:
            return f"unknown event {event!r}"
        missing += [k for k in V2_REQUIRED[event] if k not in rec]
    # a later version may add events and fields: the chain still vouches for them
    return f"missing field(s) {', '.join(missing)}" if missing else None


def check_line(raw: bytes, seq: int, prev: str | None, sha: Callable[[bytes], str] = sha256_hex
               ) -> tuple[dict[str, Any] | None, str | None]:
    """Parse and check one line (without its newline) as record number `seq` after `prev`."""
    try:
        rec = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, "not a JSON record"
    if not isinstance(rec, dict):
        return None, "not a JSON record"
    problem = _fields_problem(rec)
    if problem:
        return None, problem
    if rec["seq"] != seq:
        return None, f"seq {rec['seq']}, expected {seq} (a record was removed or reordered)"
    if rec["prev"] != prev:
        return None, f"(seq {seq}): prev does not match the previous record's hash (a broken link)"
    if _line_hash(raw, sha) != rec["hash"]:
        if record_hash(rec) != rec["hash"]:
            return None, f"(seq {seq}): hash does not match the content (the record was changed)"
        return None, (f"(seq {seq}): the line is not the record's canonical form (extra spaces, "
                      "a repeated key or reordered keys): its bytes are not what the chain vouches for")
    return rec, None


def _lines(fh: Any) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes without newline, whether it ended in a newline)."""
    for n, raw in enumerate(fh, 1):
        yield n, raw.rstrip(b"\n"), raw.endswith(b"\n")


def verify(path: Location) -> Verification:
    """Recompute every hash and link of the log at `path`, reading it as a stream."""
    if isinstance(path, S3Url):
        from reports.ledger import s3store

        return s3store.verify(path)  # type: ignore[no-any-return]
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise AuditError(f"no audit log at {path}: check --audit-log or AUDIT_LOG") from None
    valid, head, total = 0, None, 0
    with fh:
        for n, raw, whole in _lines(fh):
            total = n
            where = f"{path} line {n}"
            if not whole:
                return Verification(n, valid, head, f"{where}: torn last line ({len(raw)} bytes, no "
                                    "newline): a write was cut short")
            rec, problem = check_line(raw, n, head, _openssl_sha256)  # many lines: OpenSSL is faster
            if rec is None:
                sep = " " if problem and problem.startswith("(") else ": "
                total = n + sum(1 for _ in fh)
                return Verification(total, valid, head, f"{where}{sep}{problem}")
            valid, head = n, rec["hash"]
    return Verification(total, valid, head, None)


def read_records(path: Location) -> list[dict[str, Any]]:
    """Every record that parses, for display and tests (verification is separate)."""
    if isinstance(path, S3Url):
        from reports.ledger import s3store

        return s3store.read_records(path)
    out = []
    try:
        with path.open("rb") as fh:
            for raw in fh:
                try:
                    rec = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    continue
                if isinstance(rec, dict):
                    out.append(rec)
    except FileNotFoundError:
        return []
    return out


def describe(rec: dict[str, Any]) -> str:
    """One line per record: seq, time, role, what happened, recipients, id, short hash."""
    what = label(rec).replace(" ", "-")
    if what == "inputs":
        return (f"{rec.get('seq')} {rec.get('ts')} - inputs files={rec.get('files')} "
                f"inputs={str(rec.get('inputs_sha256'))[:12]}")
    if what == FORGOTTEN:
        return f"{rec.get('seq')} {rec.get('ts')} - forgotten {', '.join(rec.get('recipients') or []) or '-'}"
    if what in FEEDBACK:
        detail = f" {rec.get('bounce_type')}/{rec.get('bounce_subtype')}" if what == "bounced" else ""
        return (f"{rec.get('seq')} {rec.get('ts')} {rec.get('role')} {what}{detail} "
                f"{', '.join(rec.get('recipients') or []) or '-'} id={rec.get('message_id')}")
    to = ", ".join(rec.get("to") or []) or "-"
    extra = f" id={rec['message_id']}" if rec.get("message_id") else ""
    reason = rec.get("reason") or (rec.get("error") if what == "skipped" else None)
    if reason:
        extra += f" reason={reason}"
    elif rec.get("error"):
        extra += f" error={rec['error']}"
    sha = (rec.get("sha256") or "")[:12]
    return f"{rec.get('seq')} {rec.get('ts')} {rec.get('role')} {what} to={to} sha={sha}{extra}"


def check_writable(path: Location) -> tuple[bool, str]:
    """Say whether the log (or the folder it would be created in) is writable."""
    if isinstance(path, S3Url):
        return True, f"audit log {path}: on S3 (written with conditional puts)"
    target = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
    ok = os.access(target, os.W_OK)
    return ok, f"audit log {path}: {'writable' if ok else 'NOT writable'}"


def private(path: Location) -> tuple[bool, str]:
    """Say whether an existing log is readable by others (it holds recipients and subjects)."""
    if isinstance(path, S3Url):
        return True, f"audit log {path}: access is the bucket's policy (see docs/aws.md)"
    if not path.exists() or os.name != "posix":
        return True, f"audit log {path}: private"
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return False, f"audit log {path} has mode {mode:04o}, readable by others: run chmod 600 {path}"
    return True, f"audit log {path}: mode {mode:04o}"


# --------------------------------------------------------------------------
# The checkpoint and the open log


CHECKPOINT_VERSION = 4  # 4: a delivery or `forgotten` clears a bounce


FEEDBACK_INDEX = ("_messages", "_applied")  # kept apart from the checkpoint: they grow with the log


def feedback_path(path: Path) -> Path:
    return path.with_name(path.name + ".feedback.json")


def checkpoint_path(path: Path) -> Path:
    return path.with_name(path.name + ".state.json")


def manifest_path(path: Path, inputs_sha256: str) -> Path:
    return path.with_name(path.name + ".inputs") / f"{inputs_sha256}.txt"


def snapshot_path(path: Path, digest: str) -> Path:
    return path.with_name(path.name + ".snapshots") / f"{digest}.json"


class Tail(NamedTuple):
    """Where the log ends and what it says: the checkpoint's content."""

    offset: int
    seq: int
    head: str | None
    states: dict[str, dict[str, Any]]


def _last_line(fd: int, offset: int) -> bytes:
    """The line that ends at `offset` (without its newline)."""
    start = offset - 1
    step = 4096
    while True:
        lo = max(start - step, 0)
        chunk = os.pread(fd, start - lo, lo)
        at = chunk.rfind(b"\n")
        if at >= 0 or lo == 0:
            begin = lo + at + 1 if at >= 0 else 0
            return os.pread(fd, offset - 1 - begin, begin)
        step *= 2


def _load_checkpoint(path: Path, fd: int, size: int) -> Tail | None:
    """The checkpoint, if it matches the log's bytes; None to rebuild from the log."""
    try:
        data = json.loads(checkpoint_path(path).read_bytes())
        if data.get("v") != CHECKPOINT_VERSION:
            return None  # an older shape of the state: rebuilt from the log
        tail = Tail(int(data["offset"]), int(data["seq"]), data["head"], dict(data["states"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if tail.offset > size or not _checkpoint_matches(fd, tail):
        return None
    return tail


def _read_from(fd: int, path: Path, tail: Tail) -> Tail:
    """Verify and fold in every record after `tail`; refuse (exit 4) on damage."""
    offset, seq, head, states = tail
    pending = b""
    pos = offset
    while chunk := os.pread(fd, 1 << 20, pos):
        pos += len(chunk)
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        for raw in lines:
            rec, problem = check_line(raw, seq + 1, head)
            if rec is None:
                sep = " " if problem and problem.startswith("(") else ": "
                raise _damaged(path, f"{path} line {seq + 1}{sep}{problem}")
            seq, head = seq + 1, rec["hash"]
            offset += len(raw) + 1
            apply(states, rec)
    if pending:
        raise _damaged(path, f"{path} line {seq + 1}: torn last line ({len(pending)} bytes, no newline): "
                       "a write was cut short")
    return Tail(offset, seq, head, states)


def _damaged(path: Path, problem: str) -> AuditError:
    return AuditError(
        f"the audit log is damaged, so nothing was sent: {problem}. Inspect it with "
        f"`send-exec-reports audit --verify --audit-log {path}`; the tool never rewrites "
        "history: keep the file as evidence, move it aside and start a new log, or cut a "
        "torn last line off a copy after checking it")


def _write_private(path: Path, data: bytes) -> None:
    """Write a file atomically (a temporary name, then rename), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def read_tail(path: Location) -> Tail:
    """The log's state without taking its lock (previews): checkpoint plus what follows."""
    if isinstance(path, S3Url):
        from reports.ledger import s3store

        opened = s3store.S3AuditLog(path, s3store.client())
        return Tail(0, opened.seq, opened.head, opened.raw_states())
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return Tail(0, 0, None, {})
    try:
        size = os.fstat(fd).st_size
        tail = _load_checkpoint(path, fd, size) or Tail(0, 0, None, {})
        return _read_from(fd, path, tail)
    finally:
        os.close(fd)


def addr_spec(address: str) -> str:
    """`Name <a@b.example>` -> `a@b.example`, lower case."""
    inner = address.rpartition("<")[2].rstrip(">") if "<" in address else address
    return inner.strip().lower()


def delivery_states(sent: dict[str, Any], found: dict[str, str]) -> str:
    """Each recipient of a sent record with what SES said of it, or pending."""
    recipients = [*(sent.get("to") or []), *(sent.get("bcc") or [])]
    return ", ".join(f"{addr_spec(r)} {found.get(addr_spec(r), 'pending')}" for r in recipients) or "-"


def feedback_checks(path: Location, bcc: tuple[str, ...]) -> list[tuple[str, str]]:
    """For `doctor`: recipients that hard-bounced or complained and were not cleared since
    (a warning), and a bounced BCC audit address (an error: the paper trail is broken)."""
    out: list[tuple[str, str]] = []
    audit_copies = {addr_spec(b) for b in bcc}
    for address, info in sorted(bounced_addresses(path).items()):
        clear = f"; once fixed, clear it with `send-exec-reports events --forget {address}`"
        if address in audit_copies:
            out.append(("FAIL", f"the BCC audit address {address} had a {info.get('why')} at {info.get('ts')}: "
                        f"the audit copies are not arriving; fix SES_BCC_ADDRESS{clear}"))
        else:
            out.append(("warn", f"{address} had a {info.get('why')} at {info.get('ts')} (the "
                        f"{info.get('role')} report){clear}"))
    return out


def bounced_addresses(path: Location) -> dict[str, dict[str, Any]]:
    """Addresses that hard-bounced or complained, with when (a preview reads this too)."""
    return dict(read_tail(path).states.get("_bounced") or {})


def read_states(path: Location, kind: str = "real") -> dict[str, RoleState]:
    """Role states from a consistent read of the log, without its lock (previews)."""
    return as_role_states(read_tail(path).states, kind)


def new_record(event: str, fields: dict[str, Any], seq: int, prev: str | None) -> tuple[dict[str, Any], bytes]:
    """The next record (schema version 2, hashed) and its canonical line, for any store."""
    missing = [k for k in V2_REQUIRED[event] if k not in fields]
    if missing:
        raise ValueError(f"an {event} record needs {', '.join(missing)}")
    rec: dict[str, Any] = dict(fields)
    rec.update(v=SCHEMA, seq=seq, event=event, prev=prev, ts=datetime.now(UTC).isoformat(timespec="microseconds"))
    rec.setdefault("run_id", None)
    rec["hash"] = sha256_hex(canonical(rec))
    return rec, canonical(rec)


class AuditWriteError(AuditError):
    """A record could not be written; the log was cut back to where it was."""


class TailView:
    """What every audit store answers from its tail: head, seq and the role states."""

    _tail: Tail

    @property
    def head(self) -> str | None:
        return self._tail.head

    @property
    def seq(self) -> int:
        return self._tail.seq

    def states(self, kind: str = "real") -> dict[str, RoleState]:
        """Each role's state as of now."""
        return as_role_states(self._tail.states, kind)

    def raw_states(self) -> dict[str, Any]:
        """The whole state, delivery feedback's parts included (read-only by convention)."""
        return self._tail.states


class AuditLog(TailView):
    """The log held open and locked for a whole run."""

    def __init__(self, path: Path, fd: int, tail: Tail) -> None:
        self.path = path
        self._fd = fd
        self._tail = tail
        self.feedback_loaded = False

    def refresh(self) -> None:
        """Nothing to catch up with: a local log is locked for the whole run."""

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        """Write one record: written, flushed and fsynced before returning. A failed
        write cuts the file back to where it was and raises AuditWriteError."""
        offset, seq, head, states = self._tail
        rec, line = new_record(event, fields, seq + 1, head)
        line += b"\n"
        try:
            view = memoryview(line)
            while view:
                view = view[os.pwrite(self._fd, view, offset + len(line) - len(view)):]
            os.fsync(self._fd)
        except OSError as exc:
            try:
                os.ftruncate(self._fd, offset)
                os.fsync(self._fd)
                where = "the log was cut back to where it was"
            except OSError:
                where = f"the log could not be cut back: it may end in a torn line after byte {offset}"
            raise AuditWriteError(f"cannot write to the audit log {self.path} ({exc.strerror or exc}); "
                                  f"{where}") from None
        apply(states, rec)
        self._tail = Tail(offset + len(line), seq + 1, rec["hash"], states)
        return rec

    def save_manifest(self, inputs_sha256: str, files: list[tuple[str, str]]) -> None:
        """Keep the input files' hashes beside the log, named by their combined hash."""
        target = manifest_path(self.path, inputs_sha256)
        if not target.exists():
            _write_private(target, "".join(f"{p}\0{h}\n" for p, h in files).encode())

    def save_snapshot(self, digest: str, data: bytes) -> None:
        """Keep a report's figures beside the log, named by their hash (written once)."""
        target = snapshot_path(self.path, digest)
        if not target.exists():
            _write_private(target, data)

    def save_checkpoint(self) -> None:
        """Keep the state beside the log: what a send needs in the checkpoint; the delivery
        feedback index (it grows with every send) in a file of its own, written only when it
        was loaded whole."""
        offset, seq, head, states = self._tail
        main = {k: v for k, v in states.items() if k not in FEEDBACK_INDEX}
        data = json.dumps({"v": CHECKPOINT_VERSION, "offset": offset, "seq": seq, "head": head, "states": main},
                          sort_keys=True, ensure_ascii=False).encode()
        try:
            _write_private(checkpoint_path(self.path), data)
            if self.feedback_loaded:
                index = {k: states.get(k) or {} for k in FEEDBACK_INDEX}
                _write_private(feedback_path(self.path), json.dumps(
                    {"v": CHECKPOINT_VERSION, "offset": offset, "seq": seq, "head": head, "index": index},
                    sort_keys=True, ensure_ascii=False).encode())
        except OSError:
            pass  # only a speed-up: the next run rebuilds it from the log

    def load_feedback_index(self) -> None:
        """Load the message-id index and the notifications applied (for `events`): from its
        file when it matches the log's bytes, caught up with the records since; else
        rebuilt from the whole log."""
        offset, seq, head, states = self._tail
        found: Tail | None = None
        try:
            data = json.loads(feedback_path(self.path).read_bytes())
            if data.get("v") == CHECKPOINT_VERSION:
                mark = Tail(int(data["offset"]), int(data["seq"]), data["head"], {})
                if mark.offset <= offset and _checkpoint_matches(self._fd, mark):
                    found = Tail(mark.offset, mark.seq, mark.head, dict(data["index"]))
        except (OSError, ValueError, KeyError, TypeError):
            found = None
        caught = _read_from(self._fd, self.path, found or Tail(0, 0, None, {}))
        for key in FEEDBACK_INDEX:
            states[key] = caught.states.get(key) or {}
        self.feedback_loaded = True


def _checkpoint_matches(fd: int, tail: Tail) -> bool:
    """The line ending at `tail.offset` is the record with `tail.seq` and `tail.head`."""
    if tail.offset == 0:
        return tail.seq == 0 and tail.head is None
    if os.pread(fd, 1, tail.offset - 1) != b"\n":
        return False
    raw = _last_line(fd, tail.offset)
    try:
        rec = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(rec, dict) and rec.get("seq") == tail.seq and _line_hash(raw) == tail.head


@contextmanager
def open_log(path: Location) -> Iterator[AuditLog]:
    """Open, lock and check the log (from its checkpoint); refuse (exit 4) if held or damaged.
    An s3:// log has no lock: a conflicting write is found when it is made (s3store)."""
    if isinstance(path, S3Url):
        from reports.ledger import s3store

        with s3store.open_log(path) as remote:
            yield remote  # type: ignore[misc]
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AuditError(f"another send-exec-reports run holds the audit log {path}; "
                             "wait for it to finish and run again") from None
        size = os.fstat(fd).st_size
        tail = _load_checkpoint(path, fd, size) or Tail(0, 0, None, {})
        opened = AuditLog(path, fd, _read_from(fd, path, tail))
        try:
            yield opened
        finally:
            opened.save_checkpoint()
    finally:
        os.close(fd)  # closing releases the lock
