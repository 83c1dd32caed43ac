"""Figures a CFO would sign: each definition pinned with hand-computed figures on a small
portfolio written for it (docs/reports.md states every formula)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from reports.config import Settings
from reports.figures.agenda import agenda
from reports.figures.months import last_full_month
from reports.figures.revrec import Adjustment, revrec_adjustment
from reports.figures.shared import figures
from reports.model import Measure, Portfolio
from reports.read.folder import read_portfolio
from reports.read.measures import resolve_measure
from reports.render.compose import compose_all

AS_OF = date(2026, 11, 15)

PORTFOLIO = """\
---
type: portfolio
name: Small
cash_on_hand: $10,000
cash_as_of: 2026-10-31
horizon: 2027-03
---

# Small

## Guardrails

- Minimum cash reserve: $4,000
- Maximum monthly net burn: $1,500
- Max burn: $1,600 (measure: net-burn-3m)
- Max marketing burn: $500
- Burn multiple: 2
- Revenue per employee: >= 10000
- Minimum revenue: 10000
- Single expense review threshold: $500
- Minimum runway: 6 months
"""
A = """\
---
entity: Alpha
kind: operating
---

# Alpha

## Financials

| Month | Revenue | Expenses |
|---|---|---|
| 2026-08 | $1,000 | $3,000 |
| 2026-09 | $1,000 | $3,000 |
| 2026-10 | $1,000 | $4,000 |

## Expenses

| Date | Vendor | Category | Amount |
|---|---|---|---|
| 2026-10-02 | Mechanic | repairs | $600 |
| 2026-10-09 | Office | supplies | $400 |

## Channels

| Channel | Status | Spend |
|---|---|---|
| Google Ads | live | $300 |
| Yelp Ads | paused | $900 |

## Risks

