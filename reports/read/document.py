"""One handoff's text -> a Document: front matter, its name, and its sections read.

Blocks are grouped under their headings into sections; each section goes to
the reader for its kind (`sections.py` for bullets, `tables.py` for tables),
and whatever no reader takes is kept as a note, so nothing is silently lost.
"""

import functools
from datetime import date
from typing import Any

from reports.model import Action, Kpi, MonthFinancials, Note, Risk, Src, Warning_
from reports.read import bounds, dates
from reports.read import kpis as kf
from reports.read import values as v
from reports.read.found import Context, Found
from reports.read.frontmatter import front_matter
from reports.read.headings import NOTES, classify_heading, heading_level, heading_suggestion, levels_in
from reports.read.items import block_title, field, is_done, is_empty, is_issue_heading, item_level, written
from reports.read.kpis import KpiTarget, MonthLine, is_target_heading, read_figure_line
from reports.read.markdown import Block, markdown_blocks
from reports.read.names import clean_title, name_from_path
from reports.read.sections import ITEM_READERS
from reports.read.structure import Section, body_after, children_of, cut_label, lead_body, sections_of
from reports.read.tables import TABLE_READERS, shaped_as
from reports.record import NamedTuple

PORTFOLIO_SECTIONS = ("guardrails", "targets", "capital_plan")


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
    blocks: list[int]  # [read as facts, kept as notes, under a heading not understood], counted as read


def meta_text(meta: dict[str, Any], key: str) -> str:
    """A front-matter value as one line of text ("" when absent)."""
    val = meta.get(key)
    return "" if val is None else " ".join(str(val).split())


class Parsed(NamedTuple):
    """One file's front matter and markdown blocks: what is read before its sections are."""

    path: str
    meta: dict[str, Any]
    blocks: list[Block]
    warnings: list[Warning_]  # from the front matter and the markdown's bounds, in that order
    date_order: str | None  # the file's own `date_order:`
    currency: str | None  # the file's own `currency:`: how its unmarked amounts are grouped


def parse_document(text: str, path: str, as_of: date | None = None, date_order: str | None = None,
                   currency: str | None = None) -> Document:
    """Read one handoff's text (already decoded) into a Document; `date_order` and `currency`
    (portfolio.md's) hold when the file's front matter gives none."""
    return read_parsed(parse_blocks(text, path), as_of, date_order, currency)


def parse_blocks(text: str, path: str) -> Parsed:
    """A file's front matter and markdown blocks, with the warnings they give."""
    meta, body, problems = front_matter(text)
    warnings = [Warning_(Src(path, line), message) for line, message in problems] if problems else []
    blocks, cuts = markdown_blocks(body)
    if cuts:
        warnings.extend(Warning_(Src(path, line), message) for line, message in cuts)
    if not meta:  # no front matter (most small files): no date order or currency of its own
        return Parsed(path, meta, blocks, warnings, None, None)
    own_order, problem = dates.front_date_order(meta, text)
    if problem is not None:
        warnings.append(Warning_(Src(path, problem[0]), problem[1]))
    currency = v.currency_code(meta_text(meta, "currency"))
    return Parsed(path, meta, blocks, warnings, own_order, currency or None)


def read_parsed(parsed: Parsed, as_of: date | None = None, date_order: str | None = None,
                currency: str | None = None) -> Document:
    """A parsed file's name and sections, read into a Document."""
    path, meta, blocks = parsed.path, parsed.meta, parsed.blocks
    is_portfolio = bool(meta) and meta_text(meta, "type").lower() == "portfolio"
    first = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    title = first.text if first is not None else ""
    name = (meta_text(meta, "name" if is_portfolio else "entity") or meta_text(meta, "name")) if meta else ""
    named_by = "front matter"
    cleaned = clean_title(title) if not name and title else ""
    if cleaned:
        name, named_by = cleaned, "heading"
    if not name:
        name, named_by = name_from_path(path), "file"
    doc = Document(path, is_portfolio, meta, name, {}, parsed.warnings, named_by, [], [0, 0, 0])
    orders = (parsed.date_order or date_order, parsed.currency or currency)
    for section in sections_of(blocks, first):
        _Reading(doc, section, as_of, orders).read()
    if any(type(f) is MonthLine for f in doc.facts.get("financials", ())):
        _join_month_lines(doc)
    return doc


