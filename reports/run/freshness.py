"""Whether the handoffs are fresh: the newest one's modification time against the run's clock."""

from __future__ import annotations

import os
import time
from pathlib import Path

from reports import SAMPLE_DIR
from reports.config import Settings
from reports.location import Location, S3Url
from reports.model import Portfolio

DAY = 86400.0


def newest_mtime(folder: Location, portfolio: Portfolio, remote_newest: float | None = None) -> float | None:
    """The newest modification time among the handoffs read: S3's LastModified for a bucket
    (`remote_newest`, seen while listing), else each file's mtime."""
    if isinstance(folder, S3Url):
        return remote_newest
    if portfolio.newest_mtime is not None:
        return portfolio.newest_mtime  # the reader's own fstat of each file: no second stat per file
    times = []
    for source in portfolio.files:
        try:
            times.append(os.stat(Path(folder) / source.path).st_mtime)
        except OSError:
            continue  # a file gone since it was read: the others still tell
    return max(times, default=None)


def stale_notice(settings: Settings, folder: Location, newest: float | None, now: float | None = None) -> str | None:
    """A warning when the newest handoff is older than HANDOFFS_MAX_AGE_DAYS (0: never; the
    bundled sample is exempt): no note changed, or the folder was not synced."""
    limit = settings.handoffs_max_age_days
    if not limit or newest is None or (isinstance(folder, Path) and folder.resolve() == SAMPLE_DIR.resolve()):
        return None
    age = ((time.time() if now is None else now) - newest) / DAY
    if age <= limit:
        return None
    return (f"stale handoffs: the newest handoff in {folder} was last modified {age:.0f} days ago, more than "
            f"HANDOFFS_MAX_AGE_DAYS={limit}: no note changed, or the folder was not synced; the reports "
            "would go out on old notes (--strict refuses to send)")
