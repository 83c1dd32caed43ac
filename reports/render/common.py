"""What every report shares: its header and footer, its section context, and citing facts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import NamedTuple

from reports.figures.agenda import unrated
from reports.figures.cash import CASH_OUT_HORIZON, Runway
from reports.figures.changes import Changes
from reports.figures.months import Totals
from reports.figures.shared import Figures, figures
from reports.model import Action, Entity, Portfolio, Risk, Src
from reports.render.text import ELLIPSIS, Report, clean, money, months, truncate

MAX_SOURCES = 40
MAX_WARNINGS = 40


class Context(NamedTuple):
    """What a report's sections read, and the report they write into."""

    report: Report
    portfolio: Portfolio
    as_of: date
    shared: Figures


Section = Callable[[Context], None]


def write(role: str, sections: Sequence[Section], portfolio: Portfolio, as_of: date, tz: str,
          shared: Figures | None, changes: Changes | None) -> str:
    """Write a report: its header, each section in order, then its sources and warnings."""
    report = start(role, portfolio, as_of, tz, changes)
    context = Context(report, portfolio, as_of, shared or figures(portfolio, as_of))
    for section in sections:
        section(context)
    return finish(report, portfolio)


def start(role: str, portfolio: Portfolio, as_of: date, tz: str, changes: Changes | None = None) -> Report:
    """Begin a report with its title line, its as-of date and what changed since the last one."""
    report = Report(role.lower())
    report.title(f"{role} report \u2014 {portfolio.name}")
    report.para(f"As of {as_of.isoformat()} ({tz}).")
    if changes is not None:
        report.section(changes.title)
        if len(changes.lines) == 1 and not changes.lines[0].endswith("."):
            report.para(changes.lines[0], "  ")
        else:
            for line in changes.lines:
                report.bullet(line)
    return report


def cite_financials(report: Report, entities: Iterable[Entity]) -> None:
    """Cite the files of every entity's monthly financials (portfolio totals use them all)."""
    report.cite_lists(e.financials for e in entities)


def cite_portfolio_file(report: Report, portfolio: Portfolio) -> None:
    """Cite the portfolio file(s): cash on hand, horizon."""
    report.cite(Src(p, 1) for p in portfolio.portfolio_files)


# The sections whose warnings each report lists: what it shows, or would have shown.
ROLE_TOPICS: dict[str, frozenset[str]] = {
    "ceo": frozenset(("financials", "kpis", "pipeline", "risks", "actions", "guardrails", "portfolio")),
    "cto": frozenset(("stack", "risks", "actions", "financials")),
    "accounting": frozenset(("revenue_recognition", "accounts", "expenses", "financials", "targets",
                             "guardrails", "portfolio")),
    "cmo": frozenset(("channels", "campaigns", "actions")),
    "cfo": frozenset(("financials", "guardrails", "targets", "capital_plan", "expenses", "channels", "stack",
                      "portfolio")),
}


def finish(report: Report, portfolio: Portfolio) -> str:
    """Add the Sources footer (the files cited, by name: their hashes are in the audit
    log's inputs manifest) and the warnings about what this report shows; return the text."""
    report.section("Sources")
    cited = [s for s in portfolio.files if s.path in report.cited]
    if not cited:
        report.para("No handoff facts are shown in this report.", "  ")
    for src in cited[:MAX_SOURCES]:
        report.lines.append(f"  {truncate(clean(src.path), 74)}")
    if len(cited) > MAX_SOURCES:
        report.para(f"{ELLIPSIS} and {len(cited) - MAX_SOURCES:,} more", "  ")
    topics = ROLE_TOPICS.get(report.role, frozenset())
    mine = [w for w in portfolio.warnings if w.topic in topics]
    others = len(portfolio.warnings) - len(mine)
    if mine:
        report.section(f"Data warnings ({len(mine):,})")
        for w in mine[:MAX_WARNINGS]:
            report.bullet(f"{w.source}: {w.message}")
        if len(mine) > MAX_WARNINGS:
            report.para(f"{ELLIPSIS} and {len(mine) - MAX_WARNINGS:,} more.", "  ")
    if others or len(mine) > MAX_WARNINGS:
        report.blank()
        report.para(f"{others:,} other handoff warning(s) about what this report does not show; "
                    "`send-exec-reports check` lists every warning with its file and line.", "  ")
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


def unrated_items(ctx: Context) -> None:
    """The section of unrated risks and actions, when there are any."""
    unrated_section(ctx.report, unrated(ctx.portfolio.entities))


def left_out_lines(totals: Totals | None) -> list[str]:
    """What the portfolio totals leave out, and why: never a silent $0 month."""
    if totals is None:
        return []
    out = []
    if totals.incomplete:
        shown = "; ".join(f"{m} (missing {', '.join(names)})" for m, names in sorted(totals.incomplete.items())[-4:])
        out.append(f"Left out of the totals as incomplete: {shown}.")
    if totals.partial is not None:
        out.append(f"{totals.partial.month} is not over: left out of the totals (partial month).")
    if totals.left_out:
        out.append(f"No financials from {', '.join(totals.left_out)}: not in the totals.")
    return out


def runway_lines(way: Runway) -> list[str]:
    """Each runway with its basis (docs/reports.md)."""
    lines = []
    if way.trailing is not None:
        lines.append(f"Trailing: {months(way.trailing)} \u2014 cash {money(way.cash)} \u00f7 the average net "
                     f"burn of {way.trailing_window}.")
    if way.latest is not None:
        lines.append(f"Latest month: {months(way.latest)} \u2014 cash \u00f7 the net burn of {way.latest_month}.")
    if way.cash_out is not None:
        lines.append(f"Projected cash-out: {way.cash_out}, {way.months_to_cash_out} month(s) after the cash "
                     "date (revenue growing at its trailing rate, expenses at their 3-month average).")
    elif way.cash is not None and way.cash_month is not None:
        lines.append(f"Projected cash-out: none within {CASH_OUT_HORIZON} months of the last actual month.")
    if way.floor is not None:
        if way.floor_month is not None:
            lines.append(f"Reserve floor {money(way.floor)}: reached in {way.floor_month}, "
                         f"{way.months_to_floor} month(s) after the cash date.")
        else:
            lines.append(f"Reserve floor {money(way.floor)}: not reached within the projection.")
    lines.append(f"Cash {money(way.cash)} as of {way.cash_month or 'an unknown date'} ({way.cash_basis}).")
    return lines


def who(entity: Entity) -> str:
    """How a line names its entity."""
    return entity.label
