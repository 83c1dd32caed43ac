"""The per-role decision: send, skip (unchanged), hold (unknown outcome), refuse (too large, or a bounced recipient under --strict)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports.addresses import addr_spec
from reports.progress import logger
from reports.run.types import HOLD, REFUSE, SEND, SKIP, Decision

if TYPE_CHECKING:
    from reports.ledger.records import Record
    from reports.ledger.states import RoleState
    from reports.render.compose import Outgoing


log = logger(__name__)


def same_message(sent: Record, msg: Outgoing) -> bool:
    """Whether a sent record is this message: the same content, To, BCC and From."""
    return (sent["sha256"], sent["to"], sent["bcc"], sent["from"]) == (
        msg.sha256, list(msg.to), list(msg.bcc), msg.sender)


def decide(msg: Outgoing, state: RoleState | None, force: bool, earlier: Record | None = None) -> Decision:
    """Send; skip when identical to the last send or, as `earlier` (the store's index
    found), to any earlier one; hold while an attempt's outcome is unknown; refuse what
    SES would refuse. --force sends."""
    from reports.render.compose import MAX_MESSAGE_BYTES

    size = len(msg.body.encode()) + len(msg.subject.encode())
    if size > MAX_MESSAGE_BYTES:
        return Decision(msg.role, REFUSE, f"{size:,} bytes is over the SES limit; nothing sent", msg)
    if force:
        return Decision(msg.role, SEND, "forced", msg)
    pending = state.unknown if state is not None else None
    if pending is not None:
        return Decision(msg.role, HOLD, f"an attempt at {pending['ts']} (run {str(pending['run_id'])[:8]}) "
                        "may or may not have been delivered; check the inbox, then run again with "
                        "--force to send", msg)
    previous = state.sent if state is not None else None
    if previous and same_message(previous, msg):
        return Decision(msg.role, SKIP, f"unchanged since {previous['ts']}", msg)
    if earlier is not None:
        return Decision(msg.role, SKIP, f"identical to the report sent at {earlier.get('ts')} (as of "
                        f"{earlier.get('as_of')})", msg)
    return Decision(msg.role, SEND, "changed since the last send" if previous else "first send", msg)


def _bounces(decision: Decision, bounced: dict[str, Any], strict: bool) -> Decision:
    """Warn about a recipient that hard-bounced or complained; --strict refuses the report."""
    if decision.action != SEND or not bounced:
        return decision
    msg = decision.message
    hit = [a for a in (*msg.to, *msg.bcc) if addr_spec(a) in bounced]
    if not hit:
        return decision
    said = tuple(f"{msg.role}: {addr_spec(a)} had a {bounced[addr_spec(a)].get('why')} at "
                 f"{bounced[addr_spec(a)].get('ts')}" for a in hit)
    if strict:
        return decision._replace(action=REFUSE, reason="; ".join(said) + " (--strict: not sent to it)",
                                 alerts=said)
    return decision._replace(alerts=said)
