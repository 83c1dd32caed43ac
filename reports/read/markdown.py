"""Markdown -> blocks (headings, list items, tables, paragraphs) with their line numbers.

Nothing here raises on bad input: a problem becomes `(line, message)` for the
caller to turn into a warning. What a file may cost is bounded (`bounds.py`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

import pyromark

from reports.patterns import compiled
from reports.read import bounds
from reports.read.found import Problem


class Block:
    """A heading, list item, table or paragraph, with the line it starts on."""

    __slots__ = ("checked", "header", "kind", "lazy", "level", "line", "lines", "rows", "struck", "text")

    def __init__(self, kind: str, line: int, level: int = 0, text: str = "") -> None:
        self.kind = kind  # heading | item | table | para
        self.line = line
        self.text = text
        self.level = level  # heading level; for items, how deeply the list is nested (0 = top)
        self.checked: bool | None = None
        self.struck = False  # all of its text is ~~struck through~~ (read as done)
        self.header: list[str] = []
        self.rows: list[tuple[int, list[str]]] = []
        self.lines: tuple[str, ...] = ()  # a paragraph of several lines: each line (`Frontend: Next.js`)
        self.lazy = ""  # an item's last line when shaped as a label at the margin (markdown joins it)


_OPTIONS = (pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_TASKLISTS
            | pyromark.Options.ENABLE_STRIKETHROUGH)
_STRUCK_ON, _STRUCK_OFF = "\x00<s>", "\x00</s>"  # sentinels in a text buffer; never in parsed text
_TEXT_EVENTS = ("Text", "Code", "InlineHtml", "Html", "InlineMath", "DisplayMath", "FootnoteReference")


def _clean(text: str) -> str:
    return " ".join(text.split())


_STRUCK = compiled(re.escape(_STRUCK_ON) + r".*?" + re.escape(_STRUCK_OFF), re.S)
_NEWLINE = compiled(b"\n")
_BREAK = "\x1e"  # a line break inside a paragraph: whitespace to str.split, so text is unchanged
_LAZY = "\x1d"  # a break before an item's line written at the margin (likewise whitespace)


def _finish(parts: list[str], owner: Block | None) -> str:
    """The owner's text from its buffer; marks it struck when strikethrough covers all of it."""
    text = parts[0] if len(parts) == 1 else "".join(parts)  # most owners hold one run of text
    if _LAZY in text and owner is not None:
        owner.lazy = _clean(text.rpartition(_LAZY)[2].replace(_STRUCK_ON, "").replace(_STRUCK_OFF, ""))
    if _BREAK in text and owner is not None and owner.kind == "para":
        plain = text.replace(_STRUCK_ON, "").replace(_STRUCK_OFF, "")
        owner.lines = owner.lines + tuple(_clean(x) for x in plain.split(_BREAK))
    if _STRUCK_ON not in text:
        return _clean(text)
    outside = _STRUCK.sub("", text)
    inside = text.replace(_STRUCK_ON, "").replace(_STRUCK_OFF, "")
    # All of it struck, or its lead (`~~Flaky login~~ fixed by moving to SES`): done.
    if owner is not None and inside.strip() and (not outside.strip() or text.lstrip().startswith(_STRUCK_ON)):
        owner.struck = True
    return _clean(inside)


