"""Read the values handoff authors write: money, percentages, dates, markers."""

import re
from datetime import date
from decimal import Decimal

from reports.patterns import compiled
from reports.read.monthnames import cell_month
from reports.record import NamedTuple

SEVERITIES = ("critical", "high", "medium", "low")
MIN_YEAR, MAX_YEAR = 1900, 9000  # past these, date arithmetic overflows
PRIORITIES = ("P0", "P1", "P2", "P3")

_SCALE = {"": Decimal(1), "k": Decimal(1000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
_MONEY = compiled(
    r"""^(?P<neg>-)?\$?(?P<neg2>-)?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)\s*
        (?P<scale>[kKmMbB])?\s*(?:/\s*(?:mo|month|mth))?$""",
    re.VERBOSE,
)
_NUMBER = compiled(r"^(?P<num>-?(?:\d[\d,]*(?:\.\d+)?|\.\d+))\s*(?P<scale>[kKmM](?![a-zA-Z]))?\s*(?P<unit>.*)$")
_MONTH_NAMES = {
    name: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december")]
    )
    for name in names
}
_UNIT = compiled(r"(?:[A-Za-z][A-Za-z /.-]{0,19})?")  # a word: days, ms, users, req/s; no digits
# `[ops]`, never the `[tourId]` of a route `/tours/[tourId]` or a link `[text](url)`.
_MARKER = compiled(r"(?<![\w/.\-])\[([A-Za-z0-9][A-Za-z0-9_-]*)\](?!\()")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


LIMIT = Decimal(10) ** 12  # a trillion: past it a figure is a typo, not a small business


def sane(value: Decimal) -> Decimal | None:
    """The value if it is finite and under a trillion in size; else None (`nan`, `-Infinity`,
    `1e999999999` and 29-digit amounts would break the arithmetic of every report)."""
    return value if value.is_finite() and abs(value) < LIMIT else None


def _scaled(number: str, scale: str | None) -> Decimal | None:
    """`1,234.5` with an optional k/M/B suffix as a Decimal."""
    try:
        return sane(Decimal(number.replace(",", "")) * _SCALE[(scale or "").lower()])
    except ArithmeticError:  # InvalidOperation, Overflow
        return None


def parse_money(text: str) -> Decimal | None:
    """Return the amount in `text` (`$14,200`, `$14.2k`, `($300)`, `-$300/mo`), else None."""
    s = text.strip().translate(_DASHES).replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    m = _MONEY.match(s)
    value = _scaled(m["num"], m["scale"]) if m else None
    if m is None or value is None:
        return None
    if negative or m["neg"] or m["neg2"]:
        value = -value
    return value


_MONTHLY = compiled(r"/\s*(?:mo|month|mth)\b|\bper month\b|\ba month\b|\bmonthly\b", re.I)


def is_monthly(text: str) -> bool:
    """True for an amount written per month: `$300/mo`, `$40 per month`, `$5k monthly`."""
    return bool(_MONTHLY.search(text))


def parse_percent(text: str) -> Decimal | None:
    """Return the number in `2.1%` as Decimal('2.1'), else None."""
    s = text.strip().translate(_DASHES)
    if not s.endswith("%"):
        return None
    try:
        num = s[:-1].strip()
        comma = "," in num and "." not in num and len(num.rsplit(",", 1)[1]) != 3  # `8,5%`: a decimal comma
        return sane(Decimal(num.replace(",", ".") if comma else num.replace(",", "")))
    except ArithmeticError:  # InvalidOperation, Overflow
        return None


class Quantity(NamedTuple):
    """A number with its unit: `$` for money, `%`, or a word such as `days`."""

    value: Decimal
    unit: str


def parse_quantity(text: str) -> Quantity | None:
    """Read `$1.2k`, `4.5%`, `12 days` or `0.8` into a Quantity."""
    s = text.strip().translate(_DASHES)
    if "$" in s:
        money = parse_money(s)
        return Quantity(money, "$") if money is not None else None
    pct = parse_percent(s)
    if pct is not None:
        return Quantity(pct, "%")
    m = _NUMBER.match(s)
    value = _scaled(m["num"], m["scale"]) if m else None
    unit = m["unit"].strip() if m else ""
    if m is None or value is None or not _UNIT.fullmatch(unit):
        return None  # `1.4.3`, `2026-03-04`, `24/24`, `1e9` are versions, dates, ratios: not figures
    return Quantity(value, unit)


def parse_date(text: str) -> date | None:
    """Return the ISO date `YYYY-MM-DD` in `text`, else None."""
    s = text.strip()
    if not _ISO_DAY.fullmatch(s):
        return None
    try:
        day = date.fromisoformat(s)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


_CJK_MONTH = compiled(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_ISO_DAY = compiled(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = compiled(r"(\d{4})-(\d{2})(?:-\d{2})?")
_NAMED_MONTH = compiled(r"([A-Za-z]+)\.?(?:\s+(\d{4}))?")


def parse_month(text: str, as_of: date | None = None) -> str | None:
    """Return `YYYY-MM` for `2026-09`, `2026-09-01`, `Sep 2026`, `September 2026`, `2026年9月` or a
    month named in another language (`ago/2026`); given the as-of date, a month without a year (`Sept`) is the last one begun by then."""
    s = text.strip()
    m = _ISO_MONTH.fullmatch(s) or _CJK_MONTH.fullmatch(s)
    if m:
        year, month = int(m[1]), int(m[2])
    else:
        m = _NAMED_MONTH.fullmatch(s)
        if not m or m[1].lower() not in _MONTH_NAMES:
            return cell_month(s, as_of)  # other languages: `ago/2026`, `Oktober 2026`
        month = _MONTH_NAMES[m[1].lower()]
        if m[2]:
            year = int(m[2])
        elif as_of is None:
            return None
        else:
            year = as_of.year if month <= as_of.month else as_of.year - 1
    if not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return f"{year:04d}-{month:02d}"


class Markers(NamedTuple):
    """The bracketed markers of a bullet, and its text without them."""

    text: str
    severity: str | None
    priority: str | None
    tags: tuple[str, ...]


def split_markers(text: str) -> Markers:
    """Pull `[critical]`, `[P1]` and `[tag]` markers out of a bullet's text."""
    severity = priority = None
    tags: list[str] = []
    for word in _MARKER.findall(text):
        low = word.lower()
        if low in SEVERITIES and severity is None:
            severity = low
        elif word.upper() in PRIORITIES and priority is None:
            priority = word.upper()
        elif low not in tags:
            tags.append(low)
    rest = " ".join(_MARKER.sub(" ", text).split())
    return Markers(rest, severity, priority, tuple(tags))


def month_add(month: str, n: int) -> str:
    """Return the `YYYY-MM` that is `n` months after `month`."""
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --------------------------------------------------------------------------
# Free-form flags: severity, priority and done, as people and agents write them

_EMOJI_SEVERITY = {"\U0001f534": "critical", "\U0001f7e0": "high", "\U0001f7e1": "medium", "\U0001f7e2": "low"}
_DONE_MARKS = ("\u2705", "\u2713", "\u2714", "\u2611")  # ✅ ✓ ✔ ☑
_SEVERITY_PREFIX = compiled(
    r"^(?P<word>critical|high|medium|med|low)(?:\s+(?:priority|severity|risk|sev))?\s*[:\u2014\u2013-]\s*", re.I)
_PRIORITY_PREFIX = compiled(r"^(?P<p>P[0-3])\b\s*[:\u2014\u2013-]?\s*", re.I)
_PRIORITY_PAREN = compiled(r"\s*\((?P<p>P[0-3])\)", re.I)
# A `[` not after a word, path or `]` character: the `[` comes first so that `re` looks for it
# directly instead of trying the look-behind at every position (0.6 to 0.4 us on a short item).
_BRACKET = compiled(r"\[(?<![\w/.\-\]]\[)([^\[\]\n]{1,24})\](?!\()")
SEVERITY_TO_PRIORITY = {"critical": "P0", "high": "P1", "medium": "P2", "low": "P3"}
PRIORITY_TO_SEVERITY = {v: k for k, v in SEVERITY_TO_PRIORITY.items()}
_WORDS = {"med": "medium"}
_LINK = compiled(r"#[a-z0-9][a-z0-9_-]*")
_TAG = compiled(r"[a-z0-9][a-z0-9_-]*")
_MARKER_WORDS = compiled(r"\s*#?[A-Za-z0-9][\w -]*\s*")  # a bracketed marker, removed from the text


class Flags(NamedTuple):
    """What a free-form bullet says about itself, and its text without the markers."""

    text: str
    severity: str | None
    priority: str | None
    tags: tuple[str, ...]
    done: bool
    near_misses: tuple[tuple[str, str], ...]  # (what was written, what it probably meant)
    links: tuple[str, ...] = ()  # `[#genset]`: ties an action to the risk it addresses


def read_flags(text: str) -> Flags:
    """Read `[critical]`, `[P1]` and `[tag]` markers, and the free forms: `CRITICAL:` or `High:`
    prefixes, 🔴 🟠 🟡 🟢 (critical, high, medium, low), `P1:` or `(P2)`, a leading or trailing
    ✓ or ✅ for done. Bracketed words that look like a misspelt severity or priority are
    near misses, kept as tags."""
    s = text.strip()
    severity = priority = None
    done = False
    if s.startswith(_DONE_MARKS) or s.endswith(_DONE_MARKS):
        for mark in _DONE_MARKS:
            if s.startswith(mark) or s.endswith(mark):
                done, s = True, s.strip(mark).strip()
    if not s.isascii():  # the severity emoji are not
        for emoji, word in _EMOJI_SEVERITY.items():
            if emoji in s:
                severity = severity or word
                s = " ".join(s.replace(emoji, " ").split())
    m = _SEVERITY_PREFIX.match(s)
    if m:
        severity = severity or _WORDS.get(m["word"].lower(), m["word"].lower())
        s = s[m.end():]
    m = _PRIORITY_PREFIX.match(s)
    if m:
        priority, s = m["p"].upper(), s[m.end():]
    m = _PRIORITY_PAREN.search(s) if "(" in s else None  # tried at every position: test its `(` first
    if m:
        priority = priority or m["p"].upper()
        s = (s[: m.start()] + s[m.end():]).strip()
    tags: list[str] = []
    near: list[tuple[str, str]] = []
    links: list[str] = []
    kept: list[str] = []  # s without its bracketed markers, built in the same pass
    end = 0
    for m in _BRACKET.finditer(s) if "[" in s else ():
        word = m[1]
        if _MARKER_WORDS.fullmatch(word):
            kept += (s[end:m.start()], " ")
            end = m.end()
        low = " ".join(word.lower().split())
        if low[:1] == "#" and _LINK.fullmatch(low):
            links.append(low[1:])
        elif low in SEVERITIES and severity is None:
            severity = low
        elif low.replace(" ", "").upper() in PRIORITIES and priority is None:
            priority = low.replace(" ", "").upper()
            if " " in low:
                near.append((f"[{word}]", f"[{priority}]"))
        elif _TAG.fullmatch(low):
            guess = _near_marker(low)
            if guess:
                near.append((f"[{word}]", f"[{guess}]"))
            if low not in tags:
                tags.append(low)
    rest = " ".join(("".join(kept) + s[end:]).split() if kept else s.split())
    return Flags(rest, severity, priority, tuple(tags), done, tuple(near), tuple(links))


def _near_marker(word: str) -> str | None:
    """The severity or priority a bracketed word was probably meant to be (`critcal`)."""
    near = [m for m in (*SEVERITIES, *(p.lower() for p in PRIORITIES))
            if abs(len(m) - len(word)) <= 2 and (m[0] == word[0] or m[-1] == word[-1])]
    if not near:  # most tags ([ops], [seo]) are nothing like a marker: no need for difflib
        return None
    import difflib

    close = difflib.get_close_matches(word, [*SEVERITIES, *(p.lower() for p in PRIORITIES)], n=1, cutoff=0.75)
    return (close[0].upper() if close[0].startswith("p") else close[0]) if close else None


# --------------------------------------------------------------------------
# Amounts in any currency

# Currency marks as written, longest first where one holds another (`R$` before `$`); each
# maps to its ISO code. A mark may stand before or after the number.
CURRENCY_MARKS = (
    ("US$", "USD"), ("USD", "USD"), ("R$", "BRL"), ("BRL", "BRL"), ("CN¥", "CNY"), ("RMB", "CNY"),
    ("CNY", "CNY"), ("元", "CNY"), ("JP¥", "JPY"), ("JPY", "JPY"), ("円", "JPY"), ("¥", "JPY"),
    ("￥", "JPY"), ("Rp", "IDR"), ("IDR", "IDR"), ("Rs.", "INR"), ("Rs", "INR"), ("₹", "INR"),
    ("INR", "INR"), ("€", "EUR"), ("EUR", "EUR"), ("£", "GBP"), ("GBP", "GBP"), ("₩", "KRW"),
    ("원", "KRW"), ("KRW", "KRW"), ("₺", "TRY"), ("TRY", "TRY"), ("TL", "TRY"), ("₽", "RUB"),
    ("руб.", "RUB"), ("руб", "RUB"), ("RUB", "RUB"), ("$", "USD"),
)
CURRENCIES = frozenset(code for _, code in CURRENCY_MARKS)
# Where `48.300` is forty-eight thousand: these currencies are mostly written with dots for
# thousands and a comma for decimals; elsewhere one dot and three digits is still a decimal.
DOT_THOUSANDS = frozenset({"BRL", "IDR", "EUR", "TRY", "RUB"})
_CJK_SCALE = {"万": Decimal(10_000), "億": Decimal(100_000_000), "亿": Decimal(100_000_000)}
_MONTHLY_MARKS = ("月額", "/月", "/bulan", "/mês", "/mes", "/monat", "/mois", "/ay", "/мес")
_amount_re: re.Pattern[str] | None = None
# `$4,200`, `$0`, `$140/mo`: most money cells, in the form the general reading gives as is
_PLAIN_DOLLARS = compiled(r"\$(0|[1-9]\d{0,2}(?:,\d{3})*)(/mo)?")


class Amount(NamedTuple):
    """An amount as written: its value, its currency code (None when no mark says), and
    whether it was written per month (`月額3,000円`, `$300/mo`)."""

    value: Decimal
    currency: str | None
    monthly: bool = False


def parse_amount(text: str, taken_in: str | None = None) -> Amount | None:
    """Read `$14.2k`, `¥300,000`, `月額3,000円`, `R$ 48.300`, `Rp 12.400.000`, `€1.234,56`,
    `200万円` or a bare `1,500` into an Amount, else None; an amount with no mark is grouped
    as the currency it will be taken in is written (`10.000` in EUR is ten thousand)."""
    plain = _PLAIN_DOLLARS.fullmatch(text)
    if plain is not None:  # the sample's 184 amounts: 1.42 to 0.31 ms
        value = sane(Decimal(plain[1].replace(",", "")))
        return Amount(value, "USD", plain[2] is not None) if value is not None else None
    return _parse_amount(text, taken_in)


def _parse_amount(text: str, taken_in: str | None = None) -> Amount | None:
    """`parse_amount` for every form: each currency mark and grouping tried."""
    global _amount_re
    s = text.strip().translate(_DASHES)
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()").strip()
    monthly = any(m in s.lower() for m in _MONTHLY_MARKS) or bool(_MONTHLY.search(s))
    for mark in _MONTHLY_MARKS:
        s = s.replace(mark, "")
    currency = None
    for mark, code in CURRENCY_MARKS:
        if mark in s:
            currency, s = code, s.replace(mark, " ", 1)
            break
    if _amount_re is None:
        _amount_re = compiled(
            r"^(?P<neg>-)?\s*(?P<num>\d[\d.,\s]*\d|\d)\s*(?P<scale>[kKmMbB](?![a-z])|万|億|亿)?\s*"
            r"(?:/\s*(?:mo|month|mth)|per month|a month|monthly)?$", re.I)
    m = _amount_re.match(" ".join(s.split()).replace("- ", "-"))
    if m is None:
        return None
    number = _plain_number(m["num"].replace(" ", ""), currency or taken_in)
    if number is None:
        return None
    scale = m["scale"] or ""
    try:
        value = sane(Decimal(number) * (_CJK_SCALE.get(scale) or _SCALE[scale.lower()]))
    except ArithmeticError:
        return None
    if value is None:
        return None
    return Amount(-value if negative or m["neg"] else value, currency, monthly)


def read_amount(text: str, taken_in: str | None = None) -> Amount | None:
    """An amount as `parse_amount` reads it, else in an older form `parse_money` reads (`$.5`),
    in no named currency; `taken_in` is the currency an unmarked amount is in."""
    amount = parse_amount(text, taken_in)
    if amount is not None:
        return amount
    money = parse_money(text)
    return Amount(money, None) if money is not None else None


def currency_code(text: str) -> str:
    """The ISO code a `currency:` value names (`JPY`, or a mark such as `¥`); "" when none."""
    return text.upper() if text.upper() in CURRENCIES else dict(CURRENCY_MARKS).get(text, "")


def _plain_number(num: str, currency: str | None) -> str | None:
    """`1.234,56` -> `1234.56`, `12.400.000` -> `12400000`, `32,50` -> `32.50`, `1,500` -> `1500`."""
    dots, commas = num.count("."), num.count(",")
    if dots + commas == 0:
        return num
    if dots and commas:
        decimal_mark = "." if num.rfind(".") > num.rfind(",") else ","
        group = "," if decimal_mark == "." else "."
    else:
        mark = "." if dots else ","
        tail = num.rsplit(mark, 1)[1]
        lone_zero = num.split(mark, 1)[0] == "0"  # `0.250`, `0,250`: a fraction, not 250
        thousands = dots + commas > 1 or (len(tail) == 3 and not lone_zero and (mark == "," or currency in DOT_THOUSANDS))
        decimal_mark, group = ("", mark) if thousands else (mark, "," if mark == "." else ".")
    whole, _, frac = num.rpartition(decimal_mark) if decimal_mark else (num, "", "")
    if group in frac or decimal_mark and decimal_mark in whole:
        return None  # `1.2.3`: a version, not an amount
    parts = whole.split(group)
    if len(parts) > 1 and (not 1 <= len(parts[0]) <= 3 or parts[0] == "0" or any(len(p) != 3 for p in parts[1:])):
        return None  # `1,23,4`: not a grouping anyone writes
    return "".join(parts) + (f".{frac}" if frac else "")
