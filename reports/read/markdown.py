"""Markdown -> blocks (headings, list items, tables, paragraphs) with their line numbers.

Nothing here raises on bad input: a problem becomes `(line, message)` for the
caller to turn into a warning.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

import pyromark


class Block:
    """A heading, list item, table or paragraph, with the line it starts on."""

    __slots__ = ("checked", "header", "kind", "level", "line", "rows", "struck", "text")

    def __init__(self, kind: str, line: int, level: int = 0) -> None:
        self.kind = kind  # heading | item | table | para
        self.line = line
        self.text = ""
        self.level = level  # heading level; for items, how deeply the list is nested (0 = top)
        self.checked: bool | None = None
        self.struck = False  # all of its text is ~~struck through~~ (read as done)
        self.header: list[str] = []
        self.rows: list[tuple[int, list[str]]] = []


_OPTIONS = (pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_TASKLISTS
            | pyromark.Options.ENABLE_STRIKETHROUGH)
_STRUCK_ON, _STRUCK_OFF = "\x00<s>", "\x00</s>"  # sentinels in a text buffer; never in parsed text
_TEXT_EVENTS = ("Text", "Code", "InlineHtml", "Html", "InlineMath", "DisplayMath", "FootnoteReference")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _finish(parts: list[str], owner: Block | None) -> str:
    """The owner's text from its buffer; marks it struck when strikethrough covers all of it."""
    text = "".join(parts)
    if _STRUCK_ON not in text:
        return _clean(text)
    outside = re.sub(re.escape(_STRUCK_ON) + r".*?" + re.escape(_STRUCK_OFF), "", text, flags=re.S)
    inside = text.replace(_STRUCK_ON, "").replace(_STRUCK_OFF, "")
    if owner is not None and not outside.strip() and inside.strip():
        owner.struck = True
    return _clean(inside)


class _Builder:
    """Collects blocks from pulldown-cmark's events. Text goes to the innermost open
    owner (a heading, item, paragraph or table cell); `owners` and `parts` are one
    stack of (owner, text buffer) kept as two lists for speed."""

    def __init__(self, text: str) -> None:
        data = text.encode()
        self.newlines = [m.start() for m in re.finditer(b"\n", data)]
        self.blocks: list[Block] = []
        self.parts: list[list[str]] = []
        self.owners: list[Block | None] = []  # None: a table cell
        self.table: Block | None = None
        self.row: list[str] | None = None
        self.lists = 0  # how many lists are open around the current item

    def line_of(self, pos: int) -> int:
        return bisect_left(self.newlines, pos) + 1

    def open(self, blk: Block | None) -> None:
        if blk is not None:
            self.blocks.append(blk)
        self.parts.append([])
        self.owners.append(blk)

    def start(self, tag: str, start: Any, pos: int) -> None:
        if tag == "Item":
            owner = self.owners[-1] if self.owners else None
            if owner is not None and owner.kind == "item":  # text so far belongs to the outer item
                owner.text = _finish(self.parts[-1], owner)
                self.parts[-1] = []
            self.open(Block("item", self.line_of(pos), level=max(self.lists - 1, 0)))
        elif tag == "List":
            self.lists += 1
        elif tag == "Strikethrough":
            if self.parts:
                self.parts[-1].append(_STRUCK_ON)
        elif tag == "TableCell":
            self.open(None)
        elif tag == "TableRow":
            self.row = []
            if self.table is not None:
                self.table.rows.append((self.line_of(pos), self.row))
        elif tag in ("Paragraph", "CodeBlock"):
            if not (self.owners and self.owners[-1] is not None):
                self.open(Block("para", self.line_of(pos)))
        elif tag == "Heading":
            self.open(Block("heading", self.line_of(pos), level=int(str(start["Heading"]["level"])[1:])))
        elif tag == "Table":
            self.table, self.row = Block("table", self.line_of(pos)), None
            self.blocks.append(self.table)

    def end(self, tag: str) -> None:
        if tag == "TableCell":
            self.owners.pop()
            cell = _finish(self.parts.pop(), None)
            if self.table is not None and self.row is None:
                self.table.header.append(cell)
            elif self.row is not None:
                self.row.append(cell)
        elif tag == "List":
            self.lists -= 1
        elif tag == "Strikethrough":
            if self.parts:
                self.parts[-1].append(_STRUCK_OFF)
        elif tag in ("Heading", "Item") or (tag in ("Paragraph", "CodeBlock") and self.owners
                                             and self.owners[-1] is not None
                                             and self.owners[-1].kind == "para"):
            if self.owners:
                owner = self.owners.pop()
                chunk = _finish(self.parts.pop(), owner)
                if owner is not None and chunk:
                    owner.text = f"{owner.text} {chunk}".strip() if owner.text else chunk
        elif tag in ("TableHead", "TableRow"):
            self.row = None
        elif tag == "Table":
            self.table, self.row = None, None

    def other(self, event: dict[str, Any]) -> None:
        kind, payload = next(iter(event.items()))
        if kind == "TaskListMarker":
            if self.owners and self.owners[-1] is not None:
                self.owners[-1].checked = bool(payload)
        elif kind in _TEXT_EVENTS and self.parts:
            self.parts[-1].append(str(payload))


def markdown_blocks(text: str) -> list[Block]:
    """Parse CommonMark (with tables and task lists) into a flat list of blocks."""
    b = _Builder(text)
    event: Any
    # The hot loop of parsing: the commonest events (text, start, end) are tested first.
    for event, span in pyromark.events_with_range(text, options=_OPTIONS, merge_text=True):
        if event.__class__ is str:
            if b.parts and event in ("SoftBreak", "HardBreak"):
                b.parts[-1].append(" ")
            continue
        payload = event.get("Text")
        if payload is not None:
            if b.parts:
                b.parts[-1].append(payload)
            continue
        start = event.get("Start")
        if start is not None:
            b.start(start if start.__class__ is str else next(iter(start)), start, span["start"])
            continue
        end = event.get("End")
        if end is not None:
            b.end(end if end.__class__ is str else next(iter(end)))
            continue
        b.other(event)
    return [blk for blk in b.blocks if blk.kind == "table" or blk.text or blk.kind == "item"]
