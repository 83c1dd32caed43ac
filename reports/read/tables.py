"""Tables in handoff sections -> facts: financials, expenses, channels, accounts, targets.

Columns are found by name (with synonyms), in any order; a cell that cannot be
read is a warning and the rest of its row is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from reports.model import Account, Channel, Expense, MonthFinancials, Src, Target
from reports.read import values as v
from reports.read.found import Found, short
from reports.read.markdown import Block

OTA_NAMES = (
    "sailo", "getmyboat", "viator", "getyourguide", "gyg", "airbnb", "vrbo",
    "booking.com", "expedia", "tripadvisor", "boatsetter", "klook",
)


# Tables: column name synonyms; the first of each tuple is the canonical name.
_COLUMNS = {
    "month": ("month", "period"),
    "revenue": ("revenue", "income", "sales", "revenue target", "target"),
    "expenses": ("expenses", "expense", "costs", "cost", "opex"),
    "date": ("date", "day"),
    "vendor": ("vendor", "payee", "supplier"),
    "category": ("category", "type"),
    "amount": ("amount", "cost", "total"),
    "channel": ("channel", "platform"),
    "status": ("status", "state"),
    "spend": ("spend", "spend/mo", "monthly spend", "cost"),
    "leads": ("leads", "inquiries", "bookings"),
    "account": ("account", "name"),
    "type": ("type", "kind"),
    "balance": ("balance", "amount"),
}


def _map_columns(blk: Block, wanted: tuple[str, ...], required: tuple[str, ...],
                 what: str, out: Found) -> dict[str, int] | None:
    header = [" ".join(h.lower().split()).strip(" *_") for h in blk.header]
    found: dict[str, int] = {}
    for key in wanted:
        for i, h in enumerate(header):
            if h in _COLUMNS[key] and i not in found.values():
                found[key] = i
                break
    missing = [k for k in required if k not in found]
    if missing:
        out.warn(blk.line, f"{what} table: no {', '.join(missing)} column (has: "
             f"{', '.join(blk.header) or 'no header'}); table skipped")
        return None
    return found


def _cell(cells: list[str], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _blank(text: str) -> bool:
    return text in ("", "-", "\u2014", "\u2013", "n/a", "N/A", "tbd", "TBD")


def _money_cell(cells: list[str], cols: dict[str, int], key: str, line: int,
                what: str, out: Found) -> Decimal | None:
    text = _cell(cells, cols, key)
    if _blank(text):
        return None
    value = v.parse_money(text)
    if value is None:
        out.warn(line, f"{what}: cannot read {key} '{short(text)}'; the rest of the row is kept")
    return value


def _read_financials(blk: Block, path: str) -> Found:
    out = Found()
    cols = _map_columns(blk, ("month", "revenue", "expenses"), ("month",), "financials", out)
    if cols is None:
        return out
    if "revenue" not in cols and "expenses" not in cols:
        out.warn(blk.line, "financials table: no revenue or expenses column; table skipped")
        return out
    for line, cells in blk.rows:
        month_text = _cell(cells, cols, "month")
        month = v.parse_month(month_text)
        if month is None:
            out.warn(line, f"financials: month '{short(month_text)}' is not YYYY-MM; row skipped")
            continue
        rev = _money_cell(cells, cols, "revenue", line, f"financials {month}", out)
        exp = _money_cell(cells, cols, "expenses", line, f"financials {month}", out)
        out.add(MonthFinancials(month, rev, exp, Src(path, line)))
    return out


def _read_expenses(blk: Block, path: str) -> Found:
    out = Found()
    cols = _map_columns(blk, ("date", "vendor", "category", "amount"), ("amount",), "expenses", out)
    if cols is None:
        return out
    for line, cells in blk.rows:
        date_text = _cell(cells, cols, "date")
        when = v.parse_date(date_text)
        if when is None and not _blank(date_text):
            out.warn(line, f"expense: date '{short(date_text)}' is not YYYY-MM-DD; the rest of the row is kept")
        amount = _money_cell(cells, cols, "amount", line, "expense", out)
        out.add(Expense(when, _cell(cells, cols, "vendor"),
                        _cell(cells, cols, "category").lower() or "uncategorised", amount, Src(path, line)))
    return out


def _read_channels(blk: Block, path: str) -> Found:
    out = Found()
    cols = _map_columns(blk, ("channel", "status", "spend", "leads"), ("channel",), "channels", out)
    if cols is None:
        return out
    for line, cells in blk.rows:
        mk = v.split_markers(_cell(cells, cols, "channel"))
        if not mk.text:
            out.warn(line, "channels: a row with no channel name; row skipped")
            continue
        ota = "ota" in mk.tags or any(n in mk.text.lower() for n in OTA_NAMES)
        spend = _money_cell(cells, cols, "spend", line, f"channel '{mk.text}'", out)
        leads_text = _cell(cells, cols, "leads")
        leads = None
        if not _blank(leads_text):
            qty = v.parse_quantity(leads_text)
            if qty is None:
                out.warn(line, f"channel '{mk.text}': cannot read leads '{short(leads_text)}'")
            else:
                leads = qty.value
        status = _cell(cells, cols, "status").lower() or "unknown"
        out.add(Channel(mk.text, status, spend, leads, ota, Src(path, line)))
    return out


def _read_accounts(blk: Block, path: str) -> Found:
    out = Found()
    cols = _map_columns(blk, ("account", "type", "balance"), ("account",), "accounts", out)
    if cols is None:
        return out
    for line, cells in blk.rows:
        name = _cell(cells, cols, "account")
        if not name:
            continue
        balance = _money_cell(cells, cols, "balance", line, f"account '{name}'", out)
        out.add(Account(name, _cell(cells, cols, "type").lower(), balance, Src(path, line)))
    return out


def _read_targets(blk: Block, path: str) -> Found:
    out = Found()
    cols = _map_columns(blk, ("month", "revenue"), ("month", "revenue"), "targets", out)
    if cols is None:
        return out
    for line, cells in blk.rows:
        month = v.parse_month(_cell(cells, cols, "month"))
        amount = _money_cell(cells, cols, "revenue", line, "target", out)
        if month is None:
            out.warn(line, f"targets: month '{short(_cell(cells, cols, 'month'))}' is not YYYY-MM; row skipped")
        elif amount is not None:
            out.add(Target(month, amount, Src(path, line)))
    return out


TABLE_READERS: dict[str, Callable[[Block, str], Found]] = {
    "financials": _read_financials,
    "expenses": _read_expenses,
    "channels": _read_channels,
    "accounts": _read_accounts,
    "targets": _read_targets,
}
