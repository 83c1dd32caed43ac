"""The library's one exception family; the CLI maps each to an exit code."""

from __future__ import annotations


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


class DeliveryError(ReportsError):
    """A report could not be delivered (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, code: str | None = None, *, outcome: str = "failed",
                 endpoint_down: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.outcome = outcome  # failed: SES did not send it; unknown: it may have
        self.endpoint_down = endpoint_down  # the endpoint itself failed: try no more reports
