"""One run: read the handoffs, compose the messages, plan a decision per role, execute it.

Every entry point (the CLI, the Lambda handlers, the benchmark) calls this
package and only maps its results to output.
"""

from reports.run.decide import decide
from reports.run.execute import execute
from reports.run.inputs import (
                               audit_path,
                               check_request,
                               check_sendable,
                               exists,
                               handoff_folder,
                               read_inputs,
                               today,
)
from reports.run.plan import compose, plan, preview
from reports.run.send import run
from reports.run.types import (
                               HOLD,
                               REFUSE,
                               SEND,
                               SKIP,
                               Decision,
                               Inputs,
                               Plan,
                               Request,
                               Result,
                               Sender,
                               exit_code,
                               succeeded,
)

__all__ = ["HOLD", "REFUSE", "SEND", "SKIP", "Decision", "Inputs", "Plan", "Request", "Result", "Sender",
           "audit_path", "check_request", "check_sendable", "compose", "decide", "execute", "exists",
           "exit_code", "handoff_folder", "plan", "preview", "read_inputs", "run", "succeeded", "today"]
