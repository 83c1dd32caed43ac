"""Turn the portfolio into the outgoing messages: rendered once, hashed once.

The preview prints these, the sender sends these, the audit log records
their hash: what was previewed is what is sent.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from reports.config import Settings
from reports.digest import sha256_hex
from reports.figures.changes import snapshot
from reports.figures.shared import Figures, figures
from reports.model import Portfolio
from reports.record import NamedTuple
from reports.render import accounting, ceo, cfo, cmo, cto
from reports.render.changes import Changes, section
from reports.render.text import header_text, in_currency

RENDERERS: dict[str, Callable[..., str]] = {
    "ceo": ceo.render, "cto": cto.render, "accounting": accounting.render,
    "cmo": cmo.render, "cfo": cfo.render,
}
TITLES = {"ceo": "CEO", "cto": "CTO", "accounting": "Accounting", "cmo": "CMO", "cfo": "CFO"}
MAX_MESSAGE_BYTES = 10 * 1024 * 1024  # SES API v2 limit for a whole message
NOT_SET = "(not configured)"


class Outgoing(NamedTuple):
    """One report as it goes out."""

    role: str
    subject: str
    sender: str
    to: tuple[str, ...]
    bcc: tuple[str, ...]
    reply_to: tuple[str, ...]
    body: str
    sha256: str
    test: bool = False
    html: str | None = None  # SES_HTML_MONOSPACE: the body, escaped, in a monospaced <pre>

    def preview(self) -> str:
        """The addressing, subject and body exactly as they will be sent."""
        head = [f"From: {self.sender}", f"To: {', '.join(self.to) or NOT_SET}"]
        if self.bcc:
            head.append(f"Bcc: {', '.join(self.bcc)}")
        if self.reply_to:
            head.append(f"Reply-To: {', '.join(self.reply_to)}")
        head.append(f"Subject: {self.subject}")
        return "\n".join(head) + "\n\n" + self.body

    def as_json(self) -> dict[str, object]:
        return {"role": self.role, "subject": self.subject, "from": self.sender,
                "to": list(self.to), "bcc": list(self.bcc), "body": self.body, "sha256": self.sha256}


def subject_for(role: str, portfolio: Portfolio, as_of: date, prefix: str, test: bool = False) -> str:
    """`[Exec Report] CFO report — Portfolio — 2026-11-15` on one clean line."""
    subject = header_text(f"{prefix} {TITLES[role]} report \u2014 {portfolio.name} \u2014 {as_of.isoformat()}")
    return f"[TEST] {subject}" if test else subject


def content_sha256(subject: str, body: str) -> str:
    """SHA-256 of `Subject: <subject>`, a blank line and the body, in UTF-8."""
    return sha256_hex(f"Subject: {subject}\n\n{body}".encode())


Baselines = dict[str, tuple[dict[str, Any] | None, str | None]]  # role -> (snapshot, note)


def compose_all(roles: Sequence[str], portfolio: Portfolio, as_of: date, settings: Settings,
                test_to: str | None = None, baselines: Baselines | None = None,
                shared: Figures | None = None, now: dict[str, Any] | None = None) -> list[Outgoing]:
    """Compose each role's message, in order; the shared figures are computed once. With
    `baselines` (from the audit log), each report says what changed since its last one."""
    shared = shared or figures(portfolio, as_of, settings.stage_weights, settings.jump_floor)
    if baselines is not None and now is None:
        now = snapshot(portfolio, shared, as_of)
    out = []
    for role in roles:
        changes = None
        if baselines is not None:
            base, note = baselines.get(role, (None, None))
            with in_currency(portfolio.currency):
                changes = section(role, base, note, now or {})
        out.append(compose(role, portfolio, as_of, settings, test_to, shared, changes))
    return out


def compose(role: str, portfolio: Portfolio, as_of: date, settings: Settings,
            test_to: str | None = None, shared: Figures | None = None,
            changes: Changes | None = None) -> Outgoing:
    """Render one role's report and address it from configuration only."""
    with in_currency(portfolio.currency):
        body = RENDERERS[role](portfolio, as_of, settings.tz, shared, changes)
    test = test_to is not None
    subject = subject_for(role, portfolio, as_of, settings.subject_prefix, test)
    to = (test_to,) if test_to else settings.recipients.get(role, ())
    return Outgoing(
        role=role, subject=subject, sender=settings.sender or NOT_SET, to=tuple(to),
        bcc=() if test else settings.bcc, reply_to=settings.reply_to, body=body,
        sha256=content_sha256(subject, body), test=test,
        html=html_part(body) if settings.html_monospace else None,
    )


def html_part(body: str) -> str:
    """The text, HTML-escaped, in a monospaced <pre> block: nothing else (no links, images,
    tracking or other styling). A pure function of the text, which unescapes back to it."""
    import html

    return f'<pre style="font-family: monospace">{html.escape(body, quote=False)}</pre>'
