"""What `audit` shows: the listing joined with delivery feedback, a verification, a copy to S3."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from reports.errors import ConfigError
from reports.ledger import audit as ledger
from reports.location import Location, S3Url
from reports.progress import logger

log = logger(__name__)


class Outcome(NamedTuple):
    """A verification's text and whether it passed (exit 0, else 4)."""

    ok: bool
    text: str


def verify(path: Location, expect_head: str | None = None) -> Outcome:
    """Check every hash and link of the chain; with `expect_head`, also the head."""
    result = ledger.verify(path)
    text = result.summary()
    if result.ok and expect_head and result.head != expect_head.strip():
        return Outcome(False, f"{text}\nhead {result.head} is not the expected {expect_head}")
    return Outcome(result.ok, text)


def copy_to(path: Location, target: Location) -> Outcome:
    """Upload a local log that verifies to S3, then verify it there."""
    from reports.ledger.s3store import copy_to as upload

    if not isinstance(target, S3Url):
        raise ConfigError(f"--copy-to takes an s3://bucket/prefix/ URL, not {target}")
    if not isinstance(path, Path) or not path.exists():
        raise ConfigError(f"--copy-to copies a local audit log; there is none at {path}")
    if not ledger.verify(path).ok:
        raise ConfigError(f"{path} does not verify: run `audit --verify` and fix it before copying it")
    copied = upload(path, target)
    result = ledger.verify(target)
    return Outcome(result.ok, f"copied {copied} record(s) to {target}; {result.summary()}")


def listing(path: Location, *, role: str | None = None, limit: int = 20, as_json: bool = False) -> Iterator[str]:
    """The last `limit` records (of one role), each sent one with what SES said of each
    recipient; warns when the log does not verify or is readable by others."""
    shown: deque[dict[str, Any]] = deque(maxlen=limit)
    delivery: dict[str, dict[str, str]] = {}  # message id -> recipient -> its latest state
    for rec in ledger.read_records(path):
        if rec.get("event") in ledger.FEEDBACK and rec.get("message_id"):
            for address in rec.get("recipients") or ():
                delivery.setdefault(str(rec["message_id"]), {})[str(address).lower()] = str(rec["event"])
        if not role or rec.get("role") == role.lower():
            shown.append(rec)
    for rec in shown:
        if as_json:
            yield json.dumps(rec, ensure_ascii=False)
            continue
        line = ledger.describe(rec)
        if rec.get("event") in ("sent", "test") and rec.get("message_id"):
            line += " delivery: " + ledger.delivery_states(rec, delivery.get(str(rec["message_id"]), {}))
        yield line
    if not shown:
        log.warning("no records in %s", path)
    if isinstance(path, S3Url) or path.exists():
        check = ledger.verify(path)
        if not check.ok:  # the listing skips what it cannot read: say so
            log.warning("warning: the audit log does not verify: %s", check.problem)
        ok, text = ledger.private(path)
        if not ok:
            log.warning("warning: %s", text)
