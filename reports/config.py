"""repos.env + the process environment -> validated Settings.

Precedence: command-line option > process environment > repos.env > default.
"""

import os
import stat
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import ModuleType

from reports import ROLES
from reports.addresses import Address, normalise_domain, parse_list, validate
from reports.addresses import allowed as is_allowed
from reports.errors import ConfigError
from reports.location import Location, S3Url, log_file, parse_s3_url
from reports.patterns import compiled
from reports.record import NamedTuple

DEFAULT_MAX_AGE_DAYS = 8  # a weekly sync plus a day's grace
KEYS: dict[str, str] = {
    "SES_REGION": "AWS region of the SES identity; required to send",
    "SES_FROM_ADDRESS": "verified sender, may carry a display name; required to send",
    "SES_TO_ADDRESS": "default recipients, comma-separated",
    **{f"SES_TO_{r.upper()}": f"recipients of the {r} report; override SES_TO_ADDRESS" for r in ROLES},
    "SES_BCC_ADDRESS": "audit copy of every report, comma-separated",
    "SES_REPLY_TO": "Reply-To addresses, comma-separated",
    "SES_CONFIGURATION_SET": "SES configuration set for bounce/complaint events",
    "SES_ALLOWED_DOMAINS": "comma list; any recipient outside it is an error",
    "SES_SEND_DEADLINE": "seconds one send may take, retries included (default 30)",
    "HANDOFFS_DIR": "the folder of handoff files",
    "HANDOFFS_MAX_AGE_DAYS": "warn when the newest handoff is older than this many days (default 8; 0: off)",
    "AUDIT_LOG": "path of the audit log",
    "REPORT_TZ": "IANA time zone of the report date (default UTC)",
    "REPORT_SUBJECT_PREFIX": "subject prefix (default [Exec Report])",
    "SES_EVENTS_QUEUE_URL": "the SQS queue SES delivery notifications arrive on (for `events`)",
    "SES_EVENTS_TOPIC_ARN": "the SNS topic SES publishes to; when set, `events` accepts only notifications from it",
    "SES_HTML_MONOSPACE": "on: add an HTML part, the text in a monospaced <pre> block (default off)",
    "PIPELINE_STAGE_WEIGHTS": "stage=weight pairs for the weighted pipeline, e.g. lead=0.1,proposal=0.3",
    "EXPENSE_JUMP_FLOOR": "smallest month-over-month expense rise worth flagging, in $ (default 500)",
}
SECRET_KEYS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
DEFAULT_PREFIX = "[Exec Report]"
DEFAULT_SEND_DEADLINE = 30.0
DEFAULT_JUMP_FLOOR = Decimal(500)  # as finance.JUMP_FLOOR; config does not import the figures


class Settings(NamedTuple):
    """Everything configuration decides, with where each value came from."""

    region: str | None = None
    sender: str | None = None
    recipients: dict[str, tuple[str, ...]] = {}  # noqa: RUF012 - never mutated
    bcc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    configuration_set: str | None = None
    allowed_domains: tuple[str, ...] = ()
    handoffs_dir: Location | None = None  # a folder, or s3://bucket/prefix/
    audit_log: Location | None = None  # a file, or s3://bucket/prefix/
    tz: str = "UTC"
    subject_prefix: str = DEFAULT_PREFIX
    origin: dict[str, str] = {}
    warnings: tuple[str, ...] = ()
    aws_env: dict[str, str] = {}  # AWS_* from repos.env; Settings is never printed
    send_deadline: float = DEFAULT_SEND_DEADLINE
    env_file: Path | None = None  # where repos.env was looked for
    env_found: bool = False
    unknown_ses_keys: tuple[str, ...] = ()  # an error when sending: a typo may misdirect a report
    events_queue_url: str | None = None
    events_topic_arn: str | None = None  # when set, only SNS notifications from this topic are believed
    html_monospace: bool = False  # add a text/html part: the same text in a monospaced <pre>
    stage_weights: dict[str, Decimal] = {}  # noqa: RUF012 - overrides of finance.STAGE_WEIGHTS
    jump_floor: Decimal = DEFAULT_JUMP_FLOOR
    handoffs_max_age_days: int = DEFAULT_MAX_AGE_DAYS

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items() if k != "aws_env")
        return f"Settings({shown}, aws_env=<{len(self.aws_env)} keys hidden>)"

    def where(self, key: str) -> str:
        """Say where a key was set: `repos.env line 3` or `the environment`."""
        return self.origin.get(key, "its default")


