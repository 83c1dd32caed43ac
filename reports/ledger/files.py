"""The files beside a local audit log: their names, atomic private writes, and lines read at an offset."""

from __future__ import annotations

import os
from pathlib import Path

from reports.ledger.records import Record, parse_record


def checkpoint_path(path: Path) -> Path:
    """`<log>.state.json`: where the last state record ends."""
    return path.with_name(path.name + ".state.json")


def feedback_path(path: Path) -> Path:
    """`<log>.feedback.json`: the delivery-feedback index."""
    return path.with_name(path.name + ".feedback.json")


def manifest_path(path: Path, inputs_sha256: str) -> Path:
    """`<log>.inputs/<hash>.txt`: the input files of a run, named by their combined hash."""
    return path.with_name(path.name + ".inputs") / f"{inputs_sha256}.txt"


def snapshot_path(path: Path, digest: str) -> Path:
    """`<log>.snapshots/<hash>.json`: a sent report's figures, named by their hash."""
    return path.with_name(path.name + ".snapshots") / f"{digest}.json"


def sent_path(path: Path, identity: str) -> Path:
    """`<log>.sent/<identity>.json`: the record of one message sent."""
    return path.with_name(path.name + ".sent") / f"{identity}.json"


def write_private(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write a file atomically (a temporary name, then rename), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def line_ending_at(fd: int, offset: int) -> bytes:
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


def line_from(fd: int, start: int) -> bytes:
    """The line that starts at `start` (without its newline)."""
    out = b""
    step = 4096
    while True:
        chunk = os.pread(fd, step, start + len(out))
        at = chunk.find(b"\n")
        if at >= 0 or not chunk:
            return out + (chunk[:at] if at >= 0 else chunk)
        out += chunk
        step *= 2


def points_at(fd: int, size: int, offset: int, seq: int, head: object) -> Record | None:
    """The record whose line ends at `offset`, if it has this seq and hash; else None."""
    if not 0 < offset <= size or os.pread(fd, 1, offset - 1) != b"\n":
        return None
    rec = parse_record(line_ending_at(fd, offset))
    return rec if rec is not None and rec.get("seq") == seq and rec.get("hash") == head else None
