"""send-exec-reports: the command line. It maps options to a request for the library (reports/),
and results and errors to output and exit codes."""

from __future__ import annotations

from reports import collector, patterns

with collector.paused(), patterns.seeded():  # each saves a preview 4% of its start-up (measured)
    import locale  # noqa: F401 - gettext imports it as click builds the options below: seeded here
    import os
    import sys
    from collections.abc import Callable, Iterator
    from contextlib import contextmanager
    from functools import reduce
    from pathlib import Path
    from typing import TYPE_CHECKING, Any

    import click

    from reports import ROLES, __version__, progress, run, show
    from reports.errors import EXIT_CODES, ConfigError, ReportsError, explain
    from reports.run.request import from_options

if TYPE_CHECKING:
    from reports.config import Settings
    from reports.run import Plan

SHARED = ("env_file", "handoffs", "as_of", "audit_log", "strict")


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


_OPTIONS: dict[str, Callable[[Any], Any]] = {
    # --env-file is a plain Path: click.Path imports locale, 0.8 ms of a preview.
    "env_file": click.option("--env-file", type=Path, help="Configuration file (dotenv). [default: ./repos.env]"),
    "handoffs": click.option("--handoffs", callback=_parsed("parse_location"), metavar="DIR|s3://B/P/",
                             help="Handoff folder, or s3://bucket/prefix/. [default: HANDOFFS_DIR, else the sample]"),
    "as_of": click.option("--as-of", callback=_parsed("parse_as_of"), metavar="YYYY-MM-DD",
                          help="Report date. [default: today in REPORT_TZ]"),
    "audit_log": click.option("--audit-log", callback=_parsed("parse_log_location"), metavar="FILE|s3://B/P/",
                              help="Audit log, or s3://bucket/prefix/. [default: AUDIT_LOG, else the user state dir]"),
    "strict": click.option("--strict", is_flag=True, default=None, help="Treat any handoff warning as an error."),
    "quiet": click.option("-q", "--quiet", count=True, help="Say less on stderr: results and warnings only."),
    "verbose": click.option("-v", "--verbose", count=True, help="Say more: -v retries and timings, -vv each file."),
}


def options(*names: str) -> Callable[[Any], Any]:
    """The shared options a command uses, and -q/-v."""
    return lambda func: reduce(lambda f, name: _OPTIONS[name](f), reversed((*names, "quiet", "verbose")), func)


def command(*names: str) -> Callable[[Callable[..., None]], click.Command]:
    """A subcommand taking these shared options; its body takes the click context first."""
    return lambda func: cli.command()(click.pass_context(options(*names)(func)))


def _merge(ctx: click.Context, given: dict[str, Any]) -> dict[str, Any]:
    """The shared options (and the verbosity) given before the subcommand, those after it on top."""
    base = ctx.obj or {"verbosity": 0}
    mine = {k: given.pop(k, None) for k in (*SHARED, "quiet", "verbose")}
    ctx.obj = {**{k: mine[k] or base.get(k) for k in SHARED},
               "verbosity": base["verbosity"] + (mine["verbose"] or 0) - (mine["quiet"] or 0)}
    return ctx.obj  # type: ignore[no-any-return]


@contextmanager
def _command(ctx: click.Context, given: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Settings]]:
    """A command's shared options and settings, with what the library says routed to stderr."""
    from reports.config import load_settings

    state = _merge(ctx, given)
    with progress.routed(lambda _level, message: click.echo(show.safe(message), err=True), state["verbosity"]):
        settings = load_settings(state["env_file"] or Path("repos.env"), os.environ,
                                 env_file_explicit=state["env_file"] is not None)
        click.echo("".join(show.safe(f"warning: {w}") + "\n" for w in settings.warnings), err=True, nl=False)
        yield state, settings


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
                click.echo(show.safe(message), err=True)
            ctx.exit(code)