def _dotenv_parser() -> ModuleType:
    """python-dotenv's parser module, without the package's `__init__`, which pulls in
    logging, tempfile and friends that a preview never needs (a third of its start-up)."""
    import importlib.util
    import sys

    module = sys.modules.get("dotenv.parser")
    if module is not None:
        return module
    package = importlib.util.find_spec("dotenv")
    where = Path(package.origin).parent / "parser.py" if package and package.origin else None
    spec = importlib.util.spec_from_file_location("dotenv.parser", where) if where else None
    if spec is None or spec.loader is None:  # an unusual install: take the ordinary path
        import dotenv.parser

        return dotenv.parser
    module = importlib.util.module_from_spec(spec)
    sys.modules["dotenv.parser"] = module
    spec.loader.exec_module(module)
    return module


def read_env_file(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Read a dotenv file: (values, origin) where origin names the line.

    A line python-dotenv cannot parse is an error naming it: skipping it would
    let a recipient key fall back to the default recipients.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}; fix the file or pass --env-file") from None
    pairs = simple_env(text)
    if pairs is None:
        pairs = _dotenv_pairs(path, text)
    values = {key: value for key, value, _ in pairs}
    origin = {key: f"{path.name} line {line}" for key, _, line in pairs}
    return values, origin


def _dotenv_pairs(path: Path, text: str) -> list[tuple[str, str, int]]:
    import io

    pairs = []
    for binding in _dotenv_parser().parse_stream(io.StringIO(text)):
        raw = binding.original.string
        # A binding's text starts with the blank lines before it: count them in.
        line = binding.original.line + raw[: len(raw) - len(raw.lstrip())].count("\n")
        if binding.error:
            shown = raw.strip()[:80]
            hint = ("; quote a value that holds spaces, commas or quotes as a whole, e.g. "
                    "KEY='\"Smith, Jane\" <jane@example.com>'" if "=" in shown else "")
            raise ConfigError(f"{path.name} line {line} cannot be read: {shown!r}{hint}")
        if binding.key is not None and binding.value is not None:
            pairs.append((binding.key, binding.value, line))
    return pairs


