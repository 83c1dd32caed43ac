"""Plain-text layout shared by the five reports: figures, wrapping, tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from reports.model import Src
from reports.patterns import compiled

T = TypeVar("T")

WIDTH = 78
_DOUBLE_STOP = compiled(r"(?<!\.)\.\.(?=\s|\)|$)")
_CONTROL = compiled(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPARKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
ELLIPSIS = "\u2026"
DASH = "\u2014"
MINUS = "\u2212"
NOT_GIVEN = "not given"  # a figure the handoff did not give: never shown as $0
MONEY = "money"  # the unit of a figure in the portfolio's reporting currency (guardrails)
_MARKS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3", "JPY": "\u00a5", "CNY": "CN\u00a5", "BRL": "R$",
          "INR": "\u20b9", "IDR": "Rp", "KRW": "\u20a9", "TRY": "\u20ba", "RUB": "\u20bd"}
_MARK: ContextVar[str] = ContextVar("money_mark", default="$")


@contextmanager
def in_currency(code: str) -> Iterator[None]:
    """Write money in a portfolio's reporting currency while its reports are rendered (`€1,200`,
    `CHF 1,200`): a context variable, so that two renders at once each keep their own."""
    token = _MARK.set(_MARKS.get(code, f"{code} "))
    try:
        yield
    finally:
        _MARK.reset(token)


def clean(text: str) -> str:
    """Remove control and bidi characters and fold white space to single spaces."""
    if text.isascii() and text.isprintable():  # nothing for _CONTROL to find (853 calls: 0.77 to 0.54 ms)
        return " ".join(text.split())
    return " ".join(_CONTROL.sub(" ", text).split())


def cost_text(value: Decimal | None) -> str:
    """A cost: `$140`, `$0 (free)`, or `not given` (never $0 for a cost nobody wrote)."""
    if value is None:
        return NOT_GIVEN
    return f"{_MARK.get()}0 (free)" if value == 0 else money(value)


def due_text(due: date | None, as_of: date) -> str:
    """` (due 2026-11-18)`, or ` (due 2026-11-18, OVERDUE)` once it has passed."""
    if due is None:
        return ""
    return f" (due {due.isoformat()}, OVERDUE)" if due < as_of else f" (due {due.isoformat()})"


def header_text(text: str) -> str:
    """One clean line for a mail header: also drops every Unicode format, control, private-use
    and unpaired surrogate character (zero-width joiners, U+FEFF, soft hyphens, tag
    characters), none of which a reader sees and all of which can disguise a subject."""
    if not text.isascii():
        import unicodedata

        text = "".join(c for c in text if c.isascii() or unicodedata.category(c) not in ("Cf", "Cc", "Co", "Cs"))
    return clean(text)


def money(value: Decimal | None) -> str:
    """Format whole units of the reporting currency: `$12,345`, `-$1,200`, `€900`; None as a dash."""
    return _money(value, _MARK.get())


def _money(value: Decimal | None, mark: str) -> str:
    if value is None:
        return DASH
    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"-{mark}{-whole:,}" if whole < 0 else f"{mark}{whole:,}"


def percent(value: Decimal | None) -> str:
    """Format a percentage with one decimal: `12.3%`."""
    if value is None:
        return DASH
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def months(value: Decimal | None) -> str:
    """Format a number of months with one decimal: `8.4 months`."""
    if value is None:
        return DASH
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} months"


def number(value: Decimal) -> str:
    """Format a plain figure without trailing zeros: `2.6`, `23`, `1,200`."""
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    if q == q.to_integral_value():
        return f"{int(q):,}"
    return f"{q:,f}"


def quantity(value: Decimal | None, unit: str) -> str:
    """Format a KPI-style figure in its unit: `$1,240`, `58.0%`, `4.9 stars`."""
    if value is None:
        return DASH
    places = max(-int(value.as_tuple().exponent), 0) if value.is_finite() else 0
    if places > 3:  # a computed figure, not one written by hand: the usual rounding
        places = 0
    if unit == MONEY:
        return money(value)
    mark = "$" if unit == "$" else _MARKS.get(unit)  # a KPI keeps the currency it was written in
    if mark is not None:
        if places and value != value.to_integral_value():  # as written: $13.50, not $14
            text = f"{abs(value):,.{places}f}"
            return f"-{mark}{text}" if value < 0 else f"{mark}{text}"
        return _money(value, mark)
    if unit == "%":
        return f"{value:.{places}f}%" if places > 1 else percent(value)
    if unit in ("months", "month"):
        return months(value)
    return f"{number(value)} {unit}".strip()


def sparkline(values: Sequence[Decimal | None]) -> str:
    """Draw a one-line trend with block characters; gaps as spaces."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(_SPARKS[3])
        else:
            out.append(_SPARKS[int((v - low) / span * (len(_SPARKS) - 1))])
    return "".join(out)


