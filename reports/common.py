"""The header and footer every report shares, and citing the facts a report shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .model import Entity, Portfolio, Src
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


def who(entity: Entity) -> str:
    """How a line names its entity."""
    return entity.label
