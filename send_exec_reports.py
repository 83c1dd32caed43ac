"""send-exec-reports: turn handoff notes into five executive reports and send them.

The command line only maps options to the run API (reports/run/) and
its results and errors to output and exit codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from reports import ROLES, __version__, progress
from reports.errors import ConfigError, ReportsError

if TYPE_CHECKING:
    from reports.config import Settings
    from reports.render.compose import Outgoing
    from reports.run import Plan, Request

EXIT_CODES = """\b
Exit codes:
  0    all selected reports sent, skipped as unchanged, or previewed
  1    a delivery failed, was held, or its outcome is unknown
  2    usage or configuration error
  3    handoff errors (or warnings under --strict), or no entities to send
  4    the audit log is damaged, cannot be written, or another run holds it
  141  stdout was closed early (e.g. piped into head)"""


class State(NamedTuple):
    """Options shared by the bare command and the subcommands."""

    env_file: Path | None = None
    handoffs: Path | None = None
    as_of: date | None = None
    audit_log: Path | None = None
    strict: bool = False
    verbosity: int = 0


_CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F) if c not in (0x0A,)})


def safe(text: str) -> str:
    """Text from outside (handoffs, file names, SES) with control characters escaped,
    so nothing can move the cursor, retitle the window or hide itself on a terminal."""
    out = text.translate(_CONTROL)
    if not out.isascii():
        out = "".join(f"\\u{ord(c):04x}" if (0x80 <= ord(c) < 0xA0 or c in "\u2028\u2029\u202e\u2066\u2067"
                                              "\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f")
                      else c for c in out)
    return out


def _echo(_level: int, message: str) -> None:
    click.echo(safe(message), err=True)


@contextmanager
def _output(verbosity: int) -> Iterator[None]:
    """The one place that decides what reaches stderr, for one command."""
    with progress.routed(_echo, verbosity):
        yield


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise click.BadParameter(f"'{value}' is not a date in YYYY-MM-DD form")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a valid date") from None
    if not 1900 <= day.year <= 9000:
        raise click.BadParameter(f"'{value}' is out of range: give a year from 1900 to 9000")
    return day


def _roles(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Roles from repeated --role options and comma-separated lists."""
    out: list[str] = []
    for chunk in value:
        for name in (n.strip().lower() for n in chunk.split(",")):
            if not name:
                continue
            if name not in ROLES:
                raise click.BadParameter(f"'{name}' is not one of {', '.join(ROLES)}")
            if name not in out:
                out.append(name)
    return tuple(out)


def _location(option: str) -> click.ParamType[Any]:
    """A local path, or an s3://bucket/prefix/ URL."""

    class Location(click.ParamType[Any]):
        name = "location"

        def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
            if isinstance(value, str) and value.startswith("s3://"):
                from reports.location import parse_s3_url

                try:
                    return parse_s3_url(value, option)
                except ConfigError as exc:
                    self.fail(str(exc), param, ctx)
            return Path(value) if isinstance(value, str) else value

    return Location()


F = TypeVar("F", bound=Callable[..., Any])
_OPTIONS: dict[str, Callable[[F], F]] = {
    "env_file": click.option("--env-file", type=click.Path(path_type=Path, dir_okay=False),
                             help="Configuration file (dotenv). [default: ./repos.env]"),
    "handoffs": click.option("--handoffs", type=_location("--handoffs"), metavar="DIR|s3://B/P/",
                             help="Handoff folder, or s3://bucket/prefix/. [default: HANDOFFS_DIR, else the "
                                  "bundled sample]"),
    "as_of": click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
                          help="Report date. [default: today in REPORT_TZ]"),
    "audit_log": click.option("--audit-log", type=_location("--audit-log"), metavar="FILE|s3://B/P/",
                              help="Audit log path, or s3://bucket/prefix/. [default: AUDIT_LOG, else the "
                                   "user state directory]"),
    "strict": click.option("--strict", is_flag=True, default=None,
                           help="Treat any handoff warning as an error."),
    "quiet": click.option("-q", "--quiet", "quiet", count=True,
                          help="Say less on stderr: results and warnings only."),
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


