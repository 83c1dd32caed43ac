"""The Lambda entry points: the scheduled send and the SQS-triggered delivery feedback.

Configuration comes from environment variables with repos.env's keys. What
the library says goes to the function's log as one JSON line each: hashes
and outcomes, never a report's body.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

from reports import progress, run
from reports.aws.session import Aws
from reports.config import load_settings
from reports.run.request import from_event


def _json_line(level: int, message: str) -> None:
    """One log line per message, in JSON (CloudWatch keeps it whole)."""
    print(json.dumps({"level": logging.getLevelName(level), "message": message}, ensure_ascii=False),
          file=sys.stdout, flush=True)


def send_handler(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """The scheduled run. The event may give `roles`, `as_of`, `dry_run`, `strict` and `force`.
    Returns {"results": [{"role", "outcome", "message_id", "sha256"}], "warnings": [...]}
    (stale handoffs, say); raises, after every
    role is done, when the run did not succeed (a failure, a hold, an unknown outcome), so
    the function's error alarm and on-failure destination see it."""
    with progress.routed(_json_line, 0):
        settings = load_settings(None, os.environ)
        for warning in settings.warnings:
            _json_line(progress.WARNING, f"warning: {warning}")
        request, dry_run = from_event(event)
        aws = Aws(settings)
        if dry_run:
            the_plan = run.preview(settings, request, aws=aws)
            return {"results": [{"role": d.role, "outcome": f"preview: {d.action}", "message_id": None,
                                 "sha256": d.message.sha256} for d in the_plan.decisions],
                    "warnings": list(the_plan.inputs.notices)}
        the_plan, results = run.run(settings, request, aws=aws)
    hashes = {m.role: m.sha256 for m in the_plan.messages}
    answer = {"results": [{"role": r.role, "outcome": r.outcome, "message_id": r.message_id,
                           "sha256": hashes.get(r.role)} for r in results],
              "warnings": list(the_plan.inputs.notices)}
    if not run.succeeded(results):
        failed = [r.role for r in results if not r.ok]
        raise RuntimeError(f"{len(failed)} report(s) not delivered ({', '.join(failed)}): " + json.dumps(answer))
    return answer


def events_handler(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """The SQS-triggered delivery feedback: each record's body is an SES notification,
    applied to the audit log (AUDIT_LOG) as `events` does. Answers SQS's partial-batch
    form: the messages that could not be applied come back as failures, for the redrive policy."""
    from reports.aws.events import handle_batch

    with progress.routed(_json_line, 0):
        return handle_batch(load_settings(None, os.environ), (event or {}).get("Records") or [])
