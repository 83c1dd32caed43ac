"""The whole send: read, plan under the audit log's lock, execute."""

from __future__ import annotations

from collections.abc import Callable

from reports.aws.session import Aws
from reports.config import Settings
from reports.errors import HandoffError
from reports.progress import RESULT, logger
from reports.run.execute import execute
from reports.run.inputs import audit_path, check_request, check_sendable, read_inputs
from reports.run.plan import plan
from reports.run.types import Plan, Request, Result, Sender

log = logger(__name__)


def run(settings: Settings, request: Request, *, sender: Sender | None = None,
        confirm: Callable[[Plan], bool] | None = None, aws: Aws | None = None) -> tuple[Plan, list[Result]]:
    """Read, plan under the audit log's lock, and execute: the whole send, with one AWS
    session (`aws`, else one made here)."""
    from reports.config import require_sending, validate_fully
    from reports.ledger.stores import open_store

    check_request(request)
    require_sending(settings, () if request.test_to else request.roles)
    validate_fully(settings)
    aws = aws or Aws(settings)
    inputs = read_inputs(settings, request, aws=aws)
    check_sendable(settings, request, inputs)
    if not inputs.portfolio.entities:
        raise HandoffError(f"no entities were read from {inputs.folder}: nothing to report, so nothing "
                           "sent; run `send-exec-reports check` to see why")
    if sender is None:
        from reports.aws.ses import SesSender

        sender = SesSender(settings, aws)
    sender.prepare()  # a bad endpoint or client set-up is a configuration error, before any record
    path = audit_path(settings, request.audit_log)
    with open_store(path, aws.s3) as audit_log:
        ok, text = audit_log.private()
        if not ok:
            log.warning("warning: %s", text)
        the_plan = plan(settings, request, inputs, audit_log)
        if confirm is not None and not confirm(the_plan):
            log.log(RESULT, "not confirmed: nothing sent")
            return the_plan, [Result(d.role, "refused", "not confirmed") for d in the_plan.decisions]
        results = execute(the_plan, audit_log, sender)
        sent = sum(r.outcome in ("sent", "test") for r in results)
        skipped = sum(r.outcome == "skipped" for r in results)
        log.log(RESULT, "%d sent, %d unchanged, %d failed or held; audit log %s head %s",
                sent, skipped, len(results) - sent - skipped, path, audit_log.head)
    return the_plan, results