def _merge(ctx: click.Context, **given: Any) -> State:
    base: State = ctx.find_object(State) or State()
    state = base._replace(
        env_file=given.get("env_file") or base.env_file, handoffs=given.get("handoffs") or base.handoffs,
        as_of=given.get("as_of") or base.as_of, audit_log=given.get("audit_log") or base.audit_log,
        strict=bool(given.get("strict")) or base.strict,
        verbosity=base.verbosity + given.get("verbose", 0) - given.get("quiet", 0),
    )
    ctx.obj = state
    return state


class Cli(click.Group):
    """A group that turns library errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReportsError as exc:
            click.echo(safe(f"error: {exc}"), err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as other Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            click.echo(safe(f"error:{where}: {exc.strerror or exc}"), err=True)
            ctx.exit(2)


# --------------------------------------------------------------------------
# Wiring shared by the commands


def _settings(state: State) -> Settings:
    from reports.config import load_settings

    explicit = state.env_file is not None
    settings = load_settings(state.env_file or Path("repos.env"), os.environ, env_file_explicit=explicit)
    for warning in settings.warnings:
        click.echo(safe(f"warning: {warning}"), err=True)
    return settings


def _request(state: State, **options: Any) -> Request:
    from reports.run import Request

    return Request(handoffs=state.handoffs, as_of=state.as_of, audit_log=state.audit_log,
                   strict=state.strict, **options)


# --------------------------------------------------------------------------
# The bare command: render and send


@click.group(cls=Cli, invoke_without_command=True, epilog=EXIT_CODES,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 88})
@click.option("--role", "roles", multiple=True, callback=_roles, metavar="ROLE[,ROLE…]",
              help=f"Report(s) to render: {', '.join(ROLES)}; repeatable or comma-separated. "
                   "[default: all five]")
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
    selected = roles or ROLES
    if as_json and not dry_run:
        raise ConfigError("--json goes with --dry-run")
    with _output(state.verbosity):
        settings = _settings(state)
        if test_to:
            from reports.config import check_address
            test_to = check_address(test_to, "--test-to", settings)
        request = _request(state, roles=selected, force=force, test_to=test_to, expect_sha256=expect_sha256)
        from reports import run as pipeline

        if dry_run:
            _preview(pipeline.preview(settings, request).messages, as_json)
            return
        ask = None if yes or not sys.stdin.isatty() else _confirm
        _, results = pipeline.run(settings, request, confirm=ask)
        ctx.exit(pipeline.exit_code(results))


def _confirm(plan: Plan) -> bool:
    """One screen: each role's recipients, BCC, subject, hash and decision; then ask."""
    from reports.run import SEND

    lines = [f"About to send from {plan.settings.sender} (audit log {plan.audit_path}):"]
    for d in plan.decisions:
        msg = d.message
        lines.append(f"  {msg.role:<10} {d.action.upper():<6} {msg.subject}")
        if d.action == SEND:
            lines.append(f"             to: {', '.join(msg.to)}")
            if msg.bcc:
                lines.append(f"             bcc: {', '.join(msg.bcc)}")
            lines.append(f"             sha256 {msg.sha256}")
        else:
            lines.append(f"             {d.reason}")
    click.echo(safe("\n".join(lines)), err=True)
    count = sum(d.action == SEND for d in plan.decisions)
    if not count:
        return True  # nothing would go out: the run records its skips and holds
    return click.confirm(f"Send {count} report(s)?", default=False, err=True)


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
@options("env_file", "handoffs", "as_of", "strict")
@click.pass_context
def check(ctx: click.Context, /, as_json: bool, **common: Any) -> None:
    """Lint the handoff files: list every warning with its file and line.

    \b
    Example:
      send-exec-reports check --handoffs ~/handoffs
      send-exec-reports check --json | jq '.entities[].name'
    """
    from reports.run import read_inputs

    state = _merge(ctx, **common)
    with _output(state.verbosity):
        settings = _settings(state)
        inputs = read_inputs(settings, _request(state), strict=False, announce=False)
    portfolio, folder = inputs.portfolio, inputs.folder
    if as_json:
        import json

        from reports.model import to_jsonable
        click.echo(json.dumps(to_jsonable(portfolio), indent=2, ensure_ascii=False))
    else:
        for w in portfolio.warnings:
            click.echo(safe(f"{w.source}: {w.message}"))
        click.echo(safe(f"{portfolio.name}: {len(portfolio.entities)} entities from "
                        f"{len(portfolio.files)} files in {folder}; {len(portfolio.warnings)} warning(s)"))
        for e in portfolio.entities:
            counts = ", ".join(f"{len(getattr(e, k))} {k.replace('_', ' ')}" for k in
                               ("financials", "kpis", "pipeline", "risks", "actions", "stack", "channels")
                               if getattr(e, k))
            click.echo(safe(f"  {e.label} [{e.kind}]: {counts or 'no facts'}"))
        _coverage(portfolio.coverage)
    if state.strict and portfolio.warnings:
        ctx.exit(3)


