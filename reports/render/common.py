"""What every report shares: its header and footer, its section context, and citing facts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from reports.figures.agenda import unrated
from reports.figures.months import Totals
from reports.figures.shared import Figures, figures
from reports.model import Action, Entity, Portfolio, Risk, Src, Warning_
from reports.patterns import compiled
from reports.record import NamedTuple
from reports.render.changes import Changes
from reports.render.text import ELLIPSIS, Report, clean, truncate

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


def cite_cash(report: Report, portfolio: Portfolio) -> None:
    """Cite the portfolio file for cash on hand, and the `fx:` rate it was converted at, if any."""
    cite_portfolio_file(report, portfolio)
    if portfolio.cash_currency and portfolio.cash_rate is not None:
        report.rates.add((portfolio.cash_currency, portfolio.cash_rate))


# The sections whose warnings each report lists: what it shows, or would have shown.
ROLE_TOPICS: dict[str, frozenset[str]] = {
    "ceo": frozenset(("financials", "kpis", "pipeline", "risks", "actions", "guardrails", "portfolio")),
    "cto": frozenset(("stack", "risks", "actions", "financials")),
    "accounting": frozenset(("revenue_recognition", "accounts", "expenses", "financials", "targets",
                             "guardrails", "portfolio", "risks", "actions")),
    "cmo": frozenset(("channels", "campaigns", "risks", "actions")),
    "cfo": frozenset(("financials", "guardrails", "targets", "capital_plan", "expenses", "channels", "stack",
                      "portfolio", "risks", "actions")),
}
# Risks and actions reach a report by what each one says: their warnings go only to the
# reports that show something from the same file.
ROUTED_TOPICS = frozenset(("risks", "actions"))
_SKIPPED = compiled(r";\s*(?:file |its files were )?skipped$")


def finish(report: Report, portfolio: Portfolio) -> str:
    """Add the Sources footer (the files cited, by name: their hashes are in the audit
    log's inputs manifest) and the warnings about what this report shows; return the text."""
    report.section("Sources")
    facts: list[tuple[Any, ...]] = [(*e.financials, *e.expenses, *e.accounts, *e.pipeline, *e.stack, *e.channels)
                                     for e in portfolio.entities]
    money: list[Any] = [f for fs in (*facts, portfolio.capital_plan, portfolio.guardrails, portfolio.targets)
                        for f in fs if f.rate is not None]
    # each converted at an `fx:` rate: cited when its file is
    rates = sorted({(f.currency or "", f.rate) for f in money if f.source.path in report.cited} | report.rates)
    if rates:  # amounts converted by portfolio.md's `fx:`: its rates are a source too
        report.cite(Src(p, 1) for p in portfolio.portfolio_files)
    cited = [s for s in portfolio.files if s.path in report.cited]
    if not cited:
        report.para("No handoff facts are shown in this report.", "  ")
    for src in cited[:MAX_SOURCES]:
        report.lines.append(f"  {truncate(clean(src.path), 74)}")
    if len(cited) > MAX_SOURCES:
        report.para(f"{ELLIPSIS} and {len(cited) - MAX_SOURCES:,} more", "  ")
    if rates:
        report.para("Converted at the fx rates in the portfolio file: " + "; ".join(
            f"1 {code} = {rate.normalize():f} {portfolio.currency}" for code, rate in rates if rate is not None) + ".", "  ")
    skipped = skipped_files(portfolio)
    mine = body_warnings(report, portfolio)
    if skipped or mine:
        report.section(f"Data warnings ({len(skipped) + len(mine):,})")
        for line in skipped:
            report.bullet(line)
        for w in mine[:MAX_WARNINGS]:
            report.bullet(f"{w.source}: {w.message}")
        if len(mine) > MAX_WARNINGS:
            report.para(f"{ELLIPSIS} and {len(mine) - MAX_WARNINGS:,} more: `send-exec-reports check` lists "
                        "every warning with its file and line.", "  ")
    return report.text()


def body_warnings(report: Report, portfolio: Portfolio) -> list[Warning_]:
    """The warnings about what this report shows: those of its sections (risks and actions:
    only from files it cites). No count of the others: a warning elsewhere must not change
    this body (stderr and `check` give every one)."""
    topics = ROLE_TOPICS.get(report.role, frozenset())
    return [w for w in portfolio.warnings
            if w.topic in topics and (w.topic not in ROUTED_TOPICS or w.source.path in report.cited)]


def skipped_files(portfolio: Portfolio) -> list[str]:
    """A line per file (or folder) that could not be read at all, for every report: its
    facts are missing from every total and list ("left out of every total: cafe.md, not UTF-8")."""
    read = set(portfolio.portfolio_files) | {p for e in portfolio.entities for p in e.sources}
    lines: dict[str, str] = {}
    for w in portfolio.warnings:
        if w.topic is None and w.source.path not in read and w.source.path not in lines:
            lines[w.source.path] = f"left out of every total: {w.source.path}, {_SKIPPED.sub('', w.message)}"
    return list(lines.values())


UNRATED_SHOWN = 20  # unrated items named, each entity's first before any entity's second
NAMES_PER_LINE = 10
NAMES_SHOWN = 100  # entity names listed in a summary line; more: `check` lists them
COUNTED = 30  # entities a per-entity count names
CHECK = "`send-exec-reports check --json` lists every risk and action"


def unrated_section(report: Report, items: Sequence[tuple[Entity, Risk | Action]],
                    limit: int = UNRATED_SHOWN) -> None:
    """Open risks with no severity and actions with no priority, marked unrated, per entity
    in turn; the rest counted per entity (no section when there are none, so a fully rated
    portfolio reads as before)."""
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

    report.bullets(items[:limit], limit, line)
    more_line(report, list(items[limit:]))


def unrated_items(ctx: Context) -> None:
    """The section of unrated risks and actions, when there are any."""
    unrated_section(ctx.report, unrated(ctx.portfolio.entities))


def per_entity(counts: Sequence[tuple[Entity, int]], limit: int = COUNTED) -> str:
    """`Acme (AC) 3, Beta 2` for the entities with a count, at most `limit` of them."""
    shown = "; ".join(f"{who(e)} {n:,}" for e, n in counts[:limit])
    return shown + (f"; {ELLIPSIS} and {len(counts) - limit:,} more entities" if len(counts) > limit else "")


def tally(items: Sequence[tuple[Entity, object]]) -> list[tuple[Entity, int]]:
    """How many of `items` each entity has, by entity name."""
    order: list[Entity] = []
    counts: dict[int, int] = {}
    for e, _ in items:
        if id(e) not in counts:
            order.append(e)
            counts[id(e)] = 0
        counts[id(e)] += 1
    return [(e, counts[id(e)]) for e in sorted(order, key=lambda e: e.name.casefold())]


def more_line(report: Report, hidden: Sequence[tuple[Entity, Risk | Action]]) -> None:
    """`… and N more (Acme 3; Beta 2): check lists them`, citing what is counted."""
    if hidden:
        report.cite(x for _, x in hidden)
        report.para(f"{ELLIPSIS} and {len(hidden):,} more ({per_entity(tally(hidden))}); {CHECK}.", "  ")


def name_lines(names: Sequence[str]) -> list[str]:
    """Names in lines of ten, up to NAMES_SHOWN of them; more: where to find them."""
    if len(names) > NAMES_SHOWN:
        return ["`send-exec-reports check --json` lists them."]
    return [", ".join(names[i:i + NAMES_PER_LINE]) + ("." if i + NAMES_PER_LINE >= len(names) else ",")
            for i in range(0, len(names), NAMES_PER_LINE)]


def left_out_lines(totals: Totals | None) -> list[str]:
    """What the portfolio totals leave out, and why: never a silent $0 month."""
    if totals is None:
        return []
    out = []
    if totals.incomplete:
        shown = "; ".join(f"{m} ({_why(names, totals.blank.get(m, ()))})"
                          for m, names in sorted(totals.incomplete.items())[-4:])
        out.append(f"Left out of the totals as incomplete: {shown}.")
    aside = sorted((m, what) for m, whats in totals.blank.items() if m not in totals.incomplete for what in whats)
    if aside:
        out.append(f"Left out, {_left(w for _, w in aside)}: " + "; ".join(f"{what} for {m}" for m, what in aside[-4:])
                   + ".")
    if totals.partial is not None:
        out.append(f"{totals.partial} is not over: left out of the totals, trends and sparklines (partial month).")
    if len(totals.left_out) > NAMES_PER_LINE:
        out.append(f"No financials from {len(totals.left_out):,} operating entities: not in the totals "
                   "(`send-exec-reports check --json` names them).")
    elif totals.left_out:
        out.append(f"No financials from {', '.join(totals.left_out)}: not in the totals.")
    return out


def _why(missing: Sequence[str], blank: Sequence[str]) -> str:
    """`missing Beta; Alpha's revenue blank or unreadable`."""
    parts = [f"missing {', '.join(missing)}"] if missing else []
    if blank:
        parts.append(f"{', '.join(blank)} {_left(blank)}")
    return "; ".join(parts)


def _left(whats: Iterable[str]) -> str:
    """Why figures were left out: blank or unreadable, or in a currency with no fx rate."""
    foreign = ["(no fx rate)" in w for w in whats]
    return "not in the reporting currency" if all(foreign) else \
        "blank, unreadable or in another currency" if any(foreign) else "blank or unreadable"


def who(entity: Entity) -> str:
    """How a line names its entity."""
    return entity.label
