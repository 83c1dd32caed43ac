"""Read a folder of markdown handoff files into one Portfolio, leniently.

Nothing here raises on bad input: whatever cannot be read becomes a warning
that names `path:line`, and the rest of the file is still read.
"""

from __future__ import annotations

import hashlib
import os
import re
from bisect import bisect_left
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pyromark

from . import values as v
from .model import (
    Account,
    Action,
    Campaign,
    CapitalItem,
    Channel,
    Deal,
    Entity,
    Expense,
    Guardrail,
    Kpi,
    MonthFinancials,
    Note,
    Portfolio,
    Risk,
    Source,
    StackItem,
    Target,
    Warning_,
)
from .progress import TRACE, logger

log = logger(__name__)
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
KINDS = ("operating", "ancillary")
OTA_NAMES = (
    "sailo", "getmyboat", "viator", "getyourguide", "gyg", "airbnb", "vrbo",
    "booking.com", "expedia", "tripadvisor", "boatsetter", "klook",
)

SECTIONS: dict[str, tuple[str, ...]] = {
    "financials": ("financials", "revenue", "p&l", "p & l", "monthly financials", "profit and loss"),
    "expenses": ("expenses", "expense log", "costs"),
    "kpis": ("kpis", "kpi", "metrics", "key metrics"),
    "pipeline": ("pipeline", "deals", "revenue pipeline"),
    "risks": ("risks", "blockers", "issues"),
    "actions": ("actions", "next steps", "timeline", "milestones", "roadmap", "todo", "to do", "to-do"),
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
PORTFOLIO_SECTIONS = ("guardrails", "targets", "capital_plan")


def classify_heading(text: str) -> str | None:
    """Return the section key for a `##` heading, or None for an unknown one."""
    s = re.sub(r"^[\W\d_]*(?=[A-Za-z])", "", text.strip().lower())  # "1. ", emoji
    s = " ".join(s.rstrip(" :.").split())
    return _HEADING_TO_SECTION.get(s)


# --------------------------------------------------------------------------
# Markdown -> blocks (headings, list items, tables, paragraphs) with lines


class Block:
    """A heading, list item, table or paragraph, with the line it starts on."""

    __slots__ = ("kind", "line", "text", "level", "checked", "header", "rows")

    def __init__(self, kind: str, line: int, level: int = 0) -> None:
        self.kind = kind  # heading | item | table | para
        self.line = line
        self.text = ""
        self.level = level
        self.checked: bool | None = None
        self.header: list[str] = []
        self.rows: list[tuple[int, list[str]]] = []


_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_TASKLISTS
_TEXT_EVENTS = ("Text", "Code", "InlineHtml", "Html", "InlineMath", "DisplayMath", "FootnoteReference")


def markdown_blocks(text: str) -> list[Block]:
    """Parse CommonMark (with tables and task lists) into a flat list of blocks."""
    data = text.encode()
    newlines = [m.start() for m in re.finditer(b"\n", data)]

    def line_of(pos: int) -> int:
        return bisect_left(newlines, pos) + 1

    blocks: list[Block] = []
    parts: list[list[str]] = []  # text buffers, innermost last
    owners: list[Block | None] = []
    table: Block | None = None
    row: list[str] | None = None
    event: Any
    # The hot loop of parsing: the commonest events (text, start, end) are tested first.
    for event, span in pyromark.events_with_range(text, options=_OPTIONS, merge_text=True):
        if event.__class__ is str:
            if parts and event in ("SoftBreak", "HardBreak"):
                parts[-1].append(" ")
            continue
        payload = event.get("Text")
        if payload is not None:
            if parts:
                parts[-1].append(payload)
            continue
        start = event.get("Start")
        if start is not None:
            tag = start if start.__class__ is str else next(iter(start))
            if tag == "Item":
                blk = Block("item", line_of(span["start"]))
                blocks.append(blk)
                if owners and owners[-1] is not None and owners[-1].kind == "item":
                    owners[-1].text = _clean("".join(parts[-1]))
                    parts[-1] = []
                parts.append([])
                owners.append(blk)
            elif tag == "TableCell":
                parts.append([])
                owners.append(None)
            elif tag == "TableRow":
                row = []
                if table is not None:
                    table.rows.append((line_of(span["start"]), row))
            elif tag in ("Paragraph", "CodeBlock"):
                if not (owners and owners[-1] is not None):
                    blk = Block("para", line_of(span["start"]))
                    blocks.append(blk)
                    parts.append([])
                    owners.append(blk)
            elif tag == "Heading":
                blk = Block("heading", line_of(span["start"]), level=int(str(start["Heading"]["level"])[1:]))
                blocks.append(blk)
                parts.append([])
                owners.append(blk)
            elif tag == "Table":
                table, row = Block("table", line_of(span["start"])), None
                blocks.append(table)
            continue
        end = event.get("End")
        if end is not None:
            tag = end if end.__class__ is str else next(iter(end))
            if tag == "TableCell":
                owners.pop()
                cell = _clean("".join(parts.pop()))
                if table is not None and row is None:
                    table.header.append(cell)
                elif row is not None:
                    row.append(cell)
            elif tag in ("Heading", "Item") or (
                tag in ("Paragraph", "CodeBlock") and owners and owners[-1] is not None
                and owners[-1].kind == "para"
            ):
                if owners:
                    owner = owners.pop()
                    chunk = _clean("".join(parts.pop()))
                    if owner is not None and chunk:
                        owner.text = f"{owner.text} {chunk}".strip() if owner.text else chunk
            elif tag in ("TableHead", "TableRow"):
                row = None
            elif tag == "Table":
                table, row = None, None
            continue
        kind, payload = next(iter(event.items()))
        if kind == "TaskListMarker":
            if owners and owners[-1] is not None:
                owners[-1].checked = bool(payload)
        elif kind in _TEXT_EVENTS and parts:
            parts[-1].append(str(payload))
    return [b for b in blocks if b.kind == "table" or b.text or b.kind == "item"]


def _clean(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------
# One file -> a document (front matter + sections)


class Document(NamedTuple):
    """What one handoff file says, before entities are merged."""

    path: str
    is_portfolio: bool
    meta: dict[str, Any]
    name: str
    facts: dict[str, list[Any]]
    warnings: list[Warning_]


def _front_matter(text: str, warn: Callable[[int, str], None]) -> tuple[dict[str, Any], str]:
    """Split YAML front matter off `text`, blanking its lines so line numbers hold."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, text
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        warn(1, "front matter opened with '---' is never closed; read as markdown")
        return {}, text
    raw = "\n".join(lines[1:end])
    body = "\n" * end + "\n".join(lines[end:]).removeprefix(lines[end])
    if len(raw) > MAX_FRONT_MATTER_BYTES:
        warn(1, "front matter is over 64 KB; ignored")
        return {}, body
    simple = simple_front_matter(raw)
    if simple is not None:
        return simple, body
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        meta = yaml.load(raw, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        warn(line, f"front matter: {problem}; the body is still read")
        return {}, body
    except RecursionError:
        warn(1, "front matter is nested too deeply; ignored")
        return {}, body
    except (ValueError, OverflowError) as exc:  # PyYAML's date constructor: 2026-02-30
        warn(1, f"front matter: {exc}; ignored")
        return {}, body
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        warn(2, "front matter is not a set of `key: value` lines; ignored")
        return {}, body
    return {str(k).strip().lower(): val for k, val in meta.items()}, body


_SIMPLE_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*$")
_YAML_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@`<=")
_YAML_WORDS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF "
                        "null Null NULL ~ y Y n N".split())
_INT = re.compile(r"^(?:0|[1-9][0-9]*)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def simple_front_matter(raw: str) -> dict[str, Any] | None:
    """Read front matter made only of `key: plain value` lines without a YAML parser,
    giving exactly what PyYAML's safe loader would (str, int or date); None for anything
    else, which then goes to PyYAML. Most handoffs look like this, and importing PyYAML
    (its resolvers compile dozens of patterns) is a tenth of a preview's start-up."""
    meta: dict[str, Any] = {}
    for line in raw.split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        m = _SIMPLE_LINE.match(line)
        if m is None:
            return None
        value = m[2] or ""
        if not value:
            meta[m[1].strip().lower()] = None
            continue
        if (value[0] in _YAML_INDICATORS or value in _YAML_WORDS or ":" in value or "#" in value
                or "\t" in value or value.startswith("- ") or value == "-" or not value.isprintable()):
            return None
        if value[0] in "-+.0123456789" and " " not in value:
            if _INT.match(value):
                meta[m[1].lower()] = int(value)
                continue
            if _DATE.match(value):
                try:
                    meta[m[1].lower()] = date.fromisoformat(value)
                except ValueError:
                    return None
                continue
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", value):
                return None  # numbers in YAML's other forms (0x1F, 1_000, 1.5, .inf)
        meta[m[1].lower()] = value
    return meta


def _meta_text(meta: dict[str, Any], key: str) -> str:
    val = meta.get(key)
    return "" if val is None else " ".join(str(val).split())


def parse_document(text: str, path: str) -> Document:
    """Read one handoff's text (already decoded) into a Document."""
    warnings: list[Warning_] = []

    def warn(line: int, message: str) -> None:
        warnings.append(Warning_(f"{path}:{line}", message))

    meta, body = _front_matter(text, warn)
    is_portfolio = _meta_text(meta, "type").lower() == "portfolio"
    blocks = markdown_blocks(body)
    facts: dict[str, list[Any]] = {}
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), "")
    name = _meta_text(meta, "name" if is_portfolio else "entity") or _meta_text(meta, "name") or title
    if not name:
        name = Path(path).stem.replace("-", " ").replace("_", " ").strip() or path

    section: str | None = None
    heading = ""
    pending: list[Block] = []

    def flush() -> None:
        if pending or section is not None:
            _read_section(section, heading, pending, path, is_portfolio, facts, warn)
        pending.clear()

    for blk in blocks:
        if blk.kind == "heading" and blk.level <= 2:
            flush()
            if blk.level == 1:
                section, heading = None, ""
            else:
                section, heading = classify_heading(blk.text), blk.text
                if section is None:
                    heading = blk.text
        else:
            pending.append(blk)
    flush()
    return Document(path, is_portfolio, meta, name, facts, warnings)