def _coverage(coverage: Sequence[Any]) -> None:
    """Per file: how much was read as facts, unrated items, headings not understood."""
    if not coverage:
        return
    click.echo("Coverage (blocks read as facts; the rest kept as notes):")
    for c in coverage:
        total = c.fact_blocks + c.note_blocks
        line = f"  {c.path}: {c.fact_blocks} of {total} read as facts"
        if c.unrated:
            line += f"; {c.unrated} unrated (no severity or priority)"
        click.echo(safe(line))
        for at, heading, hint in c.skipped:
            extra = f"; did you mean '{hint}'?" if hint else ""
            click.echo(safe(f"    not understood: '{heading}' (line {at}){extra}"))


@cli.command()
@click.option("--verify", is_flag=True, help="Check every hash and link of the chain, and each line's bytes.")
@click.option("--role", type=click.Choice(ROLES, case_sensitive=False), help="Only this role's records.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Records to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON record per line.")
@click.option("--expect-head", metavar="H", help="With --verify: also fail unless the head hash is H.")
@click.option("--copy-to", metavar="s3://B/P/", help="Upload a local audit log to S3, then verify it there.")
@options("env_file", "audit_log")
@click.pass_context
def audit(ctx: click.Context, /, verify: bool, role: str | None, limit: int, as_json: bool,
          expect_head: str | None, copy_to: str | None, **common: Any) -> None:
    """Show the audit log, or verify its hash chain.

    \b
    Example:
      send-exec-reports audit --role cfo --limit 5
      send-exec-reports audit --verify --expect-head 3f2a...
    """
    from reports.ledger import audit as audit_log
    from reports.run import audit_path, exists

    state = _merge(ctx, **common)
    settings = _settings(state)
    path = audit_path(settings, state.audit_log)
    if copy_to:
        from reports.ledger.s3store import copy_to as upload
        from reports.location import parse_s3_url

        target = parse_s3_url(copy_to, "--copy-to")
        if not isinstance(path, Path) or not path.exists():
            raise ConfigError(f"--copy-to copies a local audit log; there is none at {path}")
        if not audit_log.verify(path).ok:
            raise ConfigError(f"{path} does not verify: run `audit --verify` and fix it before copying it")
        copied = upload(path, target)
        result = audit_log.verify(target)
        click.echo(safe(f"copied {copied} record(s) to {target}; {result.summary()}"))
        ctx.exit(0 if result.ok else 4)
    if verify or expect_head:
        result = audit_log.verify(path)
        click.echo(safe(result.summary()))
        if not result.ok:
            ctx.exit(4)
        if expect_head and result.head != expect_head.strip():
            click.echo(f"head {result.head} is not the expected {safe(expect_head)}", err=True)
            ctx.exit(4)
        return
    import json
    from collections import deque

    shown: deque[dict[str, Any]] = deque(maxlen=limit)
    delivery: dict[str, dict[str, str]] = {}  # message id -> recipient -> its latest state
    for rec in audit_log.read_records(path):
        if rec.get("event") in audit_log.FEEDBACK and rec.get("message_id"):
            for address in rec.get("recipients") or ():
                delivery.setdefault(str(rec["message_id"]), {})[str(address).lower()] = str(rec["event"])
        if not role or rec.get("role") == role.lower():
            shown.append(rec)
    for rec in shown:
        if as_json:
            click.echo(json.dumps(rec, ensure_ascii=False))
            continue
        line = audit_log.describe(rec)
        if rec.get("event") in ("sent", "test") and rec.get("message_id"):
            line += " delivery: " + audit_log.delivery_states(rec, delivery.get(str(rec["message_id"]), {}))
        click.echo(safe(line))
    if not shown:
        click.echo(f"no records in {path}", err=True)
    if exists(path):
        check = audit_log.verify(path)
        if not check.ok:  # the listing skips what it cannot read: say so
            click.echo(safe(f"warning: the audit log does not verify: {check.problem}"), err=True)
        ok, text = audit_log.private(path)
        if not ok:
            click.echo(safe(f"warning: {text}"), err=True)


