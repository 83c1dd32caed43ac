"""Due dates as people write them, in every language of the corpus (issue 25, point 5): the
date is read, taking the year nearest the as-of date when none is written, and its words leave
the action's text; an issue block's Due field dates its action; `date_order` is MDY or DMY."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.read import dates
from reports.read.document import parse_document
from reports.read.folder import read_portfolio

AS_OF = date(2026, 11, 15)


def doc(text: str, path: str = "HANDOFF.md"):  # type: ignore[no-untyped-def]
    return parse_document(textwrap.dedent(text).lstrip("\n"), path, AS_OF)


def actions(item: str, front: str = "") -> list[tuple[str, date | None]]:
    return [(a.text, a.due) for a in doc(f"{front}# A\n\n## Next steps\n\n- [ ] {item}\n").facts["actions"]]


@pytest.mark.parametrize("item, text, due", [
    ("Renegociar o aluguel antes de 15 de dezembro", "Renegociar o aluguel", date(2026, 12, 15)),
    ("Termos revisados pelo advogado (até 1º de dezembro)", "Termos revisados pelo advogado", date(2026, 12, 1)),
    ("Signer le contrat (avant le 15 décembre)", "Signer le contrat", date(2026, 12, 15)),
    ("TSE-Signatur implementieren (bis 1. Dezember)", "TSE-Signatur implementieren", date(2026, 12, 1)),
    ("Preisseite überarbeiten, Wunschtermin 15. Januar", "Preisseite überarbeiten", date(2027, 1, 15)),
    ("Bir betik yaz (20 Aralık'a kadar)", "Bir betik yaz", date(2026, 12, 20)),
    ("Bir betik yaz, 20 Aralık tarihine  kadar", "Bir betik yaz", date(2026, 12, 20)),
    ("Зашифровать токены, до 1 декабря", "Зашифровать токены", date(2026, 12, 1)),
    ("Pindahkan token ke backend, sebelum 1 Desember", "Pindahkan token ke backend", date(2026, 12, 1)),
    ("관리자 권한 체크 적용 (12월 5일까지)", "관리자 권한 체크 적용", date(2026, 12, 5)),
    ("報告書を提出する（12月10日まで）", "報告書を提出する", date(2026, 12, 10)),
    ("申請書を出す 期限: 12月20日", "申請書を出す", date(2026, 12, 20)),
    ("完成金额精度修复，截止 12月5日", "完成金额精度修复", date(2026, 12, 5)),
    ("Ship the refunds page until Dec 5", "Ship the refunds page", date(2026, 12, 5)),
    ("Cerrar las reglas antes del 20 de diciembre de 2027", "Cerrar las reglas", date(2027, 12, 20)),
])
def test_a_due_date_in_each_language_is_read_and_leaves_the_text(item: str, text: str, due: date) -> None:
    assert actions(item) == [(text, due)]


def test_a_due_date_beside_a_level_after_a_dash_leaves_both() -> None:
    (act,) = doc("# A\n\n## Próximos passos\n\n- [ ] Renegociar o aluguel antes de 15 de dezembro — "
                 "Prioridade 1\n").facts["actions"]
    assert (act.text, act.due, act.priority) == ("Renegociar o aluguel", date(2026, 12, 15), "P1")


@pytest.mark.parametrize("order, due", [("DMY", date(2026, 11, 20)), (None, None)])
def test_a_numeric_date_in_another_language_needs_a_date_order(order: str | None, due: date | None) -> None:
    front = f"---\ndate_order: {order}\n---\n" if order else ""
    d = doc(f"{front}# A\n\n## Próximos pasos\n\n1. **Cerrar las reglas** — Prioridad 1, antes del 20/11\n")
    assert [(a.text, a.due, a.priority) for a in d.facts["actions"]] == [("Cerrar las reglas", due, "P1")]
    assert [("date_order: DMY" in w.message) for w in d.warnings] == ([] if order else [True])


@pytest.mark.parametrize("item", [
    "Reisekosten bis 3 Tage vorher einreichen", "Пригласить до 5 человек", "冬季料金の設定（12月〜2月）",
    "Plan the launch for mid-December", "Rotate the two replicas (2 out)", "Ship the 3 stickers (3 set)", "Bump Node to 20 before the launch", "Ship 2 reports by Friday",
    "Improve NPS by 3 out of 10 points", "Win by 2 set points", "Upgraded by 5 ago",
])
def test_words_near_a_number_that_is_no_date_leave_the_item_alone(item: str) -> None:
    assert actions(item) == [(item, None)]


def test_an_issue_block_due_field_dates_its_fix() -> None:
    d = doc("""
        # A

        ## Blockers

        ### BLOCKER: Tenant isolation in the warehouse
        - **Problem**: all tenants share one dataset
        - **Next step**: move to one dataset per tenant
        - **Owner**: data engineer
        - **Due**: Dec 4
        """)
    assert [(a.text, a.due, a.source.line) for a in d.facts["actions"]] == [
        ("move to one dataset per tenant", date(2026, 12, 4), 7)]
    assert [r.text for r in d.facts["risks"]] == ["Tenant isolation in the warehouse \u2014 all tenants share one dataset"]
    assert not d.warnings


@pytest.mark.parametrize("field, due", [("期限: 12月20日", date(2026, 12, 20)), ("Prazo: 1º de dezembro", date(2026, 12, 1)),
                                        ("Frist: 15. Januar", date(2027, 1, 15)), ("Срок: до 1 декабря", date(2026, 12, 1))])
def test_a_task_heading_due_field_in_any_language_dates_the_task(field: str, due: date) -> None:
    d = doc(f"# A\n\n## 次のステップ\n\n### 優先度1: 助成金種類拡張設計\n- 概要: 種類カラムを追加\n- 工数: 3日\n- {field}\n")
    assert [(a.text, a.due, a.priority) for a in d.facts["actions"]] == [("助成金種類拡張設計", due, "P1")]


def test_a_due_field_that_is_no_date_is_warned_on_its_line() -> None:
    d = doc("# A\n\n## Known issues\n\n### Issue 1: Slow export\n- **Fix**: stream the CSV\n- **Due**: Feb 30\n")
    assert [a.due for a in d.facts["actions"]] == [None]
    assert [(w.source.line, "'Feb 30' is not a date" in w.message) for w in d.warnings] == [(7, True)]


@pytest.mark.parametrize("value", ["YMD", "dd/mm/yyyy", "2026"])
def test_a_date_order_that_is_not_mdy_or_dmy_is_warned_naming_its_line(value: str) -> None:
    d = doc(f"---\nentity: A\ndate_order: {value}\n---\n# A\n\n## Next steps\n\n- Sign it (12/1)\n")
    got = [(w.source.path, w.source.line, w.message) for w in d.warnings]
    assert got[0][:2] == ("HANDOFF.md", 3) and "MDY" in got[0][2] and "DMY" in got[0][2] and value in got[0][2]
    assert [a.due for a in d.facts["actions"]] == [None]  # ignored: 12/1 is not guessed


def test_an_invalid_portfolio_date_order_is_warned_once_and_holds_for_no_file(tmp_path: Path) -> None:
    (tmp_path / "portfolio.md").write_text("---\ntype: portfolio\ndate_order: European\n---\n# Holdings\n")
    (tmp_path / "a.md").write_text("# A\n\n## Next steps\n\n- Sign it (12/1)\n")
    portfolio = read_portfolio(tmp_path, AS_OF)
    bad = [(str(w.source.path), w.source.line) for w in portfolio.warnings if "European" in w.message]
    assert bad == [("portfolio.md", 3)]
    assert [a.due for e in portfolio.entities for a in e.actions] == [None]


def test_a_bullet_without_a_digit_never_compiles_the_date_patterns() -> None:
    for cached in (dates._forward, dates._day_after_month, dates._due_words):
        cached.cache_clear()
    doc("# A\n\n## Next steps\n\n- Ship the refunds page by Friday\n- Antes de la demo, revisar textos\n")
    assert [c.cache_info().currsize for c in (dates._forward, dates._day_after_month, dates._due_words)] == [0, 0, 0]


_PIECES = st.one_of(
    st.sampled_from(["by", "BIS", "antes de", "до", "sebelum", "kadar", "tarihine", "까지", "まで", "截止", "期限",
                     "Dec", "dezembro", "Aralık", "декабря", "12月", "5日", "12월", "5일", "de", "'a", "1º", "1.",
                     "2026-12-01", "12/15", "2026", "20", "5th"]),
    st.sampled_from(list(" \t()\uff08\uff09:\uff1a,.-\u2014\u2019'")), st.text(alphabet="ab 19", max_size=4))


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_any_text_near_due_words_is_read_without_raising(text: str) -> None:
    found = dates.find_due(text, AS_OF, "DMY")
    if found is not None:
        assert found.written in text and len(found.rest) < len(text)
    dates.field_due(text, AS_OF)


def test_days_in_a_month_is_the_calendars() -> None:
    import calendar

    from reports.read.dates import days_in

    assert [days_in(y, m) for y in range(1896, 2405) for m in range(1, 13)] == [
        calendar.monthrange(y, m)[1] for y in range(1896, 2405) for m in range(1, 13)]
