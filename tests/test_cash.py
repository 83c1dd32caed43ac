"""Issue 27, points 1, 2, 3, 6, 7 and 14: dated cash, runway from the as-of date to an
interpolated cash-out, the reserve floor apart, base and trend cases, the capital plan, and
cash reconciled to the books. Every figure is worked out by hand in the comments."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal as D
from pathlib import Path

from reports.config import Settings
from reports.figures.shared import figures
from reports.model import Portfolio
from reports.read.folder import read_portfolio
from reports.render.compose import compose_all

AS_OF = date(2026, 11, 15)


def portfolio(folder: Path, files: dict[str, str], as_of: date = AS_OF) -> Portfolio:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    return read_portfolio(folder, as_of)


def body(p: Portfolio, role: str, as_of: date = AS_OF) -> str:
    return " ".join(compose_all((role,), p, as_of, Settings())[0].body.split())


def front(cash: str, extra: str = "", sections: str = "") -> str:
    return f"---\ntype: portfolio\nname: P\ncash_on_hand: {cash}\n{extra}---\n\n# P\n{sections}"


ROLLING = """\
    ---
    entity: Alpha
    kind: operating
    ---

    ## Financials

    | Month   | Revenue | Expenses |
    |---------|---------|----------|
    | 2026-07 | $10,000 | $12,000  |
    | 2026-08 | $10,000 | $12,000  |
    | 2026-09 | $20,000 | $24,320  |
    | 2026-10 | $20,000 | $32,820  |
    """


def test_a_dated_balance_is_rolled_forward_by_the_net_burn_since_and_flagged_stale(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": front("$86,500", "cash_as_of: 2026-08-31\n",
                                                   "\n## Guardrails\n\n- Minimum cash reserve: $70,000\n"),
                             "alpha.md": ROLLING})
    cash = figures(p, AS_OF).runway.cash  # type: ignore[union-attr]
    # Complete months after 2026-08: September's net burn 24,320 - 20,000 = 4,320 and October's
    # 32,820 - 20,000 = 12,820, together 17,140: 86,500 - 17,140 = 69,360 at the end of 2026-10.
    assert (cash.estimate, cash.month, cash.rolled) == (D(69360), "2026-10", ("2026-09", "2026-10"))
    # 2026-08-31 to 2026-11-15 is 30 + 31 + 15 = 76 days: more than 30, so stale.
    assert (cash.age, cash.stale) == (76, True)
    line = ("Cash $86,500 on 2026-08-31, about $69,360 at the end of 2026-10 after two months' net burn "
            "(2026-09, 2026-10: $17,140). STALE: 76 days old on 2026-11-15 (over 30)")
    ceo, cfo = body(p, "ceo"), body(p, "cfo")
    assert line in ceo and line in cfo  # the CEO headline states the cash date in full
    # The reserve guardrail tests the estimate, not the balance as it was in August.
    assert "[BREACHED] Minimum cash reserve ≥ $70,000: cash on hand (estimated at the end of 2026-10) $69,360" \
        in cfo


def test_a_cash_date_written_with_a_time_is_that_day(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": front("$86,500", "cash_as_of: 2026-08-31 10:00:00\n"),
                             "alpha.md": ROLLING})
    cash = figures(p, AS_OF).runway.cash  # type: ignore[union-attr]
    assert (cash.on, cash.estimate, cash.age) == (date(2026, 8, 31), D(69360), 76)  # as above, no crash


def test_a_balance_rolled_below_zero_reads_as_run_out_never_as_a_negative_runway(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": front("$20,000", "cash_as_of: 2026-06-30\n"), "alpha.md": ROLLING})
    cfo = body(p, "cfo")
    # 20,000 - 2,000 (Jul) - 2,000 (Aug) - 4,320 - 12,820 = -1,140 at the end of 2026-10.
    assert "about -$1,140 at the end of 2026-10 after four months' net burn" in cfo
    assert "Runway 0.0 months: the cash estimate is already below zero at the end of 2026-10." in cfo
    assert "Also, trailing: 0.0 months" in cfo and "-0." not in cfo


def test_an_undated_balance_is_assumed_at_the_end_of_the_latest_full_month_and_says_so(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": front("$86,500"), "alpha.md": ROLLING})
    cash = figures(p, AS_OF).runway.cash  # type: ignore[union-attr]
    # Undated: the end of 2026-10, the latest complete month; nothing after it to take off;
    # 2026-10-31 to 2026-11-15 is 15 days: not stale.
    assert (cash.on, cash.dated, cash.estimate, cash.rolled, cash.stale) == (
        date(2026, 10, 31), False, D(86500), (), False)
    said = ("Cash $86,500, undated: assumed on 2026-10-31, the end of the latest full month (no cash_as_of "
            "given).")
    assert said in body(p, "ceo") and said in body(p, "cfo")


FLAT = """\
    ---
    entity: Alpha
    kind: operating
    ---

    ## Financials

    | Month   | Revenue | Expenses |
    |---------|---------|----------|
    | 2026-08 | $3,000  | $4,500   |
    | 2026-09 | $3,000  | $4,500   |
    | 2026-10 | $3,000  | $4,500   |
    """


def test_runway_counts_from_the_as_of_date_to_the_interpolated_cash_out(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": front("$10,000", "cash_as_of: 2026-10-31\n"), "alpha.md": FLAT})
    # -$1,500 a month from $10,000 at the end of 2026-10: Apr (the 6th month) ends at $1,000, May at
    # -$500, so cash runs out 1,000 ÷ 1,500 = 2/3 through 2027-05, 6 2/3 months after 2026-10-31.
    # 2026-11-15 is 15/30 = 0.5 month after it: 6.667 - 0.5 = 6.2 months (the old count: "7 month(s)").
    assert "Runway 6.2 months from 2026-11-15: cash runs out in 2027-05 on the base case" in body(p, "cfo")
    # Read on 2026-11-27 (27/30 = 0.9 month after 2026-10-31): 6.667 - 0.9 = 5.8 months.
    later = date(2026, 11, 27)
    assert "Runway 5.8 months from 2026-11-27: cash runs out in 2027-05" in body(p, "ceo", later)
    # The other bases stay as "also" lines: 10,000 ÷ 1,500 = 6.7 months, from the end of 2026-10.
    cfo = body(p, "cfo")
    assert ("Also, trailing: 6.7 months — cash $10,000 at the end of 2026-10 ÷ the average net burn of "
            "2026-08 to 2026-10, $1,500.") in cfo
    assert "Also, latest month: 6.7 months — cash ÷ the net burn of 2026-10, $1,500." in cfo


def test_the_reserve_floor_is_its_own_dated_line_and_the_runway_guardrail_tests_runway(tmp_path: Path) -> None:
    rules = "\n## Guardrails\n\n- Minimum cash reserve: $5,000\n- Minimum runway: 6 months\n"
    p = portfolio(tmp_path, {"portfolio.md": front("$10,000", "cash_as_of: 2026-10-31\n", rules),
                             "alpha.md": FLAT})
    cfo, ceo = body(p, "cfo"), body(p, "ceo")
    # Jan ends at $5,500, Feb at $4,000: below $5,000 500 ÷ 1,500 = 1/3 through 2027-02 (the 4th
    # month), 3 1/3 months after 2026-10-31: 3.333 - 0.5 = 2.8 months from the as-of date.
    floor = "Reserve floor $5,000: cash falls below it in 2027-02, 2.8 months from the as-of date (base case)."
    assert floor in cfo and floor in ceo
    assert "Runway 6.2 months from 2026-11-15" in ceo  # the floor (2.8) is not the runway
    assert "[OK] Minimum runway ≥ 6.0 months: runway to cash-out (from 2026-11-15, base case) 6.2 months" in cfo
    assert "[OK] Minimum cash reserve ≥ $5,000: cash on hand (on 2026-10-31) $10,000" in cfo


GROWING = """\
    ---
    entity: Alpha
    kind: operating
    ---

    ## Financials

    | Month   | Revenue | Expenses |
    |---------|---------|----------|
    | 2026-08 | $10,000 | $15,000  |
    | 2026-09 | $11,000 | $15,000  |
    | 2026-10 | $12,100 | $15,000  |
    """
SHRINKING = """\
    ---
    entity: Alpha
    kind: operating
    ---

    ## Financials

    | Month   | Revenue | Expenses |
    |---------|---------|----------|
    | 2026-08 | $12,100 | $12,500  |
    | 2026-09 | $11,000 | $12,500  |
    | 2026-10 | $10,000 | $12,500  |
    """


def test_a_base_case_beside_the_trend_case_each_with_its_cash_out(tmp_path: Path) -> None:
    grow = portfolio(tmp_path / "grow", {"portfolio.md": front("$20,000", "cash_as_of: 2026-10-31\n"), "alpha.md": GROWING})
    cfo = body(grow, "cfo")
    # Base: revenue flat at $12,100, expenses $15,000: -$2,900 a month from $20,000; Apr 2027 ends at
    # 20,000 - 6 × 2,900 = $2,600, May at -$300: out 2,600 ÷ 2,900 = 0.897 through 2027-05 (the
    # 7th month), 6.897 months after 2026-10-31: 6.897 - 0.5 = 6.4 months from the as-of date.
    assert "Base case: cash-out 2027-05, 6.4 months (revenue flat at 2026-10's $12,100" in cfo
    # Trend: (12,100 ÷ 10,000)^(1/2) - 1 = 10% a month: Nov 13,310 (-1,690: 18,310), Dec 14,641
    # (-359: 17,951), Jan 16,105 and on (+): cash never runs out within 60 months.
    assert "Trend case: no cash-out within 60 months (revenue from 2026-10's $12,100, +10.0% a month" in cfo
    assert "Runway 6.4 months from 2026-11-15: cash runs out in 2027-05 on the base case; trend case no " \
           "cash-out within 60 months." in cfo
    shrink = portfolio(tmp_path / "shrink", {"portfolio.md": front("$21,000", "cash_as_of: 2026-10-31\n"), "alpha.md": SHRINKING})
    cfo = body(shrink, "cfo")
    # Base: -$2,500 a month from $21,000: 2027-06 ends at $1,000, 2027-07 (the 9th month) at -$1,500:
    # out 1,000 ÷ 2,500 = 0.4 through it, 8.4 months after 2026-10-31: 8.4 - 0.5 = 7.9.
    # Trend: (10,000 ÷ 12,100)^(1/2) - 1 = -9.1%: revenue 9,091, 8,264, 7,513, 6,830, 6,209; balances
    # 17,591, 13,355, 8,369, 2,699, then -3,592 in 2027-03 (the 5th month): out 2,699 ÷ 6,291 =
    # 0.429 through it, 4.429 - 0.5 = 3.9 months. The trend runs out first: it is the headline.
    assert "Runway 3.9 months from 2026-11-15: cash runs out in 2027-03 on the trend case; base case " \
           "cash-out 2027-07, 7.9 months." in cfo


def test_runway_after_the_capital_plan_is_a_line_beside_the_others(tmp_path: Path) -> None:
    plan = "\n## Capital deployment\n\n- Ad campaign [revenue] ($1,000)\n- Scheduling tool [low-cost] ($500/mo)\n"
    p = portfolio(tmp_path, {"portfolio.md": front("$10,000", "cash_as_of: 2026-10-31\n", plan),
                             "alpha.md": FLAT})
    cfo = body(p, "cfo")
    # $10,000 - $1,000 now = $9,000, then -$1,500 - $500 = -$2,000 a month: Feb ends at $1,000, Mar at
    # -$1,000: out halfway through 2027-03 (the 5th month), 4.5 - 0.5 = 4.0 months from the as-of date.
    assert ("After the capital plan, $1,000 one-off now and $500/mo more: cash-out 2027-03, 4.0 months "
            "(on the base case).") in cfo
    assert "Runway 6.2 months from 2026-11-15" in cfo  # the headline stays without the plan


BOOKS = """\

    ## Accounts

    | Account             | Type      | Balance |
    |---------------------|-----------|---------|
    | Operating checking  | asset     | $40,000 |
    | Stripe balance      | asset     | $2,000  |
    | Petty float [cash]  | asset     | $500    |
    | Accounts receivable | asset     | $9,000  |
    | Cash advance        | liability | $3,000  |
    """


def test_cash_is_reconciled_to_the_cash_accounts_in_the_books(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": front("$50,000"), "alpha.md": FLAT + BOOKS})
    # Cash accounts: checking $40,000 + Stripe $2,000 + the [cash]-tagged float $500 = $42,500;
    # receivables are not cash, a liability named cash is not either. 50,000 - 42,500 = 7,500,
    # 7,500 ÷ 50,000 = 15.0%: over 5%, flagged in the CFO and Accounting reports.
    line = ("Cash in the books $42,500 (Operating checking, Petty float, Stripe balance) against cash_on_hand "
            "$50,000 (undated, assumed on 2026-10-31): $7,500 (15.0%) less in the books, over 5%: reconcile "
            "them.")
    assert line in body(p, "cfo") and line in body(p, "accounting")
    (tmp_path / "portfolio.md").write_text(front("$43,000"))
    close = read_portfolio(tmp_path, AS_OF)
    # 43,000 - 42,500 = 500, 500 ÷ 43,000 = 1.2%: within 5%.
    assert "$500 (1.2%) less in the books, within 5%." in body(close, "accounting")