@cli.command()
@click.option("--queue-url", metavar="URL", help="The SQS queue of SES notifications. [default: SES_EVENTS_QUEUE_URL]")
@click.option("--seconds", type=click.IntRange(1, 900), default=30, show_default=True,
              help="Stop draining after this long.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per event applied.")
@options("env_file", "audit_log")
@click.pass_context
def events(ctx: click.Context, /, queue_url: str | None, seconds: int, as_json: bool, **common: Any) -> None:
    """Read SES delivery notifications (delivered, bounced, complained, delayed, rejected)
    from an SQS queue into the audit log.

    \b
    Example:
      send-exec-reports events --queue-url https://sqs.us-west-2.amazonaws.com/123/exec-reports-events
    """
    import json

    from reports.aws import feedback
    from reports.aws.ses import check_endpoint
    from reports.ledger.audit import open_log
    from reports.run import audit_path

    state = _merge(ctx, **common)
    with _output(state.verbosity):
        settings = _settings(state)
        url = queue_url or settings.events_queue_url
        if not url:
            raise ConfigError("no queue: pass --queue-url or set SES_EVENTS_QUEUE_URL (see docs/operations.md)")
        if settings.unknown_ses_keys:
            raise ConfigError(settings.unknown_ses_keys[0])
        check_endpoint(settings)
        import boto3

        client = boto3.client("sqs", region_name=settings.region or None)

        def said(note: feedback.Notification) -> None:
            if as_json:
                click.echo(json.dumps(note._asdict(), ensure_ascii=False))

        from botocore.exceptions import BotoCoreError, ClientError

        try:
            with open_log(audit_path(settings, state.audit_log)) as opened:
                opened.load_feedback_index()
                done = feedback.drain(url, opened, client, seconds=seconds, said=said)
        except (BotoCoreError, ClientError) as exc:
            raise ConfigError(f"cannot read the queue {url}: {exc}") from None
        click.echo(f"{done.applied} applied, {done.duplicates} duplicate(s), {done.unknown} not ours, "
                   f"{done.malformed} malformed (left on the queue)", err=True)
    ctx.exit(1 if done.malformed else 0)


@cli.command()
@options("env_file", "handoffs", "audit_log")
@click.pass_context
def doctor(ctx: click.Context, /, **common: Any) -> None:
    """Check configuration, recipients, the handoff folder, the audit log and SES (read-only).

    \b
    Example:
      send-exec-reports doctor --env-file ./repos.env
    """
    state = _merge(ctx, **common)
    problems = 0

    def report(status: str, text: str) -> None:
        nonlocal problems
        problems += status == "FAIL"
        click.echo(safe(f"[{status}] {text}"))

    settings = _settings(state)
    _doctor_config(settings, report)
    from reports.ledger import audit as audit_log
    from reports.run import audit_path, exists, handoff_folder

    try:
        with _output(-1):
            folder, is_sample = handoff_folder(settings, state.handoffs)
        report("ok", f"handoff folder {folder}{' (bundled sample)' if is_sample else ''}")
    except ConfigError as exc:
        report("FAIL", str(exc))
    path = audit_path(settings, state.audit_log)
    ok, text = audit_log.check_writable(path)
    report("ok" if ok else "FAIL", text)
    if exists(path):
        result = audit_log.verify(path)
        report("ok" if result.ok else "FAIL", f"audit log: {result.summary()}")
        ok, text = audit_log.private(path)
        report("ok" if ok else "FAIL", text)
        for status, text in audit_log.feedback_checks(path, settings.bcc):
            report(status, text)
    if settings.region and settings.sender:
        from reports.aws.ses import ses_checks
        for status, text in ses_checks(settings):
            report(status, text)
    ctx.exit(2 if problems else 0)


