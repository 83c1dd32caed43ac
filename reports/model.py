"""The portfolio model every report is computed from, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any

Money = Decimal


@dataclass(frozen=True)
class Warning_:
    """Something a handoff says that could not be read as written."""

    source: str  # "path:line"
    message: str


@dataclass(frozen=True)
class Source:
    """One handoff file that was read, by path relative to the folder."""

    path: str
    sha256: str


@dataclass(frozen=True)
class MonthFinancials:
    month: str
    revenue: Money | None
    expenses: Money | None
    source: str


@dataclass(frozen=True)
class Expense:
    date: date | None
    vendor: str
    category: str
    amount: Money | None
    source: str


@dataclass(frozen=True)
class Kpi:
    name: str
    actual: Decimal
    target: Decimal | None
    unit: str
    lower_is_better: bool
    source: str


@dataclass(frozen=True)
class Deal:
    name: str
    value: Money | None
    stage: str
    close: date | None
    source: str


@dataclass(frozen=True)
class Risk:
    text: str
    severity: str | None
    tags: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Action:
    text: str
    priority: str | None
    tags: tuple[str, ...]
    due: date | None
    done: bool
    source: str


@dataclass(frozen=True)
class StackItem:
    layer: str
    tech: str
    monthly_cost: Money | None
    source: str


@dataclass(frozen=True)
class Channel:
    channel: str
    status: str
    spend: Money | None
    leads: Decimal | None
    ota: bool
    source: str


@dataclass(frozen=True)
class Campaign:
    date: date
    name: str
    list: str
    source: str


@dataclass(frozen=True)
class Note:
    """A bullet or paragraph: revenue-recognition items and unknown sections."""

    heading: str
    text: str
    tags: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Account:
    account: str
    type: str
    balance: Money | None
    source: str


@dataclass(frozen=True)
class Guardrail:
    """`Name: limit`; `comparison` is `<=` (a ceiling) or `>=` (a floor)."""

    name: str
    limit: Decimal
    unit: str
    comparison: str
    source: str


@dataclass(frozen=True)
class Target:
    month: str
    revenue: Money
    source: str


@dataclass(frozen=True)
class CapitalItem:
    text: str
    tier: str  # zero-cost | low-cost | revenue
    cost: Money | None
    source: str


@dataclass(frozen=True)
class Entity:
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

    @property
    def label(self) -> str:
        """The name with its code, as reports show it: `QuickDumpNow (QDN)`."""
        return f"{self.name} ({self.code})" if self.code else self.name


@dataclass(frozen=True)
class Portfolio:
    name: str
    as_of: date | None
    cash_on_hand: Money | None
    horizon: str | None
    entities: tuple[Entity, ...] = ()
    guardrails: tuple[Guardrail, ...] = ()
    targets: tuple[Target, ...] = ()
    capital_plan: tuple[CapitalItem, ...] = ()
    warnings: tuple[Warning_, ...] = ()
    files: tuple[Source, ...] = field(default=(), metadata={"json": False})
    portfolio_files: tuple[str, ...] = field(default=(), metadata={"json": False})
    inputs_sha256: str = field(default="", metadata={"json": False})


def to_jsonable(value: Any) -> Any:
    """Turn the model into plain JSON values: money as numbers, dates as ISO text."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name))
            for f in fields(value)
            if f.metadata.get("json", True)
        }
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value