_ENV_LINE = compiled(r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=([ \t]*)(.*)$")
_ENV_QUOTED = {'"': compiled(r'^"([^"\\]*)"[ \t]*(?:#.*)?$'), "'": compiled(r"^'([^'\\]*)'[ \t]*(?:#.*)?$")}
_ENV_COMMENT = compiled(r"\s+#.*")


def simple_env(text: str) -> list[tuple[str, str, int]] | None:
    """(key, value, line) for a file of plain `KEY=value` lines, exactly as python-dotenv
    reads them; None for anything else (escapes, `export`, multi-line values), which
    goes to python-dotenv's parser. Its import compiles a dozen patterns a preview
    would otherwise pay for."""
    if "\r" in text:
        return None
    pairs = []
    for n, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _ENV_LINE.match(line)
        if m is None:
            return None
        key, space, rest = m[1], m[2], m[3].rstrip(" \t")
        if not rest or (space and rest.startswith("#")):
            value = ""
        elif rest[0] in _ENV_QUOTED:
            q = _ENV_QUOTED[rest[0]].match(rest)
            if q is None:
                return None
            value = q[1]
        elif any(c in rest for c in "\"'\\"):
            return None
        else:
            value = _ENV_COMMENT.sub("", rest).rstrip()
        pairs.append((key, value, n))
    return pairs


def _did_you_mean(key: str, known: Mapping[str, str]) -> str:
    import difflib

    hint = difflib.get_close_matches(key, known, n=1, cutoff=0.7)
    return f"; did you mean {hint[0]}?" if hint else ""


def _resolve(raw: str, origin: str, env_file: Path | None, key: str = "AUDIT_LOG") -> Location:
    """A path from configuration, absolute: relative to repos.env's folder when set there;
    or an s3:// URL."""
    if raw.startswith("s3://"):
        return parse_s3_url(raw, key)
    path = Path(raw).expanduser()
    if not path.is_absolute() and env_file is not None and origin != "the environment":
        path = env_file.parent / path
    return Path(os.path.abspath(path))


def _log(location: Location, origin: str) -> Location:
    return location if isinstance(location, S3Url) else log_file(location, f"AUDIT_LOG ({origin})")


def _merged(env_file: Path | None, environ: Mapping[str, str], explicit: bool
            ) -> tuple[dict[str, str], dict[str, str], list[str], bool]:
    """repos.env's values with the environment's over them, where each came from, the
    warnings so far, and whether repos.env was found."""
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    warnings: list[str] = []
    found = False
    if env_file is not None:
        if env_file.is_file():
            values, origin = read_env_file(env_file)
            found = True
            _check_permissions(env_file, values, warnings)
        elif explicit:
            raise ConfigError(f"--env-file {env_file}: no such file")
    for key in values:
        if key not in KEYS and not key.startswith(("SES_", "AWS_")):
            warnings.append(f"unknown key {key} ({origin[key]}){_did_you_mean(key, KEYS)}; it is ignored")
    for key, val in environ.items():
        if key in KEYS or key.startswith("SES_"):
            values[key], origin[key] = val, "the environment"
    return values, origin, warnings, found


def load_settings(env_file: Path | None, environ: Mapping[str, str], *,
                  env_file_explicit: bool = False) -> Settings:
    """Merge repos.env and the environment into validated Settings."""
    values, origin, warnings, found = _merged(env_file, environ, env_file_explicit)
    unknown = []
    for key in sorted(values):
        if key.startswith("SES_") and key not in KEYS:
            unknown.append(f"unknown key {key} ({origin[key]}){_did_you_mean(key, KEYS)}")
    warnings.extend(unknown)

    def get(key: str) -> str | None:
        val = values.get(key, "").strip()
        return val or None

    allowed = tuple(normalise_domain(d) for d in (get("SES_ALLOWED_DOMAINS") or "").split(",") if d.strip())
    parsed = _parsed_addresses(values, origin, allowed)
    sender = parsed["SES_FROM_ADDRESS"]
    recipients = {r: _text(parsed[f"SES_TO_{r.upper()}"] or parsed["SES_TO_ADDRESS"]) for r in ROLES}
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
        region=get("SES_REGION"), sender=str(sender[0]) if sender else None, recipients=recipients,
        bcc=_text(parsed["SES_BCC_ADDRESS"]), reply_to=_text(parsed["SES_REPLY_TO"]),
        configuration_set=get("SES_CONFIGURATION_SET"), allowed_domains=allowed,
        handoffs_dir=_resolve(handoffs, origin["HANDOFFS_DIR"], env_file, "HANDOFFS_DIR") if handoffs else None,
        audit_log=_log(_resolve(audit, origin["AUDIT_LOG"], env_file), origin["AUDIT_LOG"]) if audit else None,
        tz=tz, subject_prefix=(values.get("REPORT_SUBJECT_PREFIX") or DEFAULT_PREFIX).strip(),
        origin=origin, warnings=tuple(warnings), aws_env=aws,
        send_deadline=_seconds(get("SES_SEND_DEADLINE"), origin.get("SES_SEND_DEADLINE", "")),
        handoffs_max_age_days=_days(get("HANDOFFS_MAX_AGE_DAYS"), origin.get("HANDOFFS_MAX_AGE_DAYS", "")),
        env_file=env_file, env_found=found, unknown_ses_keys=tuple(unknown),
        events_queue_url=get("SES_EVENTS_QUEUE_URL"), events_topic_arn=get("SES_EVENTS_TOPIC_ARN"),
        html_monospace=_flag(get("SES_HTML_MONOSPACE"), "SES_HTML_MONOSPACE", origin.get("SES_HTML_MONOSPACE", "")),
        stage_weights=_weights(get("PIPELINE_STAGE_WEIGHTS"), origin.get("PIPELINE_STAGE_WEIGHTS", "")),
        jump_floor=_dollars(get("EXPENSE_JUMP_FLOOR"), "EXPENSE_JUMP_FLOOR", origin.get("EXPENSE_JUMP_FLOOR", "")),
    )


def _parsed_addresses(values: Mapping[str, str], origin: Mapping[str, str],
                      allowed: tuple[str, ...]) -> dict[str, tuple[Address, ...]]:
    """Every address key parsed; recipients checked against the allowed domains."""
    parsed = {}
    for key in (*ADDRESS_KEYS, "SES_FROM_ADDRESS"):
        val = values.get(key, "").strip()
        parsed[key] = parse_list(key, val, origin[key], single=key == "SES_FROM_ADDRESS") if val else ()
    for key in ADDRESS_KEYS:
        for a in parsed[key]:
            _check_allowed(key, a, allowed, f" ({origin[key]})")
    return parsed


def _check_allowed(key: str, address: Address, allowed: tuple[str, ...], where: str = "") -> None:
    if allowed and not is_allowed(address, allowed):
        raise ConfigError(f"{key} '{address.addr}' is outside SES_ALLOWED_DOMAINS ({', '.join(allowed)}){where}")


ADDRESS_KEYS = ("SES_TO_ADDRESS", *(f"SES_TO_{r.upper()}" for r in ROLES), "SES_BCC_ADDRESS", "SES_REPLY_TO")


