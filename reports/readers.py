"""Sections of one handoff -> facts and warnings: one reader per kind of section.

Each reader takes one block and returns what it found (`Found`): the facts it
read and the problems it met, as `(line, message)`. An item no reader could
read is kept as a note, so nothing is silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from . import values as v
from .markdown import Block, front_matter, markdown_blocks
from .model import (
    Action,
    Campaign,
    CapitalItem,
    Deal,
    Guardrail,
    Kpi,
    Note,
    Risk,
    Src,
    StackItem,
    Warning_,
)
from .tables import TABLE_READERS, Found, short

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


class Document(NamedTuple):
    """What one handoff file says, before entities are merged."""

    path: str
    is_portfolio: bool
    meta: dict[str, Any]
    name: str
    facts: dict[str, list[Any]]
    warnings: list[Warning_]

def meta_text(meta: dict[str, Any], key: str) -> str:
    """A front-matter value as one line of text ("" when absent)."""
    val = meta.get(key)
    return "" if val is None else " ".join(str(val).split())


def parse_document(text: str, path: str) -> Document:
    """Read one handoff's text (already decoded) into a Document."""
    meta, body, problems = front_matter(text)
    warnings = [Warning_(Src(path, line), message) for line, message in problems]
    is_portfolio = meta_text(meta, "type").lower() == "portfolio"
    blocks = markdown_blocks(body)
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), "")
    name = meta_text(meta, "name" if is_portfolio else "entity") or meta_text(meta, "name") or title
    if not name:
        name = Path(path).stem.replace("-", " ").replace("_", " ").strip() or path
    doc = Document(path, is_portfolio, meta, name, {}, warnings)
    for heading, pending in _sections(blocks):
        _read_section(doc, heading, pending)
    return doc


def _sections(blocks: list[Block]) -> list[tuple[Block | None, list[Block]]]:
    """Group blocks under the `#` or `##` heading before them (None: before any)."""
    out: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for blk in blocks:
        if blk.kind == "heading" and blk.level <= 2:
            out.append((blk, []))
        else:
            out[-1][1].append(blk)
    return [(h, bs) for h, bs in out if bs or (h is not None and h.level == 2)]


def _read_section(doc: Document, heading_block: Block | None, blocks: list[Block]) -> None:
    """Read one section's blocks into the document's facts and warnings."""
    path, facts = doc.path, doc.facts
    heading = heading_block.text if heading_block is not None and heading_block.level == 2 else ""
    section = classify_heading(heading) if heading else None

    def warn(line: int, message: str) -> None:
        doc.warnings.append(Warning_(Src(path, line), message))

    def note(line: int, text: str, tags: tuple[str, ...] | None = None) -> None:
        facts.setdefault("notes", []).append(
            Note(heading or "Overview", text, v.split_markers(text).tags if tags is None else tags,
                 Src(path, line)))

    if doc.is_portfolio and section not in PORTFOLIO_SECTIONS:
        if any(b.kind != "para" for b in blocks):  # prose about the portfolio is fine
            warn(blocks[0].line, f"section '{heading or '(before any ## heading)'}' is not read in the "
                 "portfolio file (Guardrails, Targets and Capital deployment are); skipped")
        return
    if not doc.is_portfolio and section in PORTFOLIO_SECTIONS:
        warn(blocks[0].line if blocks else 1, f"section '{heading}' is read only in the portfolio file "
             "(front matter `type: portfolio`); kept as notes")
        section = None
    reader = _ITEM_READERS.get(section or "")
    table_reader = TABLE_READERS.get(section or "")
    for blk in blocks:
        found: Found | None = None
        if blk.kind == "para" or (section is None and blk.kind != "table"):
            note(blk.line, blk.text)
        elif blk.kind == "item" and reader is not None:
            if blk.text:
                found = reader(blk, Src(path, blk.line))
                if not found.facts:
                    note(blk.line, blk.text)  # unreadable: warned about, and kept as a note
        elif blk.kind == "table" and table_reader is not None:
            found = table_reader(blk, path)
        elif blk.kind == "table":
            if section is not None:
                warn(blk.line, f"{heading}: expected bullets, found a table; its rows are kept as notes")
            for line, cells in blk.rows:
                note(line, " | ".join(cells), ())
        elif blk.text:
            warn(blk.line, f"{heading}: expected a table, found a bullet; kept as a note")
            note(blk.line, blk.text)
        if found is not None and section is not None:
            facts.setdefault(section, []).extend(found.facts)
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


