"""One handoff's text -> a Document: front matter, its name, and its sections read.

Blocks are grouped under their headings into sections; each section goes to
the reader for its kind (`sections.py` for bullets, `tables.py` for tables),
and whatever no reader takes is kept as a note, so nothing is silently lost.
"""

from datetime import date
from typing import Any, NamedTuple

from reports.model import Note, Src, Warning_
from reports.read import bounds
from reports.read import values as v
from reports.read.found import Context, Found
from reports.read.frontmatter import front_matter
from reports.read.headings import NOTES, classify_heading, heading_level, heading_suggestion
from reports.read.markdown import Block, markdown_blocks
from reports.read.names import generic_title, name_from_path
from reports.read.sections import ITEM_READERS
from reports.read.tables import TABLE_READERS
from reports.read.vocabulary import LANGUAGES

PORTFOLIO_SECTIONS = ("guardrails", "targets", "capital_plan")
_EMPTY_ITEMS = frozenset(w for vocab in LANGUAGES.values() for w in vocab.empty_items)


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


def meta_text(meta: dict[str, Any], key: str) -> str:
    """A front-matter value as one line of text ("" when absent)."""
    val = meta.get(key)
    return "" if val is None else " ".join(str(val).split())


def parse_document(text: str, path: str, as_of: date | None = None) -> Document:
    """Read one handoff's text (already decoded) into a Document."""
    meta, body, problems = front_matter(text)
    warnings = [Warning_(Src(path, line), message) for line, message in problems]
    is_portfolio = bool(meta) and meta_text(meta, "type").lower() == "portfolio"
    blocks, cuts = markdown_blocks(body)
    warnings.extend(Warning_(Src(path, line), message) for line, message in cuts)
    first = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    title = first.text if first is not None else ""
    name = (meta_text(meta, "name" if is_portfolio else "entity") or meta_text(meta, "name")) if meta else ""
    named_by = "front matter"
    if not name and title and not generic_title(title):
        name, named_by = title, "heading"
    if not name:
        name, named_by = name_from_path(path), "file"
    doc = Document(path, is_portfolio, meta, name, {}, warnings, named_by, [], [0, 0])
    for section in _sections(blocks, first):
        _Reading(doc, section, as_of).read()
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


class _Reading:
    """One section being read into its document: its blocks to facts, notes and warnings."""

    __slots__ = ("as_of", "doc", "heading", "kind", "section")

    def __init__(self, doc: Document, section: Section, as_of: date | None) -> None:
        self.doc, self.section, self.as_of = doc, section, as_of
        self.heading = section.heading.text if section.heading is not None else ""
        self.kind = section.kind  # None once a section is found in the wrong kind of file

    def warn(self, line: int, message: str, topic: str | None = None) -> None:
        self.doc.warnings.append(Warning_(Src(self.doc.path, line), message, topic or self.kind))

    def note(self, line: int, text: str, tags: tuple[str, ...] | None = None) -> None:
        self.doc.blocks[1] += 1
        self.doc.facts.setdefault("notes", []).append(
            Note(self.heading or "Overview", text, v.split_markers(text).tags if tags is None else tags,
                 Src(self.doc.path, line)))

    def read(self) -> None:
        """Read the section's blocks into the document's facts and warnings."""
        if not self._readable_here():
            return
        ctx = Context(self.as_of)
        for blk in self.section.blocks:
            if blk.kind == "heading":
                level = heading_level(blk.text)
                if level is not None and ITEM_READERS.get(self.kind or "") is not None:
                    ctx = Context(self.as_of, *level)
                else:
                    self.note(blk.line, blk.text)
            else:
                self._file(self._block(blk, ctx))

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

    def _block(self, blk: Block, ctx: Context) -> Found | None:
        """Read one paragraph, bullet or table: what its reader found, or None once noted."""
        kind, heading = self.kind, self.heading
        reader = ITEM_READERS.get(kind or "")
        table_reader = TABLE_READERS.get(kind or "")
        if blk.kind == "para" or (reader is None and table_reader is None and blk.kind != "table"):
            self.note(blk.line, blk.text)
        elif blk.kind == "item" and reader is not None:
            if blk.text and " ".join(blk.text.lower().split()).strip(" .") not in _EMPTY_ITEMS:
                found = reader(blk, Src(self.doc.path, blk.line), ctx)
                if not found.facts:
                    self.note(blk.line, blk.text)  # unreadable (warned about if it looked like a try)
                return found
        elif blk.kind == "table" and table_reader is not None:
            return table_reader(blk, self.doc.path)
        elif blk.kind == "table":
            if kind not in (None, NOTES):
                self.warn(blk.line, f"{heading}: expected bullets, found a table; its rows are kept as notes")
            for line, cells in blk.rows:
                self.note(line, " | ".join(cells), ())
        elif blk.text:
            self.warn(blk.line, f"{heading}: expected a table, found a bullet; kept as a note")
            self.note(blk.line, blk.text)
        return None

    def _file(self, found: Found | None) -> None:
        """File a reader's facts under the section's kind, and its problems as warnings."""
        if found is None or self.kind is None:
            return
        if found.facts:
            self.doc.blocks[0] += 1
            self.doc.facts.setdefault(self.kind, []).extend(found.facts)
        for line, message in found.problems:
            self.warn(line, message)
