"""Bounds on what one handoff may cost to read, and the text cut to fit them.

A file under the 5 MB limit can still be made to cost seconds and gigabytes
(issue 23: five thousand lines of lists nested 500 deep took 11 s and 977 MB).
The parser holds every event of the text it is given, so a large text is
parsed in pieces; over-long lines and over-deep nesting are cut before
parsing, and the block count is capped while it runs. Each cut is a warning
that names the line, and the rest of the file (or of the folder) is still read.
"""

import re
from bisect import bisect_left
from collections.abc import Iterator

from reports.patterns import compiled
from reports.read.found import Problem

MAX_NESTING = 16  # lists and quotes inside each other; handoffs use three or four
MAX_BLOCKS = 20_000  # headings, bullets, paragraphs, tables and table rows in one file
MAX_LINE = 10_000  # characters in one line
WHOLE = 512 * 1024  # characters parsed in one go: every real handoff, so none is cut
PIECE = 64 * 1024  # characters per piece of a larger text
MAX_SUGGESTIONS = 100  # did-you-mean hints for unknown headings in one file (each costs a fuzzy match)

NESTING_MESSAGE = (f"lists or quotes nested more than {MAX_NESTING} deep (from this line); "
                   f"read as {MAX_NESTING} deep")
_MARKER = r"(?:(?:[-+*]|\d{1,9}[.)])[ \t]+|>[ \t]*)"  # each starts with a non-space: no backtracking
_DEEP = compiled(rf"^(?P<keep>[ \t]*{_MARKER}{{{MAX_NESTING}}}){_MARKER}+", re.M)
# Only a text over WHOLE characters uses these (cutting it into pieces).
_FENCE = compiled(r"(?m)^[ \t]*(?:```|~~~)")
_DELIMITER = compiled(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


def blocks_message(line: int) -> str:
    """The warning for a file cut short at `line` by the block cap."""
    return (f"more than {MAX_BLOCKS:,} blocks (headings, bullets, paragraphs, table rows); "
            f"the rest of the file from line {line} is not read")


# A piece of a text to parse: (lines before it, its text, whether it goes on with a table).
# A piece that continues a table cut at the piece before starts with that table's header
# and delimiter rows again, counted in its lines before as two lines less. (A plain tuple:
# a NamedTuple class costs a preview 0.13 ms to create.)
Piece = tuple[int, str, bool]


def pieces(text: str) -> Iterator[Piece]:
    """The text in pieces to parse: the whole text when it is at most WHOLE characters, else
    pieces of about PIECE characters cut at line ends, at a blank line before an unindented
    line and outside fenced code where there is one."""
    if len(text) <= WHOLE:
        return iter(((0, text, False),))
    return _pieces(text)


def _pieces(text: str) -> Iterator[Piece]:
    """The pieces of a text over WHOLE characters."""
    start, lines, head = 0, 0, ""
    while start < len(text):
        cut = _cut(text, start)
        body = text[start:cut]
        yield lines - 2 if head else lines, head + body, bool(head)
        head = _open_table(text, start, cut, head)
        lines += body.count("\n")
        start = cut


def _open_table(text: str, start: int, cut: int, head: str) -> str:
    """The header and delimiter rows of a table the cut (ending the piece that began at
    `start`) falls inside, for the next piece to begin with; else ""."""
    newline = text.find("\n", cut)
    if cut >= len(text) or "|" not in text[cut:newline if newline >= 0 else len(text)]:
        return ""
    first = cut  # back to the first of the lines with a `|` that end the piece
    while first > start:
        before = max(text.rfind("\n", start, first - 1) + 1, start)
        if "|" not in text[before:first - 1]:
            break
        first = before
    if first == start and head:
        return head  # the whole piece is rows of the table that the piece before began
    header_end = text.find("\n", first, cut)
    delimiter_end = text.find("\n", header_end + 1, cut) if header_end >= 0 else -1
    if delimiter_end < 0 or not _DELIMITER.match(text, header_end + 1, delimiter_end):
        return ""
    return text[first:delimiter_end + 1]


def _cut(text: str, start: int) -> int:
    """Where the piece that begins at `start` ends (just after a newline, or the end)."""
    end = start + PIECE
    if end >= len(text):
        return len(text)
    fences = [m.start() for m in _FENCE.finditer(text, start, end)]
    blank = text.rfind("\n\n", start, end)
    for _ in range(1000):  # a blank line before an unindented line, outside fenced code
        if blank < start + PIECE // 2:
            break
        after = blank + 2
        if not text[after:after + 1].isspace() and bisect_left(fences, after) % 2 == 0:
            return after
        blank = text.rfind("\n\n", start, blank + 1)
    newline = text.rfind("\n", start, end)
    if newline >= start:
        opened = bisect_left(fences, newline + 1)
        if opened % 2 and fences[opened - 1] > start:
            return fences[opened - 1]  # before the fenced block, rather than inside it
        return newline + 1
    newline = text.find("\n", end)  # one line longer than a piece: `tame` cuts it down
    return len(text) if newline < 0 else newline + 1


def tame(piece: str, lines_before: int) -> tuple[str, list[Problem]]:
    """The piece with lines over MAX_LINE characters cut to it and nesting over MAX_NESTING
    levels on one line cut to it (line count kept), and a warning for the first of each."""
    problems: list[Problem] = []
    if len(piece) > MAX_LINE:
        rows = piece.split("\n")
        if max(map(len, rows)) > MAX_LINE:
            first = next(i for i, row in enumerate(rows) if len(row) > MAX_LINE)
            problems.append((lines_before + first + 1, f"a line over {MAX_LINE:,} characters; the rest of "
                             "the line is not read"))
            piece = "\n".join(row[:MAX_LINE] for row in rows)
    deep = _DEEP.search(piece)
    if deep is not None:
        problems.append((lines_before + piece.count("\n", 0, deep.start()) + 1, NESTING_MESSAGE))
        piece = _DEEP.sub(r"\g<keep>", piece)
    return piece, problems