# --------------------------------------------------------------------------
# Sections


def _read_section(
    section: str | None,
    heading: str,
    blocks: list[Block],
    path: str,
    is_portfolio: bool,
    facts: dict[str, list[Any]],
    warn: Callable[[int, str], None],
) -> None:
    def add(key: str, item: Any) -> None:
        facts.setdefault(key, []).append(item)

    def note(blk: Block, text: str | None = None) -> None:
        body = text if text is not None else blk.text
        add("notes", Note(heading or "Overview", body, v.split_markers(body).tags, f"{path}:{blk.line}"))

    if is_portfolio and section not in PORTFOLIO_SECTIONS:
        if any(b.kind != "para" for b in blocks):  # prose about the portfolio is fine
            warn(blocks[0].line, f"section '{heading or '(before any ## heading)'}' is not read in the "
                 "portfolio file (Guardrails, Targets and Capital deployment are); skipped")
        return
    if not is_portfolio and section in PORTFOLIO_SECTIONS:
        warn(blocks[0].line if blocks else 1, f"section '{heading}' is read only in the portfolio file "
             "(front matter `type: portfolio`); kept as notes")
        section = None
    if section is None:
        for blk in blocks:
            if blk.kind == "table":
                for line, cells in blk.rows:
                    add("notes", Note(heading or "Overview", " | ".join(cells), (), f"{path}:{line}"))
            else:
                note(blk)
        return

    reader = _ITEM_READERS.get(section)
    table_reader = _TABLE_READERS.get(section)
    for blk in blocks:
        src = f"{path}:{blk.line}"
        if blk.kind == "para":
            note(blk)
        elif blk.kind == "item" and reader is not None:
            if blk.text:
                before = sum(map(len, facts.values()))
                reader(blk, src, add, warn)
                if sum(map(len, facts.values())) == before:
                    note(blk)  # unreadable: warned about, and kept as a note so nothing is lost
        elif blk.kind == "table" and table_reader is not None:
            table_reader(blk, path, add, warn)
        elif blk.kind == "table":
            warn(blk.line, f"{heading}: expected bullets, found a table; its rows are kept as notes")
            for line, cells in blk.rows:
                add("notes", Note(heading, " | ".join(cells), (), f"{path}:{line}"))
        elif blk.text:
            warn(blk.line, f"{heading}: expected a table, found a bullet; kept as a note")
            note(blk)


