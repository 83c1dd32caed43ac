"""The one place that chooses the audit store from where the log is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reports.ledger.local import LocalStore
from reports.ledger.s3 import S3Store
from reports.ledger.store import AuditStore
from reports.location import Location, S3Url


def open_store(location: Location, s3: Callable[[], Any], *, deadline: float | None = None) -> AuditStore:
    """The store for a file or an s3:// prefix. `s3` makes the S3 client (the run's
    `Aws(settings).s3`); it is called only for an S3 location, so a local log never
    loads boto3. `deadline` (time.monotonic()) bounds how long S3 writes retry."""
    if isinstance(location, S3Url):
        return S3Store(location, s3(), deadline=deadline)
    return LocalStore(location)
