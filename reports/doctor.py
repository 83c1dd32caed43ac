"""`doctor`: read-only checks of the configuration, the handoff folder, the audit log and SES."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from reports import ROLES, progress
from reports.aws.session import Aws, endpoint, mask
from reports.config import Settings, require_sending, validate_fully, where_config
from reports.errors import AuditError, ConfigError
from reports.location import Location
from reports.run.inputs import audit_path, handoff_folder

Check = tuple[str, str]  # (ok | warn | FAIL, what was found)


def checks(settings: Settings, handoffs: Location | None = None, audit_log: Location | None = None,
           aws: Aws | None = None) -> Iterator[Check]:
    """Every check, in the order shown, with one AWS session for the S3 log and SES."""
    aws = aws or Aws(settings)
    yield from config_checks(settings)
    try:
        with progress.routed(lambda _level, _text: None, -1):  # the folder's own note is not a check
            folder, is_sample = handoff_folder(settings, handoffs)
        if is_sample:
            yield "warn", (f"handoff folder {folder} (the bundled sample): a send refuses it; set "
                           "HANDOFFS_DIR, or pass --handoffs to send the sample on purpose")
        else:
            yield "ok", f"handoff folder {folder}"
    except ConfigError as exc:
        yield "FAIL", str(exc)
    yield from audit_checks(settings, audit_path(settings, audit_log), aws)
    if settings.region and settings.sender:
        from reports.aws.ses import ses_checks

        yield from ses_checks(settings, aws)


def config_checks(settings: Settings) -> Iterator[Check]:
    """repos.env, validity for sending, the endpoint, region, sender and recipients."""
    where = settings.env_file and Path(os.path.abspath(settings.env_file))
    yield ("ok" if settings.env_found else "warn",
           f"repos.env: {where} ({'read' if settings.env_found else 'not found'})" if where
           else "repos.env: none looked for")
    try:
        validate_fully(settings)
        require_sending(settings, ROLES)
        yield "ok", "configuration is valid for sending"
    except ConfigError as exc:
        yield "FAIL", str(exc)
    url, key = endpoint(settings)
    yield "ok", f"SES endpoint: {mask(url)} (from {key})" if url else "SES endpoint: AWS's own"
    yield ("ok" if settings.region else "FAIL",
           f"SES_REGION: {settings.region or 'not set; ' + where_config(settings)}")
    yield "ok" if settings.sender else "FAIL", f"SES_FROM_ADDRESS: {settings.sender or 'not set'}"
    for role in ROLES:
        to = settings.recipients.get(role)
        yield "ok" if to else "FAIL", f"{role} recipients: {', '.join(to) if to else 'none'}"
    yield "ok", f"SES_BCC_ADDRESS: {', '.join(settings.bcc) or 'not set (no audit copy)'}"


def audit_checks(settings: Settings, path: Location, aws: Aws | None = None) -> Iterator[Check]:
    """Writable, the whole chain verified (records, state records, checkpoint), private, held
    reports, bounced recipients."""
    from reports.ledger.stores import open_store
    from reports.ledger.view import audit_checks as checks_of

    try:
        yield from checks_of(open_store(path, (aws or Aws(settings)).s3), settings.bcc)
    except (AuditError, ConfigError) as exc:
        yield "FAIL", f"audit log: {exc}"
