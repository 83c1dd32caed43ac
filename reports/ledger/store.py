"""The audit store: one protocol, kept by a local file (ledger.local) or an S3 prefix (ledger.s3).

`ledger.stores.open_store` is the one place that chooses between them. A store
is opened for a run with `with store:` (a file is then locked for the whole
run) and answers from its checkpoint plus the records after it, so a send's
cost does not grow with the log. Without `with`, `peek()` reads the same state
for a preview, and `records()` and `verify()` read the whole log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Protocol

from reports.errors import AuditError
from reports.ledger.records import Record
from reports.ledger.states import RoleState, States, as_role_states
from reports.ledger.verify import CHECKPOINT_VERSION, Verification
from reports.location import Location
from reports.record import NamedTuple

__all__ = ["CHECKPOINT_VERSION", "INDEX_LOST", "REBUILT", "AuditStore", "AuditWriteError", "Tail", "TailReads", "damaged", "empty"]

class Tail(NamedTuple):
    """Where the log ends and what it says."""

    offset: int  # the file's size (0 on S3)
    seq: int
    head: str | None
    states: States


def empty() -> Tail:
    """The tail of an empty log (a fresh states dict each time: folding changes it in place)."""
    return Tail(0, 0, None, {})


class TailReads:
    """What every store answers from the tail it holds, and its records parsed from its raw lines."""

    _tail: Tail

    @property
    def head(self) -> str | None:
        return self._tail.head

    @property
    def seq(self) -> int:
        return self._tail.seq

    def states(self, kind: str = "real") -> dict[str, RoleState]:
        return as_role_states(self._tail.states, kind)

    def raw_states(self) -> States:
        return self._tail.states

    def bounced(self) -> dict[str, dict[str, Any]]:
        return dict(self._tail.states.get("_bounced") or {})

    def raw_records(self) -> Iterator[bytes]:
        raise NotImplementedError

    def records(self) -> Iterator[Record]:
        for raw in self.raw_records():
            try:
                rec = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                continue
            if isinstance(rec, dict):
                yield rec


class AuditWriteError(AuditError):
    """A record could not be written (a file is cut back to where it was); exit 4."""


class AuditStore(Protocol):
    """An audit log and what is kept beside it: manifests, snapshots, the checkpoint."""

    feedback_loaded: bool  # whether raw_states() holds the whole delivery-feedback index

    @property
    def location(self) -> Location:
        """Where the log is: a file, or s3://bucket/prefix/."""
        ...

    def __enter__(self) -> AuditStore:
        """Open for a run: lock (a file), then read the state from the checkpoint and what follows."""
        ...

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Chain the run's state (a `state` record), point the checkpoint at it, release."""
        ...

    def peek(self) -> None:
        """Read the state without opening for a run (a preview; nothing is written)."""
        ...

    def refresh(self) -> None:
        """Catch up with records another run appended since (nothing to do for a locked file)."""
        ...

    @property
    def head(self) -> str | None:
        """The hash of the last record read."""
        ...

    @property
    def seq(self) -> int:
        """The seq of the last record read."""
        ...

    def states(self, kind: str = "real") -> dict[str, RoleState]:
        """Each role's state for one kind of send."""
        ...

    def raw_states(self) -> States:
        """The whole state, delivery feedback's parts included (read-only by convention)."""
        ...

    def bounced(self) -> dict[str, dict[str, Any]]:
        """Addresses that hard-bounced or complained, with when and which report."""
        ...

    def sent_before(self, identity: str) -> Record | None:
        """The `sent` record of an earlier message with this identity (states.identity), if any."""
        ...

    def append(self, event: str, **fields: Any) -> Record:
        """Write one record, durably, before returning it; AuditWriteError when it cannot."""
        ...

    def try_append(self, event: str, **fields: Any) -> bool:
        """Write one record unless another run's record took its seq first: then catch up and
        return False, so the caller decides again from what it finds (delivery feedback)."""
        ...

    def claim(self, fields: Record, expected: RoleState | None) -> bool:
        """Write the attempt record unless the role's state is no longer `expected`: False
        when another run's records changed it (decide again; never send on a lost claim)."""
        ...

    def checkpoint(self) -> None:
        """Chain a state record after the run's records and point the checkpoint at it."""
        ...

    def load_feedback_index(self) -> None:
        """Load every sent message id and applied notification into raw_states()."""
        ...

    def save_manifest(self, inputs_sha256: str, files: list[tuple[str, str]]) -> None:
        """Keep the input files' hashes beside the log, named by their combined hash."""
        ...

    def save_snapshot(self, digest: str, data: bytes) -> None:
        """Keep a report's figures beside the log, named by their hash (written once)."""
        ...

    def read_snapshot(self, digest: str) -> bytes | None:
        """A snapshot's bytes, or None when it is not there or cannot be read."""
        ...

    def exists(self) -> bool:
        """Whether there is a log to read (an S3 prefix always counts: it may be empty)."""
        ...

    def records(self) -> Iterator[Record]:
        """Every record that parses, in order, for display (verification is separate)."""
        ...

    def raw_records(self) -> Iterator[bytes]:
        """Every record's bytes, in order, as stored."""
        ...

    def copy_in(self, raws: Iterable[bytes]) -> int:
        """Write records verbatim into this empty store; how many."""
        ...

    def verify(self) -> Verification:
        """Check the whole log: every hash, link and state record, and the checkpoint."""
        ...

    def writable(self) -> tuple[bool, str]:
        """Whether the log can be written, said for `doctor`."""
        ...

    def private(self) -> tuple[bool, str]:
        """Whether the log is kept from other readers, said for `doctor` and a send."""
        ...


def damaged(location: Location, problem: str) -> AuditError:
    """The refusal of a send on a damaged log, naming how to inspect it."""
    return AuditError(
        f"the audit log is damaged, so nothing was sent: {problem}. Inspect it with "
        f"`send-exec-reports audit --verify --audit-log {location}`; the tool never rewrites "
        "history: keep it as evidence, move it aside and start a new log, or cut a "
        "torn last line off a copy after checking it")


INDEX_LOST = ("warning: the index of messages sent beside the audit log %s could not be written (%s): a report "
              "identical to one this run sent would not be recognised later, and could go again")
REBUILT = ("warning: the checkpoint %s does not match the audit log (%s): ignored; the role states "
           "are rebuilt from the whole log")
