"""One run: read the handoffs, compose the messages, plan a decision per role, execute it.

Every entry point (the CLI, the Lambda handlers, the benchmark) calls this
package and only maps its results to output.
"""

from typing import TYPE_CHECKING, Any

from reports.run.decide import decide
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

if TYPE_CHECKING:
    from reports.run.send import run

# `run` is imported on first use: it brings the ledger's write path (reports.run.execute),
# which a preview never needs (about 2 ms of a 90 ms first preview, farm-bench).
_LATER = {"run": "reports.run.send"}


def __getattr__(name: str) -> Any:
    """`run` on first use (see _LATER)."""
    if name not in _LATER:
        raise AttributeError(f"module 'reports.run' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LATER[name]), name)
    globals()[name] = value
    return value


__all__ = ["HOLD", "REFUSE", "SEND", "SKIP", "Decision", "Inputs", "Plan", "Request", "Result", "Sender",
           "audit_path", "check_request", "check_sendable", "compose", "decide", "exists",
           "exit_code", "handoff_folder", "plan", "preview", "read_inputs", "run", "succeeded", "today"]
