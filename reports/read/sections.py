"""Sections of one handoff -> facts and warnings: one reader per kind of section.

Each reader takes one block and returns what it found (`Found`): the facts it
read and the problems it met, as `(line, message)`. An item no reader could
read is kept as a note, so nothing is silently lost.
"""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from reports.model import (
    Action,
    Campaign,
    CapitalItem,
    Deal,
    Guardrail,
    Kpi,
    MonthFinancials,
    Note,
    Risk,
    Src,
    StackItem,
    Warning_,
)
from reports.read import values as v
from reports.read.markdown import Block, front_matter, markdown_blocks
from reports.read.tables import TABLE_READERS, Found, short

SECTIONS: dict[str, tuple[str, ...]] = {
    "financials": ("financials", "revenue", "p&l", "p & l", "monthly financials", "profit and loss",
                   "financial summary", "finances", "financial"),
    "expenses": ("expenses", "expense log", "costs"),
    "kpis": ("kpis", "kpi", "metrics", "key metrics"),
    "pipeline": ("pipeline", "deals", "revenue pipeline", "sales pipeline"),
    "risks": ("risks", "blockers", "issues", "known risks", "known issues", "caveats", "blocked",
              "open issues", "gotchas", "risks and blockers", "problems"),
    "actions": ("actions", "next steps", "timeline", "milestones", "roadmap", "todo", "to do", "to-do",
                "action items", "next actions", "what's next", "whats next", "what is next", "open items",
                "remaining", "remaining work", "pending", "backlog", "tasks", "follow-ups", "follow ups"),
    "stack": ("stack", "tech stack", "infrastructure"),
    "channels": ("channels", "marketing channels", "distribution"),
    "campaigns": ("campaigns", "email campaigns", "blasts"),
    "revenue_recognition": ("revenue recognition", "rev rec", "revrec"),
    "accounts": ("accounts", "chart of accounts"),
    "guardrails": ("guardrails", "financial guardrails"),
    "targets": ("targets", "revenue targets", "monthly revenue targets"),
    "capital_plan": ("capital deployment", "capital plan", "capital deployment framework"),
}
_HEADING_TO_SECTION = {h: key for key, names in SECTIONS.items() for h in names}
# Words inside a longer heading that say what it is about ("Known issues and caveats").
KEYWORDS: dict[str, tuple[str, ...]] = {
    "risks": ("known risks", "known issues", "open issues", "caveats", "blockers", "blocked", "risks",
              "gotchas"),
    "actions": ("next steps", "next actions", "what's next", "whats next", "what is next", "open items",
                "action items", "remaining", "pending", "backlog", "todo", "to do"),
    "kpis": ("metrics", "kpis"),
}
# Headings about the state of things: kept as notes, shown by `check`, never warned about.
STATUS_HEADINGS = ("status", "current state", "current status", "progress", "state", "summary", "overview",
                   "context", "background", "notes", "done", "completed", "what was done", "what's done",
                   "recent changes", "changelog", "decisions", "where things stand", "handoff", "handover")
PORTFOLIO_SECTIONS = ("guardrails", "targets", "capital_plan")
NOTES = "notes"  # a status heading: read as notes on purpose


def normalise_heading(text: str) -> str:
    """A heading as matched: lower case, without numbering, emoji, parentheticals, a
    "— qualifier" tail or punctuation. `6) Next Steps (Pick Up Here)` -> `next steps`."""
    s = text.strip().lower().replace("\u2019", "'")
    s = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", s)  # (all via CDN)
    s = re.sub(r"\s+[\u2014\u2013-]+\s+.*$|:\s.*$", "", s)  # "— qualifier", ": qualifier"
    s = re.sub(r"^[^a-z]*(?=[a-z])", "", s)  # 6) , 1. , emoji
    s = re.sub(r"[^a-z0-9&' -]+", " ", s).replace("'s ", "'s ").strip(" '-")
    s = s.replace("kpi's", "kpis")
    return " ".join(s.split())


