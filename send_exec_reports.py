"""send-exec-reports: turn handoff notes into five executive reports and send them.

The command line only maps options to a request for the library (reports/) and
its results and errors to output and exit codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from reports import ROLES, __version__, progress
from reports.errors import EXIT_CODES as ERRORS
from reports.errors import ConfigError, ReportsError, explain
from reports.show import preview_blocks, safe, safe_lines

if TYPE_CHECKING:
    from reports.config import Settings
    from reports.run import Request

EXIT_CODES = "\b\nExit codes:\n" + "\n".join(f"  {code:<4} {what}" for code, what in ERRORS.items())


class State(NamedTuple):
    """Options shared by the bare command and the subcommands."""

    env_file: Path | None = None
    handoffs: Path | None = None
    as_of: date | None = None
    audit_log: Path | None = None
    strict: bool = False
    verbosity: int = 0


@contextmanager
def _output(verbosity: int) -> Iterator[None]:
    """The one place that decides what reaches stderr, for one command."""
    with progress.routed(lambda _level, message: click.echo(safe(message), err=True), verbosity):
        yield


def _parsed(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A callback handing an option's value to a parser of reports.run.request (roles, dates,
    locations); its ConfigError is a usage error (exit 2)."""
    def callback(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from reports.run import request

        try:
            return None if value in (None, ()) else getattr(request, name)(value, param.opts[0])
        except ConfigError as exc:
            raise click.BadParameter(str(exc).partition(": ")[2]) from None
    return callback


F = TypeVar("F", bound=Callable[..., Any])
_OPTIONS: dict[str, Callable[[F], F]] = {
    "env_file": click.option("--env-file", type=Path,  # not click.Path: it imports locale (0.8 ms of a preview)
                             help="Configuration file (dotenv). [default: ./repos.env]"),
    "handoffs": click.option("--handoffs", callback=_parsed("parse_location"), metavar="DIR|s3://B/P/",
                             help="Handoff folder, or s3://bucket/prefix/. [default: HANDOFFS_DIR, else the "
                                  "bundled sample]"),
    "as_of": click.option("--as-of", callback=_parsed("parse_as_of"), metavar="YYYY-MM-DD",
                          help="Report date. [default: today in REPORT_TZ]"),
    "audit_log": click.option("--audit-log", callback=_parsed("parse_location"), metavar="FILE|s3://B/P/",
                              help="Audit log path, or s3://bucket/prefix/. [default: AUDIT_LOG, else the "
                                   "user state directory]"),
    "strict": click.option("--strict", is_flag=True, default=None, help="Treat any handoff warning as an error."),
    "quiet": click.option("-q", "--quiet", "quiet", count=True, help="Say less on stderr: results and warnings only."),
    "verbose": click.option("-v", "--verbose", "verbose", count=True,
                            help="Say more on stderr: -v retries and timings, -vv every file read."),
}
ALL = ("env_file", "handoffs", "as_of", "audit_log", "strict")


def options(*names: str) -> Callable[[F], F]:
    """The shared options a command uses (each may also be given before the subcommand)."""
    def decorate(func: F) -> F:
        for name in reversed((*names, "quiet", "verbose")):
            func = _OPTIONS[name](func)
        return func
    return decorate


def command(*shared: str) -> Callable[[Callable[..., None]], click.Command]:
    """A subcommand taking these shared options: its body gets the merged state and the settings,
    with what the library says routed to stderr."""
    def decorate(body: Callable[..., None]) -> click.Command:
        @options(*shared)
        @click.pass_context
        def wrapper(ctx: click.Context, /, **given: Any) -> None:
            state = _merge(ctx, **{k: given.pop(k) for k in (*ALL, "quiet", "verbose") if k in given})
            with _output(state.verbosity):
                body(ctx, state, _settings(state), **given)
        wrapper.__doc__, wrapper.__name__ = body.__doc__, body.__name__
        return cli.command(name=body.__name__)(wrapper)
    return decorate


def _merge(ctx: click.Context, **given: Any) -> State:
    """The shared options given before the subcommand, with those given after it on top."""
    base: State = ctx.find_object(State) or State()
    ctx.obj = State(**{k: given.get(k) or getattr(base, k) for k in ALL},
                    verbosity=base.verbosity + given.get("verbose", 0) - given.get("quiet", 0))
    return ctx.obj  # type: ignore[no-any-return]


class Cli(click.Group):
    """A group that turns library errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ReportsError, OSError, KeyboardInterrupt) as exc:
            if isinstance(exc, BrokenPipeError):  # the reader went away (`| head`): stop quietly
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            message, code = explain(exc)
            if message:
                click.echo(safe(message), err=True)
            ctx.exit(code)


def _settings(state: State) -> Settings:
    from reports.config import load_settings

    settings = load_settings(state.env_file or Path("repos.env"), os.environ,
                             env_file_explicit=state.env_file is not None)
    click.echo("".join(safe(f"warning: {w}") + "\n" for w in settings.warnings), err=True, nl=False)
    return settings


def _request(state: State, **options: Any) -> Request:
    from reports.run import Request

    return Request(handoffs=state.handoffs, as_of=state.as_of, audit_log=state.audit_log,
                   strict=state.strict, **options)


@click.group(cls=Cli, invoke_without_command=True, epilog=EXIT_CODES,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 88})
@click.option("--role", "roles", multiple=True, callback=_parsed("parse_roles"), metavar="ROLE[,ROLE…]",
              help=f"Report(s) to render: {', '.join(ROLES)}; repeatable or comma-separated. [default: all five]")
@click.option("--dry-run", is_flag=True, help="Print exactly what would be sent; send and record nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: one JSON object per report.")
@click.option("--force", is_flag=True, help="Send even if unchanged, or after an attempt of unknown outcome.")
@click.option("--test-to", metavar="ADDR", help="Send only to ADDR, subject prefixed [TEST], no BCC.")
@click.option("--expect-sha256", metavar="HASH",
              help="With one --role: refuse unless the content hashes to HASH (12 or more hex digits).")
@click.option("-y", "--yes", is_flag=True, help="Send without asking, even from a terminal.")
@options(*ALL)
@click.version_option(__version__, "--version")
@click.pass_context
def cli(ctx: click.Context, /, roles: tuple[str, ...], dry_run: bool, as_json: bool, force: bool,
        test_to: str | None, expect_sha256: str | None, yes: bool, **common: Any) -> None:
    """Render the five executive reports from handoff notes and send them through SES.

    The bare command sends; `--dry-run` previews. Reports whose content and
    recipients are unchanged since the last send are skipped. From a terminal
    it shows what it will send and asks first (`--yes` does not ask).

    \b
    Example:
      send-exec-reports --dry-run                # preview all five
      send-exec-reports --role cfo --dry-run     # preview one
      send-exec-reports --role cfo,ceo           # send two
    """
    state = _merge(ctx, **common)
    if ctx.invoked_subcommand is not None:
        return
    if as_json and not dry_run:
        raise ConfigError("--json goes with --dry-run")
    from reports import run

    with _output(state.verbosity):
        settings = _settings(state)
        if test_to:
            from reports.config import check_address
            test_to = check_address(test_to, "--test-to", settings)
        request = _request(state, roles=roles or ROLES, force=force, test_to=test_to,
                           expect_sha256=expect_sha256)
        if dry_run:
            for block in preview_blocks(run.preview(settings, request), as_json):
                click.echo(block, nl=False)
            return
        ask = None if yes or not sys.stdin.isatty() else _confirm
        _, results = run.run(settings, request, confirm=ask)
        ctx.exit(run.exit_code(results))


def _confirm(plan: Any) -> bool:
    from reports.run import SEND
    from reports.show import confirm_screen

    click.echo(confirm_screen(plan), err=True)
    count = sum(d.action == SEND for d in plan.decisions)
    return not count or click.confirm(f"Send {count} report(s)?", default=False, err=True)


@click.option("--json", "as_json", is_flag=True, help="Print the portfolio as JSON.")
@command("env_file", "handoffs", "as_of", "strict")
def check(ctx: click.Context, state: State, settings: Settings, as_json: bool) -> None:
    """Lint the handoff files: list every warning with its file and line.

    \b
    Example:
      send-exec-reports check --handoffs ~/handoffs
      send-exec-reports check --json | jq '.entities[].name'
    """
    from reports.run import read_inputs
    from reports.show import check_output

    inputs = read_inputs(settings, _request(state), strict=False, announce=False)
    for line in check_output(inputs, as_json):
        click.echo(line)
    if state.strict and inputs.portfolio.warnings:
        ctx.exit(3)


@click.option("--verify", is_flag=True, help="Check every hash and link of the chain, and each line's bytes.")
@click.option("--role", type=click.Choice(ROLES, case_sensitive=False), help="Only this role's records.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Records to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON record per line.")
@click.option("--expect-head", metavar="H", help="With --verify: also fail unless the head hash is H.")
@click.option("--copy-to", callback=_parsed("parse_location"), metavar="s3://B/P/", help="Upload a local audit log to S3, then verify it there.")
@command("env_file", "audit_log")
def audit(ctx: click.Context, state: State, settings: Settings, verify: bool, role: str | None, limit: int,
          as_json: bool, expect_head: str | None, copy_to: Any) -> None:
    """Show the audit log, or verify its hash chain.

    \b
    Example:
      send-exec-reports audit --role cfo --limit 5
      send-exec-reports audit --verify --expect-head 3f2a...
    """
    from reports.aws.session import Aws
    from reports.ledger import view
    from reports.ledger.stores import open_store
    from reports.run import audit_path

    aws = Aws(settings)
    store = open_store(audit_path(settings, state.audit_log), aws.s3)
    if copy_to is not None or verify or expect_head:
        result = (view.copy_to(store, open_store(copy_to, aws.s3)) if copy_to is not None
                  else view.verify(store, expect_head))
        click.echo(safe_lines(result.text))
        ctx.exit(0 if result.ok else 4)
    for line in view.listing(store, role=role, limit=limit, as_json=as_json):
        click.echo(safe(line))


@click.option("--queue-url", metavar="URL", help="The SQS queue of SES notifications. [default: SES_EVENTS_QUEUE_URL]")
@click.option("--seconds", type=click.IntRange(1, 900), default=30, show_default=True,
              help="Stop draining after this long.")
@click.option("--forget", metavar="ADDRESS", multiple=True, help="Clear a bounce or complaint of ADDRESS.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per event applied.")
@command("env_file", "audit_log")
def events(ctx: click.Context, state: State, settings: Settings, queue_url: str | None, seconds: int,
           forget: tuple[str, ...], as_json: bool) -> None:
    """Read SES delivery notifications (delivered, bounced, complained, delayed, rejected)
    from an SQS queue into the audit log.

    \b
    Example:
      send-exec-reports events --queue-url https://sqs.us-west-2.amazonaws.com/123/exec-reports-events
      send-exec-reports events --forget owner@example.com
    """
    from reports.aws.events import drain
    from reports.show import as_json_line

    done = drain(settings, audit_log=state.audit_log, queue_url=queue_url, seconds=seconds, forget=forget,
                 said=(lambda note: click.echo(as_json_line(note._asdict()))) if as_json else None)
    click.echo(safe(done.summary()), err=True)
    ctx.exit(1 if done.failed else 0)


@command("env_file", "handoffs", "audit_log")
def doctor(ctx: click.Context, state: State, settings: Settings) -> None:
    """Check configuration, recipients, the handoff folder, the audit log and SES (read-only).

    \b
    Example:
      send-exec-reports doctor --env-file ./repos.env
    """
    from reports.doctor import checks

    failed = 0
    for status, text in checks(settings, state.handoffs, state.audit_log):
        failed += status == "FAIL"
        click.echo(safe(f"[{status}] {text}"))
    ctx.exit(2 if failed else 0)


def main() -> None:
    """Console-script entry point."""
    from reports.run.collector import freeze_for_exit, off_for_this_process

    off_for_this_process()
    try:
        cli(prog_name="send-exec-reports")
    finally:
        freeze_for_exit()


if __name__ == "__main__":
    main()
