"""send-exec-reports: turn handoff notes into five executive reports and send them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

import reports
from reports import ROLES, __version__, progress
from reports.errors import ConfigError, ReportsError

if TYPE_CHECKING:
    from reports.compose import Outgoing
    from reports.config import Settings
    from reports.pipeline import Request

SAMPLE_DIR = Path(reports.__file__).resolve().parent / "sample"
EXIT_CODES = """\b
Exit codes:
  0  all selected reports sent, skipped as unchanged, or previewed
  1  at least one delivery failed
  2  usage or configuration error
  3  handoff errors (or warnings under --strict)
  4  audit log integrity failure, or another run holds the log"""


class State(NamedTuple):
    """Options shared by the bare command and the subcommands."""

    env_file: Path | None = None
    handoffs: Path | None = None
    as_of: date | None = None
    audit_log: Path | None = None
    strict: bool = False
    verbosity: int = 0


def _echo(_level: int, message: str) -> None:
    click.echo(message, err=True)


@contextmanager
def _output(verbosity: int) -> Iterator[None]:
    """The one place that decides what reaches stderr, for one command: what the
    library says at this verbosity, and with -v botocore's retries."""
    with progress.routed(_echo, verbosity):
        if verbosity < 1:
            yield
            return
        import logging

        class Retries(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                message = record.getMessage()
                if message.startswith("Retry needed"):
                    click.echo(f"  SES asked us to wait: {message.lower()}", err=True)

        retries, handler = logging.getLogger("botocore.retries.standard"), Retries()
        level = retries.level
        retries.setLevel(logging.DEBUG)
        retries.addHandler(handler)
        try:
            yield
        finally:
            retries.removeHandler(handler)
            retries.setLevel(level)


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date in YYYY-MM-DD form") from None


F = TypeVar("F", bound=Callable[..., Any])


def common_options(func: F) -> F:
    """Options every command takes, given before or after the subcommand."""
    options = [
        click.option("--env-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Configuration file (dotenv). [default: ./repos.env]"),
        click.option("--handoffs", type=click.Path(path_type=Path, file_okay=False),
                     help="Handoff folder. [default: HANDOFFS_DIR, else the bundled sample]"),
        click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
                     help="Report date. [default: today in REPORT_TZ]"),
        click.option("--audit-log", type=click.Path(path_type=Path, dir_okay=False),
                     help="Audit log path. [default: AUDIT_LOG, else the user state directory]"),
        click.option("--strict", is_flag=True, default=None, help="Treat any handoff warning as an error."),
        click.option("-q", "--quiet", "quiet", count=True,
                     help="Say less on stderr: results and warnings only."),
        click.option("-v", "--verbose", "verbose", count=True,
                     help="Say more on stderr: -v retries and timings, -vv every file read."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _merge(ctx: click.Context, env_file: Path | None, handoffs: Path | None, as_of: date | None,
           audit_log: Path | None, strict: bool | None, quiet: int, verbose: int) -> State:
    base: State = ctx.find_object(State) or State()
    state = base._replace(
        env_file=env_file or base.env_file, handoffs=handoffs or base.handoffs,
        as_of=as_of or base.as_of, audit_log=audit_log or base.audit_log,
        strict=bool(strict) or base.strict, verbosity=base.verbosity + verbose - quiet,
    )
    ctx.obj = state
    return state


class Cli(click.Group):
    """A group that turns library errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReportsError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            click.echo(f"error:{where}: {exc.strerror or exc}", err=True)
            ctx.exit(2)


# --------------------------------------------------------------------------
# Wiring shared by the commands


def _settings(state: State) -> Settings:
    from reports.config import load_settings

    explicit = state.env_file is not None
    settings = load_settings(state.env_file or Path("repos.env"), os.environ, env_file_explicit=explicit)
    for warning in settings.warnings:
        click.echo(f"warning: {warning}", err=True)
    return settings


def _request(state: State, **options: Any) -> Request:
    from reports.pipeline import Request

    return Request(handoffs=state.handoffs, as_of=state.as_of, audit_log=state.audit_log,
                   strict=state.strict, **options)


# --------------------------------------------------------------------------
# The bare command: render and send


@click.group(cls=Cli, invoke_without_command=True, epilog=EXIT_CODES,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 88})
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES, case_sensitive=False),
              help="Report to render; repeatable. [default: all five]")
@click.option("--dry-run", is_flag=True, help="Print exactly what would be sent; send and record nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: one JSON object per report.")
@click.option("--force", is_flag=True, help="Send even if unchanged, or after an attempt of unknown outcome.")
@click.option("--test-to", metavar="ADDR", help="Send only to ADDR, subject prefixed [TEST], no BCC.")
@click.option("--expect-sha256", metavar="HASH", help="With one --role: refuse unless the content hashes to HASH.")
@common_options
@click.version_option(__version__, "--version")
@click.pass_context
def cli(ctx: click.Context, /, roles: tuple[str, ...], dry_run: bool, as_json: bool, force: bool,
        test_to: str | None, expect_sha256: str | None, **common: Any) -> None:
    """Render the five executive reports from handoff notes and send them through SES.

    The bare command sends; `--dry-run` previews. Reports whose content and
    recipients are unchanged since the last send are skipped.

    \b
    Example:
      send-exec-reports --dry-run                # preview all five
      send-exec-reports --role cfo --dry-run     # preview one
      send-exec-reports --role cfo               # send one
    """
    state = _merge(ctx, **common)
    if ctx.invoked_subcommand is not None:
        return
    selected = tuple(dict.fromkeys(r.lower() for r in roles)) or ROLES
    if as_json and not dry_run:
        raise ConfigError("--json goes with --dry-run")
    if expect_sha256 and len(selected) != 1:
        raise ConfigError("--expect-sha256 needs exactly one --role")
    with _output(state.verbosity):
        settings = _settings(state)
        if test_to:
            from reports.config import check_address
            test_to = check_address(test_to, "--test-to", settings)
        request = _request(state, roles=selected, force=force, test_to=test_to, expect_sha256=expect_sha256)
        from reports import pipeline

        if dry_run:
            _preview(pipeline.preview(settings, request).messages, as_json)
            return
        _, results = pipeline.run(settings, request)
        ctx.exit(pipeline.exit_code(results))


def _preview(messages: Sequence[Outgoing], as_json: bool) -> None:
    import json

    for i, msg in enumerate(messages):
        if as_json:
            click.echo(json.dumps(msg.as_json(), ensure_ascii=False))
            continue
        # A marker line, as `head` prints between files; the hash is what --expect-sha256 takes.
        click.echo(("\n" if i else "") + f"==> {msg.role} report, sha256 {msg.sha256} <==")
        click.echo(msg.preview(), nl=False)


# --------------------------------------------------------------------------
# Subcommands


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the portfolio as JSON.")
@common_options
@click.pass_context
def check(ctx: click.Context, /, as_json: bool, **common: Any) -> None:
    """Lint the handoff files: list every warning with its file and line.

    \b
    Example:
      send-exec-reports check --handoffs ~/handoffs
      send-exec-reports check --json | jq '.entities[].name'
    """
    from reports.pipeline import read_inputs

    state = _merge(ctx, **common)
    with _output(state.verbosity):
        settings = _settings(state)
        inputs = read_inputs(settings, _request(state), strict=False)
    portfolio, folder = inputs.portfolio, inputs.folder
    if as_json:
        import json

        from reports.model import to_jsonable
        click.echo(json.dumps(to_jsonable(portfolio), indent=2, ensure_ascii=False))
    else:
        for w in portfolio.warnings:
            click.echo(f"{w.source}: {w.message}")
        click.echo(f"{portfolio.name}: {len(portfolio.entities)} entities from "
                   f"{len(portfolio.files)} files in {folder}; {len(portfolio.warnings)} warning(s)")
        for e in portfolio.entities:
            counts = ", ".join(f"{len(getattr(e, k))} {k.replace('_', ' ')}" for k in
                               ("financials", "kpis", "pipeline", "risks", "actions", "stack", "channels")
                               if getattr(e, k))
            click.echo(f"  {e.label} [{e.kind}]: {counts or 'no facts'}")
    if state.strict and portfolio.warnings:
        ctx.exit(3)


@cli.command()
@click.option("--verify", is_flag=True, help="Check every hash and link of the chain.")
@click.option("--role", type=click.Choice(ROLES, case_sensitive=False), help="Only this role's records.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Records to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON record per line.")
@click.option("--expect-head", metavar="H", help="With --verify: also fail unless the head hash is H.")
@common_options
@click.pass_context
def audit(ctx: click.Context, /, verify: bool, role: str | None, limit: int, as_json: bool,
          expect_head: str | None, **common: Any) -> None:
    """Show the audit log, or verify its hash chain.

    \b
    Example:
      send-exec-reports audit --role cfo --limit 5
      send-exec-reports audit --verify --expect-head 3f2a...
    """
    from reports import audit as audit_log
    from reports.pipeline import audit_path

    state = _merge(ctx, **common)
    settings = _settings(state)
    path = audit_path(settings, state.audit_log)
    if verify or expect_head:
        result = audit_log.verify(path)
        click.echo(result.summary())
        if not result.ok:
            ctx.exit(4)
        if expect_head and result.head != expect_head.strip():
            click.echo(f"head {result.head} is not the expected {expect_head}", err=True)
            ctx.exit(4)
        return
    import json

    records = audit_log.read_records(path)
    if role:
        records = [r for r in records if r.get("role") == role.lower()]
    for rec in records[-limit:]:
        if as_json:
            click.echo(json.dumps(rec, ensure_ascii=False))
        else:
            click.echo(audit_log.describe(rec))
    if not records:
        click.echo(f"no records in {path}", err=True)
    check = audit_log.verify(path)
    if not check.ok:  # the listing skips what it cannot read: say so
        click.echo(f"warning: the audit log does not verify: {check.problem}", err=True)


@cli.command()
@common_options
@click.pass_context
def doctor(ctx: click.Context, /, **common: Any) -> None:
    """Check configuration, recipients, the handoff folder and the audit log (read-only).

    \b
    Example:
      send-exec-reports doctor --env-file ./repos.env
    """
    state = _merge(ctx, **common)
    problems = 0

    def report(ok: bool, text: str) -> None:
        nonlocal problems
        problems += 0 if ok else 1
        click.echo(f"[{'ok' if ok else 'FAIL'}] {text}")

    settings = _settings(state)
    from reports.config import validate_fully

    validate_fully(settings)
    report(True, "configuration is valid")
    report(bool(settings.region), f"SES_REGION: {settings.region or 'not set'}")
    report(bool(settings.sender), f"SES_FROM_ADDRESS: {settings.sender or 'not set'}")
    for role in ROLES:
        to = settings.recipients.get(role)
        report(bool(to), f"{role} recipients: {', '.join(to) if to else 'none'}")
    report(True, f"SES_BCC_ADDRESS: {', '.join(settings.bcc) or 'not set (no audit copy)'}")
    from reports.pipeline import audit_path, handoff_folder

    try:
        with _output(-1):
            folder, is_sample = handoff_folder(settings, state.handoffs)
        report(True, f"handoff folder {folder}{' (bundled sample)' if is_sample else ''}")
    except ConfigError as exc:
        report(False, str(exc))
    path = audit_path(settings, state.audit_log)
    from reports import audit as audit_log
    report(*audit_log.check_writable(path))
    if path.exists():
        result = audit_log.verify(path)
        report(result.ok, f"audit log: {result.summary()}")
    if settings.region and settings.sender:
        from reports.delivery import ses_checks
        for ok, text in ses_checks(settings):
            report(ok, text)
    ctx.exit(2 if problems else 0)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="send-exec-reports")


if __name__ == "__main__":
    main()