Add = Callable[[str, Any], None]
Warn = Callable[[int, str], None]

_DASH_SPLIT = re.compile(r"\s+[-\u2013\u2014]+\s+|\s*[\u2013\u2014]\s*")


def _name_value(blk: Block, what: str, warn: Warn) -> tuple[str, str] | None:
    name, sep, rest = blk.text.partition(":")
    if not sep or not name.strip() or not rest.strip():
        warn(blk.line, f"{what}: expected `Name: value`, got '{_short(blk.text)}'")
        return None
    return name.strip(), rest.strip()


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


_KPI = re.compile(r"^(?P<actual>.*?)\s*\(\s*target\s*:?\s*(?P<cmp><=|>=|\u2264|\u2265|<|>)?\s*(?P<target>[^)]*)\)\s*$", re.I)


def _read_kpi(blk: Block, src: str, add: Add, warn: Warn) -> None:
    pair = _name_value(blk, "KPI", warn)
    if pair is None:
        return
    name, rest = pair
    m = _KPI.match(rest)
    actual_text, target_text, cmp = (m["actual"], m["target"], m["cmp"]) if m else (rest, "", None)
    actual = v.parse_quantity(actual_text)
    if actual is None:
        warn(blk.line, f"KPI '{name}': cannot read the actual value '{_short(actual_text)}'")
        return
    target = None
    if target_text.strip():
        target = v.parse_quantity(target_text)
        if target is None:
            warn(blk.line, f"KPI '{name}': cannot read the target '{_short(target_text)}'; kept without one")
    unit = actual.unit or (target.unit if target else "")
    add("kpis", Kpi(name, actual.value, target.value if target else None, unit,
                    cmp in ("<=", "\u2264", "<"), src))