def classify_heading(text: str) -> str | None:
    """The section key for a heading, `notes` for a status heading, or None when unknown."""
    s = normalise_heading(text)
    if s in _HEADING_TO_SECTION:
        return _HEADING_TO_SECTION[s]
    padded = f" {s} "
    for key, words in KEYWORDS.items():
        if any(f" {w} " in padded for w in words):
            return key
    if s in STATUS_HEADINGS or any(f" {w} " in padded for w in ("status", "progress", "current state")):
        return NOTES
    return None


def heading_suggestion(text: str) -> str | None:
    """For an unknown heading that looks like a misspelt known one (`Finacials`), the
    heading it was probably meant to be."""
    import difflib

    close = difflib.get_close_matches(normalise_heading(text), list(_HEADING_TO_SECTION), n=1, cutoff=0.8)
    return close[0].title() if close else None


_LEVEL_WORDS = {"critical": ("critical", "P0"), "urgent": ("critical", "P0"), "blocker": ("critical", "P0"),
                "high": ("high", "P1"), "medium": ("medium", "P2"), "normal": ("medium", "P2"),
                "low": ("low", "P3"), "later": ("low", "P3"), "nice to have": ("low", "P3"),
                "someday": ("low", "P3")}


def heading_level(text: str) -> tuple[str, str] | None:
    """(severity, priority) a `###` heading names: `High priority` -> (high, P1),
    `Later` -> (low, P3), `P2` -> (medium, P2); None for any other heading."""
    s = normalise_heading(text)
    s = re.sub(r"\b(priority|severity|risks?|items?|tasks?|issues?)\b", " ", s)
    s = " ".join(s.split())
    m = re.fullmatch(r"p([0-3])", s)
    if m:
        priority = f"P{m[1]}"
        return v.PRIORITY_TO_SEVERITY[priority], priority
    return _LEVEL_WORDS.get(s)


# Titles that name the kind of document, not the business it is about.
GENERIC_TITLES = frozenset((
    "status", "project status", "handoff", "handover", "hand off", "hand-off", "notes", "session notes",
    "readme", "todo", "to do", "project notes", "status report", "handoff notes", "handover notes",
    "session handoff", "agent handoff", "project handoff", "current status", "overview", "summary",
    "changelog", "progress", "progress report", "work log", "worklog", "next steps", "context",
))
_GENERIC_STEMS = frozenset(("handoff", "handover", "status", "readme", "notes", "todo", "index", "progress",
                            "context", "summary", "session", "session notes", "agents", "claude"))


def generic_title(title: str) -> bool:
    """True when a title names no more than the document type (`Project Status`)."""
    s = normalise_heading(title)
    return not s or s in GENERIC_TITLES or all(w in ("project", "status", "handoff", "handover", "notes",
                                                      "session", "report", "update", "the", "current")
                                                for w in s.split())


def name_from_path(path: str) -> str:
    """An entity name from a file path: its stem, or its folder when the stem is generic."""
    p = Path(path)
    stem = p.stem.replace("-", " ").replace("_", " ").strip()
    if stem.lower() in _GENERIC_STEMS or generic_title(stem):
        folder = p.parent.name.replace("-", " ").replace("_", " ").strip()
        if folder:
            return folder
    return stem or path


class Document(NamedTuple):
    """What one handoff file says, before entities are merged."""

    path: str
    is_portfolio: bool
    meta: dict[str, Any]
    name: str
    facts: dict[str, list[Any]]
    warnings: list[Warning_]
    named_by: str  # front matter | heading | file
    skipped: list[tuple[int, str, str | None]]  # headings not understood: (line, heading, did-you-mean)
    blocks: list[int]  # [blocks read as facts, blocks kept as notes], counted as they are read


class Context(NamedTuple):
    """What a reader knows besides its block: the report date and a `###` level heading."""

    as_of: date | None = None
    severity: str | None = None
    priority: str | None = None


def meta_text(meta: dict[str, Any], key: str) -> str:
    """A front-matter value as one line of text ("" when absent)."""
    val = meta.get(key)
    return "" if val is None else " ".join(str(val).split())


