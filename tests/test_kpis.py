"""KPIs and money lines as people write them (issue 25, example 8 and deliverable 5): under
status headings, paired Current/Target lists, `4.7★`, `Avg ticket $412`, `N (goal M)`,
month names in other languages, and prices that are not figures."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest

from reports.read.document import Document, parse_document
from reports.read.headings import classify_heading

AS_OF = date(2026, 11, 15)


def doc(text: str) -> Document:
    return parse_document(textwrap.dedent(text).lstrip("\n"), "notes.md", AS_OF)


def kpis(d: Document) -> list[tuple[str, Decimal, str, Decimal | None, bool, int]]:
    return [(k.name, k.actual, k.unit, k.target, k.lower_is_better, k.source.line) for k in d.facts.get("kpis", ())]


def months(d: Document) -> list[tuple[str, Decimal | None, Decimal | None, str | None]]:
    return [(f.month, f.revenue, f.expenses, f.currency) for f in d.facts.get("financials", ())]


def test_kpis_under_a_status_heading_are_read_and_other_lines_stay_quiet_notes() -> None:
    d = doc("""
        # Loopdesk

        ## How it's going

        - Paying stores: 212 (goal 250)
        - Trial → paid: 18% (target: 25%)
        - Churn: 3.1% monthly (target: <= 2.5%)
        - Avg revenue per store $80
        - App Store rating 4.8★
        - Version: 1.4.3
        - Node 20
        - Last deploy: 2026-03-04
        - Tests: 24/24 passing
        - Support is mostly me on weekends
        """)
    assert kpis(d) == [
        ("Paying stores", Decimal(212), "", Decimal(250), False, 5),
        ("Trial → paid", Decimal(18), "%", Decimal(25), False, 6),
        ("Churn", Decimal("3.1"), "%", Decimal("2.5"), True, 7),
        ("Avg revenue per store", Decimal(80), "$", None, False, 8),
        ("App Store rating", Decimal("4.8"), "stars", None, False, 9)]
    assert d.warnings == [] and len(d.facts["notes"]) == 5  # five lines that are no figure


def test_current_performance_and_optimization_targets_pair_by_name() -> None:
    d = doc("""
        # Copper Kettle

        ## Sales by month

        - Sept: $22,100 (expenses $16,050)

        ### Current Performance
        - Events per month: 41
        - Avg ticket $412
        - Google rating 4.7★

        ### Optimization Targets
        - Events per month: 45
        - Avg ticket $450
        - Walk-in bookings: 30

        Corporate lunches booked for December: 9 (goal 12)
        """)
    assert kpis(d) == [("Events per month", Decimal(41), "", Decimal(45), False, 8),
                       ("Avg ticket", Decimal(412), "$", Decimal(450), False, 9),
                       ("Google rating", Decimal("4.7"), "stars", None, False, 10),
                       ("Corporate lunches booked for December", Decimal(9), "", Decimal(12), False, 17)]
    assert months(d) == [("2026-09", Decimal(22100), Decimal(16050), "USD")]
    assert [(w.source.line, "'Walk-in bookings'" in w.message) for w in d.warnings] == [(15, True)]


@pytest.mark.parametrize("line, name, actual, unit, target", [
    ("- Ticket médio: R$ 32,50 (meta: R$ 36)", "Ticket médio", "32.50", "BRL", "36"),
    ("- Nota no Google: 4,9★", "Nota no Google", "4.9", "stars", None),
    ("- 稼働率: 78%（目標: 85%）", "稼働率", "78", "%", "85"),
    ("- 平均客単価: 14,200円", "平均客単価", "14200", "JPY", None),
    ("- 登録事業者数: 184社（目標: 300社）", "登録事業者数", "184", "", "300"),
    ("- Cliniques clientes : 23 (objectif : 40)", "Cliniques clientes", "23", "", "40"),
    ("- Turnos por semana: 2.310", "Turnos por semana", "2310", "", None),
    ("- Merchant aktif: 289 (target: 400)", "Merchant aktif", "289", "", "400"),
])
def test_kpi_forms_in_every_language(line: str, name: str, actual: str, unit: str, target: str | None) -> None:
    for heading in ("Como estamos", "KPIs"):  # a status heading or a KPI one
        d = doc(f"# A\n\n## {heading}\n\n{line}\n")
        assert kpis(d) == [(name, Decimal(actual), unit, None if target is None else Decimal(target), False, 5)]
        assert d.warnings == []


@pytest.mark.parametrize("line", ["- Abonnement : 49 €/mois par clinique", "- Preço: R$ 19/mês",
                                  "- 料金: 月額3,000円", "- Harga: Rp49.000/bulan"])
def test_a_price_is_no_figure(line: str) -> None:
    d = doc(f"# A\n\n## Chiffres\n\n{line}\n")
    assert "kpis" not in d.facts and "financials" not in d.facts and d.warnings == []


@pytest.mark.parametrize("heading, line, month, currency, amount", [
    ("現在の状況", "- 2026年10月の売上: 318,600円", "2026-10", "JPY", "318600"),
    ("Chiffres", "- CA d'octobre 2026 : 1 127 €", "2026-10", "EUR", "1127"),
    ("Financials", "- 2026年9月の売上: 291,000円", "2026-09", "JPY", "291000"),
    ("Angka", "- Pendapatan Oktober 2026: Rp 14.150.000", "2026-10", "IDR", "14150000"),
    ("Financials", "- Sept: R$ 22.100", "2026-09", "BRL", "22100"),
])
def test_a_money_line_with_a_month_is_that_months_revenue(heading: str, line: str, month: str, currency: str,
                                                           amount: str) -> None:
    d = doc(f"# A\n\n## {heading}\n\n{line}\n")
    assert months(d) == [(month, Decimal(amount), None, currency)] and "kpis" not in d.facts
    assert d.warnings == []


@pytest.mark.parametrize("heading", ["売上と経費", "Receitas e despesas", "Ingresos y gastos", "Umsatz und Kosten",
                                     "Chiffre d'affaires", "Выручка и расходы", "Pendapatan dan biaya", "매출",
                                     "收入和支出", "Gelir ve giderler"])
def test_a_money_heading_in_another_language_is_a_financials_heading(heading: str) -> None:
    assert classify_heading(heading) == "financials"


@pytest.mark.parametrize("row, month", [
    ("ago/2026", "2026-08"), ("Oktober 2026", "2026-10"), ("2026年8月", "2026-08"), ("octobre 2026", "2026-10"),
    ("Октябрь 2026", "2026-10"), ("Ekim 2026", "2026-10"), ("outubro de 2026", "2026-10"), ("2026년 8월", "2026-08"),
    ("dic 2026", "2026-12"), ("März 2026", "2026-03"), ("Agustus 2026", "2026-08")])
def test_month_names_in_other_languages_in_a_table(row: str, month: str) -> None:
    d = doc(f"# A\n\n## Financials\n\n| Mês | Receita |\n|---|---|\n| {row} | R$ 1.000 |\n")
    assert months(d) == [(month, Decimal(1000), None, "BRL")] and d.warnings == []


def test_a_months_lines_join_and_lines_about_targets_forecasts_or_last_year_are_no_months_money() -> None:
    d = doc("""
        # Acme

        ## Status

        - Last year's October revenue: $4,000
        - October revenue target: $20,000
        - Expenses in October (forecast): $30,000
        - Umsatz Oktober Vorjahr: $5,000
        - 2026年10月の売上予算: 300,000円
        - October 2026 revenue: $11,000
        - October 2026 expenses: $8,500
        """)
    assert months(d) == [("2026-10", Decimal(11000), Decimal(8500), "USD")]
    assert "kpis" not in d.facts and d.warnings == [] and len(d.facts["notes"]) == 5


def test_a_month_a_table_gives_keeps_the_tables_figures_and_a_line_that_disagrees_is_warned() -> None:
    d = doc("""
        # Acme

        ## Financials

        | Month | Revenue | Expenses |
        |---|---|---|
        | 2026-10 | $11,000 | $8,500 |

        ## Status

        - October 2026 revenue: $11,000
        - October 2026 expenses: $9,000
        - September 2026 revenue: $10,000
        """)
    assert months(d) == [("2026-10", Decimal(11000), Decimal(8500), "USD"), ("2026-09", Decimal(10000), None, "USD")]
    assert [(w.source.line, "2026-10" in w.message) for w in d.warnings] == [(12, True)]
    assert [n.text for n in d.facts["notes"]] == ["October 2026 revenue: $11,000", "October 2026 expenses: $9,000"]


@pytest.mark.parametrize("heading", ["Metrics & goals", "KPIs and targets"])
def test_a_section_heading_naming_goals_keeps_its_kpis(heading: str) -> None:
    d = doc(f"# A\n\n## {heading}\n\n- Paying stores: 212 (goal 250)\n- Churn: 3.1%\n- NPS: 41\n")
    assert kpis(d) == [("Paying stores", Decimal(212), "", Decimal(250), False, 5),
                       ("Churn", Decimal("3.1"), "%", None, False, 6), ("NPS", Decimal(41), "", None, False, 7)]
    assert d.warnings == [] and "notes" not in d.facts


@pytest.mark.parametrize("text", ["- Avg ticket: €412 (target: $500)", "- Avg ticket: €412\n\n### Optimization Targets\n\n- Avg ticket: $500",
                                  "- Ticket: 4,000円\n\n### Optimization Targets\n\n- Ticket: $50",
                                  "- Uptime: 99%\n\n### Optimization Targets\n\n- Uptime: 45 days"])
def test_a_target_in_another_unit_is_warned_and_left_off(text: str) -> None:
    d = doc(f"# A\n\n## KPIs\n\n{text}\n")
    assert [k.target for k in d.facts["kpis"]] == [None]
    assert len(d.warnings) == 1 and "kept" in d.warnings[0].message and d.warnings[0].source.path == "notes.md"


def test_a_month_alone_as_a_lines_name_is_no_kpi_outside_a_money_section() -> None:
    d = parse_document("---\nentity: A\n---\n# A\n\n## Money\n\n- Sept: $22,100\n- Avg ticket $412\n", "a.md",
                       date(2026, 11, 15))
    assert [k.name for k in d.facts.get("kpis", ())] == ["Avg ticket"]
    assert "Sept: $22,100" in [n.text for n in d.facts["notes"]]
