"""What people read of the audit log: one line per record, the listing joined with delivery
feedback, a verification, a copy, and the log's checks for `doctor`."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from reports.addresses import addr_spec
from reports.errors import ConfigError
from reports.ledger.records import FEEDBACK, FORGOTTEN, STATE, Record, label
from reports.ledger.store import AuditStore
from reports.progress import logger
from reports.record import NamedTuple

log = logger(__name__)


def _strings(value: Any) -> list[str]:
    """A record's list of names as text, whatever a damaged record holds there (the listing
    shows a log that does not verify too, with a warning)."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)] if value not in (None, "") else []


def describe(rec: Record) -> str:
    """One line per record: seq, time, role, what happened, recipients, id, short hash."""
    what = label(rec).replace(" ", "-")
    if what == "inputs":
        return (f"{rec.get('seq')} {rec.get('ts')} - inputs files={rec.get('files')} "
                f"inputs={str(rec.get('inputs_sha256'))[:12]}")
    if what == FORGOTTEN:
        return f"{rec.get('seq')} {rec.get('ts')} - forgotten {', '.join(_strings(rec.get('recipients'))) or '-'}"
    if what == STATE:
        states = rec.get("states")
        roles = sorted(str(k) for k in (states if isinstance(states, dict) else {}) if not str(k).startswith("_"))
        return f"{rec.get('seq')} {rec.get('ts')} - state of {', '.join(roles) or 'no role'}"
    if what in FEEDBACK:
        detail = f" {rec.get('bounce_type')}/{rec.get('bounce_subtype')}" if what == "bounced" else ""
        return (f"{rec.get('seq')} {rec.get('ts')} {rec.get('role')} {what}{detail} "
                f"{', '.join(_strings(rec.get('recipients'))) or '-'} id={rec.get('message_id')}")
    to = ", ".join(_strings(rec.get("to"))) or "-"
    extra = f" id={rec['message_id']}" if rec.get("message_id") else ""
    reason = rec.get("reason") or (rec.get("error") if what == "skipped" else None)
    if reason:
        extra += f" reason={reason}"
    elif rec.get("error"):
        extra += f" error={rec['error']}"
    sha = str(rec.get("sha256") or "")[:12]
    return f"{rec.get('seq')} {rec.get('ts')} {rec.get('role')} {what} to={to} sha={sha}{extra}"


def delivery_states(sent: Record, found: dict[str, str]) -> str:
    """Each recipient of a sent record with what SES said of it, or pending."""
    recipients = [*_strings(sent.get("to")), *_strings(sent.get("bcc"))]
    return ", ".join(f"{addr_spec(r)} {found.get(addr_spec(r), 'pending')}" for r in recipients) or "-"


def joined(records: Iterable[Record], role: str | None = None, limit: int = 20) -> list[tuple[Record, str]]:
    """The last `limit` records (of one role, if given) and their lines, each sent record
    joined with what SES later said of each recipient (the newest feedback record wins)."""
    shown: deque[Record] = deque(maxlen=limit)
    delivery: dict[str, dict[str, str]] = {}  # message id -> recipient -> its latest state
    for rec in records:
        if rec.get("event") in FEEDBACK and rec.get("message_id"):
            for address in _strings(rec.get("recipients")):
                delivery.setdefault(str(rec["message_id"]), {})[str(address).lower()] = str(rec["event"])
        if not role or rec.get("role") == role.lower():
            shown.append(rec)
    out = []
    for rec in shown:
        line = describe(rec)
        if rec.get("event") in ("sent", "test") and rec.get("message_id"):
            line += " delivery: " + delivery_states(rec, delivery.get(str(rec["message_id"]), {}))
        out.append((rec, line))
    return out