def parse_document(text: str, path: str, as_of: date | None = None) -> Document:
    """Read one handoff's text (already decoded) into a Document."""
    meta, body, problems = front_matter(text)
    warnings = [Warning_(Src(path, line), message) for line, message in problems]
    is_portfolio = meta_text(meta, "type").lower() == "portfolio"
    blocks = markdown_blocks(body)
    first = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    title = first.text if first is not None else ""
    name = meta_text(meta, "name" if is_portfolio else "entity") or meta_text(meta, "name")
    named_by = "front matter"
    if not name and title and not generic_title(title):
        name, named_by = title, "heading"
    if not name:
        name, named_by = name_from_path(path), "file"
    doc = Document(path, is_portfolio, meta, name, {}, warnings, named_by, [], [0, 0])
    for section in _sections(blocks, first):
        _read_section(doc, section, as_of)
    return doc


class Section(NamedTuple):
    """A run of blocks under one heading, and what kind of section that heading names."""

    heading: Block | None  # None: before any heading
    kind: str | None  # a SECTIONS key, NOTES, or None when not understood
    blocks: list[Block]


def _sections(blocks: list[Block], title: Block | None) -> list[Section]:
    """Group blocks into sections. `##` headings (and any `#` after the title) open one; a
    `###` inside a section belongs to it (a level heading, or a subheading), except that a
    `###` naming a known section inside one that is not opens that section until the next
    heading of its level or above."""
    out = [Section(None, NOTES, [])]
    parent: Section = out[0]
    for blk in blocks:
        if blk.kind != "heading":
            out[-1].blocks.append(blk)
            continue
        if blk is title:
            parent = Section(None, NOTES, [])
            out.append(parent)
            continue
        if blk.level <= 2:
            parent = Section(blk, classify_heading(blk.text), [])
            out.append(parent)
            continue
        kind = classify_heading(blk.text)
        if parent.kind in (None, NOTES) and kind not in (None, NOTES):
            out.append(Section(blk, kind, []))
        elif out[-1] is not parent and heading_level(blk.text) is None:
            out.append(Section(parent.heading, parent.kind, [blk]))  # back to the parent's kind
        else:
            out[-1].blocks.append(blk)
    return [sec for sec in out if sec.blocks or (sec.heading is not None and sec.heading.level <= 2)]


_EMPTY_ITEMS = frozenset(("none", "n/a", "na", "-", "\u2014", "\u2013", "nothing", "none yet", "none so far",
                          "none known", "nothing yet", "tbd", "no known issues", "no blockers", "nil"))


def _read_section(doc: Document, section: Section, as_of: date | None) -> None:
    """Read one section's blocks into the document's facts and warnings."""
    path, facts = doc.path, doc.facts
    heading = section.heading.text if section.heading is not None else ""
    kind = section.kind

    def warn(line: int, message: str, topic: str | None = None) -> None:
        doc.warnings.append(Warning_(Src(path, line), message, topic or kind))

    def note(line: int, text: str, tags: tuple[str, ...] | None = None) -> None:
        doc.blocks[1] += 1
        facts.setdefault("notes", []).append(
            Note(heading or "Overview", text, v.split_markers(text).tags if tags is None else tags,
                 Src(path, line)))

    if section.heading is not None and kind is None:
        hint = heading_suggestion(heading)
        doc.skipped.append((section.heading.line, heading, hint))
        if hint:
            warn(section.heading.line, f"heading '{heading}' is not a section the tool reads; did you mean "
                 f"'{hint}'? Its content is kept as notes", classify_heading(hint))
    if doc.is_portfolio and kind not in PORTFOLIO_SECTIONS:
        if any(b.kind not in ("para", "heading") for b in section.blocks):  # prose about the portfolio is fine
            warn(section.blocks[0].line, f"section '{heading or '(before any ## heading)'}' is not read in "
                 "the portfolio file (Guardrails, Targets and Capital deployment are); skipped")
        return
    if not doc.is_portfolio and kind in PORTFOLIO_SECTIONS:
        warn(section.blocks[0].line if section.blocks else 1, f"section '{heading}' is read only in the "
             "portfolio file (front matter `type: portfolio`); kept as notes")
        kind = None
    reader = _ITEM_READERS.get(kind or "")
    table_reader = TABLE_READERS.get(kind or "")
    ctx = Context(as_of)
    for blk in section.blocks:
        found: Found | None = None
        if blk.kind == "heading":
            level = heading_level(blk.text)
            if level is not None and reader is not None:
                ctx = Context(as_of, *level)
            else:
                note(blk.line, blk.text)
        elif blk.kind == "para" or (reader is None and table_reader is None and blk.kind != "table"):
            note(blk.line, blk.text)
        elif blk.kind == "item" and reader is not None:
            if blk.text and " ".join(blk.text.lower().split()).strip(" .") not in _EMPTY_ITEMS:
                found = reader(blk, Src(path, blk.line), ctx)
                if not found.facts:
                    note(blk.line, blk.text)  # unreadable (warned about if it looked like a try)
        elif blk.kind == "table" and table_reader is not None:
            found = table_reader(blk, path)
        elif blk.kind == "table":
            if kind not in (None, NOTES):
                warn(blk.line, f"{heading}: expected bullets, found a table; its rows are kept as notes")
            for line, cells in blk.rows:
                note(line, " | ".join(cells), ())
        elif blk.text:
            warn(blk.line, f"{heading}: expected a table, found a bullet; kept as a note")
            note(blk.line, blk.text)
        if found is not None and kind is not None:
            if found.facts:
                doc.blocks[0] += 1
                facts.setdefault(kind, []).extend(found.facts)
            for line, message in found.problems:
                warn(line, message)