_CLOSE = re.compile(r"\(\s*close[sd]?\s*:?\s*(?P<date>[^)]*)\)\s*$", re.I)


def _read_deal(blk: Block, src: str, add: Add, warn: Warn) -> None:
    pair = _name_value(blk, "pipeline", warn)
    if pair is None:
        return
    name, rest = pair
    close = None
    m = _CLOSE.search(rest)
    if m:
        close = v.parse_date(m["date"])
        if close is None:
            warn(blk.line, f"deal '{name}': close date '{m['date'].strip()}' is not YYYY-MM-DD")
        rest = rest[: m.start()].strip()
    pieces = _DASH_SPLIT.split(rest, maxsplit=1)
    value_text, stage = pieces[0].strip(), (pieces[1].strip() if len(pieces) > 1 else "")
    value = v.parse_money(value_text)
    if value is None:
        warn(blk.line, f"deal '{name}': cannot read the value '{_short(value_text)}'; kept without one")
    add("pipeline", Deal(name, value, v.split_markers(stage).text.lower() or "unstaged", close, src))


def _read_risk(blk: Block, src: str, add: Add, warn: Warn) -> None:
    mk = v.split_markers(blk.text)
    add("risks", Risk(mk.text, mk.severity, mk.tags, src))


_DUE = re.compile(r"\(\s*due\s*:?\s*(?P<date>[^)]*)\)", re.I)
_LEADING_DATE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\s*[:\u2013\u2014-]\s*")


def _read_action(blk: Block, src: str, add: Add, warn: Warn) -> None:
    text = blk.text
    due: date | None = None
    m = _LEADING_DATE.match(text)
    if m:
        due, text = v.parse_date(m["date"]), text[m.end():]
        if due is None:
            warn(blk.line, f"action: '{m['date']}' is not a valid date")
    m = _DUE.search(text)
    if m:
        due = v.parse_date(m["date"])
        if due is None:
            warn(blk.line, f"action: due date '{m['date'].strip()}' is not YYYY-MM-DD")
        text = (text[: m.start()] + text[m.end():]).strip()
    mk = v.split_markers(text)
    add("actions", Action(mk.text, mk.priority, mk.tags, due, bool(blk.checked), src))


