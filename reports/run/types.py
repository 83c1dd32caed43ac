"""What a run is asked, what it reads, decides and does: the values every run module passes on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from reports import ROLES
from reports.config import Settings
from reports.location import Location
from reports.progress import logger
from reports.record import NamedTuple

if TYPE_CHECKING:
    from reports.model import Portfolio
    from reports.render.compose import Outgoing

log = logger(__name__)


SEND, SKIP, HOLD, REFUSE = "send", "skip", "hold", "refuse"


class Request(NamedTuple):
    """What the caller asks of one run; None means "from configuration"."""

    roles: tuple[str, ...] = ROLES
    handoffs: Location | None = None  # given explicitly (--handoffs): may name the sample
    as_of: date | None = None
    audit_log: Location | None = None
    strict: bool = False
    force: bool = False
    test_to: str | None = None
    expect_sha256: str | None = None


class Inputs(NamedTuple):
    """The portfolio read for a run, and where from."""

    portfolio: Portfolio
    folder: Location
    is_sample: bool
    as_of: date
    notices: tuple[str, ...] = ()  # said in the run's output and the Lambda result, never in a report


class Decision(NamedTuple):
    """What the run will do with one role's message, and why."""

    role: str
    action: str  # send | skip | hold | refuse
    reason: str
    message: Outgoing
    alerts: tuple[str, ...] = ()  # said before sending: a recipient that hard-bounced


class Plan(NamedTuple):
    """Everything needed to preview or execute a run."""

    request: Request
    settings: Settings
    inputs: Inputs
    messages: tuple[Outgoing, ...]
    decisions: tuple[Decision, ...]
    audit_path: Location
    snapshot: dict[str, Any] | None = None  # kept beside the log for each real report sent


class Result(NamedTuple):
    """How one role ended."""

    role: str
    outcome: str  # sent | test | skipped | held | refused | failed | unknown
    detail: str
    message_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("sent", "test", "skipped")


class Sender(Protocol):
    def prepare(self) -> None: ...

    def send(self, msg: Outgoing) -> str: ...


def succeeded(results: Sequence[Result]) -> bool:
    """The one rule for a run's success, for the CLI and the Lambda alike: every role sent
    or skipped as unchanged. A failure, a hold or an unknown outcome fails the run (exit 1,
    a Lambda error), so that whoever watches the run sees it."""
    return all(r.ok for r in results)


def exit_code(results: Sequence[Result]) -> int:
    """0 when the run succeeded, else 1."""
    return 0 if succeeded(results) else 1
