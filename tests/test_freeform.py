"""Handoffs as people and coding agents actually write them: decorated headings, ###
subsections, severity in words and emoji, due dates in words, generic titles, and the
lines that only look like facts."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reports.config import Settings
from reports.read.document import parse_document
from reports.read.folder import read_portfolio
from reports.read.headings import classify_heading, heading_suggestion
from reports.render.compose import compose_all
from reports.render.text import width
from send_exec_reports import cli

AS_OF = date(2026, 11, 15)


def doc(text: str, path: str = "HANDOFF.md"):  # type: ignore[no-untyped-def]
    return parse_document(textwrap.dedent(text).lstrip("\n"), path, AS_OF)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("heading, section", [
    ("Next Steps (Pick Up Here)", "actions"), ("📦 Infrastructure", "stack"), ("6) Next steps", "actions"),
    ("Stack (all via CDN)", "stack"), ("What Is Next", "actions"), ("Known issues & caveats", "risks"),
    ("Open Items", "actions"), ("Remaining work — frontend", "actions"), ("Backlog", "actions"),
    ("Blocked", "risks"), ("Metrics", "kpis"), ("KPI's", "kpis"), ("Financial summary", "financials"),
    ("Action items", "actions"), ("Current state", "notes"), ("Status", "notes"), ("Progress", "notes"),
    ("Architecture", None), ("Finacials", None),
])
def test_headings_are_normalised_and_matched_on_keywords(heading: str, section: str | None) -> None:
    assert classify_heading(heading) == section


def test_a_near_miss_heading_is_warned_with_a_did_you_mean_and_others_are_listed_by_check() -> None:
    assert heading_suggestion("Finacials") == "Financials"
    assert heading_suggestion("Architecture") is None
    d = doc("""
        # Acme

        ## Finacials

        Revenue was fine.

        ## Architecture

        - Django monolith
        """)
    assert [(str(w.source), w.message.split(";")[0]) for w in d.warnings] == [
        ("HANDOFF.md:3", "heading 'Finacials' is not a section the tool reads")]
    assert "did you mean 'Financials'?" in d.warnings[0].message
    assert [(line, text) for line, text, _ in d.skipped] == [(3, "Finacials"), (7, "Architecture")]


def test_subsections_and_priority_headings() -> None:
    d = doc("""
        # Acme

        ## Next steps

        ### High priority

        - Fix the login bug
        - Ship the invoice export

        ### Later

        - Dark mode

        ## Project notes

        ### Known issues

        - Webhooks drop under load

        ### Glossary

        - SKU: a stock keeping unit
        """)
    actions = [(a.text, a.priority) for a in d.facts["actions"]]
    # Issue 25's level table has no "later": a Later heading groups actions but sets no level.
    assert actions == [("Fix the login bug", "P1"), ("Ship the invoice export", "P1"), ("Dark mode", None)]
    assert [r.text for r in d.facts["risks"]] == ["Webhooks drop under load"]
    assert "SKU: a stock keeping unit" in [n.text for n in d.facts["notes"]]


@pytest.mark.parametrize("line, text, severity", [
    ("CRITICAL: the database has no backups", "the database has no backups", "critical"),
    ("High: flaky payment tests", "flaky payment tests", "high"),
    ("🔴 Production is down on Sundays", "Production is down on Sundays", "critical"),
    ("🟠 Rate limits are close", "Rate limits are close", "high"),
    ("🟡 Logs are noisy", "Logs are noisy", "medium"),
    ("🟢 Docs are thin", "Docs are thin", "low"),
    ("[high] The van is old", "The van is old", "high"),
    ("Route /live/[roomId] leaks memory", "Route /live/[roomId] leaks memory", None),
])
def test_severity_in_words_and_symbols(line: str, text: str, severity: str | None) -> None:
    (risk,) = doc(f"# Acme\n\n## Known issues\n\n- {line}\n").facts["risks"]
    assert (risk.text, risk.severity, risk.tags) == (text, severity, ())


@pytest.mark.parametrize("line, text, priority, done", [
    ("P1: ship the export", "ship the export", "P1", False),
    ("Write the docs (P2)", "Write the docs", "P2", False),
    ("**P0** rotate the key", "rotate the key", "P0", False),
    ("[x] Migrate the database", "Migrate the database", None, True),
    ("~~Replace the queue~~", "Replace the queue", None, True),
    ("✅ Set up CI", "Set up CI", None, True),
    ("Set up backups ✓", "Set up backups", None, True),
])
def test_priority_and_done_in_the_forms_agents_write(line: str, text: str, priority: str | None,
                                                     done: bool) -> None:
    (action,) = doc(f"# Acme\n\n## Next steps\n\n- {line}\n").facts["actions"]
    assert (action.text, action.priority, action.done) == (text, priority, done)
    assert "~~" not in action.text and "**" not in action.text


@pytest.mark.parametrize("line, due, text", [
    ("Renew the lease — due 2026-12-10", date(2026, 12, 10), "Renew the lease"),
    ("Renew the lease, due: 2026-12-10", date(2026, 12, 10), "Renew the lease"),
    ("Renew the lease (due Dec 10)", date(2026, 12, 10), "Renew the lease"),
    ("File the return by 2026-12-31", date(2026, 12, 31), "File the return"),
    ("Pay the deposit before 2026-04-01", date(2026, 4, 1), "Pay the deposit"),
    ("Send the recap due Jan 5", date(2027, 1, 5), "Send the recap"),  # the year nearest the as-of date
    ("Retry the job (due to a race in the worker)", None, "Retry the job (due to a race in the worker)"),
])
def test_due_dates_in_words(line: str, due: date | None, text: str) -> None:
    d = doc(f"# Acme\n\n## Next steps\n\n- [P1] {line}\n")
    (action,) = d.facts["actions"]
    assert (action.due, action.text) == (due, text)
    assert d.warnings == []


def test_a_date_like_fragment_that_cannot_be_read_is_a_warning() -> None:
    d = doc("# Acme\n\n## Next steps\n\n- [P1] Ship (due 2026-02-30)\n")
    assert [str(w.source) for w in d.warnings] == ["HANDOFF.md:5"] and "2026-02-30" in d.warnings[0].message
    assert d.facts["actions"][0].due is None


@pytest.mark.parametrize("marker, meant", [("[critcal]", "[critical]"), ("[hgih]", "[high]"), ("[P 1]", "[P1]")])
def test_a_misspelt_marker_is_a_warning_with_a_did_you_mean(marker: str, meant: str) -> None:
    d = doc(f"# Acme\n\n## Risks\n\n- {marker} The van is old\n")
    assert len(d.warnings) == 1 and f"did you mean {meant}?" in d.warnings[0].message


def test_none_bullets_and_lines_that_only_look_like_facts_are_not_facts() -> None:
    d = doc("""
        # Acme

        ## Blockers

        - None

        ## Metrics

        - Version: 1.4.3
        - Last run: 2026-03-04
        - Tests: 24/24
        - Deploy time: 14:30
        - All green

        ## Stack

        - Database: Postgres (port 5433)
        """)
    assert "risks" not in d.facts and "kpis" not in d.facts
    (item,) = d.facts["stack"]
    assert (item.tech, item.monthly_cost) == ("Postgres (port 5433)", None)
    assert d.warnings == []


def test_generic_titles_name_the_entity_by_file_or_folder_and_title_merges_warn(tmp_path: Path) -> None:
    for folder in ("billing-api", "mobile-app"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "HANDOFF.md").write_text("# Project Status\n\n## Risks\n\n- [high] x\n")
    (tmp_path / "a.md").write_text("# Widgets\n\n## Risks\n\n- [low] a\n")
    (tmp_path / "b.md").write_text("# Widgets\n\n## Risks\n\n- [low] b\n")
    portfolio = read_portfolio(tmp_path, AS_OF)
    assert sorted(e.name for e in portfolio.entities) == ["Billing Api", "Mobile App", "Widgets"]
    assert [(str(w.source), w.message.split(",")[0]) for w in portfolio.warnings] == [
        ("b.md:1", "merged with a.md as one entity")]


AGENT_FILES = {
    "billing-api/HANDOFF.md": """
        # Handoff

        ## 1. Current state

        The invoice service runs on Fly.io. Version: 2.3.1.

        ## 2. Known issues & caveats

        - 🔴 Stripe webhooks are not idempotent; retries double-charge
        - High: the nightly export times out over 10k rows
        - Logs include card fingerprints

        ## 3. Next Steps (pick up here)

        ### High priority

        - [ ] Make webhook handling idempotent — due 2026-11-20
        - [ ] Add a security review of the card data flow

        ### Later

        - [ ] Move exports to a queue

        ## Stack (all via CDN)

        - API: FastAPI (port 8000)
        - Hosting: Fly.io ($45/mo)
        """,
    "mobile-app/STATUS.md": """
        # Project Status

        ## Progress

        - [x] Login screen
        - ~~Push notifications~~

        ## Blockers

        - None

        ## What's next

        - P1: ship the offline mode by 2026-12-01
        - Polish the onboarding copy

        ## Architecture

        React Native with Expo.
        """,
    "ops/notes.md": """
        # 北京 Warehouse 🚀

        ## Open items

        - 🟠 Forklift certification lapses for two operators (due Nov 30)
        - Update the safety binder

        ## Metrics

        - Orders shipped: 1,240 orders (target: 1,500 orders)
        - Tests: 24/24
        """,
}


@pytest.fixture
def agents(tmp_path: Path) -> Path:
    folder = tmp_path / "handoffs"
    for name, text in AGENT_FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return folder


def test_an_agent_style_folder_reaches_the_reports_with_the_severity_written(agents: Path) -> None:
    portfolio = read_portfolio(agents, AS_OF)
    assert sorted(e.name for e in portfolio.entities) == ["Billing Api", "Mobile App", "北京 Warehouse"]
    billing = next(e for e in portfolio.entities if e.name == "Billing Api")
    assert [(r.severity, r.text[:20]) for r in billing.risks] == [
        ("critical", "Stripe webhooks are "), ("high", "the nightly export t"), (None, "Logs include card fi")]
    assert [(a.priority, a.due) for a in billing.actions] == [("P1", date(2026, 11, 20)), ("P1", None),
                                                             (None, None)]  # "Later" sets no level (issue 25)
    mobile = next(e for e in portfolio.entities if e.name == "Mobile App")
    assert [(a.text, a.done) for a in mobile.actions] == [("ship the offline mode", False),
                                                          ("Polish the onboarding copy", False)]
    assert mobile.risks == ()
    kpis = [k for e in portfolio.entities for k in e.kpis]
    assert [(k.name, k.actual, k.target) for k in kpis] == [("Orders shipped", Decimal(1240), Decimal(1500))]

    texts = {m.role: m.body for m in compose_all(("ceo", "cto", "cmo", "accounting", "cfo"), portfolio, AS_OF,
                                                 Settings())}
    ceo = texts["ceo"]
    assert "Critical risks: 1." in ceo and "Unrated risks: 1" in ceo
    assert "Billing Api: Stripe webhooks are not idempotent" in ceo
    assert "[P1] 2026-11-20 Billing Api: Make webhook handling idempotent" in ceo
    assert "[unrated action] Mobile App: Polish the onboarding copy" in ceo
    assert "No open security risks" not in texts["cto"]  # routed by what it says (issue 26)
    assert "[unrated] Billing Api: Logs include card fingerprints" in texts["cto"]
    for body in texts.values():
        assert all(width(line) <= 78 for line in body.splitlines())
    assert "FastAPI (port 8000)" in texts["cto"] and "not given" in texts["cto"]


def test_check_names_every_heading_it_skipped_and_counts_unrated(agents: Path) -> None:
    result = run("check", "--handoffs", str(agents), "--as-of", "2026-11-15")
    assert result.exit_code == 0
    out = result.stdout
    assert "not understood: 'Architecture' (line 17)" in out
    assert "billing-api/HANDOFF.md:" in out and "1 unrated" in out
    assert "mobile-app/STATUS.md:" in out and "1 unrated" in out
    assert "0 warning(s)" in out
    assert "send-exec-reports check" not in result.stderr  # check does not point back at itself
    strict = run("check", "--strict", "--handoffs", str(agents), "--as-of", "2026-11-15")
    assert strict.exit_code == 0  # unrated is not a warning


def test_tables_with_wide_characters_line_up_by_display_width(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# 東京ラーメン 🍜\n\n## Stack\n\n- Hosting: さくらのVPS ($20/mo)\n"
                                   "- Email: 한국 메일 서비스 ($5/mo)\n")
    (tmp_path / "b.md").write_text("# Acme\n\n## Stack\n\n- Hosting: AWS ($40/mo)\n")
    text = compose_all(("cto",), read_portfolio(tmp_path, AS_OF), AS_OF, Settings())[0].body
    rows = [line for line in text.splitlines() if "$" in line and "/mo" not in line]
    assert rows and len({width(line) for line in rows if line.startswith("  ") and "Cost" not in line}) >= 1
    cost_rows = [line for line in text.splitlines() if line.rstrip().endswith(("$20", "$5", "$40"))]
    ends = {width(line.rstrip()) for line in cost_rows}
    assert len(ends) <= 2, cost_rows  # right-aligned by display columns (two tables at most)
    assert all(width(line) <= 78 for line in text.splitlines())


def test_financials_written_as_bullets_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Acme\n\n## Financials\n\n- 2026-10: revenue $4,800, expenses $3,100\n"
                                   "- 2026-09: revenue $4,500, expenses $3,000\n")
    portfolio = read_portfolio(tmp_path, AS_OF)
    assert [(f.month, f.revenue, f.expenses) for f in portfolio.entities[0].financials] == [
        ("2026-10", Decimal(4800), Decimal(3100)), ("2026-09", Decimal(4500), Decimal(3000))]
    assert portfolio.warnings == ()


@pytest.mark.parametrize("key, meant", [("HANDOFF_DIR", "HANDOFFS_DIR"), ("REPORT_TIMEZONE", "REPORT_TZ")])
def test_a_misspelt_key_outside_ses_is_a_warning_with_a_did_you_mean(tmp_path: Path, key: str, meant: str) -> None:
    (tmp_path / "repos.env").write_text(f"{key}=x\n")
    result = run("--dry-run", "--role", "cfo", "--as-of", "2026-11-15")
    assert result.exit_code == 0
    assert f"unknown key {key} (repos.env line 1); did you mean {meant}?" in result.stderr


# Issue 25, example 8: numbers as people write them.

def test_issue25_8_revenue_columns_add_up_and_months_need_no_year() -> None:
    d = doc("""
        # Loopdesk

        ## Financials

        | Month | MRR | Other revenue | Expenses |
        |---|---:|---:|---:|
        | Sep 2026 | $16,400 | $2,150 | $12,450 |
        | Oct 2026 | $17,050 | — | $13,100 |

        ## Sales by month

        - Sept: $22,100 (expenses about $16,050)
        """)
    got = [(f.month, f.revenue, f.expenses) for f in d.facts["financials"]]
    assert got == [("2026-09", Decimal(18550), Decimal(12450)), ("2026-10", Decimal(17050), Decimal(13100)),
                   ("2026-09", Decimal(22100), Decimal(16050))]
    assert not d.warnings


def test_issue25_8_a_goal_in_parentheses_is_the_kpi_target() -> None:
    (kpi,) = doc("# A\n\n## KPIs\n\n- Paying stores: 41 (goal 45)\n").facts["kpis"]
    assert (kpi.name, kpi.actual, kpi.target) == ("Paying stores", Decimal(41), Decimal(45))


def test_issue25_8_a_month_day_due_takes_the_year_nearest_the_as_of_date() -> None:
    acts = doc("# A\n\n## Next steps\n\n- Ship invoices (Dec 20)\n- Call both stores (Jan 8)\n").facts["actions"]
    assert [(a.text, a.due) for a in acts] == [("Ship invoices", date(2026, 12, 20)),
                                               ("Call both stores", date(2027, 1, 8))]


@pytest.mark.parametrize("order, due", [("MDY", date(2026, 12, 1)), ("DMY", date(2027, 1, 12))])
def test_issue25_8_numeric_dates_are_read_by_the_front_matter_date_order(order: str, due: date) -> None:
    d = doc(f"---\ndate_order: {order}\n---\n# A\n\n## Next steps\n\n- Sign the contract (12/1)\n")
    assert [(a.text, a.due) for a in d.facts["actions"]] == [("Sign the contract", due)]
    assert not d.warnings


def test_issue25_8_portfolio_md_date_order_holds_for_every_file_without_its_own(tmp_path: Path) -> None:
    (tmp_path / "portfolio.md").write_text("---\ntype: portfolio\ndate_order: DMY\n---\n# Holdings\n")
    for name, front in (("a", ""), ("b", "---\ndate_order: MDY\n---\n"), ("z", "")):
        (tmp_path / f"{name}.md").write_text(f"{front}# {name.upper()}\n\n## Next steps\n\n- Sign it (12/1)\n")
    portfolio = read_portfolio(tmp_path, AS_OF)
    assert {e.name: [a.due for a in e.actions] for e in portfolio.entities} == {
        "A": [date(2027, 1, 12)], "B": [date(2026, 12, 1)], "Z": [date(2027, 1, 12)]}  # a file's own, else portfolio.md's
    assert not any("date_order" in w.message for w in portfolio.warnings)


def test_a_portfolio_file_not_named_portfolio_md_says_its_date_order_holds_for_itself(tmp_path: Path) -> None:
    (tmp_path / "00-holdings.md").write_text("---\ntype: portfolio\ndate_order: DMY\n---\n# Holdings\n")
    (tmp_path / "a.md").write_text("# A\n\n## Next steps\n\n- Sign it (12/1)\n")
    portfolio = read_portfolio(tmp_path, AS_OF)
    assert [str(w.source) for w in portfolio.warnings if "does not set the date order of" in w.message] == \
        ["00-holdings.md:1"]


def test_issue25_8_a_numeric_date_without_date_order_is_warned_naming_the_setting() -> None:
    d = doc("# A\n\n## Next steps\n\n- Sign the contract by 12/15\n")
    assert [(a.text, a.due) for a in d.facts["actions"]] == [("Sign the contract", None)]
    assert [(w.source.line, "date_order: MDY" in w.message) for w in d.warnings] == [(5, True)]


# Issue 25, example 9: stack lines.

def test_issue25_9_unbulleted_and_bold_stack_lines_are_layers_and_places_are_not() -> None:
    d = doc("""
        # A

        ## 3. TECH STACK

        Frontend: Next.js 14
        Backend: FastAPI ($20/mo)
        VPS Path: /root/apps/a
        Dev box: C:\\Users\\dev\\a
        Repo: https://github.com/example/a
        Server: app.example.com

        - **Next.js 15** (App Router)
        - **Postgres 16**
        """)
    assert [(s.layer, s.tech, s.monthly_cost, s.source.line) for s in d.facts["stack"]] == [
        ("Frontend", "Next.js 14", None, 5), ("Backend", "FastAPI", Decimal(20), 6),
        ("", "Next.js 15 (App Router)", None, 12), ("", "Postgres 16", None, 13)]
    assert not d.warnings
    assert [n.source.line for n in d.facts["notes"] if 7 <= n.source.line <= 10] == [7, 8, 9, 10]


# Issue 25, example 10: names.

@pytest.mark.parametrize("title, path, name", [
    ("Handover Notes", "acme/HANDOVER_NOTES.md", "Acme"),
    ("Project Status Summary", "clients/pinecone-analytics.md", "Pinecone Analytics"),
    ("Week 4 Handover — Summary", "clients/pinecone-analytics.md", "Pinecone Analytics"),
    ("\U0001f680 Harborline Session Handoff", "x/SESSION_HANDOFF.md", "Harborline"),
    ("Ledgerly — Project Status", "x/a.md", "Ledgerly"),
    ("Status do Projeto — Feirinha", "x/a.md", "Feirinha"),
    ("Übergabe-Notiz: Kiezkasse", "x/a.md", "Kiezkasse"),
    ("Notes de passation – RendezVet", "x/a.md", "RendezVet"),
    ("小橘记账 · 项目交接文档", "x/a.md", "小橘记账"),
    ("ほじょナビ 引き継ぎ資料", "x/a.md", "ほじょナビ"),
    ("The Foundry", "x/a.md", "The Foundry"),
])
def test_issue25_10_doc_type_words_and_emoji_leave_the_entity_name(title: str, path: str, name: str) -> None:
    assert doc(f"# {title}\n\nSome prose.\n", path).name == name


def test_issue25_10_a_route_parameter_is_not_a_tag() -> None:
    d = doc("# A\n\n## Notes\n\n- The page /tours/[tourId] is slow [perf]\n\n## Risks\n\n- /tours/[tourId] 500s\n")
    assert [n.tags for n in d.facts["notes"] if "tours" in n.text] == [("perf",)]
    assert [r.tags for r in d.facts["risks"]] == [()]


# Issue 25, deliverable 8: coverage that tells the truth.

def test_check_counts_facts_notes_and_not_understood_and_names_the_common_unknown_headings(tmp_path: Path) -> None:
    body = "## Architecture\n\n- Monolith\n- One queue\n\n## Risks\n\n- [high] Backups untested\n\nWe test monthly.\n"
    (tmp_path / "a.md").write_text("# Alpha\n\n" + body)
    (tmp_path / "b.md").write_text("# Beta\n\n" + body + "\n## Deployment\n\nManual.\n")
    out = run("check", "--handoffs", str(tmp_path), "--as-of", "2026-11-15").stdout
    assert "  a.md: 1 facts, 1 notes, 2 not understood" in out
    assert "  b.md: 1 facts, 1 notes, 3 not understood" in out
    top = out.split("Most common headings not understood (top 10):\n", 1)[1].splitlines()
    assert top == ["     2  Architecture", "     1  Deployment"]
    import json

    data = json.loads(run("check", "--json", "--handoffs", str(tmp_path), "--as-of", "2026-11-15").stdout)
    assert [(f["path"], f["facts"], f["notes"], f["not_understood"]) for f in data["coverage"]["files"]] == [
        ("a.md", 1, 1, 2), ("b.md", 1, 1, 3)]
    assert data["coverage"]["top_headings_not_understood"] == [{"heading": "Architecture", "count": 2},
                                                               {"heading": "Deployment", "count": 1}]


def test_an_issue_blocks_fix_addresses_its_risk_in_the_register(tmp_path: Path) -> None:
    # Issue 25 deliverable 2 / issue 26 point 2: the fix is the risk's linked action, so the CEO's
    # register names it and the agenda does not call the risk unaddressed.
    from click.testing import CliRunner

    from send_exec_reports import cli

    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "HANDOVER_NOTES.md").write_text(textwrap.dedent("""\
        # Session Handoff — Bookly

        ## Known Issues

        ### 1. **Authentication Not Implemented**
        - **Issue**: Admin routes are unprotected
        - **Impact**: HIGH - Security vulnerability
        - **Fix**: Implement auth checks
        - **Effort**: 2-3 hours
        """))
    result = CliRunner().invoke(cli, ["--dry-run", "--role", "ceo", "--handoffs", str(tmp_path / "h"),
                                      "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Authentication Not Implemented — Admin routes are unprotected — action: Implement auth checks" in text
    assert "Unaddressed high risk" not in text


def test_a_month_read_from_figure_lines_reaches_the_ceo_and_cfo_totals_next_to_a_table(tmp_path: Path) -> None:
    (tmp_path / "acme.md").write_text("---\nentity: Acme\n---\n## Financials\n\n| Month | Revenue | Expenses |\n"
                                      "|---|---|---|\n| 2026-09 | $10,000 | $8,000 |\n| 2026-10 | $11,000 | $8,500 |\n\n"
                                      "## Status\n\n- Last year's October revenue: $4,000\n"
                                      "- October revenue target: $20,000\n- October 2026 revenue: $11,000\n")
    (tmp_path / "bolt.md").write_text("---\nentity: Bolt\n---\n## Status\n\n- October 2026 revenue: $3,000\n"
                                      "- October 2026 expenses: $1,000\n- September 2026 revenue: $2,000\n"
                                      "- September 2026 expenses: $1,500\n")
    portfolio = read_portfolio(tmp_path, AS_OF)
    ceo, cfo = (" ".join(m.body.split()) for m in compose_all(("ceo", "cfo"), portfolio, AS_OF, Settings()))
    assert "2026-10: revenue $14,000, expenses $9,500, net $4,500." in ceo
    assert "$14,000" in cfo and "No financials reported" not in cfo and not portfolio.warnings
