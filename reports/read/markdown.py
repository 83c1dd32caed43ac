"""Markdown -> blocks with their line numbers, and YAML front matter -> a dict.

Nothing here raises on bad input: a problem becomes `(line, message)` for the
caller to turn into a warning.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date
from typing import Any

import pyromark

MAX_FRONT_MATTER_BYTES = 64 * 1024
Problem = tuple[int, str]  # (line, message)


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


# --------------------------------------------------------------------------
# Front matter


def front_matter(text: str) -> tuple[dict[str, Any], str, list[Problem]]:
    """Split YAML front matter off `text`, blanking its lines so line numbers hold."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, text, []
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return {}, text, [(1, "front matter opened with '---' is never closed; read as markdown")]
    raw = "\n".join(lines[1:end])
    body = "\n" * end + "\n".join(lines[end:]).removeprefix(lines[end])
    if len(raw) > MAX_FRONT_MATTER_BYTES:
        return {}, body, [(1, "front matter is over 64 KB; ignored")]
    simple = simple_front_matter(raw)
    if simple is not None:
        return simple, body, []
    meta, problem = _yaml_front_matter(raw)
    return meta, body, [problem] if problem else []


def _yaml_front_matter(raw: str) -> tuple[dict[str, Any], Problem | None]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Anchors and aliases are refused before anything is built: eight nested
        # aliases in a few hundred bytes expand to gigabytes (an "alias bomb").
        for event in yaml.parse(raw, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 2 if event.start_mark else 1
                return {}, (line, "front matter uses a YAML anchor or alias (& or *); not read: "
                                  "write each value out")
        meta = yaml.load(raw, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        return {}, (line, f"front matter: {problem}; the body is still read")
    except RecursionError:
        return {}, (1, "front matter is nested too deeply; ignored")
    except (ValueError, OverflowError) as exc:  # PyYAML's date constructor: 2026-02-30
        return {}, (1, f"front matter: {exc}; ignored")
    if meta is None:
        return {}, None
    if not isinstance(meta, dict):
        return {}, (2, "front matter is not a set of `key: value` lines; ignored")
    return {str(k).strip().lower(): val for k, val in meta.items()}, None


_SIMPLE_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*$")
_YAML_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@`<=")
_YAML_WORDS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF "
                        "null Null NULL ~ y Y n N".split())
_INT = re.compile(r"^(?:0|[1-9][0-9]*)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


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
        key, value = m[1].lower(), m[2] or ""
        if not value:
            meta[key] = None
            continue
        if (value[0] in _YAML_INDICATORS or value in _YAML_WORDS or ":" in value or "#" in value
                or "\t" in value or value.startswith("- ") or value == "-" or not value.isprintable()):
            return None
        if value[0] in "-+.0123456789" and " " not in value:
            if _INT.match(value):
                meta[key] = int(value)
                continue
            if _DATE.match(value):
                try:
                    meta[key] = date.fromisoformat(value)
                except ValueError:
                    return None
                continue
            if not _MONTH.match(value):
                return None  # numbers in YAML's other forms (0x1F, 1_000, 1.5, .inf)
        meta[key] = value
    return meta