_WIDTHS: dict[str, int] = {}
_NO_ASCII = dict.fromkeys(range(128))  # str.translate drops every ASCII character


def _char_width(c: str) -> int:
    known = _WIDTHS.get(c)
    if known is not None:
        return known
    import unicodedata

    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
        found = 0
    else:
        found = 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    _WIDTHS[c] = found
    return found


def width(text: str) -> int:
    """Display columns: a CJK character or an emoji takes two, a combining mark none."""
    if text.isascii():
        return len(text)
    wide = text.translate(_NO_ASCII)  # ASCII is one column each; only the rest looked up (wrap 1.36 to 1.05 ms)
    return len(text) - len(wide) + sum(map(_char_width, wide))


def truncate(text: str, columns: int) -> str:
    """Cut `text` to `columns` display columns, marking the cut with an ellipsis."""
    if width(text) <= columns:
        return text
    out, used = [], 0
    for c in text:
        w = _char_width(c) if not c.isascii() else 1
        if used + w > columns - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, columns: int, right: bool = False) -> str:
    """Pad to `columns` display columns, on the left when `right`."""
    fill = " " * max(columns - width(text), 0)
    return fill + text if right else text + fill


def wrap(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    """Wrap to 78 display columns; continuation lines get the `hanging` indent.

    Greedy, as `textwrap.wrap(..., break_long_words=True, break_on_hyphens=False)` does
    (a test holds it to that for ASCII), but counted in display columns, so CJK and
    emoji lines fit too: a word wider than a whole line fills the rest of the line it
    starts on and runs on over the next."""
    sub = indent + "  " if hanging is None else hanging
    text = clean(text)
    if not text:
        return [indent.rstrip()]
    measure = len if text.isascii() else width
    lines: list[str] = []
    line, room, used = indent, max(WIDTH - width(indent), 1), 0  # used: columns after the indent
    for word in text.split(" "):
        w = measure(word)
        gap = 1 if used else 0
        if used + gap + w <= room:
            line, used = (f"{line} {word}" if used else line + word), used + gap + w
            continue
        if w > room and used + gap < room:  # wider than a line: start it here
            head = _cut(word, room - used - gap)
            line, word = (f"{line} {head}" if used else line + head), word[len(head):]
            w = measure(word)
        lines.append(line.rstrip())
        line, room = sub, max(WIDTH - width(sub), 1)
        while w > room:
            head = _cut(word, room) or word[:1]
            lines.append((line + head).rstrip())
            word = word[len(head):]
            w = measure(word)
        line, used = line + word, w
    lines.append(line.rstrip())
    return lines


def _cut(word: str, columns: int) -> str:
    """The longest start of `word` that fits in `columns` display columns."""
    if word.isascii():
        return word[:columns]
    used = 0
    for i, c in enumerate(word):
        used += _char_width(c)
        if used > columns:
            return word[:i]
    return word


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int] = (),
          indent: str = "  ") -> list[str]:
    """Lay out an aligned table; the widest columns are shortened to fit 78."""
    body = [[clean(c) for c in r] for r in rows]
    widths = [width(h) for h in headers]
    for r in body:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], width(c))
    room = WIDTH - len(indent) - 2 * (len(widths) - 1)
    while sum(widths) > room:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= 6:
            break
        widths[i] -= 1

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, c in enumerate(cells):
            w = widths[i]
            if c.isascii() and len(c) <= w:  # fits as it is: padded as `pad` would (17 tables: 0.98 to 0.69 ms)
                out.append(c.rjust(w) if i in right else c.ljust(w))
            else:
                out.append(pad(truncate(c, w), w, i in right))
        return (indent + "  ".join(out)).rstrip()

    lines = [line(headers), (indent + "  ".join("-" * w for w in widths)).rstrip()]
    lines.extend(line(r) for r in body)
    return lines