_DASH_SPLIT = re.compile(r"\s+[-\u2013\u2014]+\s+|\s*[\u2013\u2014]\s*")


def _name_value(blk: Block, what: str, out: Found) -> tuple[str, str] | None:
    name, sep, rest = blk.text.partition(":")
    if not sep or not name.strip() or not rest.strip():
        out.warn(blk.line, f"{what}: expected `Name: value`, got '{short(blk.text)}'")
        return None
    return name.strip(), rest.strip()


_KPI = re.compile(r"^(?P<actual>.*?)\s*\(\s*target\s*:?\s*(?P<cmp><=|>=|\u2264|\u2265|<|>)?\s*(?P<target>[^)]*)\)\s*$", re.I)


# Values that are not figures: a version, a date or time, a ratio such as 24/24, a port.
_NOT_A_FIGURE = re.compile(r"^v?\d+(\.\d+){2,}\b|^\d{4}-\d{2}|^\d{1,2}:\d{2}|^\d+\s*/\s*\d+|^port\b|"
                           r"\bport\s+\d+|^#\d+|^[0-9a-f]{7,40}$", re.I)


def _read_kpi(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    if ":" not in blk.text and not any(c.isdigit() for c in blk.text):
        return out  # prose under a metrics heading: a note, not a failed KPI
    pair = _name_value(blk, "KPI", out)
    if pair is None:
        return out
    name, rest = pair
    m = _KPI.match(rest)
    actual_text, target_text, cmp = (m["actual"], m["target"], m["cmp"]) if m else (rest, "", None)
    if _NOT_A_FIGURE.search(actual_text.strip()):
        return out  # `Version: 1.4.3`, `Last run: 2026-03-04`, `Tests: 24/24`: kept as a note
    actual = v.parse_quantity(actual_text)
    if actual is None:
        out.warn(blk.line, f"KPI '{name}': cannot read the actual value '{short(actual_text)}'")
        return out
    target = None
    if target_text.strip():
        target = v.parse_quantity(target_text)
        if target is None:
            out.warn(blk.line, f"KPI '{name}': cannot read the target '{short(target_text)}'; kept without one")
    unit = actual.unit or (target.unit if target else "")
    out.add(Kpi(name, actual.value, target.value if target else None, unit,
                cmp in ("<=", "\u2264", "<"), src))
    return out


_CLOSE = re.compile(r"\(\s*close[sd]?\s*:?\s*(?P<date>[^)]*)\)\s*$", re.I)


def _read_deal(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    pair = _name_value(blk, "pipeline", out)
    if pair is None:
        return out
    name, rest = pair
    close = None
    m = _CLOSE.search(rest)
    if m:
        close = v.parse_date(m["date"])
        if close is None:
            out.warn(blk.line, f"deal '{name}': close date '{m['date'].strip()}' is not YYYY-MM-DD")
        rest = rest[: m.start()].strip()
    pieces = _DASH_SPLIT.split(rest, maxsplit=1)
    value_text, stage = pieces[0].strip(), (pieces[1].strip() if len(pieces) > 1 else "")
    value = v.parse_money(value_text)
    if value is None:
        out.warn(blk.line, f"deal '{name}': cannot read the value '{short(value_text)}'; kept without one")
    out.add(Deal(name, value, v.split_markers(stage).text.lower() or "unstaged", close, src,
                 v.is_monthly(value_text)))
    return out


def _read_risk(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    flags = v.read_flags(blk.text)
    _near_misses(flags, blk.line, out)
    if flags.done or blk.checked or blk.struck:
        return out  # resolved: kept as a note
    severity = flags.severity or (v.PRIORITY_TO_SEVERITY.get(flags.priority) if flags.priority else None)
    out.add(Risk(flags.text, severity or ctx.severity, flags.tags, src, flags.links))
    return out


def _near_misses(flags: v.Flags, line: int, out: Found) -> None:
    for written, meant in flags.near_misses:
        out.warn(line, f"'{written}' looks like a severity or priority marker; did you mean {meant}? "
                 "Read as a tag")


_LEADING_DATE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\s*[:\u2013\u2014-]\s*")


def _read_action(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    text = blk.text
    due: date | None = None
    m = _LEADING_DATE.match(text)
    if m:
        due, text = v.parse_date(m["date"]), text[m.end():]
        if due is None:
            out.warn(blk.line, f"action: '{m['date']}' is not a valid date from 1900 to 9000")
    found_due = v.find_due(text, ctx.as_of)
    if found_due is not None:
        if found_due.when is None:
            out.warn(blk.line, f"action: due date '{found_due.written}' is not a date it can read "
                     "(YYYY-MM-DD from 1900 to 9000, or a month name and day); kept without one")
        else:
            due = found_due.when
        text = found_due.rest
    flags = v.read_flags(text)
    _near_misses(flags, blk.line, out)
    priority = flags.priority or (v.SEVERITY_TO_PRIORITY.get(flags.severity) if flags.severity else None)
    done = bool(blk.checked) or flags.done or blk.struck
    out.add(Action(flags.text, priority or ctx.priority, flags.tags, due, done, src, flags.links))
    return out


_COST = re.compile(r"\((?P<cost>[^)]*)\)\s*$")


def _read_stack(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    pair = _name_value(blk, "stack", out)
    if pair is None:
        return out
    layer, tech = pair
    cost = None
    m = _COST.search(tech)
    if m and _COSTLY.search(m["cost"]):  # `(port 5433)`, `(all via CDN)` are not costs
        cost = Decimal(0) if m["cost"].strip().lower() == "free" else v.parse_money(m["cost"])
        if cost is None:
            out.warn(blk.line, f"stack '{layer}': cannot read the cost '{m['cost']}'")
        tech = tech[: m.start()].strip()
    out.add(StackItem(layer, tech, cost, src))
    return out


_COSTLY = re.compile(r"\$|/\s*mo|per month|monthly|\bfree\b|\bcheap\b|\bcost|\d\s*[kK]\b|^\s*\d[\d,.]*\s*$", re.I)
_MONEY_WORDS = {"revenue": ("revenue", "income", "sales", "rev"), "expenses": ("expenses", "expense", "costs",
                                                                              "cost", "spend", "opex")}


def _read_financial_bullet(blk: Block, src: Src, ctx: Context) -> Found:
    """`- 2026-10: revenue $4,800, expenses $3,100` (either figure may be missing)."""
    out = Found()
    head, sep, rest = blk.text.partition(":")
    month = v.parse_month(head) if sep else None
    if month is None:
        if not any(c.isdigit() for c in blk.text):
            return out  # prose about the financials: a note
        out.warn(blk.line, f"financials: expected `YYYY-MM: revenue $X, expenses $Y`, got '{short(blk.text)}'")
        return out
    figures: dict[str, Decimal | None] = {"revenue": None, "expenses": None}
    for part in re.split(r";|,\s+(?=[A-Za-z])", rest):  # not the comma inside $4,800
        words = part.strip().split(None, 1)
        key = next((k for k, names in _MONEY_WORDS.items() if words and words[0].lower().strip(":") in names),
                   None)
        if key is None or len(words) < 2:
            continue
        figures[key] = v.parse_money(words[1])
        if figures[key] is None:
            out.warn(blk.line, f"financials {month}: cannot read {key} '{short(words[1])}'")
    if figures["revenue"] is None and figures["expenses"] is None:
        if not out.problems:
            out.warn(blk.line, f"financials {month}: no revenue or expenses amount in '{short(rest.strip())}'")
        return out
    out.add(MonthFinancials(month, figures["revenue"], figures["expenses"], src))
    return out


_CAMPAIGN = re.compile(r"^(?P<date>\S+)\s*:\s*(?P<name>.*?)\s*(?:\(\s*list\s*:\s*(?P<list>[^)]*)\))?\s*$", re.I)


def _read_campaign(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    m = _CAMPAIGN.match(blk.text)
    when = v.parse_date(m["date"]) if m else None
    if m is None or when is None:
        out.warn(blk.line, f"campaign: expected `YYYY-MM-DD: name (list: L)`, got '{short(blk.text)}'")
        return out
    out.add(Campaign(when, m["name"], (m["list"] or "").strip(), src))
    return out


def _read_revrec(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    mk = v.split_markers(blk.text)
    out.add(Note("Revenue recognition", mk.text, mk.tags, src))
    return out


_LIMIT = re.compile(r"^(?P<cmp><=|>=|\u2264|\u2265|<|>|max(?:imum)?|min(?:imum)?|at most|at least)?\s*(?P<value>.+)$", re.I)
_FLOOR_WORDS = ("runway", "cash", "minimum", "min ", "floor", "reserve", "margin")


def _read_guardrail(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    pair = _name_value(blk, "guardrail", out)
    if pair is None:
        return out
    name, rest = pair
    explicit = None
    em = _MEASURE.search(rest)
    if em:
        explicit, rest = em["measure"], (rest[: em.start()] + rest[em.end():]).strip()
    m = _LIMIT.match(rest)
    assert m is not None  # the pattern matches any non-empty text
    qty = v.parse_quantity(m["value"])
    if qty is None:
        out.warn(blk.line, f"guardrail '{name}': cannot read the limit '{short(rest)}'")
        return out
    cmp = (m["cmp"] or "").lower()
    if cmp in (">=", "\u2265", ">", "min", "minimum", "at least"):
        comparison = ">="
    elif cmp:
        comparison = "<="
    else:
        comparison = ">=" if any(w in name.lower() for w in _FLOOR_WORDS) else "<="
    from reports.read.measures import resolve_measure

    measure, problem = resolve_measure(name, explicit)
    if problem:
        out.warn(blk.line, f"guardrail '{name}': {problem}; it is shown as NOT EVALUATED")
    out.add(Guardrail(name, qty.value, qty.unit, comparison, src, measure, problem))
    return out


_MEASURE = re.compile(r"\(\s*measure\s*:\s*(?P<measure>[A-Za-z0-9 -]+?)\s*\)")


_TIERS = {"zero-cost": "zero-cost", "low-cost": "low-cost", "revenue": "revenue",
          "revenue-producing": "revenue"}


def _read_capital(blk: Block, src: Src, ctx: Context) -> Found:
    out = Found()
    mk = v.split_markers(blk.text)
    tier = next((_TIERS[t] for t in mk.tags if t in _TIERS), None)
    if tier is None:
        out.warn(blk.line, "capital item has no [zero-cost], [low-cost] or [revenue] tag; filed as low-cost")
        tier = "low-cost"
    text, cost = mk.text, None
    m = _COST.search(text)
    if m:
        cost = v.parse_money(m["cost"])
        if cost is not None:
            text = text[: m.start()].strip()
    monthly = m is not None and cost is not None and v.is_monthly(m["cost"])
    out.add(CapitalItem(text, tier, cost, src, monthly))
    return out


_ITEM_READERS: dict[str, Callable[[Block, Src, Context], Found]] = {
    "financials": _read_financial_bullet,
    "kpis": _read_kpi,
    "pipeline": _read_deal,
    "risks": _read_risk,
    "actions": _read_action,
    "stack": _read_stack,
    "campaigns": _read_campaign,
    "revenue_recognition": _read_revrec,
    "guardrails": _read_guardrail,
    "capital_plan": _read_capital,
}