def _doctor_config(settings: Settings, report: Callable[[str, str], None]) -> None:
    from reports.aws.ses import endpoint
    from reports.config import require_sending, validate_fully, where_config

    where = settings.env_file and Path(os.path.abspath(settings.env_file))
    report("ok" if settings.env_found else "warn",
           f"repos.env: {where} ({'read' if settings.env_found else 'not found'})" if where
           else "repos.env: none looked for")
    try:
        validate_fully(settings)
        require_sending(settings, ROLES)
        report("ok", "configuration is valid for sending")
    except ConfigError as exc:
        report("FAIL", str(exc))
    url, key = endpoint(settings)
    report("ok", f"SES endpoint: {url} (from {key})" if url else "SES endpoint: AWS's own")
    report("ok" if settings.region else "FAIL", f"SES_REGION: {settings.region or 'not set; ' + where_config(settings)}")
    report("ok" if settings.sender else "FAIL", f"SES_FROM_ADDRESS: {settings.sender or 'not set'}")
    for role in ROLES:
        to = settings.recipients.get(role)
        report("ok" if to else "FAIL", f"{role} recipients: {', '.join(to) if to else 'none'}")
    report("ok", f"SES_BCC_ADDRESS: {', '.join(settings.bcc) or 'not set (no audit copy)'}")


# --------------------------------------------------------------------------
# AWS Lambda: the same run, configured from the environment


def _json_line(level: int, message: str) -> None:
    """In AWS, what the library says goes to the function's log as one JSON line each."""
    import json

    print(json.dumps({"level": level, "message": message}, ensure_ascii=False), file=sys.stdout, flush=True)


def lambda_handler(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """The scheduled entry point. The event may give `roles`, `dry_run` and `as_of`;
    configuration comes from environment variables with repos.env's keys. Returns
    {"results": [{"role", "outcome", "message_id", "sha256"}]}; logs one JSON line per
    event; raises after every role is done when a delivery failed (a hold does not)."""
    import json

    from reports import run as pipeline
    from reports.config import load_settings

    event = event or {}
    say = _json_line
    with progress.routed(say, 0):
        settings = load_settings(None, os.environ)
        roles = tuple(event.get("roles") or ROLES)
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise ConfigError(f"unknown role(s) in the event: {', '.join(unknown)}")
        as_of = date.fromisoformat(event["as_of"]) if event.get("as_of") else None
        if settings.handoffs_dir is None:
            raise ConfigError("HANDOFFS_DIR is not set: a scheduled run never sends the bundled sample")
        request = pipeline.Request(roles=roles, as_of=as_of)
        if event.get("dry_run"):
            the_plan = pipeline.preview(settings, request)
            for m in the_plan.messages:
                say(progress.RESULT, json.dumps({"role": m.role, "subject": m.subject, "sha256": m.sha256,
                                                 "preview": m.preview()}, ensure_ascii=False))
            return {"results": [{"role": d.role, "outcome": f"preview: {d.action}", "message_id": None,
                                 "sha256": d.message.sha256} for d in the_plan.decisions]}
        the_plan, results = pipeline.run(settings, request)
    hashes = {m.role: m.sha256 for m in the_plan.messages}
    answer = {"results": [{"role": r.role, "outcome": r.outcome, "message_id": r.message_id,
                           "sha256": hashes.get(r.role)} for r in results]}
    failed = [r for r in results if r.outcome in ("failed", "unknown")]
    if failed:
        raise RuntimeError(f"{len(failed)} report(s) not delivered: " + json.dumps(answer))
    return answer


def events_handler(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """The SQS-triggered entry point for delivery feedback: each record's body is an SES
    notification, applied to the audit log (AUDIT_LOG) as `events` does. Answers SQS's
    partial-batch form: the malformed ones come back as failures, for the redrive policy."""
    from reports.aws import feedback
    from reports.config import load_settings
    from reports.ledger.audit import open_log
    from reports.run import audit_path

    say = _json_line
    failures = []
    with progress.routed(say, 0):
        settings = load_settings(None, os.environ)
        with open_log(audit_path(settings)) as opened:
            opened.load_feedback_index()
            for record in (event or {}).get("Records", []):
                try:
                    note = feedback.parse(str(record.get("body", "")))
                except feedback.Malformed as exc:
                    say(progress.WARNING, f"message {record.get('messageId')} is not an SES notification ({exc})")
                    failures.append({"itemIdentifier": record.get("messageId")})
                    continue
                feedback.apply(opened, note)  # SQS deletes the batch's others once this returns
    return {"batchItemFailures": failures}


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="send-exec-reports")
    finally:
        # The process ends here. Python's exit runs full collections over every object
        # still alive (about 8 ms of a 70 ms preview); frozen objects are skipped. All
        # files the run wrote are closed and fsynced by now, and stdout and stderr are
        # flushed by the interpreter whatever the collector does.
        import gc

        gc.freeze()


if __name__ == "__main__":
    main()
