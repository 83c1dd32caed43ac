"""A document's shape: its blocks grouped into sections under their headings, what lies under
a heading or an item (its body, its sub-bullets, a bold lead's field bullets), and a label
line markdown joined to the item above it."""

from __future__ import annotations

from reports.read.headings import NOTES, classify_heading, heading_level
from reports.read.items import field
from reports.read.markdown import Block
from reports.record import NamedTuple


class Section(NamedTuple):
    """A run of blocks under one heading, and what kind of section that heading names."""

    heading: Block | None  # None: before any heading
    kind: str | None  # a SECTIONS key, NOTES, or None when not understood
    blocks: list[Block]


def sections_of(blocks: list[Block], title: Block | None) -> list[Section]:
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


def body_after(blocks: list[Block], start: int) -> list[Block]:
    """The blocks after a heading, up to the next heading."""
    end = next((j for j in range(start, len(blocks)) if blocks[j].kind == "heading"), len(blocks))
    return blocks[start:end]


def children_of(blocks: list[Block], start: int) -> list[Block]:
    """The nested items right after a top-level item: its sub-bullets."""
    end = start
    while end < len(blocks) and blocks[end].kind == "item" and blocks[end].level > 0:
        end += 1
    return blocks[start:end]


def lead_body(blocks: list[Block], i: int) -> list[Block]:
    """A bold lead paragraph's field bullets (`**1. Title**` then `- **Impact**: ...`), or []."""
    blk = blocks[i]
    if blk.kind != "para" or len(blk.text) > 100 or blk.lines:
        return []
    end = i + 1
    while end < len(blocks) and blocks[end].kind == "item":
        end += 1
    body = blocks[i + 1:end]
    return body if sum(1 for b in body if b.level == 0 and field(b.text)) >= 2 else []


def cut_label(blk: Block) -> str | None:
    """A label line markdown joined to the item above it (`- Invoices` then `**Won't (this
    release)**` at the margin, no blank line between): cut from the item; its level, or None."""
    tail = blk.lazy
    if not tail or len(tail) > 40 or blk.text == tail or not blk.text.endswith(tail):
        return None
    level = heading_level(tail)
    if level is not None:
        blk.text = blk.text[: -len(tail)].rstrip()
    return level
