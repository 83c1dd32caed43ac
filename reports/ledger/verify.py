"""Checking the chain record by record: seq, link, hash, and each state record against the fold.

One `Fold` serves a send (the records after its checkpoint) and `audit --verify`
(every record); a store feeds it lines and reports where a problem is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from reports.digest import sha256_hex
from reports.ledger.records import STATE, Record, check_line
from reports.ledger.states import FOLD, States, apply, chained, mismatch
from reports.record import NamedTuple

# Version 5: the checkpoint only points at a state record of the chain (see docs/security.md);
# versions 3 and 4 held the states themselves.
CHECKPOINT_VERSION = 5


class Verification(NamedTuple):
    """What `audit --verify` found."""

    total: int
    valid: int
    head: str | None
    problem: str | None  # the first bad record (or the checkpoint), said precisely

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        line = f"{self.valid}/{self.total} records valid, head {self.head or '(empty log)'}"
        return line if self.ok else f"{line}\nFAILED: {self.problem}"


class Fold:
    """Records checked in order and folded into the states, from a known point of the chain."""

    def __init__(self, seq: int = 0, head: str | None = None, states: States | None = None,
                 sha: Callable[[bytes], str] = sha256_hex, *, check_states: bool = True,
                 index: bool = True) -> None:
        self.seq, self.head = seq, head
        self.states: States = {} if states is None else states
        self.sha = sha
        self.check_states = check_states  # False when `states` holds only part of the state
        self.index = index  # whether to fold in the delivery-feedback index too
        self.marks: dict[int, str] = {}  # the state records folded: seq -> hash
        self.last: Record | None = None

    def feed(self, raw: bytes) -> str | None:
        """Check the next record (a line without its newline) and fold it; the problem, or None."""
        rec, problem = check_line(raw, self.seq + 1, self.head, self.sha)
        if rec is None:
            return problem
        if rec["event"] == STATE and self.check_states:
            wrong = mismatch(self.states, rec)
            if wrong:
                return (f"(seq {rec['seq']}): the state record does not match the records before it "
                        f"({wrong}): a forged or edited state")
            self.marks[rec["seq"]] = rec["hash"]
        apply(self.states, rec, index=self.index)
        self.seq, self.head, self.last = rec["seq"], rec["hash"], rec
        return None


def openssl_sha256() -> Callable[[bytes], str]:
    """SHA-256 through OpenSSL, quicker per byte, for reading many records (hashlib is
    imported here: a preview never needs it, and reports.digest says what it costs)."""
    import hashlib

    new = hashlib.sha256
    return lambda data: new(data).hexdigest()


class CheckpointCheck:
    """What `audit --verify` checks of a checkpoint, read before the records: this version's
    must point at a state record of the chain (and, in a file, where its line ends); an
    older one's states must be what the records up to its seq say."""

    def __init__(self, raw: bytes | None, where: str, pointer: frozenset[str]) -> None:
        self.where, self.pointer = where, pointer
        self.data: Any = None
        self.problem: str | None = None
        self.older_states: States | None = None  # the chain's states at an older checkpoint's seq
        self.at: Any = None
        if raw is None:
            return
        try:
            self.data = json.loads(raw)
        except ValueError:
            self.problem = f"the checkpoint {where} cannot be read as JSON"
            return
        if not isinstance(self.data, dict):
            self.problem = f"the checkpoint {where} is not a JSON object"
            return
        # An older checkpoint held the states as of its seq: the chain's are kept there.
        self.at = self.data.get("seq") if self._older() else None

    def _older(self) -> bool:
        return isinstance(self.data, dict) and isinstance(self.data.get("v"), int) and self.data["v"] < CHECKPOINT_VERSION

    def watch(self, fold: Fold) -> None:
        """Called after each record: keep the chain's states where an older checkpoint stands."""
        if fold.seq == self.at:
            self.older_states = chained(fold.states)

    def result(self, fold: Fold, ends: dict[int, int] | None = None) -> str | None:
        """The problem found, or None (no checkpoint is fine: a send rebuilds it)."""
        data = self.data
        if self.problem or data is None:
            return self.problem
        if self._older():
            found = data.get("states")
            if self.older_states is None or not isinstance(found, dict):
                return f"the checkpoint {self.where} names seq {data.get('seq')}, which this log does not reach"
            wrong = mismatch(self.older_states, {"fold": FOLD, "states": chained(found)})
            return f"the checkpoint {self.where} does not match the chain: {wrong}" if wrong else None
        if set(data) != self.pointer or data.get("v") != CHECKPOINT_VERSION:
            return (f"the checkpoint {self.where} is not a pointer to a state record (it holds "
                    f"{', '.join(sorted(data))}): edited")
        seq, head = data["seq"], data["head"]
        at_end = ends is None or (isinstance(seq, int) and ends.get(seq) == data.get("offset"))
        if not isinstance(seq, int) or fold.marks.get(seq) != head or not at_end:
            return (f"the checkpoint {self.where} names seq {seq}, head {str(head)[:12]}, which is not a state "
                    "record of this log: edited, or from another log")
        return None