def _read_kpi(blk: Block, src: Src) -> Found:
    out = Found()
    pair = _name_value(blk, "KPI", out)
    if pair is None:
        return out
    name, rest = pair
    m = _KPI.match(rest)
    actual_text, target_text, cmp = (m["actual"], m["target"], m["cmp"]) if m else (rest, "", None)
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


def _read_deal(blk: Block, src: Src) -> Found:
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
    out.add(Deal(name, value, v.split_markers(stage).text.lower() or "unstaged", close, src))
    return out


def _read_risk(blk: Block, src: Src) -> Found:
    out = Found()
    mk = v.split_markers(blk.text)
    out.add(Risk(mk.text, mk.severity, mk.tags, src))
    return out


_DUE = re.compile(r"\(\s*due\s*:?\s*(?P<date>[^)]*)\)", re.I)
_LEADING_DATE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\s*[:\u2013\u2014-]\s*")


def _read_action(blk: Block, src: Src) -> Found:
    out = Found()
    text = blk.text
    due: date | None = None
    m = _LEADING_DATE.match(text)
    if m:
        due, text = v.parse_date(m["date"]), text[m.end():]
        if due is None:
            out.warn(blk.line, f"action: '{m['date']}' is not a valid date")
    m = _DUE.search(text)
    if m:
        due = v.parse_date(m["date"])
        if due is None:
            out.warn(blk.line, f"action: due date '{m['date'].strip()}' is not YYYY-MM-DD")
        text = (text[: m.start()] + text[m.end():]).strip()
    mk = v.split_markers(text)
    out.add(Action(mk.text, mk.priority, mk.tags, due, bool(blk.checked), src))
    return out


_COST = re.compile(r"\((?P<cost>[^)]*)\)\s*$")


def _read_stack(blk: Block, src: Src) -> Found:
    out = Found()
    pair = _name_value(blk, "stack", out)
    if pair is None:
        return out
    layer, tech = pair
    cost = None
    m = _COST.search(tech)
    if m:
        cost = v.parse_money(m["cost"])
        if cost is None:
            out.warn(blk.line, f"stack '{layer}': cannot read the cost '{m['cost']}'")
        tech = tech[: m.start()].strip()
    out.add(StackItem(layer, tech, cost, src))
    return out


_CAMPAIGN = re.compile(r"^(?P<date>\S+)\s*:\s*(?P<name>.*?)\s*(?:\(\s*list\s*:\s*(?P<list>[^)]*)\))?\s*$", re.I)


def _read_campaign(blk: Block, src: Src) -> Found:
    out = Found()
    m = _CAMPAIGN.match(blk.text)
    when = v.parse_date(m["date"]) if m else None
    if m is None or when is None:
        out.warn(blk.line, f"campaign: expected `YYYY-MM-DD: name (list: L)`, got '{short(blk.text)}'")
        return out
    out.add(Campaign(when, m["name"], (m["list"] or "").strip(), src))
    return out


def _read_revrec(blk: Block, src: Src) -> Found:
    out = Found()
    mk = v.split_markers(blk.text)
    out.add(Note("Revenue recognition", mk.text, mk.tags, src))
    return out


_LIMIT = re.compile(r"^(?P<cmp><=|>=|\u2264|\u2265|<|>|max(?:imum)?|min(?:imum)?|at most|at least)?\s*(?P<value>.+)$", re.I)
_FLOOR_WORDS = ("runway", "cash", "minimum", "min ", "floor", "reserve", "margin")


def _read_guardrail(blk: Block, src: Src) -> Found:
    out = Found()
    pair = _name_value(blk, "guardrail", out)
    if pair is None:
        return out
    name, rest = pair
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
    out.add(Guardrail(name, qty.value, qty.unit, comparison, src))
    return out


_TIERS = {"zero-cost": "zero-cost", "low-cost": "low-cost", "revenue": "revenue",
          "revenue-producing": "revenue"}


def _read_capital(blk: Block, src: Src) -> Found:
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
    out.add(CapitalItem(text, tier, cost, src))
    return out


_ITEM_READERS: dict[str, Callable[[Block, Src], Found]] = {
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