def listing(store: AuditStore, *, role: str | None = None, limit: int = 20, as_json: bool = False) -> Iterator[str]:
    """What `audit` prints: the joined listing (or each record as JSON); warns when the log
    does not verify (the listing skips what it cannot read) or is readable by others."""
    shown = joined(store.records(), role, limit)
    for rec, line in shown:
        yield json.dumps(rec, ensure_ascii=False) if as_json else line
    if not shown:
        log.warning("no records in %s", store.location)
    if store.exists():
        check = store.verify()
        if not check.ok:
            log.warning("warning: the audit log does not verify: %s", check.problem)
        ok, text = store.private()
        if not ok:
            log.warning("warning: %s", text)


class Outcome(NamedTuple):
    """A verification's text and whether it passed (exit 0, else 4)."""

    ok: bool
    text: str


def verify(store: AuditStore, expect_head: str | None = None) -> Outcome:
    """The full check of the log (`audit --verify`); with `expect_head`, also the head."""
    result = store.verify()
    text = result.summary()
    if result.ok and expect_head and result.head != expect_head.strip():
        return Outcome(False, f"{text}\nhead {result.head} is not the expected {expect_head}")
    return Outcome(result.ok, text)


def copy_to(source: AuditStore, target: AuditStore) -> Outcome:
    """Copy a log that verifies, record by record, into an empty one (a file to S3, say),
    then verify the copy."""
    if not source.exists():
        raise ConfigError(f"--copy-to copies an audit log; there is none at {source.location}")
    if not source.verify().ok:
        raise ConfigError(f"{source.location} does not verify: run `audit --verify` and fix it before copying it")
    copied = target.copy_in(source.raw_records())
    result = target.verify()
    return Outcome(result.ok, f"copied {copied} record(s) to {target.location}; {result.summary()}")


def held(store: AuditStore) -> list[str]:
    """Each report held by an attempt of unknown outcome, said with when and what to do."""
    out = []
    for kind in ("real", "test"):
        for role, state in sorted(store.states(kind).items()):
            if state.unknown is not None:
                what, test = ("", "") if kind == "real" else ("test ", " --test-to ADDRESS")
                out.append(f"the {what}{role} report is HELD: an attempt at {state.unknown.get('ts')} may or may "
                           "not have been delivered; check the inbox (and the BCC copy), then send it with "
                           f"`send-exec-reports --role {role}{test} --force`")
    return out


def audit_checks(store: AuditStore, bcc: tuple[str, ...]) -> list[tuple[str, str]]:
    """The log's lines for `doctor` as (ok | warn | FAIL, text): writable, the full verify
    (every record, state record and the checkpoint), private, held reports, and recipients
    that hard-bounced or complained and were not cleared (a bounced BCC audit address fails)."""
    ok, text = store.writable()
    out = [("ok" if ok else "FAIL", text)]
    if not store.exists():
        return out
    result = store.verify()
    out.append(("ok" if result.ok else "FAIL", f"audit log: {result.summary()}"))
    ok, text = store.private()
    out.append(("ok" if ok else "FAIL", text))
    if not result.ok:
        return out  # the state would be read from a damaged log
    store.peek()
    out += [("warn", line) for line in held(store)]
    out += bounce_checks(store.bounced(), bcc)
    return out


def bounce_checks(bounced: dict[str, dict[str, Any]], bcc: tuple[str, ...]) -> list[tuple[str, str]]:
    """Recipients that hard-bounced or complained and were not cleared since (a warning; no
    clock clears them), and a bounced BCC audit address (an error: the paper trail is broken)."""
    out: list[tuple[str, str]] = []
    audit_copies = {addr_spec(b) for b in bcc}
    for address, info in sorted(bounced.items()):
        clear = f"; once fixed, clear it with `send-exec-reports events --forget {address}`"
        if address in audit_copies:
            out.append(("FAIL", f"the BCC audit address {address} had a {info.get('why')} at {info.get('ts')}: "
                        f"the audit copies are not arriving; fix SES_BCC_ADDRESS{clear}"))
        else:
            out.append(("warn", f"{address} had a {info.get('why')} at {info.get('ts')} (the "
                        f"{info.get('role')} report){clear}"))
    return out
