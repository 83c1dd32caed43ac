"""Cash and runway as the CEO and CFO reports word them: the dated balance, each case and
basis, the reserve floor, the books' cash accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.figures.cash import RECONCILE_SHARE, STALE_DAYS, Cash, Reconciliation
from reports.figures.runway import CASH_OUT_HORIZON, Case, Runway
from reports.figures.trend import Growth
from reports.model import Portfolio
from reports.render.text import money, months, number, percent

_COUNT = {1: "one month's", 2: "two months'", 3: "three months'", 4: "four months'", 5: "five months'", 6: "six months'"}


def burn_text(value: Decimal | None) -> str:
    """A net burn, or the cash a profitable month generated: `$4,133`, `net cash generated $2,200`."""
    if value is not None and value < 0:
        return f"net cash generated {money(-value)}"
    return money(value)


def cash_text(cash: Cash, as_of: date) -> str:
    """The balance with its date in full, rolled forward, or said to be assumed; flagged stale."""
    if cash.given is None:
        return "No cash_on_hand in the portfolio file."
    if cash.on is None:
        return f"Cash {money(cash.given)}, undated (no cash_as_of and no complete month to assume)."
    if cash.dated:
        text = f"Cash {money(cash.given)} on {cash.on.isoformat()}"
    else:
        text = (f"Cash {money(cash.given)}, undated: assumed on {cash.on.isoformat()}, the end of the "
                "latest full month (no cash_as_of given)")
    if cash.rolled:
        count = _COUNT.get(len(cash.rolled), f"{len(cash.rolled)} months'")
        text += (f", about {money(cash.estimate)} at the end of {cash.month} after {count} net burn "
                 f"({', '.join(cash.rolled)}: {burn_text(cash.burned)})")
    if cash.skipped:
        text += f"; {', '.join(cash.skipped)} not complete, so its burn is not taken off"
    text += "."
    if cash.stale:
        text += (f" STALE: {cash.age} days old on {as_of.isoformat()} (over {STALE_DAYS}); "
                 "update cash_on_hand and cash_as_of.")
    return text


def no_cash_text(portfolio: Portfolio) -> str:
    """Why there is no cash figure: none given, or given in another currency with no `fx:` rate."""
    return unconverted_cash(portfolio) or "No cash_on_hand in the portfolio file"


def unconverted_cash(portfolio: Portfolio) -> str | None:
    """`cash_on_hand 86,500 USD is not in EUR ...` with the rate to add; None unless so."""
    code, written, currency = portfolio.cash_currency, portfolio.cash_written, portfolio.currency
    if portfolio.cash_on_hand is not None or not code or code == currency or written is None:
        return None
    return (f"cash_on_hand {number(written)} {code} is not in {currency} and has no rate: give "
            f"`fx: {{{code}: <{currency} per {code}>}}` in portfolio.md's front matter to count it")


def case_text(case: Case) -> str:
    """`cash-out 2027-03, 4.0 months from the as-of date`, or that it lasts the horizon."""
    if case.cash_out is None:
        return f"no cash-out within {CASH_OUT_HORIZON} months"
    return f"cash-out {case.cash_out.month}, {months(case.cash_out.months)}"


def runway_headline(way: Runway, as_of: date) -> str:
    """The headline runway: months from the as-of date to the first cash-out, month named."""
    lead = way.headline
    if lead is not None and lead.cash_out is not None and (way.cash.estimate or 0) < 0:
        return (f"Runway 0.0 months: the cash estimate is already below zero at the end of "
                f"{way.cash.month}.")
    if lead is not None and lead.cash_out is not None:
        other = way.trend if lead is way.base else way.base
        beside = f"; {other.name} case {case_text(other)}" if other is not None else ""
        return (f"Runway {months(lead.cash_out.months)} from {as_of.isoformat()}: cash runs out in "
                f"{lead.cash_out.month} on the {lead.name} case{beside}.")
    if way.positive:
        return (f"Cash-flow positive: the trailing 3 months generated {money(-(way.trailing_burn or Decimal(0)))} a "
                f"month on average, and no case runs out of cash within {CASH_OUT_HORIZON} months.")
    return f"Runway: no cash-out within {CASH_OUT_HORIZON} months on the base or trend case."


def floor_text(way: Runway) -> str | None:
    """The reserve floor as its own dated line; None without a cash-reserve guardrail."""
    case = way.floor_case
    if way.floor is None or case is None:
        return None
    if case.floor is None:
        return f"Reserve floor {money(way.floor)}: not reached within {CASH_OUT_HORIZON} months ({case.name} case)."
    if case.floor.months == 0 and case.floor.month == way.cash.month:
        return f"Reserve floor {money(way.floor)}: cash is already below it."
    return (f"Reserve floor {money(way.floor)}: cash falls below it in {case.floor.month}, "
            f"{months(case.floor.months)} from the as-of date ({case.name} case).")


def also_lines(way: Runway) -> list[str]:
    """The trailing and latest-month runways: the cash estimate ÷ a net burn."""
    lines = []
    at = f"at the end of {way.cash.month}" if way.cash.month else ""
    if way.trailing is not None:
        lines.append(f"Also, trailing: {months(way.trailing)} \u2014 cash {money(way.cash.estimate)} {at} \u00f7 "
                     f"the average net burn of {way.trailing_window}, {money(way.trailing_burn)}.")
    if way.latest is not None:
        lines.append(f"Also, latest month: {months(way.latest)} \u2014 cash \u00f7 the net burn of "
                     f"{way.latest_month}, {money(way.latest_burn)}.")
    return lines


def runway_lines(way: Runway, as_of: date, growth_text: str) -> list[str]:
    """Each case and basis behind the headline runway (docs/reports.md, Runway)."""
    lines = []
    expenses = f"expenses at their 3-month average {money(way.expenses)}"
    if way.trend is not None:
        lines.append(f"Trend case: {case_text(way.trend)} (revenue from {way.latest_month}'s "
                     f"{money(way.revenue)}, {growth_text}; {expenses}).")
    if way.base is not None:
        lines.append(f"Base case: {case_text(way.base)} (revenue flat at {way.latest_month}'s "
                     f"{money(way.revenue)}; {expenses}).")
    if way.capital is not None:
        lines.append(f"After the capital plan, {money(way.one_off)} one-off now and {money(way.monthly)}/mo "
                     f"more: {case_text(way.capital)} (on the {_case_of(way)} case).")
    floor = floor_text(way)
    if floor is not None:
        lines.append(floor)
    lines += also_lines(way)
    lines.append(cash_text(way.cash, as_of))
    return lines


def _case_of(way: Runway) -> str:
    lead = way.headline or way.base
    return lead.name if lead is not None else "base"


def reconciliation_text(rec: Reconciliation, cash: Cash) -> str:
    """The books' cash accounts against cash_on_hand (with its date), flagged over RECONCILE_SHARE %."""
    names = ", ".join(sorted({a.account for _, a in rec.accounts}))
    given = f"cash_on_hand {money(rec.given)} ({when(cash)})"
    if rec.difference == 0:
        return f"Cash in the books {money(rec.books)} ({names}) matches {given}."
    apart = money(abs(rec.difference)) + (f" ({percent(rec.share)})" if rec.share is not None else "")
    verdict = f"over {RECONCILE_SHARE}%: reconcile them" if rec.flagged else f"within {RECONCILE_SHARE}%"
    return (f"Cash in the books {money(rec.books)} ({names}) against {given}: "
            f"{apart} {'more' if rec.difference > 0 else 'less'} in the books, {verdict}.")


