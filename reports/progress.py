"""What the library has to say while it works, routed by the caller.

The library never prints. Each module says what happens through a `Logger`
at one of these levels, and the entry point decides what reaches a person
(`routed`): results and warnings always, progress unless asked to be quiet,
detail and trace only when asked for more. With nothing routed, messages go
to the standard `logging` module under the module's name, as a library's
should (a Lambda handler, say, gets them in its logs).

This is not `logging` itself only because importing it costs a preview about
a tenth of its start-up; the levels are logging's, so the two line up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

TRACE = 5  # -vv: each file read
DETAIL = 10  # -v: retries, timings, the endpoint (logging.DEBUG)
PROGRESS = 20  # the default: what the run is doing (logging.INFO)
WARNING = 30  # configuration and handoff warnings: always shown (logging.WARNING)
RESULT = 35  # sent, skipped, held, FAILED: always shown, even with -q
ERROR = 40

Sink = Callable[[int, str], None]
_routes: list[tuple[int, Sink]] = []


class Logger:
    """Say things at a level; where they go is the caller's choice."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def log(self, level: int, message: str, *args: object) -> None:
        text = message % args if args else message
        if not _routes:
            import logging

            logging.getLogger(self.name).log(level, text)
            return
        for threshold, sink in _routes:
            if level >= threshold:
                sink(level, text)

    def warning(self, message: str, *args: object) -> None:
        self.log(WARNING, message, *args)

    def info(self, message: str, *args: object) -> None:
        self.log(PROGRESS, message, *args)

    def debug(self, message: str, *args: object) -> None:
        self.log(DETAIL, message, *args)


def logger(name: str) -> Logger:
    """The logger of one library module."""
    return Logger(name)


def threshold(verbosity: int) -> int:
    """The lowest level shown at a verbosity (-q is -1, -v is 1, -vv is 2)."""
    if verbosity < 0:
        return WARNING
    return {0: PROGRESS, 1: DETAIL}.get(verbosity, TRACE)


@contextmanager
def routed(sink: Sink, verbosity: int = 0) -> Iterator[None]:
    """Send what the library says at this verbosity to `sink` while the block runs."""
    route = (threshold(verbosity), sink)
    _routes.append(route)
    try:
        yield
    finally:
        _routes.remove(route)
