"""Issue 27, points 4, 5, 8 to 13 and 15: no invented zeros, like-for-like growth, the revenue
basis, one marketing spend, break-even with the contribution margin, stale deals, KPI gaps in
their unit, empty is not all clear, and the smaller definitions. Each figure is worked out by
hand in the comments."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal as D
from pathlib import Path

from reports.config import Settings
from reports.figures.deals import pipeline
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


def body(p: Portfolio, role: str) -> str:
    return " ".join(compose_all((role,), p, AS_OF, Settings())[0].body.split())


def entity(name: str, sections: str, kind: str = "operating") -> str:
    return f"---\nentity: {name}\nkind: {kind}\n---\n\n# {name}\n\n{textwrap.dedent(sections)}"


PLAIN = "---\ntype: portfolio\nname: P\ncash_on_hand: $50,000\ncash_as_of: 2026-10-31\n---\n\n# P\n"


def test_dashes_and_zeros_are_zero_and_blank_or_unreadable_cells_make_a_month_incomplete(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": PLAIN, "alpha.md": entity("Alpha", """\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-07 | $1,000  | $2,000   |
        | 2026-08 | —       | $2,000   |
        | 2026-09 | twelve  | $2,000   |
        | 2026-10 | $1,000  | n/a      |
        """), "beta.md": entity("Beta", """\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-07 | $3,000  | $1,000   |
        | 2026-08 | $3,000  | -        |
        | 2026-09 | $3,000  | $1,000   |
        | 2026-10 | $3,000  | $1,000   |
        """), "gamma.md": entity("Gamma", """\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-07 | $500    | 0        |
        | 2026-08 | TBD     | $200     |
        | 2026-09 | $500    | $200     |
        | 2026-10 | $500    | $200     |
        """, "ancillary")})
    fig = figures(p, AS_OF)
    # July: 1,000 + 3,000 + 500 = 4,500 revenue; 2,000 + 1,000 + 0 = 3,000 expenses.
    # August: Alpha's "—" and Beta's "-" are zeros: 0 + 3,000 = 3,000 revenue, 2,000 + 0 = 2,000
    # expenses; ancillary Gamma's TBD revenue leaves Gamma out of August without making it incomplete.
    # September (Alpha's "twelve") and October (Alpha's n/a) are incomplete, never $0.
    assert [(m.month, m.revenue, m.expenses) for m in fig.months] == [
        ("2026-07", D(4500), D(3000)), ("2026-08", D(3000), D(2000))]
    assert fig.totals is not None and set(fig.totals.incomplete) == {"2026-09", "2026-10"}
    cfo = body(p, "cfo")
    assert ("Left out of the totals as incomplete: 2026-09 (Alpha's revenue blank or unreadable); 2026-10 "
            "(Alpha's expenses blank or unreadable).") in cfo
    assert "Left out, blank or unreadable: Gamma's revenue for 2026-08." in cfo
    assert "cannot read revenue 'twelve'" in cfo  # and the reading warning says which cell
    assert "2026-08: revenue $3,000, expenses $2,000, net $1,000." in body(p, "ceo")  # the latest complete month
    # Expenses by entity keep Gamma's August expenses (only its revenue was blank).
    assert "Gamma $0 $200" in body(p, "accounting")


def test_growth_is_like_for_like_over_the_three_months_of_the_averages(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"portfolio.md": PLAIN, "alpha.md": entity("Alpha", """\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-07 | $20,000 | $12,000  |
        | 2026-08 | $10,000 | $12,000  |
        | 2026-09 | $9,000  | $12,000  |
        | 2026-10 | $8,100  | $12,000  |
        """), "beta.md": entity("Beta", """\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-09 | $5,000  | $4,000   |
        | 2026-10 | $5,000  | $4,000   |
        """)})
    growth = figures(p, AS_OF).growth
    # The window is 2026-08 to 2026-10 (July is not one of the three months). Beta started in
    # September: mixing it in, revenue went 10,000 -> 13,100, "+14.5% a month". Like-for-like, only
    # Alpha: (8,100 ÷ 10,000)^(1/2) - 1 = 0.9 - 1 = -10.0% a month, Beta named as left out.
    assert growth is not None and growth.rate is not None
    assert (growth.start, growth.end, growth.left_out) == (D(10000), D(8100), ("Beta",))
    assert abs(growth.rate - D("-0.1")) < D("1e-20")
    assert ("Revenue growth: -10.0% a month like-for-like, 2026-08 $10,000 to 2026-10 $8,100 (left out, not "
            "in every month: Beta).") in body(p, "cfo")


def test_each_figure_states_its_revenue_basis_booked_for_burn_recognised_for_targets(tmp_path: Path) -> None:
    plan = PLAIN + "\n## Targets\n\n| Month | Revenue target |\n|---|---|\n| 2026-10 | $10,000 |\n"
    p = portfolio(tmp_path, {"portfolio.md": plan, "alpha.md": entity("Alpha", """\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-08 | $9,000  | $8,000   |
        | 2026-09 | $9,000  | $8,000   |
        | 2026-10 | $11,900 | $9,000   |

        ## Revenue recognition

        - Deposits for December charters ($4,100) were booked as October revenue
        """)})
    cfo = body(p, "cfo")
    # Burn on booked revenue: October made 11,900 - 9,000 = $2,900.
    assert "2026-10 $11,900 $9,000 generated $2,900" in cfo
    assert "Revenue basis: booked, as the monthly financials give it (burn, runway and the projections)." in cfo
    # The target on recognised revenue: 11,900 - 4,100 = 7,800, 2,200 short of $10,000 (booked: met).
    assert "2026-10 $10,000 $7,800 -$2,200 missed" in cfo
    assert "Actuals: recognised — booked, less $4,100 the revenue-recognition items move" in cfo
    # Break-even on recognised revenue: needed (8,000 + 8,000 + 9,000) ÷ 3 = 8,333; gap 8,333 - 7,800.
    assert "Revenue in 2026-10: $7,800; gap $533." in cfo
    assert "Revenue basis: booked; the targets are compared on recognised revenue" in body(p, "accounting")


MARKETING = """\
    ## Financials

    | Month   | Revenue | Expenses |
    |---------|---------|----------|
    | 2026-10 | $20,000 | $15,000  |

    ## Channels

    | Channel    | Status | Spend | Leads |
    |------------|--------|-------|-------|
    | Google Ads | live   | $300  | 10    |
    | Yelp Ads   | paused | $900  | 5     |
    | Website    | live   | $0    | 20    |
    """


def test_marketing_spend_is_live_channels_only_with_cost_per_lead_blended_and_paid(tmp_path: Path) -> None:
    rules = PLAIN + "\n## Guardrails\n\n- Marketing spend per month: $1,000\n"
    p = portfolio(tmp_path, {"portfolio.md": rules, "alpha.md": entity("Alpha", MARKETING)})
    cmo = body(p, "cmo")
    # Live: Google Ads $300 (10 leads) and the website $0 (20 leads): $300 for 30 leads, $10 a lead
    # blended; paid only $300 ÷ the 10 leads of channels that spend = $30. Yelp is paused: apart.
    assert ("Live channels: $300/mo for 30 leads; cost per lead $10 blended (all live leads), $30 paid only "
            "(spend ÷ 10 leads from channels that spend).") in cmo
    assert "Not live, so not in the totals: Alpha Yelp Ads (paused) $900/mo, 5 leads." in cmo
    assert "Yelp Ads $900" not in cmo  # not in the table of live channels
    assert "[OK] Marketing spend per month ≤ $1,000: marketing spend, live channels $300" in body(p, "cfo")


def _logged(category: str) -> str:
    return f"""\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-08 | $10,000 | $12,000  |
        | 2026-09 | $10,000 | $12,000  |
        | 2026-10 | $10,000 | $12,000  |

        ## Expenses

        | Date       | Vendor   | Category   | Amount |
        |------------|----------|------------|--------|
        | 2026-08-05 | Fuel Co  | {category} | $1,000 |
        | 2026-09-05 | Fuel Co  | fuel       | $1,000 |
        | 2026-10-05 | Fuel Co  | fuel       | $1,000 |
        | 2026-11-05 | Fuel Co  | fuel       | $5,000 |
        | 2026-10-01 | Landlord | rent       | $5,000 |
        """


def test_break_even_uses_the_contribution_margin_when_costs_are_tagged_variable(tmp_path: Path) -> None:
    tagged = portfolio(tmp_path / "v", {"portfolio.md": PLAIN, "a.md": entity("Alpha", _logged("fuel [variable]"))})
    # Fuel is variable (one row tagged in its category cell): 1,000 a month in the window 2026-08 to
    # 2026-10 (November is not over); revenue 30,000 over the window: variable ratio 3,000 ÷ 30,000
    # = 10%, contribution margin 90%. Fixed costs = 12,000 - 1,000 = 11,000 a month; needed =
    # 11,000 ÷ 0.9 = 12,222; gap 12,222 - 10,000 = 2,222.
    cfo = body(tagged, "cfo")
    assert ("Revenue needed: $12,222 a month — fixed costs $11,000 (3-month average expenses $12,000 less "
            "[variable] costs $1,000) ÷ contribution margin 90.0% (1 − variable costs ÷ revenue, 2026-08 to "
            "2026-10).") in cfo
    assert "Revenue in 2026-10: $10,000; gap $2,222." in cfo
    fixed = portfolio(tmp_path / "f", {"portfolio.md": PLAIN, "a.md": entity("Alpha", _logged("fuel"))})
    assert ("Revenue needed: $12,000 a month, the trailing 3-month average expenses; this assumes all costs "
            "are fixed (no expense is tagged [variable]).") in body(fixed, "cfo")


def test_deals_past_their_close_date_are_left_out_of_the_weighted_pipeline(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"alpha.md": entity("Alpha", """\
        ## Pipeline

        - Hotel block: $10,000 — proposal (close 2026-11-01)
        - School trips: $5,000 — proposal (close 2026-12-01)
        """)})
    pipe = pipeline([d for e in p.entities for d in e.pipeline], figures(p, AS_OF).stage_weights, AS_OF)
    # The hotel block closed on paper two weeks ago: out of the weighted value (it was 15,000 × 0.4
    # = 6,000), shown apart. Weighted: the school trips alone, 5,000 × 0.4 = 2,000.
    assert (pipe.weighted_one_off, pipe.overdue_one_off) == (D(2000), D(10000))
    ceo = body(p, "ceo")
    assert "weighted by stage $2,000 and $0/mo." in ceo
    assert "Past their close date (not weighted): $10,000 one-off (66.7% of open)" in ceo  # 10,000 ÷ 15,000


def test_a_kpi_gap_is_a_percent_of_target_beside_the_gap_in_the_kpis_own_unit(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"alpha.md": entity("Alpha", """\
        ## KPIs

        - Cancellation rate: 6% (target: <= 4%)
        - Bookings: 42 bookings (target: 60 bookings)
        - Average ticket: $388 (target: $800)
        """)})
    ceo = body(p, "ceo")
    assert "Gap (% of target)" in ceo
    # Ticket: 800 - 388 = $412 short, 412 ÷ 800 = 51.5%; cancellation 6 - 4 = 2.0 points over a ceiling of
    # 4, 2 ÷ 4 = 50.0%; bookings 60 - 42 = 18 short, 18 ÷ 60 = 30.0%. Worst first.
    assert ("Alpha Average ticket $388 $800 −$412 (51.5%) Alpha Cancellation rate 6.0% ≤ 4.0% +2.0 pp (50.0%) "
            "Alpha Bookings 42 bookings 60 bookings −18 bookings (30.0%)") in ceo


def test_an_empty_section_says_whether_the_data_is_missing_or_all_is_clear(tmp_path: Path) -> None:
    review = PLAIN + "\n## Guardrails\n\n- Single expense review threshold: $2,500\n"
    bare = portfolio(tmp_path / "bare", {"portfolio.md": review, "a.md": entity("Alpha", """\
        ## Financials

        | Month   | Revenue | Expenses |
        |---------|---------|----------|
        | 2026-10 | $1,000  | $2,000   |
        """)})
    assert "No KPI given." in body(bare, "ceo")
    accounting = body(bare, "accounting")
    assert "No expense log given: nothing to check against it." in accounting
    assert "Fewer than two complete months: nothing to compare." in accounting
    met = portfolio(tmp_path / "met", {"portfolio.md": review, "a.md": entity("Alpha", """\
        ## KPIs

        - Guest rating: 4.9 stars (target: 4.8 stars)
        - Repeat guests: 12

        ## Expenses

        | Date       | Vendor | Category | Amount |
        |------------|--------|----------|--------|
        | 2026-10-02 | Shop   | supplies | $40    |
        """)})
    assert "Every KPI with a target meets it (1 of 2 have one)." in body(met, "ceo")
    assert "None: no logged expense is over it." in body(met, "accounting")
    untargeted = portfolio(tmp_path / "none", {"a.md": entity("Alpha", "## KPIs\n\n- Repeat guests: 12\n")})
    assert "No KPI has a target (1 given without one)." in body(untargeted, "ceo")


# --------------------------------------------------------------------------
# Point 15: the smaller definitions

def _months(rows: str) -> str:
    return "## Financials\n\n| Month | Revenue | Expenses |\n|---|---|---|\n" + textwrap.dedent(rows)


def test_stack_costs_not_given_make_the_infrastructure_total_a_lower_bound(tmp_path: Path) -> None:
    rules = PLAIN + "\n## Guardrails\n\n- Infrastructure share of revenue: <= 8%\n"
    p = portfolio(tmp_path, {"portfolio.md": rules, "a.md": entity("Alpha", _months("""\
        | 2026-10 | $20,000 | $15,000 |
        """) + "\n## Stack\n\n- Hosting: AWS ($1,000/mo)\n- CDN: Cloudflare ($12/mo)\n- Search: Algolia\n")})
    # 1,000 + 12 = $1,012 given, Algolia's cost not: at least $1,012, and 1,012 ÷ 20,000 = 5.1%.
    assert "Total at least $1,012/mo, 1 not given, 5.1% of portfolio revenue in 2026-10." in body(p, "cto")
    assert ("[OK] Infrastructure share of revenue ≤ 8.0%: infrastructure share of revenue (2026-10) at least "
            "5.1% (1 stack cost(s) not given)") in body(p, "cfo")


def test_a_month_in_progress_is_left_out_of_trends_and_sparklines(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"a.md": entity("Alpha", _months("""\
        | 2026-08 | $1,000 | $500 |
        | 2026-09 | $2,000 | $500 |
        | 2026-10 | $3,000 | $500 |
        | 2026-11 | $100   | $50  |
        """))})
    # November is not over on 2026-11-15: the trend is August to October, 1,000 -> 3,000 = +200%
    # (with November's first half it read "▁▄█▁ −90%").
    ceo = body(p, "ceo")
    assert "▁▄█ +200%" in ceo and "2026-11 is not over: left out of the totals, trends and sparklines" in ceo


def test_a_past_month_an_entity_is_missing_from_reads_missing_never_upcoming(tmp_path: Path) -> None:
    targets = PLAIN + ("\n## Targets\n\n| Month | Revenue target |\n|---|---|\n| 2026-09 | $4,000 |\n"
                       "| 2026-10 | $4,000 |\n| 2026-11 | $4,000 |\n| 2026-12 | $4,000 |\n")
    p = portfolio(tmp_path, {"portfolio.md": targets, "a.md": entity("Alpha", _months("""\
        | 2026-08 | $2,000 | $1,000 |
        | 2026-09 | $2,000 | $1,000 |
        | 2026-10 | $2,000 | $1,000 |
        """)), "b.md": entity("Beta", _months("""\
        | 2026-08 | $3,000 | $1,000 |
        | 2026-10 | $3,000 | $1,000 |
        """))})
    cfo = body(p, "cfo")
    # September is over but Beta is missing from it: "missing", not "upcoming"; October is
    # 2,000 + 3,000 = 5,000 against 4,000: met; November is in progress, December to come.
    assert ("2026-09 $4,000 — — missing 2026-10 $4,000 $5,000 $1,000 met 2026-11 $4,000 — — in progress "
            "2026-12 $4,000 — — upcoming") in cfo
    assert "Missing: 2026-09 — over, but not complete" in cfo


def test_latest_full_month_figures_name_the_month_they_are_from(tmp_path: Path) -> None:
    rules = PLAIN + "\n## Guardrails\n\n- Maximum monthly net burn: $4,000\n- Minimum monthly revenue: $1,000\n"
    p = portfolio(tmp_path, {"portfolio.md": rules, "a.md": entity("Alpha", _months("""\
        | 2026-09 | $2,000 | $3,000 |
        | 2026-10 | $2,000 | $9,000 |
        """)), "b.md": entity("Beta", _months("""\
        | 2026-09 | $1,000 | $500 |
        """))})
    cfo = body(p, "cfo")
    # October is over but Beta has not reported it: the latest full (complete) month is September,
    # net burn 3,500 - 3,000 = $500, revenue $3,000, and the labels say so.
    assert "net burn, latest full month (2026-09) $500" in cfo
    assert "revenue, latest full month (2026-09) $3,000" in cfo


def test_expense_jumps_are_ranked_by_dollars_with_the_percentage_beside(tmp_path: Path) -> None:
    p = portfolio(tmp_path, {"a.md": entity("Alpha", _months("""\
        | 2026-09 | $20,000 | $10,000 |
        | 2026-10 | $20,000 | $13,000 |
        """)), "b.md": entity("Beta", _months("""\
        | 2026-09 | $2,000 | $300 |
        | 2026-10 | $2,000 | $900 |
        """))})
    accounting = body(p, "accounting")
    # Alpha rose $3,000 (3,000 ÷ 10,000 = 30.0%), Beta $600 (600 ÷ 300 = 200.0%): Alpha first.
    alpha = "Alpha: 2026-10 expenses $13,000, up $3,000 (30.0%)"
    beta = "Beta: 2026-10 expenses $900, up $600 (200.0%)"
    assert alpha in accounting and beta in accounting
    assert accounting.index(alpha) < accounting.index(beta)


def test_a_profitable_month_shows_the_net_cash_it_generated_not_a_negative_burn(tmp_path: Path) -> None:
    rules = PLAIN + "\n## Guardrails\n\n- Maximum monthly net burn: $4,000\n"
    p = portfolio(tmp_path, {"portfolio.md": rules, "a.md": entity("Alpha", _months("""\
        | 2026-10 | $30,000 | $16,330 |
        """))})
    cfo = body(p, "cfo")
    # 30,000 - 16,330: the month generated $13,670.
    assert "2026-10 $30,000 $16,330 generated $13,670" in cfo
    assert "Trailing 3-month average: gross burn $16,330, net cash generated $13,670." in cfo
    assert "net burn, latest full month (2026-10) net cash generated $13,670" in cfo
    assert "-$13,670" not in cfo


def test_the_review_threshold_names_the_expenses_to_review_in_the_cfo_report(tmp_path: Path) -> None:
    rules = PLAIN + "\n## Guardrails\n\n- Single expense review threshold: $500\n"
    p = portfolio(tmp_path, {"portfolio.md": rules, "a.md": entity("Alpha", """\
        ## Expenses

        | Date       | Vendor   | Category | Amount |
        |------------|----------|----------|--------|
        | 2026-10-02 | Mechanic | repairs  | $600   |
        | 2026-10-09 | Office   | supplies | $400   |
        """)})
    # $600 is over $500, $400 is not.
    assert ("[REVIEW] Single expense review threshold ≤ $500: 1 single expense(s) over it to review: Alpha "
            "2026-10-02 Mechanic $600") in body(p, "cfo")
