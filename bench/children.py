"""One measurement in a fresh process: run by `bench/run.py --child KIND ...`.

Each child prints one JSON line of figures, then one with its peak memory.
Imports are done before the clock starts unless the import is what is timed.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

AS_OF = "2026-11-15"


def _parse(folder: str, kind: str) -> dict[str, float]:
    """Read (and for `render` compose) a folder through the run API, as a preview does."""
    from reports import run as pipeline
    from reports.config import Settings

    settings, request = Settings(), pipeline.Request(handoffs=Path(folder), as_of=date.fromisoformat(AS_OF))
    started = time.perf_counter()
    inputs = pipeline.read_inputs(settings, request)
    parsed = time.perf_counter()
    if kind == "render":
        pipeline.compose(settings, request, inputs)
    done = time.perf_counter()
    return {"seconds": {"parse": parsed - started, "render": done - parsed}[kind], "both": done - started}


def _read(folder: str) -> dict[str, float]:
    """Read a folder through the run API with the reader already imported: reading alone."""
    import reports.read.folder  # noqa: F401 - imported before the clock, as in a warm process
    from reports import run as pipeline
    from reports.config import Settings

    settings, request = Settings(), pipeline.Request(handoffs=Path(folder), as_of=date.fromisoformat(AS_OF))
    started = time.perf_counter()
    inputs = pipeline.read_inputs(settings, request, announce=False)
    return {"seconds": time.perf_counter() - started, "warnings": len(inputs.portfolio.warnings),
            "entities": len(inputs.portfolio.entities)}


def _walk(folder: str) -> dict[str, float]:
    """The floor for reading a folder: walk it, read and hash every `*.md` file."""
    import hashlib
    import os

    started = time.perf_counter()
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                with open(os.path.join(top, name), "rb") as fh:
                    hashlib.sha256(fh.read()).hexdigest()
    return {"seconds": time.perf_counter() - started}


def _send(folder: str, kind: str, endpoint: str, log_path: str) -> dict[str, float]:
    """Send five reports through the run API (`send`), or the same messages by a bare boto3 loop."""
    import boto3

    from reports import ROLES
    from reports import run as pipeline
    from reports.config import Settings
    from reports.location import Location, parse_s3_url

    log: Location = (parse_s3_url(log_path) if log_path.startswith("s3://")
                     else Path(log_path) if log_path else Path(tempfile.mkdtemp()) / "audit.jsonl")
    settings = Settings(region="us-east-1", sender="reports@example.com",
                        recipients={r: ("owner@example.com",) for r in ROLES},
                        bcc=("audit@example.com",), audit_log=log)
    request = pipeline.Request(handoffs=Path(folder), as_of=date.fromisoformat(AS_OF), force=True)
    # Both sides read and render the portfolio inside the timing (the run API does it under
    # the lock); imports are not timed.
    started = time.perf_counter()
    if kind == "send":
        pipeline.run(settings, request)
    else:
        messages = pipeline.compose(settings, request, pipeline.read_inputs(settings, request))
        client = boto3.client("sesv2", region_name="us-east-1", endpoint_url=endpoint)
        for m in messages:
            client.send_email(
                FromEmailAddress=m.sender,
                Destination={"ToAddresses": list(m.to), "BccAddresses": list(m.bcc)},
                Content={"Simple": {"Subject": {"Data": m.subject, "Charset": "UTF-8"},
                                    "Body": {"Text": {"Data": m.body, "Charset": "UTF-8"}}}})
    return {"seconds": time.perf_counter() - started}


def _verify(log_file: str) -> dict[str, float]:
    """`audit --verify` of a local log, and json.loads of each of its lines (the floor)."""
    from reports.ledger.local import LocalStore

    started = time.perf_counter()
    result = LocalStore(Path(log_file)).verify()
    verified = time.perf_counter()
    with open(log_file, "rb") as fh:
        for line in fh:
            json.loads(line)
    loaded = time.perf_counter()
    assert result.ok, result.problem
    return {"seconds": verified - started, "loads": loaded - verified}


def _dry_run(folder: str) -> dict[str, float]:
    """A whole preview through the CLI, for its peak memory."""
    import contextlib
    import io

    from send_exec_reports import cli

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli.main(["--dry-run", "-q", "--handoffs", folder, "--as-of", AS_OF], standalone_mode=False)
        except SystemExit:
            pass
    return {"seconds": 0.0}


CHILDREN: dict[str, Callable[[str, str, str, str], dict[str, float]]] = {
    "parse": lambda folder, kind, endpoint, log: _parse(folder, kind),
    "render": lambda folder, kind, endpoint, log: _parse(folder, kind),
    "read": lambda folder, kind, endpoint, log: _read(folder),
    "walk": lambda folder, kind, endpoint, log: _walk(folder),
    "send": lambda folder, kind, endpoint, log: _send(folder, kind, endpoint, log),
    "bare": lambda folder, kind, endpoint, log: _send(folder, kind, endpoint, log),
    "verify": lambda folder, kind, endpoint, log: _verify(folder),
    "dry-run": lambda folder, kind, endpoint, log: _dry_run(folder),
}


def child(kind: str, folder: str, endpoint: str = "", log_path: str = "") -> None:
    """Run one measurement inside this (fresh) process and print its figures."""
    print(json.dumps(CHILDREN[kind](folder, kind, endpoint, log_path)))
    print(json.dumps({"peak_kb": peak_kb()}))


def peak_kb() -> int:
    """This process's peak resident set since exec (VmHWM), in KB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0