class _Builder:
    """Collects blocks from pulldown-cmark's events. Text goes to the innermost open
    owner (a heading, item, paragraph or table cell); `owners` and `parts` are one
    stack of (owner, text buffer) kept as two lists for speed."""

    # Class-level starting values: most documents never change most of them.
    data = b""
    newlines: list[int] | None = None
    base = 0  # lines before the piece being parsed
    count = 0  # blocks and table rows so far, against bounds.MAX_BLOCKS
    deepest = 0  # the first line whose list nesting passed bounds.MAX_NESTING
    table: Block | None = None
    row: list[str] | None = None
    lists = 0  # how many lists are open around the current item
    last_table: Block | None = None
    resume: Block | None = None  # a table the next piece goes on with (its header repeated)
    skip_head = False

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[list[str]] = []
        self.owners: list[Block | None] = []  # None: a table cell

    def piece(self, text: str, lines_before: int, table: bool) -> None:
        """Start on the next piece of the text: its line numbers follow the pieces before it."""
        self.data = text.encode()  # the parser's positions are in UTF-8 bytes
        # A short text counts its newlines per block; a long one looks them up (bisect).
        self.newlines = [m.start() for m in _NEWLINE.finditer(self.data)] if len(self.data) > 4096 else None
        self.base = lines_before
        self.resume = self.last_table if table else None

    def counted(self, line: int) -> int:
        """Count one more block (or table row) at `line`; past the cap, stop parsing."""
        self.count += 1
        if self.count > bounds.MAX_BLOCKS:
            raise _Full(line)
        return line

    def flush(self) -> None:
        """Give the blocks still open the text read so far (parsing stopped inside them)."""
        for owner, parts in zip(self.owners, self.parts, strict=True):
            chunk = _finish(parts, owner)
            if owner is not None and chunk:
                owner.text = f"{owner.text} {chunk}".strip() if owner.text else chunk

    def label_at_margin(self, pos: int) -> bool:
        """Whether the line starting at `pos` inside an item is shaped as a label and written
        at the margin (`- Invoices` then `**Won't**` or `Should:`): markdown joins it to the
        item, but it may label the list below. A wrapped sentence is neither bold nor ends in `:`."""
        owner = self.owners[-1] if self.owners else None
        if owner is None or owner.kind != "item" or self.data[pos:pos + 1] in (b" ", b"\t", b""):
            return False
        end = self.data.find(b"\n", pos)
        line = self.data[pos:end if end >= 0 else len(self.data)].strip()
        return (len(line) > 4 and line[:2] == line[-2:] and line[:2] in (b"**", b"__")) \
            or line.endswith((b":", "\uff1a".encode()))

    def line_of(self, pos: int) -> int:
        if self.newlines is None:
            return self.base + self.data.count(b"\n", 0, pos) + 1
        return self.base + bisect_left(self.newlines, pos) + 1

    def open(self, blk: Block | None) -> None:
        if blk is not None:
            self.count += 1
            if self.count > bounds.MAX_BLOCKS:
                raise _Full(blk.line)
            self.blocks.append(blk)
        self.parts.append([])
        self.owners.append(blk)

    # One handler per tag the builder cares about (`_STARTS`, `_ENDS`): a dict lookup in the
    # hot loop instead of a chain of comparisons; every other tag is skipped.

    def start_item(self, start: Any, pos: int) -> None:
        owner = self.owners[-1] if self.owners else None
        if owner is not None and owner.kind == "item":  # text so far belongs to the outer item
            chunk = _finish(self.parts[-1], owner)  # (empty at its second sub-item: keep what it had)
            if chunk:
                owner.text = f"{owner.text} {chunk}".strip() if owner.text else chunk
            self.parts[-1] = []
        line = self.line_of(pos)
        if self.lists > bounds.MAX_NESTING and not self.deepest:
            self.deepest = line
        self.open(Block("item", line, min(max(self.lists - 1, 0), bounds.MAX_NESTING - 1)))

    def start_list(self, start: Any, pos: int) -> None:
        self.lists += 1

    def start_struck(self, start: Any, pos: int) -> None:
        if self.parts:
            self.parts[-1].append(_STRUCK_ON)

    def start_cell(self, start: Any, pos: int) -> None:
        self.open(None)

    def start_row(self, start: Any, pos: int) -> None:
        self.row = []
        if self.table is not None:
            self.table.rows.append((self.counted(self.line_of(pos)), self.row))

    def start_paragraph(self, start: Any, pos: int) -> None:
        if not (self.owners and self.owners[-1] is not None):
            self.open(Block("para", self.line_of(pos)))

    def start_heading(self, start: Any, pos: int) -> None:
        self.open(Block("heading", self.line_of(pos), int(str(start["Heading"]["level"])[1:])))

    def start_table(self, start: Any, pos: int) -> None:
        if self.resume is not None:  # the same table, cut between two pieces: its header again
            self.table, self.row, self.resume, self.skip_head = self.resume, None, None, True
            return
        self.table, self.row = Block("table", self.counted(self.line_of(pos))), None
        self.blocks.append(self.table)
        self.last_table = self.table

    def end_cell(self) -> None:
        self.owners.pop()
        cell = _finish(self.parts.pop(), None)
        if self.table is not None and self.row is None:
            if not self.skip_head:
                self.table.header.append(cell)
        elif self.row is not None:
            self.row.append(cell)

    def end_list(self) -> None:
        self.lists -= 1

    def end_struck(self) -> None:
        if self.parts:
            self.parts[-1].append(_STRUCK_OFF)

    def end_owner(self) -> None:
        if self.owners:
            owner = self.owners.pop()
            chunk = _finish(self.parts.pop(), owner)
            if owner is not None and chunk:
                owner.text = f"{owner.text} {chunk}".strip() if owner.text else chunk

    def end_paragraph(self) -> None:
        if self.owners and self.owners[-1] is not None and self.owners[-1].kind == "para":
            self.end_owner()

    def end_row(self) -> None:
        self.row, self.skip_head = None, False

    def end_table(self) -> None:
        self.table, self.row = None, None

    def other(self, event: dict[str, Any]) -> None:
        kind, payload = next(iter(event.items()))
        if kind == "TaskListMarker":
            if self.owners and self.owners[-1] is not None:
                self.owners[-1].checked = bool(payload)
        elif kind in _TEXT_EVENTS and self.parts:
            self.parts[-1].append(str(payload))


