"""The audit store under an S3 prefix: one object per record, each written with a conditional put.

`records/<seq>.json` (zero-padded) holds one record, written with
`If-None-Match: *`, so two writers racing for one seq cannot both succeed:
the loser re-reads, backs off and tries the next seq, or decides again when
the race was for its own role. A 412 is read back first: a put that reached
S3 before a reset, retried by botocore, finds its own record there.
`checkpoint.json` points at a state record, `feedback.json` keeps the
delivery-feedback index, `sent/<identity>.json` names the record of each
message sent, `inputs/` and `snapshots/` as beside a file. The client comes
from the caller (reports.aws.session): this module never imports boto3.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

from reports.digest import sha256_hex
from reports.errors import AuditError, ConfigError
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
from reports.location import S3Url
from reports.progress import DETAIL, WARNING, logger

log = logger(__name__)
RECORDS = "records/"
CHECKPOINT = "checkpoint.json"
FEEDBACK = "feedback.json"
CONFLICT_SECONDS = 30.0  # how long a write keeps trying against other writers, without a deadline
BACKOFF = (0.05, 2.0)  # the first pause and the longest, before jitter
_TAKEN = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")
_MISSING = ("NoSuchKey", "404", "NotFound")


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class S3Store(TailReads):
    """The audit log under an S3 prefix; no lock: a conflicting write is found when it is made."""

    def __init__(self, url: S3Url, s3: Any, *, deadline: float | None = None) -> None:
        self.url = url
        self.feedback_loaded = False
        self._s3 = s3
        self._deadline = deadline  # time.monotonic() by which a write stops retrying
        self._tail = empty()
        self._loaded = False
        self._open = False
        self._mark = 0
        self._pointer: tuple[int, str | None] | None = None
        self._found: dict[str, Record] = {}
        self._level = WARNING  # what an ignored checkpoint is said at: a preview only notes it

    @property
    def location(self) -> S3Url:
        return self.url

    # S3, with its errors said once -----------------------------------------

    def _key(self, name: str) -> str:
        return self.url.key(name)

    def _record_key(self, seq: int) -> str:
        return self.url.key(f"{RECORDS}{seq:012d}.json")

    def _error(self, what: str, exc: Exception, kind: type[AuditError] = AuditError) -> Exception:
        code = _code(exc) or type(exc).__name__
        if code == "NoSuchBucket":
            return ConfigError(f"the S3 bucket '{self.url.bucket}' of the audit log {self.url} does not exist: "
                               "create it, or fix AUDIT_LOG (or --audit-log)")
        if code in ("NoCredentialsError", "PartialCredentialsError"):
            return ConfigError(f"no AWS credentials to {what} the audit log {self.url}: run `aws configure`, "
                               "set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        return kind(f"cannot {what} the audit log {self.url} ({code}: {exc})")

    def _get(self, name: str) -> bytes | None:
        """An object's bytes under the prefix; None when it is not there."""
        try:
            return bytes(self._s3.get_object(Bucket=self.url.bucket, Key=self._key(name))["Body"].read())
        except Exception as exc:  # botocore's errors: this module does not import botocore
            if _code(exc) in _MISSING:
                return None
            raise self._error(f"read {name} of", exc) from None

    def _put(self, name: str, body: bytes, *, new: bool) -> bool:
        """Write an object under the prefix; with `new`, False when it is already there."""
        extra = {"IfNoneMatch": "*"} if new else {}
        try:
            self._s3.put_object(Bucket=self.url.bucket, Key=self._key(name), Body=body, **extra)
        except Exception as exc:
            if new and _code(exc) in _TAKEN:
                return False
            raise self._error(f"write {name} to", exc, AuditWriteError) from None
        return True

    def _names_after(self, seq: int) -> Iterator[str]:
        """The record names (under the prefix) after `seq`, in order."""
        kwargs: dict[str, Any] = {"Bucket": self.url.bucket, "Prefix": self._key(RECORDS)}
        if seq:
            kwargs["StartAfter"] = self._record_key(seq)
        while True:
            try:
                page = self._s3.list_objects_v2(**kwargs)
            except Exception as exc:
                raise self._error("list", exc) from None
            for item in page.get("Contents", []):
                yield str(item["Key"])[len(self.url.prefix):]
            if not page.get("IsTruncated"):
                return
            kwargs["ContinuationToken"] = page["NextContinuationToken"]

    # Opening and reading the state ----------------------------------------

    def __enter__(self) -> S3Store:
        self.refresh()
        self._open = True
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not isinstance(exc, (AuditError, ConfigError)):
                self.checkpoint()
        finally:
            self._open = False

    def peek(self) -> None:
        self._level = DETAIL  # a preview never believes it either, and leaves it for the next send
        self.refresh()

    def refresh(self) -> None:
        """Catch up with the log on S3: the first time from the checkpoint, then from where
        this store got to, verifying every record read."""
        if not self._loaded:
            start = self._from_checkpoint()
            if start is None:
                self._mark, self._pointer = 0, None
            self._tail, self._loaded = start or empty(), True
        self._tail = self._fold_after(self._tail, remember=True)

    def _from_checkpoint(self) -> Tail | None:
        """The state record the checkpoint points at, checked; None to rebuild from the whole log."""
        raw = self._get(CHECKPOINT)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        version = data.get("v") if isinstance(data, dict) else None
        if isinstance(version, int) and version < CHECKPOINT_VERSION:
            log.log(self._level, REBUILT, f"{self.url}{CHECKPOINT}", "it is of an older version")
            return None
        where = f"{self.url}{CHECKPOINT}"
        if not isinstance(data, dict) or set(data) != {"v", "seq", "head"} or version != CHECKPOINT_VERSION:
            log.log(self._level, REBUILT, where, "it is not a checkpoint of this version")
            return None
        seq, head = data["seq"], data["head"]
        rec = parse_record(self._get(f"{RECORDS}{seq:012d}.json") or b"") if isinstance(seq, int) else None
        if (rec is None or rec.get("seq") != seq or rec.get("hash") != head or rec.get("event") != STATE
                or fields_problem(rec)):
            log.log(self._level, REBUILT, where, f"it names seq {seq}, which is not a state record of this log")
            return None
        if not current_fold(rec):
            log.log(DETAIL, "the state record at seq %s is of another version: rebuilt from the log", seq)
            return None
        self._mark, self._pointer = seq, (seq, head)
        return Tail(0, seq, head, from_record(rec))

    def _fold_after(self, tail: Tail, *, remember: bool, check_states: bool = True) -> Tail:
        """Verify and fold in every record after `tail`; refuse (exit 4) on damage."""
        fold = Fold(tail.seq, tail.head, tail.states, openssl_sha256() if tail.seq == 0 else sha256_hex,
                    check_states=check_states)
        for name in self._names_after(tail.seq):
            expected = f"{RECORDS}{fold.seq + 1:012d}.json"
            if name != expected:
                raise damaged(self.url, f"{self.url.key(name)}: a record is missing before it ({expected})")
            raw = self._get(name)
            problem = "listed, then gone" if raw is None else fold.feed(raw)
            if problem is not None:
                raise damaged(self.url, f"{self.url.key(name)}: {problem}")
            if remember and fold.last is not None:
                self._remember(fold.last)
        return Tail(0, fold.seq, fold.head, fold.states)

    def _remember(self, rec: Record) -> None:
        """Note what the index and the checkpoint need of a record read or written here."""
        if rec.get("event") == STATE:
            self._mark = int(rec["seq"])
            return
        name = identity_of(rec)
        if name is not None:
            self._found[name] = {"seq": rec["seq"], "hash": rec["hash"], "ts": rec.get("ts"),
                                 "as_of": rec.get("as_of")}

    # The state -------------------------------------------------------------

    def sent_before(self, identity: str) -> Record | None:
        if identity in self._found:
            return self._found[identity]
        raw = self._get(f"sent/{identity}.json")
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
            seq, head = int(entry["seq"]), entry["hash"]
        except (ValueError, KeyError, TypeError):
            return None
        if seq > self._tail.seq:
            return None
        rec = parse_record(self._get(f"{RECORDS}{seq:012d}.json") or b"")
        if rec is None or rec.get("seq") != seq or rec.get("hash") != head or identity_of(rec) != identity:
            log.warning("warning: %ssent/%s.json does not match the record it names: ignored", self.url, identity)
            return None
        return {"seq": seq, "hash": head, "ts": rec.get("ts"), "as_of": rec.get("as_of")}

    # Writing ---------------------------------------------------------------

    def _put_record(self, seq: int, line: bytes) -> bool:
        """Put a record at `seq`: True when it is there and is this one; False when another
        run's record is (a conflict)."""
        name = f"{RECORDS}{seq:012d}.json"
        if self._put(name, line, new=True):
            back = self._get(name)  # belt and braces: a store that ignored If-None-Match
            if back is None:
                raise AuditWriteError(f"the audit record {self.url.key(name)} was written but is not there")
            return back == line
        # Taken: by another run, or by this very put, retried after a reset once it had reached S3.
        return self._get(name) == line

    def _took(self, rec: Record) -> Record:
        _, _, _, states = self._tail
        apply(states, rec)
        self._remember(rec)
        self._tail = Tail(0, int(rec["seq"]), rec["hash"], states)
        return rec

    def _wait(self, tries: int, started: float) -> None:
        """Back off (jittered) after a conflict, or give up at the deadline."""
        deadline = self._deadline if self._deadline is not None else started + CONFLICT_SECONDS
        now = time.monotonic()
        if now >= deadline:
            raise AuditError(f"the audit log {self.url} kept changing under this run ({tries} tries in "
                             f"{now - started:.0f} s): other runs are writing it; run again")
        first, longest = BACKOFF
        jitter = int.from_bytes(os.urandom(2), "big") / 65536  # "full jitter", without importing random
        time.sleep(min(jitter * min(longest, first * 2 ** tries), deadline - now))

    def append(self, event: str, **fields: Any) -> Record:
        """Claim the next seq with a conditional put; after another run took it, catch up
        and take the next one."""
        started, tries = time.monotonic(), 0
        while True:
            _, seq, head, states = self._tail
            if event == STATE:  # the state as of its own seq: again after catching up with others
                fields["states"] = chained(states)
            rec, line = new_record(event, fields, seq + 1, head)
            if self._put_record(seq + 1, line):
                return self._took(rec)
            self._wait(tries, started)
            tries += 1
            self.refresh()

    def try_append(self, event: str, **fields: Any) -> bool:
        _, seq, head, _ = self._tail
        rec, line = new_record(event, fields, seq + 1, head)
        if self._put_record(seq + 1, line):
            self._took(rec)
            return True
        self.refresh()
        return False

    def claim(self, fields: Record, expected: RoleState | None) -> bool:
        kind, role = str(fields["kind"]), str(fields["role"])
        started, tries = time.monotonic(), 0
        while True:
            if self.states(kind).get(role) != expected:
                return False  # another run's records moved this role: it is sending it or sent it
            _, seq, head, _ = self._tail
            rec, line = new_record("attempt", fields, seq + 1, head)
            if self._put_record(seq + 1, line):
                self._took(rec)
                return True
            self._wait(tries, started)
            tries += 1
            self.refresh()

    def checkpoint(self) -> None:
        """Index the sends read or made here, chain a state record after the run's records,
        point the checkpoint at it (last writer wins: it is checked when read), and keep the
        feedback index. Failures only cost the next run a longer read: they are warnings."""
        if not self._open:
            return
        try:
            for name, entry in list(self._found.items()):
                self._put(f"sent/{name}.json", json.dumps({"seq": entry["seq"], "hash": entry["hash"]}).encode(),
                          new=True)
        except (AuditError, ConfigError) as exc:
            log.warning(INDEX_LOST, self.url, exc)
        self._found = {}
        try:
            if self._tail.seq != self._mark:
                self.append(STATE, run_id=None, fold=FOLD, states=chained(self._tail.states))
            _, seq, head, states = self._tail
            if seq and self._pointer != (seq, head):
                self._put(CHECKPOINT, json.dumps({"v": CHECKPOINT_VERSION, "seq": seq, "head": head}).encode(),
                          new=False)
                self._pointer = (seq, head)
            if self.feedback_loaded:
                index = {k: states.get(k) or {} for k in FEEDBACK_INDEX}
                self._put(FEEDBACK, json.dumps({"v": CHECKPOINT_VERSION, "seq": seq, "head": head, "index": index},
                                               sort_keys=True, ensure_ascii=False).encode(), new=False)
        except (AuditError, ConfigError) as exc:
            log.warning("warning: the state of the audit log %s could not be kept (%s); the next run "
                        "reads more of the log", self.url, exc)

    def load_feedback_index(self) -> None:
        """Load the message-id index and the notifications applied (for `events`): from its
        object when it names a record of the log, caught up with the records since; else
        rebuilt from the whole log."""
        found = empty()
        raw = self._get(FEEDBACK)
        try:
            data = json.loads(raw or b"null")
            seq, head = int(data["seq"]), data["head"]
            rec = parse_record(self._get(f"{RECORDS}{seq:012d}.json") or b"") if seq else None
            if data.get("v") == CHECKPOINT_VERSION and rec is not None and rec.get("hash") == head:
                found = Tail(0, seq, head, dict(data["index"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            found = empty()
        caught = self._fold_after(found, remember=False, check_states=False)
        for key in FEEDBACK_INDEX:
            self._tail.states[key] = caught.states.get(key) or {}
        self.feedback_loaded = True

    def save_manifest(self, inputs_sha256: str, files: list[tuple[str, str]]) -> None:
        self._put(f"inputs/{inputs_sha256}.txt", "".join(f"{p}\0{h}\n" for p, h in files).encode(), new=True)

    def save_snapshot(self, digest: str, data: bytes) -> None:
        self._put(f"snapshots/{digest}.json", data, new=True)

    def read_snapshot(self, digest: str) -> bytes | None:
        try:
            return self._get(f"snapshots/{digest}.json")
        except AuditError:
            return None

    # The whole log ---------------------------------------------------------

    def exists(self) -> bool:
        return True  # an empty prefix is an empty log

    def raw_records(self) -> Iterator[bytes]:
        for name in self._names_after(0):
            raw = self._get(name)
            if raw is not None:
                yield raw

    def copy_in(self, raws: Iterable[bytes]) -> int:
        n = 0
        for n, raw in enumerate(raws, 1):
            if not self._put(f"{RECORDS}{n:012d}.json", raw, new=True):
                raise AuditError(f"{self._record_key(n)} is already there: records are copied only to an "
                                 "empty prefix")
        return n

    def verify(self) -> Verification:
        """Check every record object: its name, seq, link and hash, and each state record
        against the records before it; then the checkpoint against the chain."""
        names = list(self._names_after(0))
        if not names:
            try:
                self._s3.head_bucket(Bucket=self.url.bucket)
            except Exception as exc:
                raise self._error("read", exc) from None
            raise AuditError(f"no audit log at {self.url}: check --audit-log or AUDIT_LOG")
        check = CheckpointCheck(self._get(CHECKPOINT), f"{self.url}{CHECKPOINT}", frozenset(("v", "seq", "head")))
        fold = Fold(sha=openssl_sha256(), index=False)
        for n, name in enumerate(names, 1):
            raw = self._get(name)
            expected = f"{RECORDS}{n:012d}.json"
            problem = (f"expected {expected} here" if name != expected else "listed, then gone" if raw is None
                       else fold.feed(raw))
            if problem is not None:
                return Verification(len(names), n - 1, fold.head, f"{self.url.key(name)}: {problem}")
            if check.at is not None:
                check.watch(fold)
        return Verification(len(names), len(names), fold.head, check.result(fold))

    def writable(self) -> tuple[bool, str]:
        return True, f"audit log {self.url}: on S3 (written with conditional puts)"

    def private(self) -> tuple[bool, str]:
        return True, f"audit log {self.url}: access is the bucket's policy (see docs/aws.md)"
