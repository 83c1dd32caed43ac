"""repos.env + the process environment -> validated Settings.

Precedence: command-line option > process environment > repos.env > default.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from . import ROLES
from .errors import ConfigError

KEYS: dict[str, str] = {
    "SES_REGION": "AWS region of the SES identity; required to send",
    "SES_FROM_ADDRESS": "verified sender, may carry a display name; required to send",
    "SES_TO_ADDRESS": "default recipients, comma-separated",
    **{f"SES_TO_{r.upper()}": f"recipients of the {r} report; override SES_TO_ADDRESS" for r in ROLES},
    "SES_BCC_ADDRESS": "audit copy of every report, comma-separated",
    "SES_REPLY_TO": "Reply-To addresses, comma-separated",
    "SES_CONFIGURATION_SET": "SES configuration set for bounce/complaint events",
    "SES_ALLOWED_DOMAINS": "comma list; any recipient outside it is an error",
    "HANDOFFS_DIR": "the folder of handoff files",
    "AUDIT_LOG": "path of the audit log",
    "REPORT_TZ": "IANA time zone of the report date (default UTC)",
    "REPORT_SUBJECT_PREFIX": "subject prefix (default [Exec Report])",
}
SECRET_KEYS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
DEFAULT_PREFIX = "[Exec Report]"


class Settings(NamedTuple):
    """Everything configuration decides, with where each value came from."""

    region: str | None = None
    sender: str | None = None
    recipients: dict[str, tuple[str, ...]] = {}  # noqa: RUF012 - never mutated
    bcc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    configuration_set: str | None = None
    allowed_domains: tuple[str, ...] = ()
    handoffs_dir: Path | None = None
    audit_log: Path | None = None
    tz: str = "UTC"
    subject_prefix: str = DEFAULT_PREFIX
    origin: dict[str, str] = {}
    warnings: tuple[str, ...] = ()
    aws_env: dict[str, str] = {}  # AWS_* from repos.env; Settings is never printed

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items() if k != "aws_env")
        return f"Settings({shown}, aws_env=<{len(self.aws_env)} keys hidden>)"

    def where(self, key: str) -> str:
        """Say where a key was set: `repos.env line 3` or `the environment`."""
        return self.origin.get(key, "its default")


def _file_lines(path: Path) -> dict[str, int]:
    lines: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return lines
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", line)
        if m:
            lines[m[1]] = n
    return lines


def read_env_file(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Read a dotenv file: (values, origin) where origin names the line."""
    from dotenv import dotenv_values  # only when a file exists

    try:
        raw = dotenv_values(path, interpolate=False)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}; fix the file or pass --env-file") from None
    lines = _file_lines(path)
    values = {k: v for k, v in raw.items() if v is not None}
    return values, {k: f"{path.name} line {lines.get(k, '?')}" for k in values}


