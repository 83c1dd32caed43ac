"""The routing table (issue 26, point 1): which reports own a risk or an action."""

from __future__ import annotations

from datetime import date

import pytest

from reports.figures.routing import TOPIC_ROLES, VOCABULARY, route, topics_of
from reports.model import Action, Entity, Risk, Src

SRC = Src("a.md", 3)
ALL = frozenset(TOPIC_ROLES)


def risk(text: str, severity: str | None = "medium", tags: tuple[str, ...] = ()) -> Risk:
    return Risk(text, severity, tags, SRC)


def roles(item: Risk | Action, sector: str = "") -> list[str]:
    return sorted(route(item, Entity("Acme", "AC", "operating", "", sector=sector)).roles)


@pytest.mark.parametrize(("text", "tags", "expected"), [
    ("Impact: HIGH - Security vulnerability", (), ["cto"]),
    ("The access token was exposed in a public gist", (), ["cto"]),
    ("CVE-2026-1234 in the image library is unpatched", (), ["cto"]),
    ("Deploys fail on CI/CD half the time", (), ["cto"]),
    ("Database migration is untested", (), ["cto"]),
    ("No SEO metadata on the tour pages", (), ["cmo"]),
    ("A third of the email blast list bounces", (), ["cmo"]),
    ("Two invoices from September are unpaid", (), ["accounting", "cfo"]),
    ("Revenue recognition for annual plans happens at signup", (), ["accounting", "cfo"]),
    ("Key person dependency on the only developer", (), ["ceo"]),
    ("The co-founder's stake has no vesting terms", (), ["ceo"]),
    ("Pay the contractor for October", (), ["accounting", "ceo", "cfo"]),  # several roles
    ("Fix the API before the campaign", ("seo",), ["cmo"]),  # the tag wins over the words
    ("Fix the API before the campaign", ("ops",), ["cmo", "cto"]),  # [ops] does not route
    ("Only one truck; a breakdown stops all jobs", (), []),  # nothing matched
])
def test_routing_rule_table(text: str, tags: tuple[str, ...], expected: list[str]) -> None:
    assert roles(risk(text, tags=tags)) == expected


@pytest.mark.parametrize(("text", "topic"), [
    ("Senha do admin compartilhada por WhatsApp", "security"),  # pt
    ("Faltan pruebas en el despliegue", "engineering"),  # es
    ("La campagne de publicité est en pause", "marketing"),  # fr
    ("Die Rechnung für Oktober ist offen", "money"),  # de
    ("Kurucu ortak ile hisse anlaşması yok", "people"),  # tr
    ("Утечка токена в логах", "security"),  # ru
    ("Pengujian basis data belum selesai", "engineering"),  # id
    ("認証トークンがフロントエンドに露出している", "security"),  # ja
    ("数据库迁移脚本没有回滚方案", "engineering"),  # zh
    ("광고 캠페인 전환율이 낮다", "marketing"),  # ko
    ("請求書の発行が遅れている", "money"),  # ja
    ("キーパーソンが一人しかいない", "people"),  # ja: the longest entry wins over キー (a key)
])
def test_the_same_vocabulary_in_every_language(text: str, topic: str) -> None:
    assert topic in topics_of(text)


def test_security_at_critical_high_p0_or_p1_goes_to_the_ceo_too() -> None:
    assert roles(risk("Passwords are stored in plain text", "high")) == ["ceo", "cto"]
    assert roles(risk("Passwords are stored in plain text", "medium")) == ["cto"]
    urgent = Action("Rotate the leaked token", "P1", (), None, False, SRC)
    assert roles(urgent) == ["ceo", "cto"]


def test_sector_software_sends_untagged_items_to_the_cto_as_well() -> None:
    plain = risk("Calendar widget flickers on Safari")
    assert roles(plain) == [] and roles(plain, sector="software") == ["cto"]
    assert roles(risk("Landing page conversion is low"), sector="software") == ["cmo", "cto"]
    assert roles(risk("Calendar widget flickers", tags=("seo",)), sector="software") == ["cmo"]  # tags win


def test_words_match_as_written_not_inside_other_words() -> None:
    assert topics_of("Deployments and deployed builds") == {"engineering"}
    assert topics_of("Update the bookings page") == frozenset()  # not "books"
    assert topics_of("Latest customer feedback") == frozenset()  # not "test", not "custo"
    assert topics_of("Memory leak in the worker") == {"engineering"}  # the longer entry, not "leak"


def test_every_entry_of_every_table_routes_to_its_own_topic() -> None:
    assert set(VOCABULARY) == {"en", "pt", "es", "fr", "de", "tr", "ru", "id", "ja", "zh", "ko"}
    for lang, table in VOCABULARY.items():
        assert set(table.words) == ALL, lang
        for topic, entries in table.words.items():
            for entry in entries:
                assert topic in topics_of(entry.rstrip("=")), (lang, topic, entry)


def test_a_due_date_does_not_change_the_route() -> None:
    act = Action("Chase the unpaid invoices", "P2", (), date(2026, 12, 1), False, SRC)
    assert roles(act) == ["accounting", "cfo"]