@click.group(cls=Cli, invoke_without_command=True,
             epilog="\b\nExit codes:\n" + "\n".join(f"  {code:<4} {what}" for code, what in EXIT_CODES.items()),
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
@options(*SHARED)
@click.version_option(__version__, "--version")
@click.pass_context
def cli(ctx: click.Context, /, roles: tuple[str, ...] | None, dry_run: bool, as_json: bool, force: bool,
        test_to: str | None, expect_sha256: str | None, yes: bool, **given: Any) -> None:
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
    if ctx.invoked_subcommand is not None:
        _merge(ctx, given)
        return
    if as_json and not dry_run:
        raise ConfigError("--json goes with --dry-run")
    from reports.config import check_address

    with _command(ctx, given) as (state, settings):
        request = from_options(state, roles=roles or ROLES, force=force, expect_sha256=expect_sha256,
                           test_to=test_to and check_address(test_to, "--test-to", settings))
        if dry_run:
            for block in show.preview_blocks(run.preview(settings, request), as_json):
                click.echo(block, nl=False)
            return
        _, results = run.run(settings, request, confirm=None if yes or not sys.stdin.isatty() else _confirm)
        ctx.exit(run.exit_code(results))


def _confirm(plan: Plan) -> bool:
    click.echo(show.confirm_screen(plan), err=True)
    return not show.sends(plan) or click.confirm(f"Send {show.sends(plan)} report(s)?", default=False, err=True)


@click.option("--json", "as_json", is_flag=True, help="Print the portfolio as JSON.")
@command("env_file", "handoffs", "as_of", "strict")
def check(ctx: click.Context, /, as_json: bool, **given: Any) -> None:
    """Lint the handoff files: list every warning with its file and line.

    \b
    Example:
      send-exec-reports check --handoffs ~/handoffs
      send-exec-reports check --json | jq '.entities[].name'
    """
    with _command(ctx, given) as (state, settings):
        inputs = run.read_inputs(settings, from_options(state), strict=False, announce=False)
    click.echo("\n".join(show.check_output(inputs, as_json)))
    ctx.exit(3 if state["strict"] and inputs.portfolio.warnings else 0)


@click.option("--verify", is_flag=True, help="Check every hash and link of the chain, and each line's bytes.")
@click.option("--role", type=click.Choice(ROLES, case_sensitive=False), help="Only this role's records.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Records to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON record per line.")
@click.option("--expect-head", metavar="H", help="With --verify: also fail unless the head hash is H.")
@click.option("--copy-to", callback=_parsed("parse_location"), metavar="s3://B/P/",
              help="Upload a local audit log to S3, then verify it there.")
@command("env_file", "audit_log")
def audit(ctx: click.Context, /, verify: bool, role: str | None, limit: int, as_json: bool, expect_head: str | None,
          copy_to: Any, **given: Any) -> None:
    """Show the audit log, or verify its hash chain.

    \b
    Example:
      send-exec-reports audit --role cfo --limit 5
      send-exec-reports audit --verify --expect-head 3f2a...
    """
    from reports.run import ledger

    with _command(ctx, given) as (state, settings):
        if copy_to is not None or verify or expect_head:
            result = ledger.check(settings, state["audit_log"], expect_head=expect_head, copy_to=copy_to)
            click.echo(show.safe_lines(result.text))
            ctx.exit(0 if result.ok else 4)
        for line in ledger.lines(settings, state["audit_log"], role=role, limit=limit, as_json=as_json):
            click.echo(show.safe(line))


@click.option("--queue-url", metavar="URL", help="The SQS queue of SES notifications. [default: SES_EVENTS_QUEUE_URL]")
@click.option("--seconds", type=click.IntRange(1, 900), default=30, show_default=True, help="Stop draining after this long.")
@click.option("--forget", metavar="ADDRESS", multiple=True, help="Clear a bounce or complaint of ADDRESS.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per event applied.")
@command("env_file", "audit_log")
def events(ctx: click.Context, /, queue_url: str | None, seconds: int, forget: tuple[str, ...], as_json: bool,
           **given: Any) -> None:
    """Read SES delivery notifications (delivered, bounced, complained...) from SQS into the audit log.

    \b
    Example:
      send-exec-reports events --queue-url https://sqs.us-west-2.amazonaws.com/123/exec-reports-events
      send-exec-reports events --forget owner@example.com
    """
    from reports.aws.events import drain

    with _command(ctx, given) as (state, settings):
        done = drain(settings, audit_log=state["audit_log"], queue_url=queue_url, seconds=seconds, forget=forget,
                     said=(lambda note: click.echo(show.as_json_line(note._asdict()))) if as_json else None)
        click.echo(show.safe(done.summary()), err=True)
    ctx.exit(1 if done.failed else 0)


@command("env_file", "handoffs", "audit_log")
def doctor(ctx: click.Context, /, **given: Any) -> None:
    """Check configuration, recipients, the handoff folder, the audit log and SES (read-only).

    \b
    Example:
      send-exec-reports doctor --env-file ./repos.env
    """
    from reports.doctor import checks

    failed = 0
    with _command(ctx, given) as (state, settings):
        for status, text in checks(settings, state["handoffs"], state["audit_log"]):
            failed += status == "FAIL"
            click.echo(show.safe(f"[{status}] {text}"))
    ctx.exit(2 if failed else 0)


def main() -> None:
    """Console-script entry point."""
    collector.console_process(lambda: cli(prog_name="send-exec-reports"))


if __name__ == "__main__":
    main()
