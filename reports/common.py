"""The header and footer every report shares, and citing the facts a report shows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from .model import Action, Entity, Portfolio, Risk, Src
from .text import ELLIPSIS, Report, clean, truncate

MAX_SOURCES = 40
MAX_WARNINGS = 40


def start(role: str, portfolio: Portfolio, as_of: date, tz: str) -> Report:
    """Begin a report with its title line and as-of date."""
    report = Report()
    report.title(f"{role} report \u2014 {portfolio.name}")
    report.para(f"As of {as_of.isoformat()} ({tz}).")
    return report


def cite_financials(report: Report, entities: Iterable[Entity]) -> None:
    """Cite the files of every entity's monthly financials (portfolio totals use them all)."""
    report.cite_lists(e.financials for e in entities)


def cite_portfolio_file(report: Report, portfolio: Portfolio) -> None:
    """Cite the portfolio file(s): cash on hand, horizon."""
    report.cite(Src(p, 1) for p in portfolio.portfolio_files)


def finish(report: Report, portfolio: Portfolio) -> str:
    """Add the Sources footer (the files cited) and any Data warnings; return the text."""
    report.section("Sources")
    cited = [s for s in portfolio.files if s.path in report.cited]
    if not cited:
        report.para("No handoff facts are shown in this report.", "  ")
    for src in cited[:MAX_SOURCES]:
        report.lines.append(f"  {src.sha256[:12]}  {truncate(clean(src.path), 62)}")
    if len(cited) > MAX_SOURCES:
        report.para(f"{ELLIPSIS} and {len(cited) - MAX_SOURCES:,} more", "  ")
    if portfolio.warnings:
        report.section(f"Data warnings ({len(portfolio.warnings):,})")
        for w in portfolio.warnings[:MAX_WARNINGS]:
            report.bullet(f"{w.source}: {w.message}")
        if len(portfolio.warnings) > MAX_WARNINGS:
            report.para(f"{ELLIPSIS} and {len(portfolio.warnings) - MAX_WARNINGS:,} more: run "
                        "`send-exec-reports check` to list them all.", "  ")
    return report.text()


def unrated_section(report: Report, items: Sequence[tuple[Entity, Risk | Action]], limit: int = 10) -> None:
    """Open risks with no severity and actions with no priority, marked unrated (no section
    when there are none, so a fully rated portfolio reads as before)."""
    if not items:
        return
    report.section(f"Unrated risks and actions ({len(items):,})")
    report.para("Written without a severity or priority; rate them in the handoffs to place them.", "  ")

    def line(t: tuple[Entity, Risk | Action]) -> str:
        e, item = t
        if isinstance(item, Risk):
            return f"[unrated risk] {who(e)}: {item.text}"
        due = f" (due {item.due.isoformat()})" if item.due else ""
        return f"[unrated action] {who(e)}: {item.text}{due}"

    report.bullets(items, limit, line)


def who(entity: Entity) -> str:
    """How a line names its entity."""
    return entity.label