def when(cash: Cash) -> str:
    """`on 2026-08-31`, or `undated, assumed on 2026-10-31`."""
    if cash.on is None:
        return "undated"
    return f"on {cash.on.isoformat()}" if cash.dated else f"undated, assumed on {cash.on.isoformat()}"


def headline_lines(way: Runway, as_of: date) -> list[str]:
    """The CEO headline's runway and cash: the runway, the floor, the other bases, the dated cash."""
    if way.cash.given is None:
        return ["Cash-flow positive over the trailing 3 months."] if way.positive else []
    if way.base is None:
        return [cash_text(way.cash, as_of)]
    lines = [runway_headline(way, as_of)]
    floor = floor_text(way)
    others = [x for x in (f"trailing 3-month {months(way.trailing)}" if way.trailing is not None else "",
                          f"latest month {months(way.latest)}" if way.latest is not None else "") if x]
    lines[0] += (f" {floor}" if floor else "") + (f" Also: {'; '.join(others)}." if others else "")
    return [*lines, cash_text(way.cash, as_of)]


def growth_text(growth: Growth | None) -> str:
    """Like-for-like growth with its window and who it leaves out."""
    if growth is None or growth.rate is None:
        return "growth not known (fewer than two complete months with revenue)"
    text = (f"{'+' if growth.rate >= 0 else ''}{percent(growth.rate * 100)} a month like-for-like, "
            f"{growth.first} {money(growth.start)} to {growth.last} {money(growth.end)}")
    if growth.left_out:
        text += f" (left out, not in every month: {', '.join(growth.left_out)})"
    return text
