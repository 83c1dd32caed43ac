"""Cash: net burn, the balance with its date, rolled forward to the latest complete month,
and reconciled to the cash accounts in the books."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from reports.figures.months import ZERO, MonthTotal, month_end, month_index, month_of
from reports.model import Account, Entity, Portfolio
from reports.read.values import month_add
from reports.record import NamedTuple

STALE_DAYS = 30  # a balance older than this on the as-of date is flagged stale
RECONCILE_SHARE = Decimal(5)  # % difference between the books and cash_on_hand that is flagged


def net_burn(month: MonthTotal) -> Decimal:
    """Net burn: expenses − revenue (negative when the month made money)."""
    return month.expenses - month.revenue


def runway(cash: Decimal | None, avg_net_burn: Decimal | None) -> Decimal | None:
    """Runway in months: cash ÷ average net burn (0 when cash is below zero); None when
    cash-flow positive or unknown."""
    if cash is None or avg_net_burn is None or avg_net_burn <= 0:
        return None
    return max(cash, ZERO) / avg_net_burn


class Cash(NamedTuple):
    """The cash balance as given and as estimated now (docs/reports.md, "The cash date")."""

    given: Decimal | None  # cash_on_hand
    on: date | None  # cash_as_of, or the end of the latest complete month when undated
    dated: bool  # False: no cash_as_of, assumed at the end of the latest complete month
    estimate: Decimal | None  # given − the net burn of each complete month after the month of `on`
    month: str | None  # the month whose end the estimate stands at
    rolled: tuple[str, ...]  # the months whose actual net burn was taken off
    skipped: tuple[str, ...]  # months after `on` that are not complete: their burn is not known
    age: int | None  # days from `on` to the as-of date
    stale: bool  # `on` is more than STALE_DAYS before the as-of date

    @property
    def burned(self) -> Decimal:
        """What the roll-forward took off: the given balance − the estimate."""
        return (self.given or ZERO) - (self.estimate or ZERO)


def dated_cash(portfolio: Portfolio, as_of: date, complete: Sequence[MonthTotal]) -> Cash:
    """Date the balance and roll it forward: cash_as_of, else the end of the latest complete
    month (assumed); estimate = balance − Σ net burn of each complete month after the month
    of that date, up to the latest complete month. A balance dated within a month is taken
    as that month's closing balance."""
    given = portfolio.cash_on_hand
    last = complete[-1].month if complete else None
    on = portfolio.cash_as_of or (month_end(last) if last else None)
    if isinstance(on, datetime):  # front matter `2026-08-31 10:00` reads as a YAML timestamp
        on = on.date()
    if given is None or on is None:
        return Cash(given, on, portfolio.cash_as_of is not None, given, last, (), (), None, False)
    start = month_of(on)
    after = [m for m in complete if m.month > start]
    estimate = given - sum((net_burn(m) for m in after), ZERO)
    done = {m.month for m in after}
    gap = month_index(last or start) - month_index(start)
    skipped = tuple(m for m in (month_add(start, k) for k in range(1, gap + 1)) if m not in done)
    age = (as_of - on).days
    return Cash(given, on, portfolio.cash_as_of is not None, estimate, max(start, last or start),
                tuple(m.month for m in after), skipped, age, age > STALE_DAYS)


CASH_WORDS = ("cash", "checking", "chequing", "savings", "bank", "current account")
PROCESSORS = ("stripe", "paypal", "square", "shopify", "adyen", "braintree", "wise", "venmo", "toast")


def is_cash_account(account: Account) -> bool:
    """Tagged `[cash]`, or an asset named cash, checking, savings, bank or a payment
    processor's balance."""
    if "cash" in account.tags:
        return True
    name = account.account.casefold()
    return account.type == "asset" and any(w in name for w in CASH_WORDS + PROCESSORS)


class Reconciliation(NamedTuple):
    """The books' cash accounts against cash_on_hand."""

    books: Decimal  # Σ balances of the cash accounts
    accounts: list[tuple[Entity, Account]]
    given: Decimal  # cash_on_hand
    difference: Decimal  # books − cash_on_hand
    share: Decimal | None  # |difference| ÷ cash_on_hand, %
    flagged: bool  # share over RECONCILE_SHARE (or cash_on_hand is 0 and the books are not)


def reconcile(portfolio: Portfolio) -> Reconciliation | None:
    """Compare Σ cash-account balances with cash_on_hand; None without either."""
    accounts = [(e, a) for e in portfolio.entities for a in e.accounts
                if a.balance is not None and is_cash_account(a)]
    if not accounts or portfolio.cash_on_hand is None:
        return None
    books = sum((a.balance or ZERO for _, a in accounts), ZERO)
    given = portfolio.cash_on_hand
    diff = books - given
    share = abs(diff) / given * 100 if given else None
    flagged = share > RECONCILE_SHARE if share is not None else diff != 0
    return Reconciliation(books, accounts, given, diff, share, flagged)
