"""What a caller may ask of a run, checked once for the CLI and the Lambda: roles, the as-of date, flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from reports import ROLES
from reports.errors import ConfigError
from reports.location import Location, S3Url, log_file, parse_s3_url
from reports.patterns import compiled
from reports.run.types import Request

FIRST_YEAR, LAST_YEAR = 1900, 9000


def parse_roles(values: Iterable[str], where: str = "--role") -> tuple[str, ...]:
    """Roles from repeated values and comma-separated lists, in the order given, each once;
    nothing given means all five."""
    out: list[str] = []
    for chunk in values:
        for name in (n.strip().lower() for n in str(chunk).split(",")):
            if not name:
                continue
            if name not in ROLES:
                raise ConfigError(f"{where}: '{name}' is not one of {', '.join(ROLES)}")
            if name not in out:
                out.append(name)
    return tuple(out) or ROLES


def parse_as_of(value: str, where: str = "--as-of") -> date:
    """A report date in YYYY-MM-DD form, with a year from 1900 to 9000."""
    if not compiled(r"\d{4}-\d{2}-\d{2}").fullmatch(value):
        raise ConfigError(f"{where}: '{value}' is not a date in YYYY-MM-DD form")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{where}: '{value}' is not a valid date") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ConfigError(f"{where}: '{value}' is out of range: give a year from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def from_event(event: Mapping[str, Any] | None) -> tuple[Request, bool]:
    """A Lambda event ({"roles", "as_of", "dry_run", "strict", "force"}) as a Request, and
    whether it asks for a dry run; the same checks as the command line's options."""
    event = event or {}
    if not isinstance(event, Mapping):
        raise ConfigError("the event is not a JSON object")
    known = {"roles", "as_of", "dry_run", "strict", "force"}
    unknown = sorted(str(k) for k in event if k not in known)
    if unknown:
        raise ConfigError(f"unknown key(s) in the event: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    roles = event.get("roles") or ()
    if isinstance(roles, str) or not isinstance(roles, list | tuple):
        roles = [str(roles)]
    as_of = event.get("as_of")
    request = Request(roles=parse_roles(roles, "roles in the event"),
                      as_of=parse_as_of(str(as_of), "as_of in the event") if as_of else None,
                      strict=event.get("strict") is True, force=event.get("force") is True)
    return request, event.get("dry_run") is True


def parse_location(value: str, where: str) -> Location:
    """A local path, or an s3://bucket/prefix/ URL."""
    if value.startswith("s3://"):
        return parse_s3_url(value, where)
    return Path(value)


def parse_log_location(value: str, where: str) -> Location:
    """The audit log: a local file (not a folder), or an s3://bucket/prefix/ URL."""
    location = parse_location(value, where)
    return location if isinstance(location, S3Url) else log_file(location, where)


def from_options(options: Mapping[str, Any], **more: Any) -> Request:
    """A Request from the command line's shared options (handoffs, as_of, audit_log, strict) and more."""
    return Request(handoffs=options.get("handoffs"), as_of=options.get("as_of"), audit_log=options.get("audit_log"),
                   strict=bool(options.get("strict")), **more)