def _join_month_lines(doc: Document) -> None:
    """Join a month's revenue and expenses lines into one row; a month a table gives keeps the table's."""
    doc.facts["financials"], left = kf.join_months(doc.facts["financials"])
    for line, why in left:
        src = line.money.source
        doc.facts.setdefault("notes", []).append(Note(line.heading or "Overview", line.text, (), src))
        if why:
            doc.warnings.append(Warning_(src, why, "financials"))


class _Ctx(NamedTuple):
    """The kind of items a block is among, and what its reader knows besides."""

    kind: str
    ctx: Context


@functools.lru_cache(maxsize=256)
def _made(kind: str, level: str | None, done: bool, as_of: date | None, orders: tuple[str | None, str | None]) -> _Ctx:
    """One shared context per combination: a folder of many small files meets a handful."""
    severity, priority = written(level)
    return _Ctx(kind, Context(as_of, severity, priority, level, done, *orders))


class _Reading:
    """One section being read into its document: its blocks to facts, notes and warnings."""

    __slots__ = ("as_of", "doc", "heading", "kind", "orders", "section")

    def __init__(self, doc: Document, section: Section, as_of: date | None,
                 orders: tuple[str | None, str | None]) -> None:
        self.doc, self.section, self.as_of = doc, section, as_of
        self.heading = section.heading.text if section.heading is not None else ""
        self.kind = _targets(section.kind, self.heading)  # None once a section is found in the wrong kind of file
        self.orders = orders  # how the file writes dates and amounts: (date_order, currency)

    def warn(self, line: int, message: str, topic: str | None = None) -> None:
        self.doc.warnings.append(Warning_(Src(self.doc.path, line), message, topic or self.kind))

    def note(self, line: int, text: str, tags: tuple[str, ...] | None = None) -> None:
        self.doc.blocks[2 if self.section.kind is None and self.section.heading is not None else 1] += 1
        self.doc.facts.setdefault("notes", []).append(
            Note(self.heading or "Overview", text, v.split_markers(text).tags if tags is None else tags,
                 Src(self.doc.path, line)))

    def read(self) -> None:
        """Read the section's blocks into the document's facts and warnings; a heading's
        kind and level hold for its own subtree only."""
        if not self._readable_here():
            return
        blocks, i = self.section.blocks, 0
        stack: list[tuple[int, str | None, str | None]] = []  # (depth, kind, level) of open subheadings
        label: str | None = None  # a `Must:` / `**Should**` paragraph: the level of the list under it
        while i < len(blocks):
            blk = blocks[i]
            if blk.kind == "heading":
                stack = [e for e in stack if e[0] < blk.level]
                label, kind = None, classify_heading(blk.text)
                body = body_after(blocks, i + 1)
                if self._heading_block(blk, body, self._context(stack, None)):
                    i += 1 + len(body)
                    continue
                stack.append((blk.level, _targets(kind, blk.text) if kind not in (None, NOTES) else None,
                              heading_level(blk.text)))
                self.note(blk.line, blk.text)
                i += 1
                continue
            if blk.kind == "para" and heading_level(blk.text) is not None and len(blk.text) <= 40:
                label = heading_level(blk.text)
            lead = lead_body(blocks, i)
            if lead and self._heading_block(blk, lead, self._context(stack, label)):
                i += 1 + len(lead)
                continue
            ctx = self._context(stack, label)
            top = blk.kind == "item" and (blk.level == 0 or not blocks[i - 1].text)  # `- - text`: one item
            kids = children_of(blocks, i + 1) if top and blk.text else []
            after = i + 1 + len(kids)  # a label cut from this item holds for a list right after it
            if after < len(blocks) and blocks[after].kind == "item":
                label = cut_label(kids[-1] if kids else blk) or label
            i += 1 + len(kids)
            if kids and self._item_block(blk, kids, ctx):
                continue
            self._file(self._block(blk, ctx, top), ctx.kind)
            for kid in kids:
                self.note(kid.line, kid.text)  # a sub-bullet is detail of the item above

    def _context(self, stack: list[tuple[int, str | None, str | None]], label: str | None) -> _Ctx:
        """What the nearest headings say: the kind of the items, their level, whether done."""
        if stack:
            kinds = [self.kind or ""] + [k for _, k, _ in stack if k]  # `### Resolved` under Known issues: risks
            done = kinds[-1] == "done"
            kind = next((k for k in reversed(kinds) if k in ("risks", "actions")), "actions" if done else kinds[-1])
            level = label or next((lv for _, _, lv in reversed(stack) if lv), None)
        else:  # no subheading open (most items): the section's own kind
            done = self.kind == "done"
            kind, level = "actions" if done else self.kind or "", label or None
        if level is None and self.section.heading is not None:
            level = heading_level(self.section.heading.text)
        return _made(kind, level, done or self.kind == "done", self.as_of, self.orders)

    def _readable_here(self) -> bool:
        """Warn about an unknown heading or a section in the wrong kind of file; False to skip it."""
        doc, heading, section = self.doc, self.heading, self.section
        if section.heading is not None and self.kind is None:
            hint = heading_suggestion(heading) if len(doc.skipped) < bounds.MAX_SUGGESTIONS else None
            doc.skipped.append((section.heading.line, heading, hint))
            if hint:
                self.warn(section.heading.line, f"heading '{heading}' is not a section the tool reads; did "
                          f"you mean '{hint}'? Its content is kept as notes", classify_heading(hint))
        if doc.is_portfolio and self.kind not in PORTFOLIO_SECTIONS:
            if any(b.kind not in ("para", "heading") for b in section.blocks):  # prose about it is fine
                self.warn(section.blocks[0].line, f"section '{heading or '(before any ## heading)'}' is not "
                          "read in the portfolio file (Guardrails, Targets and Capital deployment are); skipped")
            return False
        if not doc.is_portfolio and self.kind in PORTFOLIO_SECTIONS:
            self.warn(section.blocks[0].line if section.blocks else 1, f"section '{heading}' is read only in "
                      "the portfolio file (front matter `type: portfolio`); kept as notes")
            self.kind = None
        return True

    def _heading_block(self, blk: Block, body: list[Block], cx: _Ctx) -> bool:
        """Read a heading with field bullets (or naming one issue) as one block; False if it is not one."""
        fields = [(f, b) for b in body if b.kind == "item" and b.level == 0 and (f := field(b.text))]
        if len(fields) < 2 and not (is_issue_heading(blk.text) and cx.kind in ("risks", "", NOTES)):
            return False
        own = heading_level(blk.text)
        kind = "actions" if cx.kind == "actions" and not any(f[0] in ("issue", "impact") for f, _ in fields) \
            else "risks"
        self._issue(block_title(blk.text), blk.line, fields, kind, own or cx.ctx.level, cx)
        for b in body:
            if not any(b is fb for _, fb in fields):
                self.note(b.line, b.text)
        return True

    def _item_block(self, blk: Block, kids: list[Block], cx: _Ctx) -> bool:
        """Read a bold-lead item whose sub-bullets are fields (Issue, Impact, Fix...) as one block."""
        fields = [(f, b) for b in kids if b.level == 1 and (f := field(b.text))]
        if not fields or cx.kind not in ("risks", "actions", "", NOTES):
            return False
        flags = v.read_flags(blk.text)
        own = item_level(flags.text)[0] or flags.severity or flags.priority
        kind = "risks" if any(f[0] in ("issue", "impact", "fix") for f, _ in fields) else "actions"
        self._issue(block_title(blk.text), blk.line, fields, kind, own or cx.ctx.level, cx)
        for b in kids:
            if not any(b is fb for _, fb in fields):
                self.note(b.line, b.text)
        return True

    def _issue(self, title: str, line: int, fields: list[tuple[tuple[str, str], Block]], kind: str,
               level: str | None, cx: _Ctx) -> None:
        """File one issue block: a risk (title — issue) and its fix as one linked action."""
        values = {role: (text, b) for (role, text), b in reversed(fields)}
        impact = levels_in(values["impact"][0]) if "impact" in values else []
        level = impact[0] if impact else level
        done = cx.ctx.done or any(is_done(text) for (role, text), _ in fields if role == "other")
        severity, priority = written(level)
        found = dates.field_due(values["due"][0], self.as_of, self.orders[0]) if "due" in values else None
        if found is not None and (problem := dates.unreadable(found)):
            self.warn(values["due"][1].line, f"action: {problem}")
        due = found.when if found else None  # a Due field dates the block's action (a Risk has no due date)
        for (role, text), b in fields:
            self.note(b.line, f"{role}: {text}", ())
        src = Src(self.doc.path, line)
        if kind == "actions":
            self._add("actions", Action(title, priority, (), due, done, src))
            return
        issue = f" \u2014 {values['issue'][0]}" if "issue" in values else ""
        link = (f"{self.doc.path}:{line}",) if "fix" in values else ()  # the block ties its fix to its risk
        self._add("resolved" if done else "risks", Risk(title + issue, severity, (), src, link,
                                                        level if level and level.startswith("P") else None, done))
        if "fix" in values:
            fix, b = values["fix"]
            self._add("actions", Action(fix, priority, (), due, done, Src(self.doc.path, b.line), link))

    def _add(self, key: str, fact: Any) -> None:
        self.doc.blocks[0] += 1
        self.doc.facts.setdefault(key, []).append(fact)

    def _block(self, blk: Block, cx: _Ctx, top: bool = True) -> Found | None:
        """Read one paragraph, bullet or table: what its reader found, or None once noted."""
        kind, heading, ctx = cx.kind, self.heading, cx.ctx
        if ctx.level == "wont" and kind == "actions" and blk.kind == "item":
            self.note(blk.line, blk.text)  # MoSCoW won't: not an open action
            return None
        reader = ITEM_READERS.get("actions" if kind == "done" else kind or "")
        table_reader = TABLE_READERS.get(kind or "")
        if blk.kind == "para" and kind == "stack" and reader is not None:
            self._stack_lines(blk, reader, ctx)
        elif (kind == NOTES and blk.kind == "item" and top) or (blk.kind == "para" and kind in _FIGURES):
            self._figure_lines(blk, ctx, kind == "kpi_targets")
        elif blk.kind == "para" or (reader is None and table_reader is None and blk.kind != "table"):
            self.note(blk.line, blk.text)
        elif blk.kind == "item" and reader is not None:
            if not top:
                self.note(blk.line, blk.text)  # detail of the item above, not an item
            elif blk.text and not is_empty(blk.text):
                found = reader(blk, Src(self.doc.path, blk.line), ctx)
                if not found.facts:
                    self.note(blk.line, blk.text)  # unreadable (warned about if it looked like a try)
                return found
        elif blk.kind == "table" and table_reader is not None:
            return table_reader(blk, self.doc.path, ctx)
        elif blk.kind == "table" and kind == NOTES and (shaped := shaped_as(blk)):  # `## Money`: read by columns
            self._file(TABLE_READERS[shaped](blk, self.doc.path, ctx), shaped)
        elif blk.kind == "table":
            if kind not in (None, NOTES):
                self.warn(blk.line, f"{heading}: expected bullets, found a table; its rows are kept as notes")
            for line, cells in blk.rows:
                self.note(line, " | ".join(cells), ())
        elif blk.text:
            self.warn(blk.line, f"{heading}: expected a table, found a bullet; kept as a note")
            self.note(blk.line, blk.text)
        return None

    def _stack_lines(self, blk: Block, reader: Any, ctx: Context) -> None:
        """Unbulleted `Frontend: Next.js 14` lines under a stack heading: each line a layer."""
        for n, text in enumerate(blk.lines or (blk.text,)):
            line = Block("item", blk.line + n)
            line.text = text
            found = reader(line, Src(self.doc.path, line.line), ctx) if ":" in text or "\uff1a" in text else None
            if found is not None and found.facts:
                self._file(found, "stack")
            elif text:
                self.note(line.line, text)

    def _figure_lines(self, blk: Block, ctx: Context, targets: bool) -> None:
        """Under a status or KPI heading, each line shaped exactly like a figure (`Churn: 3.1%`,
        `Avg ticket $412`, `CA d'octobre 2026 : 1 127 €`) is one; the rest are notes, unwarned."""
        lines = blk.lines or (blk.text,)
        founds = [read_figure_line(text, Src(self.doc.path, blk.line + n), ctx, True, targets)
                  for n, text in enumerate(lines)]
        if not any(found.facts for found in founds):
            self.note(blk.line, blk.text)  # prose: one note, as any paragraph
            return
        for n, (text, found) in enumerate(zip(lines, founds, strict=True)):
            if found.facts:
                self._file(found, "kpis")
            elif text:
                self.note(blk.line + n, text)

    def _file(self, found: Found | None, kind: str | None) -> None:
        """File a reader's facts under their kind (a resolved risk apart, a month's money under
        financials wherever it was written), and its problems as warnings."""
        if found is None or self.kind is None:
            return
        kind = "actions" if kind == "done" else kind or self.kind
        if found.facts:
            self.doc.blocks[0] += 1
            for fact in found.facts:
                if type(fact) is KpiTarget:
                    self._target(fact)
                    continue
                if type(fact) is MonthLine:
                    fact.heading = self.heading
                    self.doc.facts.setdefault("financials", []).append(fact)
                    continue
                key = ("resolved" if fact.done else kind) if type(fact) is Risk else _FILED_AS.get(type(fact), kind)
                self.doc.facts.setdefault(key, []).append(fact)
        for line, message in found.problems:
            self.warn(line, message)

    def _target(self, target: KpiTarget) -> None:
        """`### Optimization Targets`: the target of the KPI of that name read above, else a note;
        under a section's own heading (`## Metrics & goals`) a line naming no KPI is a KPI of its own."""
        kpis = self.doc.facts.get("kpis", [])
        at = next((i for i in range(len(kpis) - 1, -1, -1)
                   if kpis[i].name.casefold() == target.name.casefold() and kpis[i].target is None), None)
        if at is None and self.kind == "kpi_targets":
            self.doc.facts.setdefault("kpis", []).append(Kpi(target.name, target.value, None, target.unit, target.lower_is_better, target.source))
            return
        text = f"{target.name}: {target.value}" + (f" {target.unit}" if target.unit else "")
        if at is None or not kf.same_unit(kpis[at].unit, target.unit):
            self.warn(target.source.line, f"target for '{target.name}' names no KPI read above it; kept as a note"
                      if at is None else f"target for '{target.name}' is in {target.unit}, the KPI in "
                      f"{kpis[at].unit}; kept as a note, the KPI without a target")
            self.note(target.source.line, text)
            return
        lower = kpis[at].lower_is_better or target.lower_is_better
        kpis[at] = kpis[at]._replace(target=target.value, lower_is_better=lower, unit=kpis[at].unit or target.unit)


_FIGURES = (NOTES, "kpis", "kpi_targets")  # paragraphs whose lines may each be a figure
_FILED_AS: dict[type, str] = {MonthFinancials: "financials", Kpi: "kpis"}  # wherever they were written


def _targets(kind: str | None, heading: str) -> str | None:
    """A KPI heading that lists targets (`### Optimization Targets`) reads each line as a target."""
    return "kpi_targets" if kind == "kpis" and is_target_heading(heading) else kind
