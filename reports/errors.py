"""The library's one exception family; the CLI maps each to an exit code."""

from __future__ import annotations

EXIT_CODES = {
    0: "all selected reports sent, skipped as unchanged, or previewed",
    1: "a delivery failed, was held, or its outcome is unknown",
    2: "usage or configuration error",
    3: "handoff errors (or warnings under --strict), or no entities to send",
    4: "the audit log is damaged, cannot be written, or another run holds it",
    130: "interrupted (Ctrl-C): what was sent, held, skipped and not started is listed",
    141: "stdout was closed early (e.g. piped into head)",
}


class ReportsError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 2


class ConfigError(ReportsError):
    """Bad configuration or usage: a key, a flag, a path (exit 2)."""

    exit_code = 2


class HandoffError(ReportsError):
    """Handoff errors, or warnings under --strict (exit 3)."""

    exit_code = 3


class AuditError(ReportsError):
    """The audit log is damaged or held by another run (exit 4)."""

    exit_code = 4


class Interrupted(ReportsError):
    """Ctrl-C during a send: what was sent, held, skipped and not started has been said (exit 130)."""

    exit_code = 130


class DeliveryError(ReportsError):
    """A report could not be delivered (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, code: str | None = None, *, outcome: str = "failed",
                 endpoint_down: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.outcome = outcome  # failed: SES did not send it; unknown: it may have
        self.endpoint_down = endpoint_down  # the endpoint itself failed: try no more reports


def explain(exc: BaseException) -> tuple[str | None, int]:
    """What an entry point says of an error that ended a command, and its exit code."""
    if isinstance(exc, ReportsError):
        return f"error: {exc}", exc.exit_code
    if isinstance(exc, KeyboardInterrupt):  # outside a send (a send says its own: Interrupted)
        return "interrupted (`send-exec-reports audit` lists what was recorded)", 130
    if isinstance(exc, BrokenPipeError):
        return None, 141
    if isinstance(exc, OSError):
        where = f" {exc.filename}:" if exc.filename else ""
        return f"error:{where} {exc.strerror or exc}", 2
    raise exc