_STARTS: dict[str, Callable[[_Builder, Any, int], None]] = {
    "Item": _Builder.start_item, "List": _Builder.start_list, "Strikethrough": _Builder.start_struck,
    "TableCell": _Builder.start_cell, "TableRow": _Builder.start_row, "Paragraph": _Builder.start_paragraph,
    "CodeBlock": _Builder.start_paragraph, "Heading": _Builder.start_heading, "Table": _Builder.start_table,
}
_ENDS: dict[str, Callable[[_Builder], None]] = {
    "TableCell": _Builder.end_cell, "List": _Builder.end_list, "Strikethrough": _Builder.end_struck,
    "Heading": _Builder.end_owner, "Item": _Builder.end_owner, "Paragraph": _Builder.end_paragraph,
    "CodeBlock": _Builder.end_paragraph, "TableHead": _Builder.end_row, "TableRow": _Builder.end_row,
    "Table": _Builder.end_table,
}


class _Full(Exception):
    """The block cap is reached at this line: parsing stops there."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def markdown_blocks(text: str) -> tuple[list[Block], list[Problem]]:
    """Parse CommonMark (with tables and task lists) into a flat list of blocks, within
    the bounds of `bounds.py`; each bound it meets is a problem naming the line."""
    plain = _plain(text) if len(text) <= _PLAIN_MAX else None
    if plain is not None:
        return plain, []
    b = _Builder()
    problems: list[Problem] = []
    try:
        for lines_before, piece, table in bounds.pieces(text) if len(text) > bounds.WHOLE else ((0, text, False),):
            tamed, cuts = bounds.tame(piece, lines_before)
            for cut in cuts:
                if all(cut[1] != message for _, message in problems):  # once per file
                    problems.append(cut)
            b.piece(tamed, lines_before, table)
            _parse(b, tamed)
    except _Full as full:
        b.flush()
        problems.append((full.line, bounds.blocks_message(full.line)))
    if b.deepest and not any(message == bounds.NESTING_MESSAGE for _, message in problems):
        problems.append((b.deepest, bounds.NESTING_MESSAGE))
    if problems:
        problems.sort()
    return [blk for blk in b.blocks if blk.kind == "table" or blk.text or blk.kind == "item"], problems


def _parse(b: _Builder, text: str) -> None:
    """Feed pulldown-cmark's events for `text` to the builder."""
    event: Any
    starts, ends = _STARTS, _ENDS
    # The hot loop of parsing: the commonest events (text, start, end) are tested first.
    for event, span in pyromark.events_with_range(text, options=_OPTIONS, merge_text=True):
        if event.__class__ is str:
            if b.parts and event in ("SoftBreak", "HardBreak"):
                b.parts[-1].append(_LAZY if b.label_at_margin(span["end"]) else _BREAK)
            continue
        payload = event.get("Text")
        if payload is None:
            payload = event.get("Html")  # a line of an HTML block: a hostile file can hold 800,000
        if payload is not None:
            if b.parts:
                b.parts[-1].append(payload)
            continue
        start = event.get("Start")
        if start is not None:
            handler = starts.get(start if start.__class__ is str else next(iter(start)))
            if handler is not None:
                handler(b, start, span["start"])
            continue
        end = event.get("End")
        if end is not None:
            closer = ends.get(end if end.__class__ is str else next(iter(end)))
            if closer is not None:
                closer(b)
            continue
        b.other(event)