_COST = re.compile(r"\((?P<cost>[^)]*)\)\s*$")


def _read_stack(blk: Block, src: str, add: Add, warn: Warn) -> None:
    pair = _name_value(blk, "stack", warn)
    if pair is None:
        return
    layer, tech = pair
    cost = None
    m = _COST.search(tech)
    if m:
        cost = v.parse_money(m["cost"])
        if cost is None:
            warn(blk.line, f"stack '{layer}': cannot read the cost '{m['cost']}'")
        tech = tech[: m.start()].strip()
    add("stack", StackItem(layer, tech, cost, src))


_CAMPAIGN = re.compile(r"^(?P<date>\S+)\s*:\s*(?P<name>.*?)\s*(?:\(\s*list\s*:\s*(?P<list>[^)]*)\))?\s*$", re.I)


def _read_campaign(blk: Block, src: str, add: Add, warn: Warn) -> None:
    m = _CAMPAIGN.match(blk.text)
    when = v.parse_date(m["date"]) if m else None
    if m is None or when is None:
        warn(blk.line, f"campaign: expected `YYYY-MM-DD: name (list: L)`, got '{_short(blk.text)}'")
        return
    add("campaigns", Campaign(when, m["name"], (m["list"] or "").strip(), src))


def _read_revrec(blk: Block, src: str, add: Add, warn: Warn) -> None:
    mk = v.split_markers(blk.text)
    add("revenue_recognition", Note("Revenue recognition", mk.text, mk.tags, src))


_LIMIT = re.compile(r"^(?P<cmp><=|>=|\u2264|\u2265|<|>|max(?:imum)?|min(?:imum)?|at most|at least)?\s*(?P<value>.+)$", re.I)
_FLOOR_WORDS = ("runway", "cash", "minimum", "min ", "floor", "reserve", "margin")


def _read_guardrail(blk: Block, src: str, add: Add, warn: Warn) -> None:
    pair = _name_value(blk, "guardrail", warn)
    if pair is None:
        return
    name, rest = pair
    m = _LIMIT.match(rest)
    assert m is not None  # the pattern matches any non-empty text
    qty = v.parse_quantity(m["value"])
    if qty is None:
        warn(blk.line, f"guardrail '{name}': cannot read the limit '{_short(rest)}'")
        return
    cmp = (m["cmp"] or "").lower()
    if cmp in (">=", "\u2265", ">", "min", "minimum", "at least"):
        comparison = ">="
    elif cmp:
        comparison = "<="
    else:
        comparison = ">=" if any(w in name.lower() for w in _FLOOR_WORDS) else "<="
    add("guardrails", Guardrail(name, qty.value, qty.unit, comparison, src))


_TIERS = {"zero-cost": "zero-cost", "low-cost": "low-cost", "revenue": "revenue",
          "revenue-producing": "revenue"}


def _read_capital(blk: Block, src: str, add: Add, warn: Warn) -> None:
    mk = v.split_markers(blk.text)
    tier = next((_TIERS[t] for t in mk.tags if t in _TIERS), None)
    if tier is None:
        warn(blk.line, "capital item has no [zero-cost], [low-cost] or [revenue] tag; filed as low-cost")
        tier = "low-cost"
    text, cost = mk.text, None
    m = _COST.search(text)
    if m:
        cost = v.parse_money(m["cost"])
        if cost is not None:
            text = text[: m.start()].strip()
    add("capital_plan", CapitalItem(text, tier, cost, src))


