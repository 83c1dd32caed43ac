"""The header and footer every report shares."""

from __future__ import annotations

from datetime import date

from .model import Entity, Portfolio
from .text import ELLIPSIS, Report, clean, truncate

MAX_SOURCES = 40
MAX_WARNINGS = 40


def start(role: str, portfolio: Portfolio, as_of: date, tz: str) -> Report:
    """Begin a report with its title line and as-of date."""
    report = Report()
    report.title(f"{role} report \u2014 {portfolio.name}")
    report.para(f"As of {as_of.isoformat()} ({tz}). {len(portfolio.entities):,} entities, "
                f"{len(portfolio.files):,} handoff files.")
    return report


def finish(report: Report, portfolio: Portfolio) -> str:
    """Add the Sources footer and any Data warnings; return the text."""
    report.section("Sources")
    for src in portfolio.files[:MAX_SOURCES]:
        report.lines.append(f"  {src.sha256[:12]}  {truncate(clean(src.path), 62)}")
    if len(portfolio.files) > MAX_SOURCES:
        report.para(f"{ELLIPSIS} and {len(portfolio.files) - MAX_SOURCES:,} more", "  ")
    report.para(f"All inputs: sha256 {portfolio.inputs_sha256[:16]}", "  ")
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
