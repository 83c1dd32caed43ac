"""What the library has to say while it works: standard `logging`, routed by the entry point.

The library never prints. Each module logs through `logging.getLogger(__name__)`
at one of these levels, and the entry point (the CLI, a Lambda handler)
installs the one handler that decides what reaches a person, for as long as
its command runs (`routed`): results and warnings always, progress unless
asked to be quiet, detail and trace only when asked for more. A thread the
library starts runs in a copy of its caller's context, so it is heard too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

TRACE = 5  # -vv: each file read
DETAIL = logging.DEBUG  # -v: retries, timings, the endpoint
PROGRESS = logging.INFO  # the default: what the run is doing
WARNING = logging.WARNING  # configuration and handoff warnings: always shown
RESULT = 35  # sent, skipped, held, FAILED: always shown, even with -q
ERROR = logging.ERROR
ROOT = "reports"  # every library module logs under this name

logging.addLevelName(TRACE, "TRACE")
logging.addLevelName(RESULT, "RESULT")

Sink = Callable[[int, str], None]
# The route of the command or invocation running in this context: two Lambda invocations in
# one process (or two runs in threads) each hear only their own run.
_route: ContextVar[object | None] = ContextVar("reports_route", default=None)


def logger(name: str) -> logging.Logger:
    """The logger of one library module."""
    return logging.getLogger(name)


def threshold(verbosity: int) -> int:
    """The lowest level shown at a verbosity (-q is -1, -v is 1, -vv is 2)."""
    if verbosity < 0:
        return WARNING
    return {0: PROGRESS, 1: DETAIL}.get(verbosity, TRACE)


class _SinkHandler(logging.Handler):
    """Hand each record's level and message to the entry point's sink."""

    def __init__(self, sink: Sink, level: int) -> None:
        super().__init__(level)
        self.sink = sink

    def filter(self, record: logging.LogRecord) -> bool:
        return _route.get() is self

    def emit(self, record: logging.LogRecord) -> None:
        self.sink(record.levelno, record.getMessage())


@contextmanager
def routed(sink: Sink, verbosity: int = 0) -> Iterator[None]:
    """Send what the library says at this verbosity to `sink` while the block runs."""
    root = logging.getLogger(ROOT)
    handler = _SinkHandler(sink, threshold(verbosity))
    token = _route.set(handler)
    root.addHandler(handler)
    root.setLevel(TRACE)  # each route's handler applies its own threshold
    root.propagate = False  # the entry point's handler is the one place that speaks
    try:
        yield
    finally:
        _route.reset(token)
        root.removeHandler(handler)
        if not root.handlers:
            root.setLevel(logging.NOTSET)
            root.propagate = True