_ITEM_READERS: dict[str, Callable[[Block, str, Add, Warn], None]] = {
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


# Tables: column name synonyms; the first of each tuple is the canonical name.
_COLUMNS = {
    "month": ("month", "period"),
    "revenue": ("revenue", "income", "sales", "revenue target", "target"),
    "expenses": ("expenses", "expense", "costs", "cost", "opex"),
    "date": ("date", "day"),
    "vendor": ("vendor", "payee", "supplier"),
    "category": ("category", "type"),
    "amount": ("amount", "cost", "total"),
    "channel": ("channel", "platform"),
    "status": ("status", "state"),
    "spend": ("spend", "spend/mo", "monthly spend", "cost"),
    "leads": ("leads", "inquiries", "bookings"),
    "account": ("account", "name"),
    "type": ("type", "kind"),
    "balance": ("balance", "amount"),
}


def _map_columns(blk: Block, wanted: tuple[str, ...], required: tuple[str, ...],
                 what: str, warn: Warn) -> dict[str, int] | None:
    header = [" ".join(h.lower().split()).strip(" *_") for h in blk.header]
    found: dict[str, int] = {}
    for key in wanted:
        for i, h in enumerate(header):
            if h in _COLUMNS[key] and i not in found.values():
                found[key] = i
                break
    missing = [k for k in required if k not in found]
    if missing:
        warn(blk.line, f"{what} table: no {', '.join(missing)} column (has: "
             f"{', '.join(blk.header) or 'no header'}); table skipped")
        return None
    return found


def _cell(cells: list[str], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _blank(text: str) -> bool:
    return text in ("", "-", "\u2014", "\u2013", "n/a", "N/A", "tbd", "TBD")


def _money_cell(cells: list[str], cols: dict[str, int], key: str, line: int,
                what: str, warn: Warn) -> Decimal | None:
    text = _cell(cells, cols, key)
    if _blank(text):
        return None
    value = v.parse_money(text)
    if value is None:
        warn(line, f"{what}: cannot read {key} '{_short(text)}'; the rest of the row is kept")
    return value


def _read_financials(blk: Block, path: str, add: Add, warn: Warn) -> None:
    cols = _map_columns(blk, ("month", "revenue", "expenses"), ("month",), "financials", warn)
    if cols is None:
        return
    if "revenue" not in cols and "expenses" not in cols:
        warn(blk.line, "financials table: no revenue or expenses column; table skipped")
        return
    for line, cells in blk.rows:
        month_text = _cell(cells, cols, "month")
        month = v.parse_month(month_text)
        if month is None:
            warn(line, f"financials: month '{_short(month_text)}' is not YYYY-MM; row skipped")
            continue
        rev = _money_cell(cells, cols, "revenue", line, f"financials {month}", warn)
        exp = _money_cell(cells, cols, "expenses", line, f"financials {month}", warn)
        add("financials", MonthFinancials(month, rev, exp, f"{path}:{line}"))


def _read_expenses(blk: Block, path: str, add: Add, warn: Warn) -> None:
    cols = _map_columns(blk, ("date", "vendor", "category", "amount"), ("amount",), "expenses", warn)
    if cols is None:
        return
    for line, cells in blk.rows:
        date_text = _cell(cells, cols, "date")
        when = v.parse_date(date_text)
        if when is None and not _blank(date_text):
            warn(line, f"expense: date '{_short(date_text)}' is not YYYY-MM-DD; the rest of the row is kept")
        amount = _money_cell(cells, cols, "amount", line, "expense", warn)
        add("expenses", Expense(when, _cell(cells, cols, "vendor"),
                                _cell(cells, cols, "category").lower() or "uncategorised",
                                amount, f"{path}:{line}"))


def _read_channels(blk: Block, path: str, add: Add, warn: Warn) -> None:
    cols = _map_columns(blk, ("channel", "status", "spend", "leads"), ("channel",), "channels", warn)
    if cols is None:
        return
    for line, cells in blk.rows:
        mk = v.split_markers(_cell(cells, cols, "channel"))
        if not mk.text:
            warn(line, "channels: a row with no channel name; row skipped")
            continue
        ota = "ota" in mk.tags or any(n in mk.text.lower() for n in OTA_NAMES)
        spend = _money_cell(cells, cols, "spend", line, f"channel '{mk.text}'", warn)
        leads_text = _cell(cells, cols, "leads")
        leads = None
        if not _blank(leads_text):
            qty = v.parse_quantity(leads_text)
            if qty is None:
                warn(line, f"channel '{mk.text}': cannot read leads '{_short(leads_text)}'")
            else:
                leads = qty.value
        status = _cell(cells, cols, "status").lower() or "unknown"
        add("channels", Channel(mk.text, status, spend, leads, ota, f"{path}:{line}"))


def _read_accounts(blk: Block, path: str, add: Add, warn: Warn) -> None:
    cols = _map_columns(blk, ("account", "type", "balance"), ("account",), "accounts", warn)
    if cols is None:
        return
    for line, cells in blk.rows:
        name = _cell(cells, cols, "account")
        if not name:
            continue
        balance = _money_cell(cells, cols, "balance", line, f"account '{name}'", warn)
        add("accounts", Account(name, _cell(cells, cols, "type").lower(), balance, f"{path}:{line}"))


def _read_targets(blk: Block, path: str, add: Add, warn: Warn) -> None:
    cols = _map_columns(blk, ("month", "revenue"), ("month", "revenue"), "targets", warn)
    if cols is None:
        return
    for line, cells in blk.rows:
        month = v.parse_month(_cell(cells, cols, "month"))
        amount = _money_cell(cells, cols, "revenue", line, "target", warn)
        if month is None:
            warn(line, f"targets: month '{_short(_cell(cells, cols, 'month'))}' is not YYYY-MM; row skipped")
        elif amount is not None:
            add("targets", Target(month, amount, f"{path}:{line}"))


_TABLE_READERS: dict[str, Callable[[Block, str, Add, Warn], None]] = {
    "financials": _read_financials,
    "expenses": _read_expenses,
    "channels": _read_channels,
    "accounts": _read_accounts,
    "targets": _read_targets,
}


# --------------------------------------------------------------------------
# Folder -> Portfolio


def handoff_files(folder: Path) -> tuple[list[Path], list[Warning_]]:
    """List `*.md` under `folder` in sorted path order, skipping hidden entries."""
    found: list[Path] = []
    warnings: list[Warning_] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        keep = []
        for d in dirs:
            if d.startswith("."):
                continue
            if (here / d).is_symlink():
                rel = (here / d).relative_to(folder).as_posix()
                warnings.append(Warning_(f"{rel}:0", "symbolic link to a folder not followed"))
                continue
            keep.append(d)
        dirs[:] = keep
        found.extend(here / f for f in files if f.lower().endswith(".md") and not f.startswith("."))
    found.sort(key=lambda p: p.relative_to(folder).as_posix())
    return found, warnings


def _read_file(path: Path, rel: str) -> tuple[str | None, str, Warning_ | None]:
    """Return (text, sha256 of the bytes, warning) for one handoff file."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return None, "", Warning_(f"{rel}:0", f"file is {size:,} bytes, over the 5 MB limit; skipped")
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, "", Warning_(f"{rel}:0", f"cannot read the file ({exc.strerror or exc}); skipped")
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_FILE_BYTES:
        return None, digest, Warning_(f"{rel}:0", "file is over the 5 MB limit; skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, digest, Warning_(f"{rel}:{line}", f"not UTF-8 (byte {exc.start}); file skipped")
    return text.replace("\r\n", "\n").replace("\r", "\n"), digest, None


_ENTITY_LISTS = ("financials", "expenses", "kpis", "pipeline", "risks", "actions", "stack",
                 "channels", "campaigns", "revenue_recognition", "accounts", "notes")


def read_portfolio(folder: Path, as_of: date | None = None) -> Portfolio:
    """Read every handoff under `folder` into one Portfolio with its warnings."""
    files, warnings = handoff_files(folder)
    sources: list[Source] = []
    entities: dict[str, dict[str, Any]] = {}
    port: dict[str, Any] = {"guardrails": [], "targets": [], "capital_plan": [], "files": []}
    port_meta: dict[str, tuple[Any, str]] = {}
    for path in files:
        rel = path.relative_to(folder).as_posix()
        text, digest, problem = _read_file(path, rel)
        log.log(TRACE, "read %s (%s)", rel, "skipped" if text is None else f"{len(text):,} characters")
        if digest:
            sources.append(Source(rel, digest))
        if problem is not None:
            warnings.append(problem)
        if text is None:
            continue
        doc = parse_document(text, rel)
        warnings.extend(doc.warnings)
        if doc.is_portfolio:
            port["files"].append(doc.path)
            _merge_portfolio(doc, port, port_meta, warnings)
        else:
            _merge_entity(doc, entities, warnings)

    inputs = hashlib.sha256("".join(f"{s.path}\0{s.sha256}\n" for s in sources).encode()).hexdigest()
    name, _ = port_meta.get("name", (folder.resolve().name or "Portfolio", ""))
    cash = _meta_money(port_meta, "cash_on_hand", warnings)
    horizon = _meta_horizon(port_meta, as_of, warnings)
    frozen = tuple(
        Entity(
            name=e["name"], code=e["code"], kind=e["kind"] or "operating", owner=e["owner"],
            sources=tuple(e["sources"]), **{k: tuple(e[k]) for k in _ENTITY_LISTS},
        )
        for e in entities.values()
    )
    return Portfolio(
        name=str(name), as_of=as_of, cash_on_hand=cash, horizon=horizon, entities=frozen,
        guardrails=tuple(port["guardrails"]), targets=tuple(port["targets"]),
        capital_plan=tuple(port["capital_plan"]), warnings=tuple(warnings),
        files=tuple(sources), portfolio_files=tuple(port["files"]), inputs_sha256=inputs,
    )


def _merge_entity(doc: Document, entities: dict[str, dict[str, Any]], warnings: list[Warning_]) -> None:
    key = doc.name.casefold()
    ent = entities.get(key)
    if ent is None:
        ent = {"name": doc.name, "code": "", "kind": "", "owner": "", "sources": []}
        ent.update({k: [] for k in _ENTITY_LISTS})
        entities[key] = ent
    ent["sources"].append(doc.path)
    kind = _meta_text(doc.meta, "kind").lower()
    if kind and kind not in KINDS:
        warnings.append(Warning_(f"{doc.path}:1", f"kind '{kind}' is not operating or ancillary; "
                                 "read as operating"))
        kind = "operating"
    for field_name, value in (("code", _meta_text(doc.meta, "code")), ("kind", kind),
                              ("owner", _meta_text(doc.meta, "owner"))):
        if value and ent[field_name] and ent[field_name] != value:
            warnings.append(Warning_(f"{doc.path}:1", f"{field_name} '{value}' differs from "
                                     f"'{ent[field_name]}' given earlier for {doc.name}; kept the first"))
        elif value:
            ent[field_name] = value
    for k, items in doc.facts.items():
        ent[k].extend(items)


def _merge_portfolio(doc: Document, port: dict[str, Any], meta: dict[str, tuple[Any, str]],
                     warnings: list[Warning_]) -> None:
    for key in ("name", "cash_on_hand", "horizon"):
        if key in doc.meta and doc.meta[key] is not None:
            if key in meta and meta[key][0] != doc.meta[key]:
                warnings.append(Warning_(f"{doc.path}:1", f"portfolio {key} given again; kept the "
                                         f"value from {meta[key][1]}"))
            else:
                meta[key] = (doc.meta[key], doc.path)
    if "name" not in meta and doc.name:
        meta["name"] = (doc.name, doc.path)
    for k, items in doc.facts.items():
        if k in port:
            port[k].extend(items)


def _meta_money(meta: dict[str, tuple[Any, str]], key: str, warnings: list[Warning_]) -> Decimal | None:
    if key not in meta:
        return None
    raw, path = meta[key]
    value = v.parse_money(str(raw))
    if value is None:
        warnings.append(Warning_(f"{path}:1", f"{key} '{raw}' is not an amount"))
    return value


def _meta_horizon(meta: dict[str, tuple[Any, str]], as_of: date | None,
                  warnings: list[Warning_]) -> str | None:
    if "horizon" in meta:
        raw, path = meta["horizon"]
        month = v.parse_month(str(raw))
        if month is not None:
            return month
        warnings.append(Warning_(f"{path}:1", f"horizon '{raw}' is not YYYY-MM; using the default"))
    if as_of is None:
        return None
    return default_horizon(as_of)


def default_horizon(as_of: date) -> str:
    """Return the last month of the first full quarter after the one `as_of` is in."""
    quarter_end = ((as_of.month - 1) // 3 + 1) * 3
    return v.month_add(f"{as_of.year:04d}-{quarter_end:02d}", 3)