# The plainest markdown, read without the parser: ATX headings, one-line `- ` bullets at the
# margin and paragraphs of plain lines, with none of the characters that give inline markdown
# a meaning. A tiny handoff is often nothing else, and the parser's events cost it a third of
# its reading. `tests/test_warm_paths.py` holds `_plain` to the parser's blocks.
_PLAIN_MAX = 4096  # characters: well within every bound of `bounds.py`
_NOT_PLAIN = compiled(r"[\\&`*_~<>|\x00-\x09\x0b-\x1f\x7f]")  # and `](`, `]:`, a space ending a line
_TASKS = ("[ ]", "[x]", "[X]")


def _plain_start(text: str) -> bool:
    """Whether a bullet's text or a paragraph's line starts as plain text (a letter, a digit not
    opening an ordered list, or `[` not opening a task marker)."""
    first = text[:1]
    if first == "[":
        return not text.startswith(_TASKS)
    if "0" <= first <= "9":
        return text.lstrip("0123456789")[:1] not in (".", ")")
    return first.isalnum()


def _plain(text: str) -> list[Block] | None:
    """The blocks `markdown_blocks` gives a text written in the plainest markdown (above);
    None for any other text, which the parser reads."""
    if (_NOT_PLAIN.search(text) is not None or "](" in text or "]:" in text or " \n" in text
            or text.endswith(" ")):
        return None
    blocks: list[Block] = []
    para: list[str] = []  # the lines of the paragraph being read
    item = False  # the line before is a bullet: a plain line after it would go on with it
    n = 0
    for n, line in enumerate(text.split("\n"), 1):
        bullet = line[:2] == "- " and _plain_start(line[2:])
        if line and line[0] != "#" and not bullet:  # a paragraph's line
            if item or not _plain_start(line):
                return None
            para.append(line)
            continue
        if para:
            blocks.append(_plain_paragraph(n - len(para), para))
            para = []
        item = bullet
        if bullet:
            blocks.append(Block("item", n, 0, _clean(line[2:])))
        elif line:
            marks = len(line) - len(line.lstrip("#"))
            if marks > 6 or line[marks:marks + 1] not in (" ", "") or "#" in line[marks:]:
                return None
            heading = _clean(line[marks:])
            if heading:
                blocks.append(Block("heading", n, marks, heading))
    if para:
        blocks.append(_plain_paragraph(n + 1 - len(para), para))
    return blocks


def _plain_paragraph(line: int, lines: list[str]) -> Block:
    blk = Block("para", line, 0, _clean(" ".join(lines)))
    if len(lines) > 1:
        blk.lines = tuple(_clean(x) for x in lines)
    return blk
