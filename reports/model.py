"""The portfolio model every report is computed from, and its JSON form.

Immutable NamedTuples rather than frozen dataclasses: a portfolio of 10,000
entities holds about a million of these, and a frozen dataclass costs several
times more to create (and about 0.6 ms per class at import, which the dry-run
budget feels).
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from reports.record import NamedTuple

Money = Decimal


class Src(NamedTuple):
    """Where a fact or a warning came from: a handoff's path (or object key) and line.

    Printed as `path:line`; line 0 means the file as a whole.
    """

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Warning_(NamedTuple):
    """Something a handoff says that could not be read as written."""

    source: Src
    message: str
    topic: str | None = None  # the section it is about (a SECTIONS key, or "portfolio"); None: the file


class Source(NamedTuple):
    """One handoff file that was read, by path relative to the folder."""

    path: str
    sha256: str


class MonthFinancials(NamedTuple):
    month: str
    revenue: Money | None  # as written, in `currency`
    expenses: Money | None
    source: Src
    currency: str | None = None  # ISO code as written (`¥` -> JPY); None: the entity's reporting currency
    rate: Decimal | None = None  # from portfolio.md's `fx:`: reporting-currency units per unit of `currency`


class Expense(NamedTuple):
    date: date | None
    vendor: str
    category: str
    amount: Money | None
    source: Src
    tags: tuple[str, ...] = ()  # `[variable]` in the vendor or category cell: a variable cost
    currency: str | None = None  # as written; `amount` is in the reporting currency (None: not convertible)
    rate: Decimal | None = None  # the `fx:` rate `amount` was converted at, when written in another currency


class Kpi(NamedTuple):
    name: str
    actual: Decimal
    target: Decimal | None
    unit: str
    lower_is_better: bool
    source: Src


class Deal(NamedTuple):
    name: str
    value: Money | None
    stage: str
    close: date | None
    source: Src
    monthly: bool = False  # `$3,500/mo`: recurring, per month
    currency: str | None = None  # as written; `value` is in the reporting currency (None: not convertible)
    rate: Decimal | None = None  # the `fx:` rate `value` was converted at


class Risk(NamedTuple):
    text: str
    severity: str | None
    tags: tuple[str, ...]
    source: Src
    links: tuple[str, ...] = ()  # `[#id]`: an action carrying the same id addresses this risk
    priority: str | None = None  # the level as written when the note gave a priority (P0-P3), not a severity
    done: bool = False  # resolved: filed under an entity's `resolved`, never among its open risks


class Action(NamedTuple):
    text: str
    priority: str | None
    tags: tuple[str, ...]
    due: date | None
    done: bool
    source: Src
    links: tuple[str, ...] = ()  # `[#id]`: the risks this action addresses


class StackItem(NamedTuple):
    layer: str
    tech: str
    monthly_cost: Money | None
    source: Src
    currency: str | None = None  # as written; `monthly_cost` is in the reporting currency (None: not convertible)
    rate: Decimal | None = None  # the `fx:` rate `monthly_cost` was converted at


class Channel(NamedTuple):
    channel: str
    status: str
    spend: Money | None
    leads: Decimal | None
    ota: bool
    source: Src
    currency: str | None = None  # as written; `spend` is in the reporting currency (None: not convertible)
    rate: Decimal | None = None  # the `fx:` rate `spend` was converted at


class Campaign(NamedTuple):
    date: date
    name: str
    list: str
    source: Src


class Note(NamedTuple):
    """A bullet or paragraph: revenue-recognition items and unknown sections."""

    heading: str
    text: str
    tags: tuple[str, ...]
    source: Src


class Account(NamedTuple):
    account: str
    type: str
    balance: Money | None
    source: Src
    tags: tuple[str, ...] = ()  # `[cash]` in the account cell: counted as cash in the books
    currency: str | None = None  # as written; `balance` is in the reporting currency (None: not convertible)
    rate: Decimal | None = None  # the `fx:` rate `balance` was converted at


class Measure(StrEnum):
    """What a guardrail is checked against: decided once, when it is read."""

    RUNWAY = "runway"  # months from the as-of date to the headline cash-out
    NET_BURN_LATEST = "net-burn-latest"  # $, the latest full month's expenses − revenue
    NET_BURN_3M = "net-burn-3m"  # $, the trailing 3-month average of the same
    SINGLE_EXPENSE = "single-expense"  # $, a review threshold for any one logged expense
    MARKETING_SPEND = "marketing-spend"  # $ a month, live channels only
    INFRA_SHARE = "infra-share"  # %, stack costs ÷ the latest full month's revenue
    CASH_RESERVE = "cash-reserve"  # $, cash on hand (a floor)
    REVENUE = "revenue"  # $, the latest full month's revenue


class Guardrail(NamedTuple):
    """`Name: limit`; `comparison` is `<=` (a ceiling) or `>=` (a floor). `measure` is
    resolved when read; None with `problem` saying why (it is then NOT EVALUATED)."""

    name: str
    limit: Decimal
    unit: str
    comparison: str
    source: Src
    measure: Measure | None = None
    problem: str | None = None
    currency: str | None = None  # a money limit's currency as written; `limit` is in the reporting currency
    rate: Decimal | None = None  # the `fx:` rate `limit` was converted at


class Target(NamedTuple):
    month: str
    revenue: Money
    source: Src
    currency: str | None = None  # as written; `revenue` is in the reporting currency
    rate: Decimal | None = None  # the `fx:` rate `revenue` was converted at


class CapitalItem(NamedTuple):
    text: str
    tier: str  # zero-cost | low-cost | revenue
    cost: Money | None
    source: Src
    monthly: bool = False  # `($300/mo)`: recurring, per month
    currency: str | None = None  # as written; `cost` is in the reporting currency (None: not convertible)
    rate: Decimal | None = None  # the `fx:` rate `cost` was converted at


class Entity(NamedTuple):
    """One business unit, merged from its files. Each list holds its facts in file
    order (the files in sorted path order, facts in the order written)."""

    name: str
    code: str
    kind: str
    owner: str
    sources: tuple[str, ...] = ()
    financials: tuple[MonthFinancials, ...] = ()
    expenses: tuple[Expense, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    pipeline: tuple[Deal, ...] = ()
    risks: tuple[Risk, ...] = ()
    actions: tuple[Action, ...] = ()
    stack: tuple[StackItem, ...] = ()
    channels: tuple[Channel, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    revenue_recognition: tuple[Note, ...] = ()
    accounts: tuple[Account, ...] = ()
    notes: tuple[Note, ...] = ()
    sector: str = ""  # `sector:` in front matter; `software` sends untagged items to the CTO too
    resolved: tuple[Risk, ...] = ()  # risks the notes say are fixed (issue 25): read, but not open
    currency: str = "USD"  # the reporting currency its figures are totalled in (the portfolio's)

    @property
    def label(self) -> str:
        """The name with its code, as reports show it: `QuickDumpNow (QDN)`."""
        return f"{self.name} ({self.code})" if self.code else self.name


class Coverage(NamedTuple):
    """How much of one file was read as facts, for `check`."""

    path: str
    fact_blocks: int  # bullets and tables read as facts
    note_blocks: int  # kept as notes (prose, status headings, sections not understood)
    skipped: tuple[tuple[int, str, str | None], ...]  # headings not understood: (line, text, did-you-mean)
    unrated: int  # open risks with no severity and open actions with no priority
    unknown_blocks: int = 0  # blocks under headings not understood (kept as notes, counted apart)


class Portfolio(NamedTuple):
    name: str
    as_of: date | None
    cash_on_hand: Money | None
    horizon: str | None
    entities: tuple[Entity, ...] = ()
    guardrails: tuple[Guardrail, ...] = ()
    targets: tuple[Target, ...] = ()
    capital_plan: tuple[CapitalItem, ...] = ()
    warnings: tuple[Warning_, ...] = ()
    files: tuple[Source, ...] = ()
    portfolio_files: tuple[str, ...] = ()
    inputs_sha256: str = ""
    coverage: tuple[Coverage, ...] = ()
    cash_as_of: date | None = None  # when cash_on_hand was counted; None: the last financial month
    newest_mtime: float | None = None  # the newest handoff file's modification time, as read (local folders)
    currency: str = "USD"  # `currency:` in portfolio.md: every total is in it
    fx: tuple[tuple[str, Decimal], ...] = ()  # `fx:` in portfolio.md: (code, reporting units per unit)
    cash_currency: str | None = None  # cash_on_hand as written (`€50,000`: EUR); the amount is in `currency`
    cash_rate: Decimal | None = None  # the `fx:` rate cash_on_hand was converted at
    cash_written: Money | None = None  # cash_on_hand as written, in cash_currency (kept when no rate converts it)


NOT_IN_JSON = frozenset({"files", "portfolio_files", "inputs_sha256", "coverage", "newest_mtime"})


def to_jsonable(value: Any) -> Any:
    """Turn the model into plain JSON values: money as numbers, dates as ISO text."""
    if isinstance(value, Src):
        return str(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: to_jsonable(getattr(value, name)) for name in value._fields if name not in NOT_IN_JSON}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value
