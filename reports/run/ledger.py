"""The audit log as the commands read it: the store the settings name, opened with the run's AWS session."""

from __future__ import annotations

from collections.abc import Iterator

from reports.aws.session import Aws
from reports.config import Settings
from reports.ledger import view
from reports.ledger.store import AuditStore
from reports.ledger.stores import open_store
from reports.location import Location
from reports.run.inputs import audit_path


def store(settings: Settings, override: Location | None = None, aws: Aws | None = None) -> AuditStore:
    """The audit store that --audit-log, else AUDIT_LOG, else the state directory names."""
    return open_store(audit_path(settings, override), (aws or Aws(settings)).s3)


def check(settings: Settings, override: Location | None = None, *, expect_head: str | None = None,
          copy_to: Location | None = None) -> view.Outcome:
    """`audit --verify` (and --expect-head), or `--copy-to`: upload a local log, verify it there."""
    aws = Aws(settings)
    source = store(settings, override, aws)
    if copy_to is not None:
        return view.copy_to(source, open_store(copy_to, aws.s3))
    return view.verify(source, expect_head)


def lines(settings: Settings, override: Location | None = None, *, role: str | None = None, limit: int = 20,
          as_json: bool = False) -> Iterator[str]:
    """The audit listing: the last records, each sent one joined with what SES said of it."""
    return view.listing(store(settings, override), role=role, limit=limit, as_json=as_json)