def _text(addresses: tuple[Address, ...]) -> tuple[str, ...]:
    return tuple(str(a) for a in addresses)


def _flag(raw: str | None, key: str, where: str) -> bool:
    if raw is None:
        return False
    low = raw.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{key} '{raw}' is not on or off ({where})")


def _weights(raw: str | None, where: str) -> dict[str, Decimal]:
    """`lead=0.1,proposal sent=0.3` -> {stage: weight}, each weight from 0 to 1."""
    out: dict[str, Decimal] = {}
    for pair in (raw or "").split(","):
        if not pair.strip():
            continue
        stage, sep, weight = pair.partition("=")
        try:
            value = Decimal(weight.strip()) if sep and stage.strip() else Decimal(-1)
        except ArithmeticError:
            value = Decimal(-1)
        if not value.is_finite() or not 0 <= value <= 1:
            raise ConfigError(f"PIPELINE_STAGE_WEIGHTS '{pair.strip()}' is not stage=weight with a weight from "
                              f"0 to 1 ({where}); e.g. lead=0.1,proposal=0.3")
        out[" ".join(stage.lower().split())] = value
    return out


def _dollars(raw: str | None, key: str, where: str) -> Decimal:
    if raw is None:
        return DEFAULT_JUMP_FLOOR
    from reports.read.values import parse_money

    value = parse_money(raw)
    if value is None or value < 0:
        raise ConfigError(f"{key} '{raw}' is not an amount of dollars ({where})")
    return value


def _days(raw: str | None, where: str) -> int:
    if raw is None:
        return DEFAULT_MAX_AGE_DAYS
    if not raw.isdigit() or int(raw) > 3660:
        raise ConfigError(f"HANDOFFS_MAX_AGE_DAYS '{raw}' is not a whole number of days from 0 (off) to 3660 "
                          f"({where})")
    return int(raw)


def _seconds(raw: str | None, where: str) -> float:
    if raw is None:
        return DEFAULT_SEND_DEADLINE
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 1 <= value <= 900:
        raise ConfigError(f"SES_SEND_DEADLINE '{raw}' is not a number of seconds from 1 to 900 ({where})")
    return value


def validate_fully(settings: Settings) -> None:
    """Validate every configured address with email-validator (sending and `doctor`)."""
    keyed: list[tuple[str, tuple[str, ...]]] = [
        ("SES_FROM_ADDRESS", (settings.sender,) if settings.sender else ()),
        ("SES_BCC_ADDRESS", settings.bcc), ("SES_REPLY_TO", settings.reply_to)]
    for role in ROLES:
        key = f"SES_TO_{role.upper()}"
        keyed.append((key if key in settings.origin else "SES_TO_ADDRESS", settings.recipients.get(role, ())))
    for key, texts in keyed:
        for text in texts:
            for address in parse_list(key, text, settings.where(key)):
                validate(key, address, settings.where(key))


def check_address(address: str, key: str, settings: Settings) -> str:
    """Validate one address given on the command line, against the allowed domains too."""
    parsed = parse_list(key, address, "command line", single=True)
    if not parsed:
        raise ConfigError(f"{key}: no address given")
    validate(key, parsed[0], "command line")
    _check_allowed(key, parsed[0], settings.allowed_domains)
    return str(parsed[0])


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


def where_config(settings: Settings) -> str:
    """Where configuration was looked for, for messages about a missing key."""
    if settings.env_file is None:
        return "no repos.env was read; pass --env-file"
    path = Path(os.path.abspath(settings.env_file))
    if settings.env_found:
        return f"add it to {path}"
    return f"no configuration file was found at {path}: copy repos.env.example there, or pass --env-file"


def require_sending(settings: Settings, roles: tuple[str, ...]) -> None:
    """Refuse to send without a region, a sender and recipients for every role, or with an
    unknown SES_* key (a misspelt recipient key would send to the default recipients)."""
    if settings.unknown_ses_keys:
        raise ConfigError(f"{settings.unknown_ses_keys[0]}; nothing sent: fix or remove every unknown "
                          "SES_* key" + (f" ({len(settings.unknown_ses_keys)} in all)"
                                         if len(settings.unknown_ses_keys) > 1 else ""))
    if not settings.region:
        raise ConfigError(f"SES_REGION is not set; {where_config(settings)} (see repos.env.example)")
    if not settings.sender:
        raise ConfigError(f"SES_FROM_ADDRESS is not set (a verified SES identity); {where_config(settings)}")
    for role in roles:
        if not settings.recipients.get(role):
            raise ConfigError(f"no recipients for the {role} report: set SES_TO_{role.upper()} "
                              f"or SES_TO_ADDRESS; {where_config(settings)}")
