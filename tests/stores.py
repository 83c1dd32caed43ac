"""The audit store as the tests open it: a file, or S3 through the environment's endpoint (moto)."""

from __future__ import annotations

from typing import Any

from reports.ledger.records import Record
from reports.ledger.store import AuditStore
from reports.ledger.stores import open_store
from reports.ledger.verify import Verification
from reports.location import Location


def _s3() -> Any:
    import boto3

    return boto3.client("s3", region_name="us-east-1")


def store(location: Location) -> AuditStore:
    """The store at a location (unopened)."""
    return open_store(location, _s3)


def read_records(location: Location, *, states: bool = False) -> list[Record]:
    """Every record, without the state records a run chains at its end unless asked."""
    return [r for r in store(location).records() if states or r.get("event") != "state"]


def verify_log(location: Location) -> Verification:
    """The full verify of the log at a location."""
    return store(location).verify()
