"""The audit log and the handoffs on S3: the same chain and the same parser, one object each.

An S3 audit log keeps one object per record under `PREFIX/records/`, named by
its zero-padded seq and written with a conditional put (`If-None-Match: *`),
so two writers racing for one seq cannot both succeed: the loser gets
AuditConflict, re-reads and decides again. The checkpoint (seq, head, role
states) is an object under the prefix, checked against the record it names
when read; listing resumes from it with StartAfter, so a send's cost does not
grow with the log. Snapshots and inputs manifests live under the same prefix.
Every record is read back after it is written and compared (belt and braces).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reports.errors import AuditError
from reports.ledger.audit import TailView
from reports.location import S3Url

RECORDS = "records/"
CHECKPOINT = "checkpoint.json"


def client() -> Any:
    """An S3 client from the standard chain (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for emulators)."""
    import boto3

    return boto3.session.Session().client("s3")  # its own session: clients are made in threads too


class AuditConflict(AuditError):
    """Another run wrote this seq first: re-read and decide again; never send on it."""


def _record_key(url: S3Url, seq: int) -> str:
    return url.key(f"{RECORDS}{seq:012d}.json")


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _keys_after(s3: Any, url: S3Url, seq: int) -> Iterator[str]:
    """The record keys after `seq`, in order."""
    kwargs: dict[str, Any] = {"Bucket": url.bucket, "Prefix": url.key(RECORDS)}
    if seq:
        kwargs["StartAfter"] = _record_key(url, seq)
    while True:
        page = s3.list_objects_v2(**kwargs)
        for item in page.get("Contents", []):
            yield str(item["Key"])
        if not page.get("IsTruncated"):
            return
        kwargs["ContinuationToken"] = page["NextContinuationToken"]


def _get(s3: Any, url: S3Url, key: str) -> bytes:
    return bytes(s3.get_object(Bucket=url.bucket, Key=key)["Body"].read())


class S3AuditLog(TailView):
    """The S3 twin of audit.AuditLog: head, seq, states, append, manifests, checkpoint."""

    def __init__(self, url: S3Url, s3: Any) -> None:
        from reports.ledger.audit import Tail

        self.path = url
        self._s3 = s3
        self._tail = Tail(0, 0, None, {})
        self.refresh()

    # Reading ---------------------------------------------------------------

    def refresh(self) -> None:
        """Catch up with the log on S3: from the checkpoint, verifying every record after it."""
        from reports.ledger.audit import Tail, apply, check_line

        tail = self._checkpoint() or Tail(0, 0, None, {})
        seq, head, states = tail.seq, tail.head, json.loads(json.dumps(tail.states))
        for key in _keys_after(self._s3, self.path, seq):
            raw = _get(self._s3, self.path, key)
            rec, problem = check_line(raw, seq + 1, head)
            if rec is None or key != _record_key(self.path, seq + 1):
                raise _damaged_s3(self.path, f"{key}: {problem or 'a record is missing before it'}")
            seq, head = seq + 1, rec["hash"]
            apply(states, rec)
        self._tail = Tail(0, seq, head, states)

    def _checkpoint(self) -> Any:
        from reports.ledger.audit import CHECKPOINT_VERSION, Tail, _line_hash

        try:
            data = json.loads(_get(self._s3, self.path, self.path.key(CHECKPOINT)))
            if data.get("v") != CHECKPOINT_VERSION:
                return None
            tail = Tail(0, int(data["seq"]), data["head"], dict(data["states"]))
            if tail.seq == 0:
                return tail if tail.head is None else None
            raw = _get(self._s3, self.path, _record_key(self.path, tail.seq))
        except Exception:  # missing, unreadable or damaged: rebuilt from the records
            return None
        return tail if _line_hash(raw) == tail.head else None

    # The AuditLog interface (head, seq and states come from TailView) ------

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        """Claim the next seq with a conditional put; AuditConflict when another run has it."""
        from reports.ledger.audit import Tail, apply, new_record

        _, seq, head, states = self._tail
        rec, line = new_record(event, fields, seq + 1, head)
        key = _record_key(self.path, seq + 1)
        try:
            self._s3.put_object(Bucket=self.path.bucket, Key=key, Body=line, IfNoneMatch="*")
        except Exception as exc:
            if _code(exc) in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
                raise AuditConflict(f"another run wrote {key} first") from None
            raise AuditError(f"cannot write the audit record {key} to S3: {exc}") from None
        if _get(self._s3, self.path, key) != line:  # belt and braces: whose record is it?
            raise AuditConflict(f"{key} holds another run's record")
        apply(states, rec)
        self._tail = Tail(0, seq + 1, rec["hash"], states)
        return rec

    feedback_loaded = True  # the S3 checkpoint keeps the feedback index with the rest

    def load_feedback_index(self) -> None:
        """Nothing to load apart: see feedback_loaded."""

    def save_manifest(self, inputs_sha256: str, files: list[tuple[str, str]]) -> None:
        self._put_new(f"inputs/{inputs_sha256}.txt", "".join(f"{p}\0{h}\n" for p, h in files).encode())

    def save_snapshot(self, digest: str, data: bytes) -> None:
        self._put_new(f"snapshots/{digest}.json", data)

    def _put_new(self, name: str, data: bytes) -> None:
        """Write an object under the prefix unless it is there (content-addressed names)."""
        try:
            self._s3.put_object(Bucket=self.path.bucket, Key=self.path.key(name), Body=data, IfNoneMatch="*")
        except Exception as exc:
            if _code(exc) not in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
                raise OSError(str(exc)) from None

    def save_checkpoint(self) -> None:
        from reports.ledger.audit import CHECKPOINT_VERSION

        _, seq, head, states = self._tail
        data = json.dumps({"v": CHECKPOINT_VERSION, "seq": seq, "head": head, "states": states},
                          sort_keys=True, ensure_ascii=False).encode()
        try:  # last writer wins: it is checked against the chain when read
            self._s3.put_object(Bucket=self.path.bucket, Key=self.path.key(CHECKPOINT), Body=data)
        except Exception:
            pass  # only a speed-up


def _damaged_s3(url: S3Url, problem: str) -> AuditError:
    return AuditError(f"the audit log {url} is damaged, so nothing was sent: {problem}. Inspect it with "
                      f"`send-exec-reports audit --verify --audit-log {url}`; the tool never rewrites history")


@contextmanager
def open_log(url: S3Url) -> Iterator[S3AuditLog]:
    """The S3 log, caught up from its checkpoint; no lock: conflicts are found on append."""
    opened = S3AuditLog(url, client())
    try:
        yield opened
    finally:
        opened.save_checkpoint()


def records(url: S3Url) -> Iterator[tuple[str, bytes]]:
    """(key, bytes) of every record object, in seq order."""
    s3 = client()
    for key in _keys_after(s3, url, 0):
        yield key, _get(s3, url, key)


def read_snapshot(url: S3Url, digest: str) -> bytes | None:
    """A snapshot kept under the prefix, or None if it is not there or cannot be read."""
    try:
        return _get(client(), url, url.key(f"snapshots/{digest}.json"))
    except Exception:
        return None


def verify(url: S3Url) -> Any:
    """Check every record object: its seq, its link and its hash (as for a file)."""
    from reports.ledger.audit import Verification, check_line

    head, valid, total = None, 0, 0
    found = list(records(url))
    if not found:
        try:
            client().head_bucket(Bucket=url.bucket)
        except Exception:
            raise AuditError(f"no audit log at {url}: check --audit-log or AUDIT_LOG") from None
    for n, (key, raw) in enumerate(found, 1):
        total = n
        rec, problem = check_line(raw, n, head)
        if rec is None or key != _record_key(url, n):
            return Verification(len(found), valid, head, f"{key}: {problem or f'expected seq {n} here'}")
        valid, head = n, rec["hash"]
    return Verification(total, valid, head, None)


def read_records(url: S3Url) -> list[dict[str, Any]]:
    out = []
    for _, raw in records(url):
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def copy_to(local: Any, url: S3Url) -> int:
    """Upload a local log's records as objects (each with a conditional put); the count."""
    s3 = client()
    n = 0
    with open(local, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            key = _record_key(url, n)
            try:
                s3.put_object(Bucket=url.bucket, Key=key, Body=raw.rstrip(b"\n"), IfNoneMatch="*")
            except Exception as exc:
                raise AuditError(f"cannot copy record {n} to {key}: {exc}") from None
    return n


# --------------------------------------------------------------------------
# Handoffs on S3


def handoff_objects(url: S3Url) -> list[tuple[str, str]]:
    """(key, name shown) of every `*.md` object, sorted: sources and warnings name the
    object key itself (`handoffs/jada.md`)."""
    s3 = client()
    out = []
    kwargs: dict[str, Any] = {"Bucket": url.bucket, "Prefix": url.prefix}
    while True:
        page = s3.list_objects_v2(**kwargs)
        for item in page.get("Contents", []):
            key = str(item["Key"])
            rel = key[len(url.prefix):]
            if rel.lower().endswith(".md") and not any(part.startswith(".") for part in rel.split("/")):
                out.append((key, key))
        if not page.get("IsTruncated"):
            break
        kwargs["ContinuationToken"] = page["NextContinuationToken"]
    return sorted(out, key=lambda t: t[1])


def read_object(url: S3Url, key: str, limit: int) -> bytes:
    """An object's bytes, at most `limit` + 1 of them."""
    body = client().get_object(Bucket=url.bucket, Key=key)["Body"]
    return bytes(body.read(limit + 1))
