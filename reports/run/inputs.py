"""Where a run reads from and what it refuses before reading: folder, audit path, today, --strict, the sample."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reports import SAMPLE_DIR
from reports.collector import no_cyclic_gc as _no_cyclic_gc
from reports.config import Settings
from reports.errors import ConfigError, HandoffError
from reports.location import Location, S3Url
from reports.progress import logger
from reports.run.types import Inputs, Request

if TYPE_CHECKING:
    from reports.aws.session import Aws


log = logger(__name__)


def today(settings: Settings) -> date:
    """Today's date in the report time zone."""
    if settings.tz == "UTC":
        return datetime.now(UTC).date()
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(settings.tz)).date()


def audit_path(settings: Settings, override: Location | None = None) -> Location:
    """The audit log: --audit-log, else AUDIT_LOG, else the user state directory."""
    if override is not None:
        return override
    if settings.audit_log is not None:
        return settings.audit_log
    return default_state_dir() / "audit.jsonl"


def default_state_dir() -> Path:
    """The user state directory, as platformdirs names it. On Linux its XDG rule is
    applied here (a test holds it to platformdirs' answer): importing platformdirs
    costs a preview a twentieth of its start-up."""
    import sys

    if sys.platform == "linux":
        base = os.environ.get("XDG_STATE_HOME", "")
        if not base.strip():
            base = os.path.expanduser("~/.local/state")
        return Path(base) / "send-exec-reports"
    from platformdirs import user_state_path

    return user_state_path("send-exec-reports")


def handoff_folder(settings: Settings, explicit: Location | None) -> tuple[Location, bool]:
    """The handoff folder and whether it is the bundled sample by default."""
    folder = explicit or settings.handoffs_dir
    if folder is None:
        log.warning("note: no handoff folder configured; using the bundled sample portfolio at "
                    "%s (set HANDOFFS_DIR or pass --handoffs)", SAMPLE_DIR)
        return SAMPLE_DIR, True
    key = "--handoffs" if explicit else f"HANDOFFS_DIR ({settings.where('HANDOFFS_DIR')})"
    if isinstance(folder, S3Url):
        return folder, False
    if not folder.exists():
        raise ConfigError(f"{key}: handoff folder {folder} does not exist")
    if not folder.is_dir():
        raise ConfigError(f"{key}: {folder} is not a folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ConfigError(f"{key}: handoff folder {folder} is not readable")
    return folder, False


def exists(path: Location) -> bool:
    """A local log that exists; an S3 one is always read (it may be empty)."""
    return isinstance(path, S3Url) or path.exists()


def read_inputs(settings: Settings, request: Request, *, strict: bool | None = None,
                announce: bool = True, aws: Aws | None = None) -> Inputs:
    """Read the handoff folder into a Portfolio, applying --strict; `announce` says how
    many warnings there are (not wanted by `check`, which lists them). An S3 folder is
    read with the run's one S3 client (`aws`, else a session made here)."""
    folder, is_sample = handoff_folder(settings, request.handoffs)
    as_of = request.as_of or today(settings)
    started = time.perf_counter()
    remote = None
    if isinstance(folder, S3Url):
        from reports.aws.handoffs import S3Handoffs
        from reports.aws.session import Aws

        remote = S3Handoffs(folder, (aws or Aws(settings)).s3())  # made before the collector is off
    with _no_cyclic_gc():
        from reports.read.folder import read_portfolio  # imported here: its import builds no cycles either

        portfolio = read_portfolio(folder, as_of, remote)
    log.debug("read %d handoff file(s) under %s: %d entities, in %.3f s", len(portfolio.files), folder,
              len(portfolio.entities), time.perf_counter() - started)
    if not portfolio.files and portfolio.warnings:  # every file there was skipped: say why
        first, more = portfolio.warnings[0], len(portfolio.warnings) - 1
        for w in portfolio.warnings[1:21]:
            log.warning("%s: %s", w.source, w.message)
        raise HandoffError(f"no handoff file could be read under {folder}: {first.source}: {first.message}"
                           + (f" (and {more} more, above)" if more else ""))
    if not portfolio.files:
        raise HandoffError(f"no handoff files (*.md) found under {folder}")
    from reports.run.freshness import newest_mtime, stale_notice

    stale = stale_notice(settings, folder, newest_mtime(folder, portfolio, remote.newest if remote else None))
    if stale:
        log.warning("warning: %s", stale)
        if request.strict if strict is None else strict:
            raise HandoffError(f"--strict: {stale.partition(' (--strict')[0]}; nothing sent")
    if portfolio.warnings and announce:
        log.warning("%d handoff warning(s) in %s; list them with `send-exec-reports check`",
                    len(portfolio.warnings), folder)
        if request.strict if strict is None else strict:
            for w in portfolio.warnings[:20]:
                log.warning("%s: %s", w.source, w.message)
            raise HandoffError(f"--strict: {len(portfolio.warnings)} handoff warning(s); nothing sent")
    return Inputs(portfolio, folder, is_sample, as_of, (stale,) if stale else ())


def check_request(request: Request) -> None:
    """What can be refused before anything is read."""
    if request.expect_sha256 and len(request.roles) != 1:
        raise ConfigError("--expect-sha256 needs exactly one --role")


def check_sendable(settings: Settings, request: Request, inputs: Inputs) -> None:
    """Refuse to send the bundled sample unless it was named on purpose."""
    if inputs.is_sample and request.handoffs is None:
        raise ConfigError("refusing to send the bundled sample portfolio; set HANDOFFS_DIR, or pass "
                          f"--handoffs {inputs.folder} to send it on purpose")

