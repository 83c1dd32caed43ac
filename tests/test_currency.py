"""Amounts in other currencies (issue 25, deliverable 5): read with their currency, never
added to a total in another one unless portfolio.md's `fx:` converts them (cited in Sources)."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from reports.config import Settings
from reports.figures.months import histories, portfolio_totals
from reports.model import Portfolio
from reports.read.folder import read_portfolio
from reports.read.values import parse_amount
from reports.render.compose import compose_all
from send_exec_reports import cli

AS_OF = date(2026, 11, 15)

DOLLARS = """
    # Dollar Co

    ## Financials

    | Month | Revenue | Expenses |
    |---|---|---|
    | 2026-10 | $10,000 | $4,000 |
    """
YEN = """
    # Yen Co

    ## Financials

    | Month | Revenue | Expenses |
    |---|---|---|
    | 2026-10 | ¥300,000 | 月額3,000円 |
    """


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        (folder / f"{name}.md").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("written, value, currency", [
    ("$14.2k", "14200", "USD"), ("¥300,000", "300000", "JPY"), ("月額3,000円", "3000", "JPY"),
    ("R$ 48.300", "48300", "BRL"), ("R$ 32,50", "32.50", "BRL"), ("Rp 12.400.000", "12400000", "IDR"),
    ("Rs.29/month", "29", "INR"), ("€1.234,56", "1234.56", "EUR"), ("£1,200", "1200", "GBP"),
    ("₩12,000", "12000", "KRW"), ("₺4.500", "4500", "TRY"), ("₽12 000", "12000", "RUB"),
    ("CN¥8,800", "8800", "CNY"), ("8,800元", "8800", "CNY"), ("200万円", "2000000", "JPY"),
    ("JPY 1,000", "1000", "JPY"), ("1,500", "1500", None), ("$1.5", "1.5", "USD"),
])
def test_an_amount_is_read_with_its_currency(written: str, value: str, currency: str | None) -> None:
    amount = parse_amount(written)
    assert amount is not None and (amount.value, amount.currency) == (Decimal(value), currency)


@pytest.mark.parametrize("written", ["1.2.3", "12/15", "abc", "¥", "1,23,4"])
def test_what_is_no_amount_stays_unread(written: str) -> None:
    assert parse_amount(written) is None


def test_a_yen_table_is_read_in_yen_and_never_added_to_a_dollar_total(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, dollar=DOLLARS, yen=YEN), AS_OF)
    yen = next(e for e in portfolio.entities if e.name == "Yen Co")
    assert [(f.revenue, f.expenses, f.currency) for f in yen.financials] == [(Decimal(300000), Decimal(3000), "JPY")]
    totals = portfolio_totals(portfolio, AS_OF, histories(portfolio, "2026-10"))
    assert [(m.month, m.revenue, m.expenses) for m in totals.complete] == []  # never $310,000
    assert totals.blank == {"2026-10": ("Yen Co's revenue and expenses in JPY (no fx rate)",)}
    assert any("financials in JPY, not USD" in w.message and str(w.source) == "yen.md:7"
               for w in portfolio.warnings)
    ceo = compose_all(("ceo",), portfolio, AS_OF, Settings())[0].body
    assert "$310,000" not in ceo and "in JPY (no fx rate)" in ceo


def test_check_json_carries_each_money_facts_currency(tmp_path: Path) -> None:
    write(tmp_path, dollar=DOLLARS, yen=YEN)
    result = CliRunner().invoke(cli, ["check", "--handoffs", str(tmp_path), "--as-of", "2026-11-15", "--json"])
    data = json.loads(result.stdout)
    assert {e["name"]: [(f["revenue"], f["currency"]) for f in e["financials"]] for e in data["entities"]} == {
        "Dollar Co": [(10000, "USD")], "Yen Co": [(300000, "JPY")]}
    assert data["currency"] == "USD"


def test_fx_in_portfolio_md_converts_and_is_cited_in_sources(tmp_path: Path) -> None:
    write(tmp_path, dollar=DOLLARS, yen=YEN, portfolio="""
        ---
        type: portfolio
        name: Holdings
        fx: {JPY: 0.0067}
        ---
        # Holdings
        """)
    portfolio = read_portfolio(tmp_path, AS_OF)
    totals = portfolio_totals(portfolio, AS_OF, histories(portfolio, "2026-10"))
    assert [(m.revenue, m.expenses) for m in totals.complete] == [(Decimal("12010.0000"), Decimal("4020.1000"))]
    assert not any("financials in JPY" in w.message for w in portfolio.warnings)
    cfo = compose_all(("cfo",), portfolio, AS_OF, Settings())[0].body
    sources = cfo[cfo.index("Sources"):]
    assert "portfolio.md" in sources and "1 JPY = 0.0067 USD" in sources


def test_currency_in_front_matter_sets_the_reporting_and_an_entitys_own_currency(tmp_path: Path) -> None:
    write(tmp_path, portfolio="""
        ---
        type: portfolio
        currency: JPY
        ---
        # Holdings
        """, yen="""
        # Yen Co

        ## Financials

        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | 300,000 | 100,000 |
        """, reais="""
        ---
        currency: BRL
        ---
        # Reais Co

        ## Financials

        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | 48,300 | 41,900 |
        """)
    portfolio = read_portfolio(tmp_path, AS_OF)
    assert portfolio.currency == "JPY"
    by_name = {e.name: [(f.revenue, f.currency) for f in e.financials] for e in portfolio.entities}
    assert by_name == {"Yen Co": [(Decimal(300000), "JPY")], "Reais Co": [(Decimal(48300), "BRL")]}
    totals = portfolio_totals(portfolio, AS_OF, histories(portfolio, "2026-10"))
    assert totals.blank == {"2026-10": ("Reais Co's revenue and expenses in BRL (no fx rate)",)}


def test_a_row_in_two_currencies_keeps_the_first_and_warns(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, mixed="""
        # Mixed Co

        ## Financials

        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | ¥300,000 | $2,000 |
        """), AS_OF)
    [f] = portfolio.entities[0].financials
    assert (f.revenue, f.expenses, f.currency) == (Decimal(300000), None, "JPY")
    assert any("'$2,000' is in USD, the row in JPY" in w.message for w in portfolio.warnings)


def test_a_money_table_under_a_status_heading_is_read_by_its_columns(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, loop="""
        # Loopdesk

        ## Money

        | Month | MRR | Other revenue | Expenses |
        |---|--:|--:|--:|
        | Sep 2026 | $16,400 | $2,150 | $12,450 |
        | Oct 2026 | $17,050 | $0 | $13,100 |

        ## How it's going

        | Channel | Note |
        |---|---|
        | Shopify | fine |
        """), AS_OF)
    [loop] = portfolio.entities
    assert [(f.month, f.revenue, f.expenses) for f in loop.financials] == [
        ("2026-09", Decimal(18550), Decimal(12450)), ("2026-10", Decimal(17050), Decimal(13100))]
    assert portfolio.warnings == ()  # the other table stays a note, unwarned


OTHER_MONEY = """
    # Yen Co

    ## Expenses

    | Date | Vendor | Category | Amount |
    |---|---|---|---|
    | 2026-10-03 | Host | infra | ¥30,000 |
    | 2026-10-04 | Ads | marketing | $200 |

    ## Accounts

    | Account | Type | Balance |
    |---|---|---|
    | Bank [cash] | asset | ¥500,000 |

    ## Pipeline

    - Hotel deal: ¥800,000 — proposal
    """


def money_facts(portfolio: Portfolio) -> tuple[list[tuple[Decimal | None, str | None]], ...]:
    [e] = [e for e in portfolio.entities if e.name == "Yen Co"]
    return ([(x.amount, x.currency) for x in e.expenses], [(x.balance, x.currency) for x in e.accounts],
            [(x.value, x.currency) for x in e.pipeline])


def test_expenses_accounts_and_deals_in_another_currency_carry_it_and_stay_out_of_totals(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, yen=OTHER_MONEY, portfolio="""
        ---
        type: portfolio
        cash_on_hand: ¥1,000,000
        ---
        # Holdings
        """), AS_OF)
    assert money_facts(portfolio) == ([(None, "JPY"), (Decimal(200), "USD")], [(None, "JPY")], [(None, "JPY")])
    said = [(str(w.source), w.message) for w in portfolio.warnings]
    for where, what in (("yen.md:7", "expense 'Host': 30,000"), ("yen.md:14", "account 'Bank': 500,000"),
                        ("yen.md:18", "deal 'Hotel deal': 800,000"), ("portfolio.md:1", "cash_on_hand: 1,000,000")):
        assert any(src == where and f"{what} JPY, not in USD" in m and "fx:" in m for src, m in said), where
    assert portfolio.cash_on_hand is None
    data = json.loads(CliRunner().invoke(cli, ["check", "--handoffs", str(tmp_path), "--as-of", "2026-11-15",
                                               "--json"]).stdout)
    [yen] = data["entities"]
    assert [x["currency"] for x in yen["expenses"] + yen["accounts"] + yen["pipeline"]] == ["JPY", "USD", "JPY", "JPY"]


def test_fx_converts_expenses_accounts_deals_and_cash_and_is_cited(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, yen=OTHER_MONEY, portfolio="""
        ---
        type: portfolio
        cash_on_hand: ¥1,000,000
        fx: {JPY: 0.0067}
        ---
        # Holdings
        """), AS_OF)
    assert money_facts(portfolio) == ([(Decimal("201.0000"), "JPY"), (Decimal(200), "USD")],
                                      [(Decimal("3350.0000"), "JPY")], [(Decimal("5360.0000"), "JPY")])
    assert portfolio.cash_on_hand == Decimal("6700.0000")
    assert not any("not in USD" in w.message for w in portfolio.warnings)
    accounting = compose_all(("accounting",), portfolio, AS_OF, Settings())[0].body
    assert "1 JPY = 0.0067 USD" in accounting[accounting.index("Sources"):]


EURO_COSTS = """
    # Euro Co

    ## Stack

    - Hosting: Hetzner (€40/mo)
    - Email: Postmark ($15/mo)

    ## Channels

    | Channel | Status | Spend | Leads |
    |---|---|---|---|
    | Google Ads | live | €1.200 | 30 |
    | Newsletter | live | $100 | 5 |
    """
CAPITAL = """
        ## Capital deployment

        - Hire designer (€5,000) [low-cost]
        - Ads test ($500) [revenue]
        """  # indented as the portfolio files it ends


def cost_facts(portfolio: Portfolio) -> tuple[list[tuple[Decimal | None, str | None]], ...]:
    [e] = [e for e in portfolio.entities if e.name == "Euro Co"]
    return ([(x.monthly_cost, x.currency) for x in e.stack], [(x.spend, x.currency) for x in e.channels],
            [(x.cost, x.currency) for x in portfolio.capital_plan])


def test_stack_channel_and_capital_costs_in_another_currency_carry_it_and_stay_out_of_totals(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, euro=EURO_COSTS, portfolio="""
        ---
        type: portfolio
        ---
        # Holdings
        """ + CAPITAL), AS_OF)
    assert cost_facts(portfolio) == ([(None, "EUR"), (Decimal(15), "USD")], [(None, "EUR"), (Decimal(100), "USD")],
                                     [(None, "EUR"), (Decimal(500), "USD")])
    said = [(str(w.source), w.message) for w in portfolio.warnings]
    assert not any("cannot read" in m for _, m in said)
    for where, what in (("euro.md:5", "stack 'Hosting': 40"), ("euro.md:12", "channel 'Google Ads': 1,200"),
                        ("portfolio.md:8", "capital item 'Hire designer': 5,000")):
        assert any(src == where and f"{what} EUR, not in USD" in m and "fx:" in m for src, m in said), where
    cto, cmo, cfo = (r.body for r in compose_all(("cto", "cmo", "cfo"), portfolio, AS_OF, Settings()))
    assert "Euro Co — $15/mo" in cto and "Live channels: $100/mo" in cmo and "Total: $500 one-off" in cfo
    for body, what in ((cto, "stack 'Hosting': 40 EUR"), (cmo, "channel 'Google Ads': 1,200 EUR"),
                       (cfo, "capital item 'Hire designer': 5,000 EUR")):
        assert what in body[body.index("Data warnings"):]
    data = json.loads(CliRunner().invoke(cli, ["check", "--handoffs", str(tmp_path), "--as-of", "2026-11-15",
                                               "--json"]).stdout)
    [euro] = data["entities"]
    assert [x["currency"] for x in euro["stack"] + euro["channels"] + data["capital_plan"]] == [
        "EUR", "USD", "EUR", "USD", "EUR", "USD"]


def test_a_files_own_currency_holds_for_its_unmarked_stack_costs_and_channel_spend(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, euro="""
        ---
        currency: EUR
        ---
        # Euro Co

        ## Stack

        - Hosting: Hetzner (40/mo)

        ## Channels

        | Channel | Status | Spend |
        |---|---|---|
        | Google Ads | live | 1,200 |
        """), AS_OF)
    [e] = portfolio.entities
    assert [(x.monthly_cost, x.currency) for x in e.stack] + [(x.spend, x.currency) for x in e.channels] == [
        (None, "EUR"), (None, "EUR")]
    assert sum("EUR, not in USD" in w.message for w in portfolio.warnings) == 2


def test_fx_converts_stack_channel_and_capital_costs_and_is_cited(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, euro=EURO_COSTS, portfolio="""
        ---
        type: portfolio
        cash_on_hand: $80,000
        fx: {EUR: 1.1}
        ---
        # Holdings
        """ + CAPITAL), AS_OF)
    assert cost_facts(portfolio) == ([(Decimal("44.0"), "EUR"), (Decimal(15), "USD")],
                                     [(Decimal("1320.0"), "EUR"), (Decimal(100), "USD")],
                                     [(Decimal("5500.0"), "EUR"), (Decimal(500), "USD")])
    assert [e.rate for e in portfolio.entities[0].stack] == [Decimal("1.1"), None]
    assert not any("not in USD" in w.message for w in portfolio.warnings)
    cto, cmo, cfo = (r.body for r in compose_all(("cto", "cmo", "cfo"), portfolio, AS_OF, Settings()))
    assert "Euro Co — $59/mo" in cto and "Live channels: $1,420/mo" in cmo and "Total: $6,000 one-off" in cfo
    for body in (cto, cmo, cfo):  # the CFO's cash is in USD: the rate is cited for the capital plan
        assert "1 EUR = 1.1 USD" in body[body.index("Sources"):]


def test_cash_on_hand_converted_by_fx_cites_its_rate_where_cash_is_shown(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, dollar=DOLLARS, portfolio="""
        ---
        type: portfolio
        cash_on_hand: €50,000
        cash_as_of: 2026-10-31
        fx: {EUR: 1.1}
        ---
        # Holdings
        """), AS_OF)
    assert (portfolio.cash_on_hand, portfolio.cash_currency, portfolio.cash_rate) == (
        Decimal("55000.0"), "EUR", Decimal("1.1"))
    reports = {r.role: r.body for r in compose_all(("ceo", "cfo", "accounting", "cto"), portfolio, AS_OF, Settings())}
    for role in ("ceo", "cfo"):  # each shows the cash (headline, runway)
        body = reports[role]
        assert "$55,000" in body and "1 EUR = 1.1 USD" in body[body.index("Sources"):], role
    assert "1 EUR = 1.1 USD" not in reports["cto"]  # no cash shown there
    data = json.loads(CliRunner().invoke(cli, ["check", "--handoffs", str(tmp_path), "--as-of", "2026-11-15",
                                               "--json"]).stdout)
    assert (data["cash_on_hand"], data["cash_currency"], data["cash_rate"]) == (55000, "EUR", 1.1)


def test_an_unmarked_amount_is_grouped_as_the_currency_it_is_taken_in(tmp_path: Path) -> None:
    """`10.000` in a file whose `currency:` writes dots for thousands is ten thousand, in a
    table cell, an expense and a stack cost alike (it was read as 10, a thousandth)."""
    portfolio = read_portfolio(write(tmp_path, euro="""
        ---
        currency: EUR
        ---
        # Euro Co

        ## Financials

        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | 10.000 | 8.500 |

        ## Expenses

        | Date | Vendor | Amount |
        |---|---|---|
        | 2026-10-03 | Notary | 1.200 |

        ## Stack

        - Hosting: Hetzner (1.500/mo)
        """, portfolio="""
        ---
        type: portfolio
        fx: {EUR: 1}
        ---
        # Holdings
        """), AS_OF)
    [e] = portfolio.entities
    assert [(f.revenue, f.expenses) for f in e.financials] == [(Decimal(10_000), Decimal(8_500))]
    assert [x.amount for x in e.expenses] == [Decimal(1_200)]
    assert [x.monthly_cost for x in e.stack] == [Decimal(1_500)]


def test_an_unmarked_amount_takes_the_portfolios_grouping_when_its_file_gives_none(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, acme="""
        # Acme

        ## Financials

        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | 48.300 | 1.5 |
        """, portfolio="""
        ---
        type: portfolio
        currency: BRL
        cash_on_hand: "120.000"
        ---
        # Holdings
        """), AS_OF)
    assert [(f.revenue, f.expenses) for f in portfolio.entities[0].financials] == [(Decimal(48_300), Decimal("1.5"))]
    assert portfolio.cash_on_hand == Decimal(120_000)


@pytest.mark.parametrize("written, taken_in, value", [
    ("10.000", "EUR", "10000"), ("10.000", "USD", "10.000"), ("10.000", None, "10.000"),
    ("$10.000", "EUR", "10.000"), ("1.234,5", "USD", "1234.5"),
])
def test_parse_amount_groups_an_unmarked_number_as_its_currency(written: str, taken_in: str | None,
                                                                value: str) -> None:
    amount = parse_amount(written, taken_in)
    assert amount is not None and amount.value == Decimal(value)


def test_cash_in_another_currency_with_no_rate_is_named_with_the_rate_to_add(tmp_path: Path) -> None:
    """Not `No cash_on_hand in the portfolio file`: the cash was given, in USD, and EUR reports."""
    portfolio = read_portfolio(write(tmp_path, acme="""
        # Acme

        ## Financials

        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | €1.000 | €2.000 |
        """, portfolio="""
        ---
        type: portfolio
        cash_on_hand: "$86,500"
        currency: EUR
        ---
        # Holdings
        """), AS_OF)
    ceo, cfo = (" ".join(r.body.split()) for r in compose_all(("ceo", "cfo"), portfolio, AS_OF, Settings()))
    said = "cash_on_hand 86,500 USD is not in EUR and has no rate: give `fx: {USD: <EUR per USD>}`"
    assert said in ceo and said in cfo
    assert "No cash_on_hand" not in cfo


EURO_LIMITS = """
        ## Guardrails

        - Single expense review threshold: €5,000
        - Infrastructure share of revenue: <= 8%

        ## Targets

        | Month | Revenue target |
        |---|---|
        | 2026-12 | €20,000 |
        | 2027-01 | $25,000 |
        """  # indented as the portfolio files it ends


def test_guardrails_and_targets_in_another_currency_are_converted_by_fx(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, dollar=DOLLARS, portfolio="""
        ---
        type: portfolio
        fx: {EUR: 1.1}
        ---
        # Holdings
        """ + EURO_LIMITS), AS_OF)
    assert [(g.limit, g.unit, g.currency, g.rate) for g in portfolio.guardrails] == [
        (Decimal("5500.0"), "$", "EUR", Decimal("1.1")), (Decimal(8), "%", None, None)]
    assert [(t.month, t.revenue, t.currency) for t in portfolio.targets] == [
        ("2026-12", Decimal("22000.0"), "EUR"), ("2027-01", Decimal(25_000), "USD")]
    assert not any("cannot read" in w.message for w in portfolio.warnings)
    [cfo] = (r.body for r in compose_all(("cfo",), portfolio, AS_OF, Settings()))
    assert "1 EUR = 1.1 USD" in cfo[cfo.index("Sources"):]


def test_guardrails_and_targets_in_another_currency_with_no_rate_are_left_out_with_their_amount(
        tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, dollar=DOLLARS, portfolio="""
        ---
        type: portfolio
        ---
        # Holdings
        """ + EURO_LIMITS), AS_OF)
    assert [g.name for g in portfolio.guardrails] == ["Infrastructure share of revenue"]
    assert [t.month for t in portfolio.targets] == ["2027-01"]
    messages = [w.message for w in portfolio.warnings]
    assert not any("cannot read" in m for m in messages)
    assert any(m.startswith("guardrail 'Single expense review threshold': 5,000 EUR, not in USD") and
               "`fx: {EUR: <USD per EUR>}`" in m for m in messages)
    assert any(m.startswith("target '2026-12': 20,000 EUR, not in USD") for m in messages)


def test_a_portfolio_in_euros_shows_its_money_in_euros_and_a_dollar_kpi_in_dollars(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, portfolio="""
        ---
        type: portfolio
        name: Euro Holdings
        currency: EUR
        cash_on_hand: "€50.000"
        ---
        """, acme="""
        ---
        entity: Acme
        ---
        ## Financials
        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | €12.000 | €9.500 |

        ## KPIs
        - Avg ticket: $412 (target: $450)
        - Avg basket: €12,50 (target: €14)
        """), AS_OF)
    ceo, cfo = (m.body for m in compose_all(("ceo", "cfo"), portfolio, AS_OF, Settings()))
    assert "revenue \u20ac12,000, expenses \u20ac9,500, net \u20ac2,500" in ceo
    assert "$12,000" not in ceo + cfo and "$50,000" not in ceo + cfo and "\u20ac50,000" in cfo
    assert "$412" in ceo and "\u20ac12.50" in ceo  # a KPI keeps the currency it was written in, with its mark


EURO_PORTFOLIO = """
    ---
    type: portfolio
    name: Euro Holdings
    currency: EUR
    cash_on_hand: "€80.000"
    ---
    ## Guardrails
    - Infrastructure share of revenue: <= 8,5%
    - Maximum monthly net burn: 4.000
    """


def test_in_a_euro_portfolio_unmarked_figures_are_grouped_as_euros_everywhere(tmp_path: Path) -> None:
    portfolio = read_portfolio(write(tmp_path, portfolio=EURO_PORTFOLIO, acme="""
        ---
        entity: Acme
        ---
        ## Financials
        - 2026-09: revenue 10.000, expenses 8.000
        - Umsatz Oktober 2026: 12.500
        - Ausgaben Oktober 2026: 9.000

        ## Expenses
        | Date | Vendor | Category | Amount |
        |---|---|---|---|
        | 2026-10-02 | Kiosk | office | 0,250 |
        """), AS_OF)
    (acme,) = portfolio.entities
    assert [(f.month, f.revenue, f.expenses) for f in acme.financials] == [
        ("2026-09", Decimal(10000), Decimal(8000)), ("2026-10", Decimal(12500), Decimal(9000))]  # not 12.5
    assert [x.amount for x in acme.expenses] == [Decimal("0.250")]  # a fraction, not 250
    limits = {g.name: (g.limit, g.unit) for g in portfolio.guardrails}
    assert limits["Infrastructure share of revenue"] == (Decimal("8.5"), "%")  # not 85
    assert limits["Maximum monthly net burn"] == (Decimal(4000), "$")  # money in EUR, not 4


def test_a_euro_reports_changes_section_and_missing_cash_are_written_in_their_currency(tmp_path: Path) -> None:
    from reports.figures.changes import snapshot
    from reports.figures.shared import figures

    folder = write(tmp_path, portfolio=EURO_PORTFOLIO.replace('cash_on_hand: "€80.000"', "cash_on_hand: 80.000"),
                   acme="---\nentity: Acme\n---\n## Financials\n- 2026-10: revenue 12.500, expenses 9.000\n")
    portfolio = read_portfolio(folder, AS_OF)
    assert any("cash_on_hand 80 was written as a plain number" in w.message for w in portfolio.warnings)
    shared = figures(portfolio, AS_OF)
    now = snapshot(portfolio, shared, AS_OF)
    before = {**now, "revenue": "9000", "as_of": "2026-10-15"}
    (cfo,) = compose_all(("cfo",), portfolio, AS_OF, Settings(), None, {"cfo": (before, None)}, shared, now)
    changes = cfo.body[cfo.body.index("Changes since"):cfo.body.index("\n\n", cfo.body.index("Changes since"))]
    assert "\u20ac12,500" in changes and "$" not in changes


def test_a_portfolio_file_not_named_portfolio_md_says_its_currency_does_not_group_the_others(tmp_path: Path) -> None:
    folder = write(tmp_path, overview="---\ntype: portfolio\ncurrency: EUR\n---\n# Overview\n",
                   acme="---\nentity: Acme\n---\n## Financials\n- 2026-10: revenue 10.000\n")
    portfolio = read_portfolio(folder, AS_OF)
    assert [str(w.source) for w in portfolio.warnings if "how unmarked amounts are grouped" in w.message] == \
        ["overview.md:1"]
