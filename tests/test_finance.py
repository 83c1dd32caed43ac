from datetime import date
from decimal import Decimal as D
from typing import Any

from reports.figures.agenda import agenda
from reports.figures.cash import growth_rate, months_to_break_even, net_burn, runway
from reports.figures.costs import expense_jumps
from reports.figures.deals import is_overdue
from reports.figures.guardrails import Metrics, evaluate_guardrail, kpi_gaps
from reports.figures.marketing import blast_conflicts
from reports.figures.months import MonthTotal, trailing_average
from reports.model import Action, Campaign, Deal, Entity, Guardrail, Kpi, Portfolio, Risk, Src
from reports.read.measures import resolve_measure


def _metrics(**kw: Any) -> Metrics:
    base = Metrics(last=MonthTotal("2026-10", D(40000), D(50000)), avg_net_burn=D(5000), runway=D(12),
                     cash=D(60000), largest_expense=D(4850), infra_cost=D(568), marketing_spend=D(2100))
    return base._replace(**kw)


def test_runway_is_cash_over_average_net_burn() -> None:
    assert runway(D(86500), D(4133)) == D(86500) / D(4133)
    assert runway(D(86500), D(-10)) is None  # cash-flow positive
    assert runway(None, D(100)) is None


def test_trailing_average_and_net_burn() -> None:
    assert trailing_average([D(1), D(2), D(3), D(6)]) == D(11) / 3
    assert net_burn(MonthTotal("2026-10", D(40750), D(53570))) == D(12820)


def test_growth_and_break_even_months() -> None:
    g = growth_rate([D(100), D(110), D(121), D("133.1")])
    assert g is not None and abs(g - D("0.1")) < D("1e-9")
    # 100 → needs 150 at 10%/month: 1.1^4 = 1.4641 < 1.5 ≤ 1.1^5 = 1.61051
    assert months_to_break_even(D(100), D(150), D("0.1")) == 5
    assert months_to_break_even(D(200), D(150), None) == 0
    assert months_to_break_even(D(100), D(150), D("-0.05")) is None


def _guardrail(name: str, limit: int, unit: str, comparison: str) -> Guardrail:
    measure, problem = resolve_measure(name)
    return Guardrail(name, D(limit), unit, comparison, Src("p.md", 1), measure, problem)


def test_guardrails_ok_and_breached() -> None:
    m = _metrics()  # latest month: revenue 40,000, expenses 50,000
    burn = _guardrail("Maximum monthly net burn", 4000, "$", "<=")
    average = _guardrail("Maximum average net burn", 4000, "$", "<=")
    runway_floor = _guardrail("Minimum runway", 9, "months", ">=")
    review = _guardrail("Single expense review", 4000, "$", "<=")
    assert evaluate_guardrail(burn, m)[:2] == ("BREACHED", D(10000))  # the latest month's net burn
    assert evaluate_guardrail(average, m)[:2] == ("BREACHED", D(5000))
    assert evaluate_guardrail(runway_floor, m)[:2] == ("OK", D(12))
    assert evaluate_guardrail(review, m, expenses_over=1)[0] == "REVIEW 1"  # a review, never a breach
    positive = _metrics(avg_net_burn=D(-100), runway=None)
    assert evaluate_guardrail(runway_floor, positive)[0] == "OK"
    assert evaluate_guardrail(_guardrail("Vibes", 1, "", "<="), m)[0] == "NOT EVALUATED"


def _entity(name: str, **kw: Any) -> Entity:
    return Entity(name=name, code="", kind="operating", owner="", **kw)


def test_agenda_includes_due_within_30_days_and_uncovered_risks_in_order() -> None:
    as_of = date(2026, 11, 15)
    a = _entity("A", actions=(
        Action("later", "P0", (), date(2026, 12, 16), False, Src("a", 1)),  # day 31: out
        Action("soon", "P2", (), date(2026, 11, 20), False, Src("a", 2)),
        Action("done", "P0", (), date(2026, 11, 20), True, Src("a", 3)),  # done: out
        Action("late", "P1", ("ops",), date(2026, 11, 1), False, Src("a", 4), ("van",)),  # overdue: in
        Action("edge", "P1", (), date(2026, 12, 15), False, Src("a", 5)),  # day 30: in
        Action("unrated", None, (), date(2026, 11, 2), False, Src("a", 9)),  # overdue, unrated: by date
    ), risks=(
        Risk("covered", "critical", ("ops",), Src("a", 6), ("van",)),  # linked by [#van]
        Risk("tag only", "critical", ("ops",), Src("a", 10)),  # sharing [ops] does not address it
        Risk("bare", "high", ("legal",), Src("a", 7)),
        Risk("minor", "medium", (), Src("a", 8)),
    ))
    items = agenda(Portfolio("P", as_of, None, None, entities=(a,)), as_of)
    assert [(i.priority, i.text) for i in items] == [
        ("P1", "late"), ("unrated", "unrated"), ("P0", "Unaddressed critical risk: tag only"), ("P1", "edge"),
        ("P1", "Unaddressed high risk: bare"), ("P2", "soon")]
    assert items[0].overdue and items[1].overdue and not items[2].overdue


def test_kpi_gaps_worst_first() -> None:
    e = _entity("E", kpis=(
        Kpi("util", D(60), D(75), "%", False, Src("e", 1)),      # 20% short
        Kpi("dso", D(48), D(30), "days", True, Src("e", 2)),     # 60% over
        Kpi("rating", D(5), D(4), "", False, Src("e", 3)),       # met
    ))
    assert [(k.name, g) for _, k, g in kpi_gaps([e])] == [("dso", D("0.6")), ("util", D("0.2"))]


def test_overdue_pipeline() -> None:
    as_of = date(2026, 11, 15)
    assert is_overdue(Deal("x", D(1), "proposal", date(2026, 11, 14), Src("s", 1)), as_of)
    assert not is_overdue(Deal("x", D(1), "won", date(2026, 11, 1), Src("s", 1)), as_of)
    assert not is_overdue(Deal("x", D(1), "proposal", as_of, Src("s", 1)), as_of)


def test_blast_spacing_flags_same_list_under_seven_days() -> None:
    c = [Campaign(date(2026, 11, 3), "a", "Past", Src("s", 1)), Campaign(date(2026, 11, 9), "b", "past", Src("s", 1)),
         Campaign(date(2026, 11, 16), "c", "past", Src("s", 1)), Campaign(date(2026, 11, 4), "d", "other", Src("s", 1))]
    assert [(a.name, b.name) for a, b in blast_conflicts(c)] == [("a", "b")]


def test_month_over_month_expense_jumps_over_25_percent() -> None:
    months = [MonthTotal("2026-08", D(0), D(100)), MonthTotal("2026-09", D(0), D(125)),
              MonthTotal("2026-10", D(0), D(160)), MonthTotal("2026-12", D(0), D(999))]
    assert [(m.month, c) for m, c in expense_jumps(months)] == [("2026-10", D(35) / D(125))]