def _addresses(key: str, value: str, where: str, single: bool = False) -> tuple[str, ...]:
    """Validate a comma list of addresses (display names allowed); exit 2 naming the key."""
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email

    if "\n" in value or "\r" in value:
        raise ConfigError(f"{key} holds a line break ({where}); give addresses on one line")
    chunks = [c.strip() for c in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', value)]
    chunks = [c for c in chunks if c]
    if single and len(chunks) > 1:
        raise ConfigError(f"{key} must be one address ({where})")
    out = []
    for chunk in chunks:
        name, addr = parseaddr(chunk)
        try:
            if not addr or ("<" in chunk) != ("<" in chunk and ">" in chunk):
                raise EmailNotValidError("it cannot be read as an address")
            validate_email(addr, check_deliverability=False, test_environment=True)
        except EmailNotValidError as exc:
            raise ConfigError(f"{key} '{chunk}' is not an email address ({where}): {exc}") from None
        out.append(f"{name} <{addr}>" if name else addr)
    return tuple(out)


def _bare(address: str) -> str:
    """The address without its display name."""
    return address.rpartition("<")[2].rstrip(">") if "<" in address else address


def _domain(address: str) -> str:
    from email.utils import parseaddr

    return parseaddr(address)[1].rpartition("@")[2].lower()


def load_settings(env_file: Path | None, environ: Mapping[str, str], *,
                  env_file_explicit: bool = False) -> Settings:
    """Merge repos.env and the environment into validated Settings."""
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    warnings: list[str] = []
    if env_file is not None:
        if env_file.is_file():
            values, origin = read_env_file(env_file)
            _check_permissions(env_file, values, warnings)
        elif env_file_explicit:
            raise ConfigError(f"--env-file {env_file}: no such file")
    for key, val in environ.items():
        if key in KEYS or key.startswith("SES_"):
            values[key], origin[key] = val, "the environment"

    for key in sorted(values):
        if key.startswith("SES_") and key not in KEYS:
            import difflib

            hint = difflib.get_close_matches(key, KEYS, n=1)
            warnings.append(f"unknown key {key} ({origin[key]})"
                            + (f"; did you mean {hint[0]}?" if hint else ""))

    def get(key: str) -> str | None:
        val = values.get(key, "").strip()
        return val or None

    def addrs(key: str) -> tuple[str, ...]:
        val = get(key)
        return _addresses(key, val, origin[key]) if val else ()

    sender = get("SES_FROM_ADDRESS")
    if sender:
        sender = _addresses("SES_FROM_ADDRESS", sender, origin["SES_FROM_ADDRESS"], single=True)[0]
    default_to = addrs("SES_TO_ADDRESS")
    recipients = {r: addrs(f"SES_TO_{r.upper()}") or default_to for r in ROLES}
    bcc = addrs("SES_BCC_ADDRESS")
    allowed = tuple(d.strip().lower().lstrip("@") for d in (get("SES_ALLOWED_DOMAINS") or "").split(",") if d.strip())
    if allowed:
        for key in ["SES_TO_ADDRESS", "SES_BCC_ADDRESS", "SES_REPLY_TO"] + [f"SES_TO_{r.upper()}" for r in ROLES]:
            for a in addrs(key):
                if _domain(a) not in allowed:
                    raise ConfigError(f"{key} '{_bare(a)}' is outside SES_ALLOWED_DOMAINS "
                                      f"({', '.join(allowed)}) ({origin[key]})")
    aws = {k: v for k, v in values.items() if k.startswith("AWS_") and origin[k] != "the environment"}
    if ("AWS_ACCESS_KEY_ID" in aws) != ("AWS_SECRET_ACCESS_KEY" in aws):
        present = "AWS_ACCESS_KEY_ID" if "AWS_ACCESS_KEY_ID" in aws else "AWS_SECRET_ACCESS_KEY"
        raise ConfigError(f"{present} is set without its pair ({origin[present]}); set both "
                          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY there, or neither to use "
                          "the standard AWS credential chain")
    tz = get("REPORT_TZ") or "UTC"
    if tz != "UTC":
        _check_tz(tz, origin.get("REPORT_TZ", ""))
    handoffs = get("HANDOFFS_DIR")
    audit = get("AUDIT_LOG")
    return Settings(
        region=get("SES_REGION"), sender=sender, recipients=recipients, bcc=bcc,
        reply_to=addrs("SES_REPLY_TO"), configuration_set=get("SES_CONFIGURATION_SET"),
        allowed_domains=allowed,
        handoffs_dir=Path(handoffs).expanduser() if handoffs else None,
        audit_log=Path(audit).expanduser() if audit else None,
        tz=tz, subject_prefix=(values.get("REPORT_SUBJECT_PREFIX") or DEFAULT_PREFIX).strip(),
        origin=origin, warnings=tuple(warnings),
        aws_env=aws,
    )


def check_address(address: str, key: str, settings: Settings) -> str:
    """Validate one address given on the command line, against the allowed domains too."""
    addr = _addresses(key, address, "command line", single=True)[0]
    if settings.allowed_domains and _domain(addr) not in settings.allowed_domains:
        raise ConfigError(f"{key} '{address}' is outside SES_ALLOWED_DOMAINS "
                          f"({', '.join(settings.allowed_domains)})")
    return addr


def _check_tz(name: str, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"REPORT_TZ '{name}' is not an IANA time zone ({where}); "
                          "use a name such as America/Los_Angeles") from None


def _check_permissions(path: Path, values: Mapping[str, str], warnings: list[str]) -> None:
    if os.name != "posix" or not any(k in values for k in SECRET_KEYS + ("AWS_ACCESS_KEY_ID",)):
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(f"{path} holds AWS credentials and is readable by other users; "
                        f"run: chmod 600 {path}")


def require_sending(settings: Settings, roles: tuple[str, ...]) -> None:
    """Refuse to send without a region, a sender and recipients for every role."""
    if not settings.region:
        raise ConfigError("SES_REGION is not set; add it to repos.env (see repos.env.example)")
    if not settings.sender:
        raise ConfigError("SES_FROM_ADDRESS is not set; add a verified SES identity to repos.env")
    for role in roles:
        if not settings.recipients.get(role):
            raise ConfigError(f"no recipients for the {role} report: set SES_TO_{role.upper()} "
                              "or SES_TO_ADDRESS in repos.env")
