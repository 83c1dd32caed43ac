from datetime import date
from decimal import Decimal

import pytest

from reports.read import values as v


@pytest.mark.parametrize("text, expected", [
    ("$14,200", "14200"), ("14200", "14200"), ("$14.2k", "14200"), ("$1.2M", "1200000"),
    ("-$300", "-300"), ("($300)", "-300"), ("$1,450/mo", "1450"), ("\u2212$5", "-5"), ("$-5", "-5"),
])
def test_money_forms(text: str, expected: str) -> None:
    assert v.parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "$", "12 apples", "1.2.3"])
def test_money_rejects(text: str) -> None:
    assert v.parse_money(text) is None


def test_quantities_keep_their_unit() -> None:
    assert v.parse_quantity("2.1%") == v.Quantity(Decimal("2.1"), "%")
    assert v.parse_quantity("$1,240") == v.Quantity(Decimal(1240), "$")
    assert v.parse_quantity("4.9 stars") == v.Quantity(Decimal("4.9"), "stars")
    assert v.parse_quantity("ten") is None


def test_dates_and_months() -> None:
    assert v.parse_date("2026-11-05") == date(2026, 11, 5)
    assert v.parse_date("2026-02-30") is None
    assert v.parse_month("2026-09") == "2026-09"
    assert v.parse_month("Sep 2026") == "2026-09"
    assert v.parse_month("2026-13") is None
    assert v.month_add("2026-11", 3) == "2027-02"


def test_markers_split_severity_priority_and_tags() -> None:
    mk = v.split_markers("[high] [P1] [Security] Rotate keys [ops]")
    assert (mk.text, mk.severity, mk.priority, mk.tags) == ("Rotate keys", "high", "P1", ("security", "ops"))