def _one_stop(text: str) -> str:
    """`Harbor Kayak Co..` -> `Harbor Kayak Co.`: a name ending in a period ends the sentence."""
    if ".." not in text:  # what the pattern needs (a bullet: 2.9 to 0.2 us)
        return text
    return _DOUBLE_STOP.sub(".", text)


def change(values: Sequence[Decimal | None]) -> str:
    """The % change from the first to the last value shown beside a sparkline: `+8%`."""
    present = [v for v in values if v is not None]
    if len(present) < 2 or present[0] == 0:
        return ""
    pct = (present[-1] - present[0]) / abs(present[0]) * 100
    sign = "+" if pct >= 0 else MINUS
    return f"{sign}{abs(pct).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _source(item: object) -> Src | None:
    if isinstance(item, Src):
        return item
    src = getattr(item, "source", None)
    return src if isinstance(src, Src) else None


def _cells(row: Any) -> Sequence[str]:
    return row  # type: ignore[no-any-return]  # the default formatter: rows are already cells


class Report:
    """Accumulate the lines of one plain-text report."""

    def __init__(self, role: str = "") -> None:
        self.role = role
        self.lines: list[str] = []
        self.cited: set[str] = set()  # handoff paths the shown figures came from
        self.rates: set[tuple[str, Decimal]] = set()  # `fx:` rates behind shown figures that cite no fact

    def cite_lists(self, lists: Iterable[Sequence[object]]) -> None:
        """Cite an entity's whole fact lists (figures computed from every fact in them).
        Each holds its facts in file order, so a list whose first and last facts come
        from one file has no other file."""
        for facts in lists:
            if facts:
                first, last = _source(facts[0]), _source(facts[-1])
                if first is not None and last is not None and first.path == last.path:
                    self.cited.add(first.path)
                else:
                    self.cite(facts)

    def cite(self, *groups: Iterable[object]) -> None:
        """Record the files behind what is shown: facts with a `source`, `Src`s, or plain
        tuples holding facts (such as `(entity, risk)`); an entity itself cites nothing."""
        for group in groups:
            for item in group:
                if isinstance(item, str):
                    raise TypeError(f"cite a fact or a Src, not the text {item!r}")
                src = _source(item)
                if src is not None:
                    self.cited.add(src.path)
                elif isinstance(item, tuple) and not hasattr(item, "_fields"):
                    self.cite(item)

    def _cite_shown(self, items: Sequence[object]) -> None:
        """Cite the facts behind the rows or bullets shown, so a renderer cannot forget;
        rows already turned into text carry no source and are cited by the renderer."""
        self.cite(i for i in items if not isinstance(i, (str, list)))

    def title(self, text: str) -> None:
        self.lines.extend([truncate(clean(text), WIDTH), "=" * min(width(clean(text)), WIDTH)])

    def section(self, text: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.extend([truncate(clean(text), WIDTH), "-" * min(width(clean(text)), WIDTH)])

    def para(self, text: str, indent: str = "") -> None:
        self.lines.extend(wrap(_one_stop(text), indent, indent))

    def bullet(self, text: str, indent: str = "  ") -> None:
        self.lines.extend(wrap(_one_stop(text), indent + "- ", indent + "  "))

    def bullets(self, items: Sequence[T], limit: int, fmt: Callable[[T], str] = str,
                empty: str = "None.") -> None:
        """Add up to `limit` bullets, then `… and N more`; only shown items are formatted."""
        if not items and empty:
            self.para(empty, "  ")
        for item in items[:limit]:
            self.bullet(fmt(item))
        self._cite_shown(items[:limit])
        if len(items) > limit:
            self.para(f"{ELLIPSIS} and {len(items) - limit:,} more", "  ")

    def table(self, headers: Sequence[str], rows: Sequence[T], limit: int,
              fmt: Callable[[T], Sequence[str]] = _cells, right: Sequence[int] = (),
              empty: str = "None.") -> None:
        """Add a table of up to `limit` rows, then `… and N more`; only shown rows are formatted."""
        if not rows:
            self.para(empty, "  ")
            return
        self.lines.extend(table(headers, [fmt(row) for row in rows[:limit]], right))
        self._cite_shown(rows[:limit])
        if len(rows) > limit:
            self.para(f"{ELLIPSIS} and {len(rows) - limit:,} more", "  ")

    def blank(self) -> None:
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"
