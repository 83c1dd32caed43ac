"""What the commands show a person, as text: escaped for a terminal, the confirm screen, the check summary."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from reports.run.types import SEND, Inputs, Plan

_CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)})
_INVISIBLE = frozenset("\u2028\u2029\u202e\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f")


def safe(text: str) -> str:
    """One line of text from outside (handoffs, file names, SES) with control characters
    escaped, newlines included, so nothing can move the cursor, retitle the window, hide
    itself or start a line of its own on a terminal."""
    out = text.translate(_CONTROL)
    if not out.isascii():
        out = "".join(f"\\u{ord(c):04x}" if (0x80 <= ord(c) < 0xA0 or c in _INVISIBLE) else c for c in out)
    return out


def safe_lines(text: str) -> str:
    """Text of several lines of our own making, each line escaped as `safe` does."""
    return "\n".join(safe(line) for line in text.split("\n"))


def as_json_line(value: Any) -> str:
    """One JSON line, as `--json` prints each item."""
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def sends(plan: Plan) -> int:
    """How many reports a plan would send."""
    return sum(d.action == SEND for d in plan.decisions)


def confirm_screen(plan: Plan) -> str:
    """One screen: each role's recipients, BCC, subject, hash and decision."""
    lines = [f"About to send from {plan.settings.sender} (audit log {plan.audit_path}):"]
    for d in plan.decisions:
        msg = d.message
        lines.append(f"  {msg.role:<10} {d.action.upper():<6} {msg.subject}")
        if d.action == SEND:
            lines.append(f"             to: {', '.join(msg.to)}")
            if msg.bcc:
                lines.append(f"             bcc: {', '.join(msg.bcc)}")
            lines.append(f"             sha256 {msg.sha256}")
        else:
            lines.append(f"             {d.reason}")
    return "\n".join(safe(line) for line in lines)


def check_output(inputs: Inputs, as_json: bool) -> Iterator[str]:
    """What `check` prints: the portfolio as JSON, or every warning then the summary."""
    if as_json:
        import json

        from reports.model import to_jsonable

        data = to_jsonable(inputs.portfolio)
        data["coverage"] = coverage_json(inputs.portfolio.coverage)
        yield json.dumps(data, indent=2, ensure_ascii=False)
        return
    for w in inputs.portfolio.warnings:
        yield safe(f"{w.source}: {w.message}")
    yield from check_summary(inputs)


def check_summary(inputs: Inputs) -> Iterator[str]:
    """`check`'s lines after the warnings: the portfolio, each entity's facts, coverage."""
    portfolio = inputs.portfolio
    yield safe(f"{portfolio.name}: {len(portfolio.entities)} entities from {len(portfolio.files)} files in "
               f"{inputs.folder}; {len(portfolio.warnings)} warning(s)")
    for e in portfolio.entities:
        counts = ", ".join(f"{len(getattr(e, k))} {k.replace('_', ' ')}" for k in
                           ("financials", "kpis", "pipeline", "risks", "actions", "stack", "channels")
                           if getattr(e, k))
        yield safe(f"  {e.label} [{e.kind}]: {counts or 'no facts'}")
    yield from coverage_lines(portfolio.coverage)


TOP_UNKNOWN = 10  # the most common headings not understood, named across the folder


def coverage_lines(coverage: Sequence[Any]) -> Iterator[str]:
    """Per file: blocks read as facts, kept as notes and not understood, unrated items, the
    headings not understood; then the most common of those headings across the folder."""
    if not coverage:
        return
    yield "Coverage (blocks read as facts / kept as notes / not understood):"
    for c in coverage:
        line = f"  {c.path}: {c.fact_blocks} facts, {c.note_blocks} notes, {c.unknown_blocks} not understood"
        if c.unrated:
            line += f"; {c.unrated} unrated (no severity or priority)"
        yield safe(line)
        for at, heading, hint in c.skipped:
            extra = f"; did you mean '{hint}'?" if hint else ""
            yield safe(f"    not understood: '{heading}' (line {at}){extra}")
    common = unknown_headings(coverage)
    if common:
        yield f"Most common headings not understood (top {TOP_UNKNOWN}):"
        for heading, count in common:
            yield safe(f"  {count:4}  {heading}")


def unknown_headings(coverage: Sequence[Any]) -> list[tuple[str, int]]:
    """The headings not understood across every file, most common first (as first written)."""
    from collections import Counter

    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for c in coverage:
        for _, heading, _ in c.skipped:
            key = " ".join(heading.lower().split())
            first.setdefault(key, heading)
            counts[key] += 1
    return [(first[k], n) for k, n in counts.most_common(TOP_UNKNOWN)]


def coverage_json(coverage: Sequence[Any]) -> dict[str, Any]:
    """`check --json`'s coverage: the same per-file counts and the most common unknown headings."""
    return {
        "files": [{"path": c.path, "facts": c.fact_blocks, "notes": c.note_blocks,
                   "not_understood": c.unknown_blocks, "unrated": c.unrated,
                   "headings_not_understood": [{"line": at, "heading": h, "did_you_mean": hint}
                                               for at, h, hint in c.skipped]} for c in coverage],
        "top_headings_not_understood": [{"heading": h, "count": n} for h, n in unknown_headings(coverage)],
    }


def preview_blocks(plan: Plan, as_json: bool) -> Iterator[str]:
    """What --dry-run prints: each message as previewed (what is sent), or one JSON line each."""
    for i, msg in enumerate(plan.messages):
        if as_json:
            import json

            yield json.dumps(msg.as_json(), ensure_ascii=False) + "\n"
            continue
        # A marker line, as `head` prints between files; the hash is what --expect-sha256 takes.
        yield ("\n" if i else "") + f"==> {msg.role} report, sha256 {msg.sha256} <==\n" + msg.preview()
