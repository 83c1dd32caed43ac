"""Tables in handoff sections -> facts: financials, expenses, channels, accounts, targets.

Columns are found by name (with synonyms), in any order; a cell that cannot be
read is a warning and the rest of its row is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from reports.model import Account, Channel, Expense, MonthFinancials, Src, Target
from reports.read import values as v
from reports.read.found import Context, Found, short
from reports.read.markdown import Block

OTA_NAMES = (
    "sailo", "getmyboat", "viator", "getyourguide", "gyg", "airbnb", "vrbo",
    "booking.com", "expedia", "tripadvisor", "boatsetter", "klook",
)


# Tables: column name synonyms; the first of each tuple is the canonical name.
_COLUMNS = {
    "month": ("month", "period", "mês", "mes", "monat", "mois", "bulan", "ay", "месяц", "月", "月份", "월"),
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


_ZERO_DASHES = ("-", "\u2014", "\u2013")


def _blank(text: str) -> bool:
    return text in ("", "-", "\u2014", "\u2013", "n/a", "N/A", "tbd", "TBD")



# Money columns of a monthly table, in every language: several revenue columns add up (`MRR` +
# `Other revenue`), and so do expense columns; a target or forecast column is neither.
_REVENUE_WORDS = ("revenue", "mrr", "arr", "sales", "income", "receita", "receitas", "ingresos", "ventas",
                  "umsatz", "einnahmen", "revenus", "gelir", "выручка", "доход", "pendapatan", "売上", "收入",
                  "营收", "매출")
_EXPENSE_WORDS = ("expenses", "expense", "costs", "cost", "opex", "despesas", "gastos", "ausgaben", "kosten",
                  "dépenses", "charges", "gider", "giderler", "расходы", "biaya", "pengeluaran", "経費", "費用",
                  "支出", "비용", "지출")
_NOT_ACTUAL = ("target", "goal", "forecast", "budget", "plan", "meta", "objetivo", "ziel", "objectif", "目標")


def _money_columns(header: list[str], words: tuple[str, ...]) -> list[int]:
    """The columns whose name holds one of `words` (a whole word, or inside a CJK name)."""
    out = []
    for i, name in enumerate(header):
        low = " ".join(name.lower().replace("_", " ").split()).strip(" *")
        parts = set(low.replace("/", " ").split())
        if any(w in parts or (w[:1] > "\u2e80" and w in low) for w in words) and not parts & set(_NOT_ACTUAL):
            out.append(i)
    return out


def _read_financials(blk: Block, path: str, ctx: Context) -> Found:
    out = Found()
    cols = _map_columns(blk, ("month",), ("month",), "financials", out)
    if cols is None:
        return out
    money = {"revenue": _money_columns(blk.header, _REVENUE_WORDS),
             "expenses": _money_columns(blk.header, _EXPENSE_WORDS)}
    if not money["revenue"] and not money["expenses"]:
        out.warn(blk.line, "financials table: no revenue or expenses column; table skipped")
        return out
    for line, cells in blk.rows:
        month_text = _cell(cells, cols, "month")
        month = v.parse_month(month_text, ctx.as_of)
        if month is None:
            out.warn(line, f"financials: month '{short(month_text)}' is not YYYY-MM; row skipped")
            continue
        row = _Row(line, f"financials {month}", out, ctx.currency)
        rev, exp = (row.sum(cells, money[k], k, blk.header) for k in ("revenue", "expenses"))
        out.add(MonthFinancials(month, rev, exp, Src(path, line), row.currency))
    return out


class _Row:
    """One row's money cells, summed, in the one currency they are written in."""

    def __init__(self, line: int, what: str, out: Found, taken_in: str | None) -> None:
        self.line, self.what, self.out, self.taken_in = line, what, out, taken_in
        self.currency: str | None = None  # the first currency mark in the row

    def sum(self, cells: list[str], columns: list[int], key: str, header: list[str]) -> Decimal | None:
        """The sum of the row's cells in these columns; None when every one is blank."""
        total: Decimal | None = None
        for i in columns:
            text = cells[i].strip() if i < len(cells) else ""
            name = key if len(columns) == 1 else f"{key} ({header[i]})"
            value = Decimal(0) if text in _ZERO_DASHES else self.amount(text, name)  # a dash is zero
            if value is not None:
                total = value if total is None else total + value
        return total

    def amount(self, text: str, name: str) -> Decimal | None:
        """A cell's amount, in the row's currency: a cell in another one is warned and left out."""
        if _blank(text):
            return None
        amount = v.read_amount(text, self.taken_in)
        if amount is None:
            self.out.warn(self.line, f"{self.what}: cannot read {name} '{short(text)}'; the rest of the row is kept")
            return None
        if amount.currency and self.currency and amount.currency != self.currency:
            self.out.warn(self.line, f"{self.what}: {name} '{short(text)}' is in {amount.currency}, the row in "
                          f"{self.currency}; left out (one currency a row)")
            return None
        self.currency = self.currency or amount.currency
        return amount.value