- [critical] [ops] Only one truck; a breakdown stops all jobs
- [high] [ops] [#lease] The lease ends in March

## Actions

- [ ] [P2] [ops] Negotiate the landfill rate (due 2026-12-20)
- [ ] [P1] [#lease] Renew the lease (due 2026-12-01)
"""
B = """\
---
entity: Beta
kind: operating
---

# Beta

## Financials

| Month | Revenue | Expenses |
|---|---|---|
| 2026-08 | $2,000 | $1,000 |
| 2026-10 | $2,000 | $1,000 |
| 2026-11 | $500 | $100 |
"""


@pytest.fixture
def small(tmp_path: Path) -> Portfolio:
    for name, text in (("portfolio.md", PORTFOLIO), ("alpha.md", A), ("beta.md", B)):
        (tmp_path / name).write_text(text)
    return read_portfolio(tmp_path, AS_OF)


def test_a_missing_month_is_left_out_not_counted_as_zero(small: Portfolio) -> None:
    fig = figures(small, AS_OF)
    assert fig.totals is not None
    # 2026-09: Beta reported nothing, so the month is incomplete; 2026-11 is not over.
    assert [(m.month, m.revenue, m.expenses) for m in fig.months] == [
        ("2026-08", D(3000), D(4000)), ("2026-10", D(3000), D(5000))]
    assert fig.totals.incomplete == {"2026-09": ("Beta",)}
    assert fig.totals.partial is not None and fig.totals.partial.month == "2026-11"


def test_every_runway_with_its_basis(small: Portfolio) -> None:
    way = figures(small, AS_OF).runway
    assert way is not None
    # Net burn: 2026-08 $1,000, 2026-10 $2,000; average $1,500.
    assert way.trailing == D(10000) / D(1500)  # 6.67 months
    assert way.latest == D(10000) / D(2000)  # 5 months
    assert (way.cash_month, way.cash_basis) == ("2026-10", "cash_as_of 2026-10-31")
    # Projection: revenue flat at $3,000 (no growth), expenses at the 3-month average $4,500:
    # -$1,500 a month from $10,000: Nov 8,500, Dec 7,000, Jan 5,500, Feb 4,000, Mar 2,500,
    # Apr 1,000, May -500.
    assert (way.cash_out, way.months_to_cash_out) == ("2027-05", 7)
    assert (way.floor, way.floor_month, way.months_to_floor) == (D(4000), "2027-03", 5)
    assert way.conservative() == (D(5), "cash below the reserve floor in 2027-03")


def test_the_headline_leads_with_the_most_conservative_runway_and_names_what_is_left_out(
        small: Portfolio) -> None:
    ceo = " ".join(compose_all(("ceo",), small, AS_OF, Settings())[0].body.split())
    assert "Runway 5.0 months, the most conservative basis: cash below the reserve floor in 2027-03" in ceo
    assert "trailing 3-month 6.7 months; latest month 5.0 months" in ceo
    assert "2026-09 (missing Beta)" in ceo and "2026-11 is not over" in ceo


def test_guardrails_are_measured_by_a_vocabulary_resolved_when_read(small: Portfolio) -> None:
    by_name = {g.name: g for g in small.guardrails}
    assert by_name["Maximum monthly net burn"].measure == Measure.NET_BURN_LATEST
    assert by_name["Max burn"].measure == Measure.NET_BURN_3M
    assert by_name["Max marketing burn"].measure == Measure.MARKETING_SPEND
    assert by_name["Burn multiple"].measure is None
    assert by_name["Revenue per employee"].measure is None
    warned = {w.message.split(":")[0] for w in small.warnings}
    assert {"guardrail 'Burn multiple'", "guardrail 'Revenue per employee'"} <= warned
    cfo = " ".join(compose_all(("cfo",), small, AS_OF, Settings())[0].body.split())
    assert "[BREACHED] Maximum monthly net burn ≤ $1,500: net burn, latest full month $2,000" in cfo
    assert "[OK] Max burn ≤ $1,600: net burn, 3-month average $1,500" in cfo
    assert "[OK] Max marketing burn ≤ $500: marketing spend, live channels $300" in cfo  # Yelp is paused
    assert "[NOT EVALUATED] Burn multiple" in cfo and "[NOT EVALUATED] Revenue per employee" in cfo
    assert "[NOT EVALUATED] Minimum revenue ≥ 10,000: revenue, latest full month: the limit has no unit" in \
        cfo
    assert "[REVIEW] Single expense review threshold ≤ $500: 1 single expense(s) over it" in cfo
    assert "[BREACHED] Minimum runway ≥ 6.0 months: runway (most conservative) 5.0 months" in cfo


def test_a_risk_is_addressed_only_by_an_action_that_links_to_it(small: Portfolio) -> None:
    items = agenda(small, AS_OF)
    texts = [i.text for i in items]
    assert "Unaddressed critical risk: Only one truck; a breakdown stops all jobs" in texts  # [ops] is not a link
    assert not any("lease ends" in t for t in texts)  # [#lease] links it to the renewal


@pytest.mark.parametrize("name, measure", [
    ("Minimum runway", Measure.RUNWAY), ("Maximum monthly net burn", Measure.NET_BURN_LATEST),
    ("Average net burn", Measure.NET_BURN_3M), ("Single expense review threshold", Measure.SINGLE_EXPENSE),
    ("Marketing spend per month", Measure.MARKETING_SPEND), ("Infrastructure share of revenue", Measure.INFRA_SHARE),
    ("Minimum cash reserve", Measure.CASH_RESERVE), ("Minimum monthly revenue", Measure.REVENUE),
    ("Net burn", None), ("Burn multiple", None), ("Revenue per employee", None), ("Vibes", None),
])
def test_the_measure_vocabulary(name: str, measure: Measure | None) -> None:
    assert resolve_measure(name)[0] == measure
    assert (resolve_measure(name)[1] is None) == (measure is not None)


def test_an_explicit_measure_wins_and_an_unknown_one_is_a_problem() -> None:
    assert resolve_measure("Anything", "runway") == (Measure.RUNWAY, None)
    assert resolve_measure("Anything", "vibes")[0] is None


def test_sample_guardrails_are_each_resolved() -> None:
    sample = read_portfolio(Path(__file__).resolve().parent.parent / "reports" / "sample", AS_OF)
    assert [g.measure for g in sample.guardrails] == [
        Measure.NET_BURN_LATEST, Measure.RUNWAY, Measure.CASH_RESERVE, Measure.SINGLE_EXPENSE,
        Measure.INFRA_SHARE, Measure.MARKETING_SPEND]


def test_last_full_month() -> None:
    assert last_full_month(date(2026, 11, 15)) == "2026-10"
    assert last_full_month(date(2026, 11, 30)) == "2026-11"
    assert last_full_month(date(2026, 1, 1)) == "2025-12"


def test_docs_define_every_runway_basis() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "reports.md").read_text()
    for words in ("trailing", "latest-month", "cash-out", "reserve floor", "cash_as_of", "incomplete",
                  "net-burn-latest", "net-burn-3m", "single-expense", "marketing-spend", "infra-share",
                  "cash-reserve", "[#"):
        assert words in docs, words




# --------------------------------------------------------------------------
# Periods, pipeline, CTO order and marks, text, precision, trends, concentration, stale flags

MORE = """\
---
entity: Harbor Kayak Co.
kind: operating
---

# Harbor Kayak Co.

## Financials

| Month | Revenue | Expenses |
|---|---|---|
| 2026-08 | $10,000 | $2,000 |
| 2026-09 | $9,200 | $2,100 |
| 2026-10 | $10,800 | $4,500 |

## Expenses

| Date | Vendor | Category | Amount |
|---|---|---|---|
| 2026-10-05 | Dock Works | repairs | $1,900 |

## Pipeline

- Hotel partnership: $3,500/mo — proposal (close 2026-11-01)
- Corporate retreat: $10,000 — proposal (close 2026-12-01)
- School trips: $5,000 — lead
- Old deal: $2,000 — won

## KPIs

- Average rental: $13.50 (target: $14)

## Stack

- Booking: FareHarbor (free)
- Website: Squarespace

## Actions

- [ ] [P0] [security] Rotate the booking password (due 2026-11-10)

## Campaigns

- 2026-10-01: Fall paddles (list: members)
- 2026-10-04: Fall paddles reminder (list: members)
- 2026-11-20: Winter paddles (list: members)
- 2026-11-23: Winter reminder (list: members)
"""
PLAN = """\
---
type: portfolio
name: Kayaks
cash_on_hand: $50,000
---

# Kayaks

## Capital deployment

- Dry bags [low-cost] ($300/mo)
- New kayaks [revenue] ($6,800)
"""


@pytest.fixture
def kayaks(tmp_path: Path) -> Portfolio:
    (tmp_path / "harbor.md").write_text(MORE)
    (tmp_path / "portfolio.md").write_text(PLAN)
    return read_portfolio(tmp_path, AS_OF)


def bodies(portfolio: Portfolio, settings: Settings | None = None) -> dict[str, str]:
    roles = ("ceo", "cto", "accounting", "cmo", "cfo")
    return {m.role: " ".join(m.body.split()) for m in compose_all(roles, portfolio, AS_OF, settings or Settings())}


def test_recurring_amounts_keep_their_period_and_costs_lose_their_parentheses(kayaks: Portfolio) -> None:
    text = bodies(kayaks)
    assert "Dry bags — $300/mo" in text["cfo"] and "New kayaks — $6,800 one-off" in text["cfo"]
    assert "Total: $6,800 one-off and $300/mo." in text["cfo"]
    assert "($" not in text["cfo"]
    # Open proposals: $10,000 one-off and $3,500/mo; a lead $5,000; the won deal is not open.
    assert "proposal 2 $10,000 $3,500 40%" in text["ceo"] and "lead 1 $5,000 $0 10%" in text["ceo"]
    assert "Open: $15,000 one-off and $3,500/mo; weighted by stage $4,500 and $1,400/mo." in text["ceo"]
    assert "Won (not in the table): 1 deal(s), $2,000 one-off and $0/mo." in text["ceo"]
    # The hotel partnership is past its close date: $0 one-off and $3,500/mo overdue.
    assert "Past their close date: $0 one-off (0.0% of open) and $3,500/mo." in text["ceo"]
    assert "Hotel partnership, $3,500/mo, proposal" in text["ceo"]


def test_stage_weights_can_be_overridden(kayaks: Portfolio) -> None:
    from decimal import Decimal

    text = bodies(kayaks, Settings(stage_weights={"lead": Decimal("0.5")}))
    assert "weighted by stage $6,500 and $1,400/mo." in text["ceo"]  # 10,000 × 0.4 + 5,000 × 0.5


def test_cto_opens_with_security_and_marks_what_is_overdue_free_or_not_given(kayaks: Portfolio) -> None:
    raw = compose_all(("cto",), kayaks, AS_OF, Settings())[0].body
    sections = [line for line, under in zip(raw.splitlines(), raw.splitlines()[1:], strict=False)
                if under and set(under) == {"-"}]
    assert sections[0] == "Security posture"
    text = " ".join(raw.split())
    assert "Rotate the booking password (due 2026-11-10, OVERDUE)" in text
    assert "FareHarbor $0 (free)" in text and "Squarespace not given" in text


def test_text_defects_and_kpi_precision(kayaks: Portfolio) -> None:
    text = bodies(kayaks)
    assert not any("Co.." in body for body in text.values())
    assert "Average rental $13.50 ≤ $14" not in text["ceo"] and "$13.50 $14" in text["ceo"]


def test_sparklines_show_their_change_and_concentration_is_flagged(kayaks: Portfolio) -> None:
    ceo = bodies(kayaks)["ceo"]
    assert "+8%" in ceo  # 10,000 -> 10,800
    assert "100.0%" in ceo and "Harbor Kayak Co. is over half of the portfolio's revenue." in ceo


def test_flags_are_only_for_what_is_still_to_come_and_worth_a_look(kayaks: Portfolio) -> None:
    from decimal import Decimal

    text = bodies(kayaks)
    # The October pair went out already; the November pair is still to come.
    assert "'Winter reminder' goes to members 3 days after 'Winter paddles'" in text["cmo"]
    assert "'Fall paddles reminder'" not in text["cmo"].split("Blast email sequencing")[1].split("OTA")[0] \
        .split("sent")[-1]
    assert "(keep sends at least 7 days apart)" in text["cmo"]
    # Expenses 2,100 -> 4,500 in October: +114%, and $2,400 over the $500 floor; explained by Dock Works.
    assert "2026-10 expenses $4,500, up 114.3% (logged: Dock Works $1,900)" in text["accounting"]
    high = bodies(kayaks, Settings(jump_floor=Decimal(3000)))["accounting"]
    assert "2026-10 expenses $4,500" not in high.split("Month-over-month")[1]


def test_a_revenue_recognition_amount_shows_the_adjusted_figure_beside_the_raw_one(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# Boats\n\n## Financials\n\n| Month | Revenue | Expenses |\n|---|---|---|\n| 2026-10 | $11,900 | $9,000 |\n"
        "\n## Revenue recognition\n\n- Deposits for December charters ($4,100) were booked as October revenue\n"
        "- OTA payouts arrive net of commission\n")
    text = " ".join(compose_all(("accounting",), read_portfolio(tmp_path, AS_OF), AS_OF, Settings())[0].body.split())
    assert ("adjusted: 2026-10 revenue $11,900 as booked, $7,800 recognised ($4,100 belongs to 2026-12)."
            in text)  # 11,900 − 4,100
    assert "net of commission —" not in text  # no amount: no adjustment
    adj = revrec_adjustment("Deposits for December charters ($4,100) were booked as October revenue", AS_OF)
    assert adj == Adjustment(D(4100), "2026-10", "2026-12")