def _amount_cell(cells: list[str], cols: dict[str, int], key: str, line: int, what: str,
                 out: Found, taken_in: str | None) -> v.Amount | None:
    """A money cell with the currency it is written in (None when no mark says); an unmarked one
    is grouped as `taken_in` is written."""
    text = _cell(cells, cols, key)
    if _blank(text):
        return None
    amount = v.read_amount(text, taken_in)
    if amount is None:
        out.warn(line, f"{what}: cannot read {key} '{short(text)}'; the rest of the row is kept")
    return amount


def _read_expenses(blk: Block, path: str, ctx: Context) -> Found:
    out = Found()
    cols = _map_columns(blk, ("date", "vendor", "category", "amount"), ("amount",), "expenses", out)
    if cols is None:
        return out
    for line, cells in blk.rows:
        date_text = _cell(cells, cols, "date")
        when = v.parse_date(date_text)
        if when is None and not _blank(date_text):
            out.warn(line, f"expense: date '{short(date_text)}' is not YYYY-MM-DD; the rest of the row is kept")
        amount = _amount_cell(cells, cols, "amount", line, "expense", out, ctx.currency)
        vendor, category = (v.split_markers(_cell(cells, cols, k)) for k in ("vendor", "category"))
        out.add(Expense(when, vendor.text, category.text.lower() or "uncategorised", amount and amount.value,
                        Src(path, line), vendor.tags + category.tags, amount and amount.currency))
    return out


def _read_channels(blk: Block, path: str, ctx: Context) -> Found:
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
        spend = _amount_cell(cells, cols, "spend", line, f"channel '{mk.text}'", out, ctx.currency)
        leads_text = _cell(cells, cols, "leads")
        leads = None
        if not _blank(leads_text):
            qty = v.parse_quantity(leads_text)
            if qty is None:
                out.warn(line, f"channel '{mk.text}': cannot read leads '{short(leads_text)}'")
            else:
                leads = qty.value
        status = _cell(cells, cols, "status").lower() or "unknown"
        out.add(Channel(mk.text, status, spend and spend.value, leads, ota, Src(path, line), spend and spend.currency))
    return out


def _read_accounts(blk: Block, path: str, ctx: Context) -> Found:
    out = Found()
    cols = _map_columns(blk, ("account", "type", "balance"), ("account",), "accounts", out)
    if cols is None:
        return out
    for line, cells in blk.rows:
        name = v.split_markers(_cell(cells, cols, "account"))
        if not name.text:
            continue
        balance = _amount_cell(cells, cols, "balance", line, f"account '{name.text}'", out, ctx.currency)
        out.add(Account(name.text, _cell(cells, cols, "type").lower(), balance and balance.value, Src(path, line),
                        name.tags, balance and balance.currency))
    return out


def _read_targets(blk: Block, path: str, ctx: Context) -> Found:
    out = Found()
    cols = _map_columns(blk, ("month", "revenue"), ("month", "revenue"), "targets", out)
    if cols is None:
        return out
    for line, cells in blk.rows:
        month = v.parse_month(_cell(cells, cols, "month"), ctx.as_of)
        amount = _amount_cell(cells, cols, "revenue", line, "target", out, ctx.currency)
        if month is None:
            out.warn(line, f"targets: month '{short(_cell(cells, cols, 'month'))}' is not YYYY-MM; row skipped")
        elif amount is not None:
            out.add(Target(month, amount.value, Src(path, line), amount.currency))
    return out


def shaped_as(blk: Block) -> str | None:
    """What a table under a status heading (`## Money`, `## Dinheiro`) is by its columns:
    `financials` with a month column and a revenue or expenses column, else None (a note)."""
    header = [" ".join(h.lower().split()).strip(" *_") for h in blk.header]
    if not any(h in _COLUMNS["month"] for h in header):
        return None
    found = _money_columns(blk.header, _REVENUE_WORDS) or _money_columns(blk.header, _EXPENSE_WORDS)
    return "financials" if found else None


TABLE_READERS: dict[str, Callable[[Block, str, Context], Found]] = {
    "financials": _read_financials,
    "expenses": _read_expenses,
    "channels": _read_channels,
    "accounts": _read_accounts,
    "targets": _read_targets,
}
