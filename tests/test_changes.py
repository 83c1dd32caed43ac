"""What changed since the last report: resends decided by what a reader sees, the changes
section against the right baseline, snapshots checked on read, and an HTML part that is
the text exactly."""

from __future__ import annotations

import html
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reports import SAMPLE_DIR
from reports.ledger.files import snapshot_path
from reports.render import changes
from send_exec_reports import cli

from .conftest import Ses
from .stores import read_records

ENV = """\
SES_REGION=us-east-1
SES_FROM_ADDRESS=reports@example.com
SES_TO_ADDRESS=owner@example.com
"""
ROLES = ("ceo", "cto", "accounting", "cmo", "cfo")


@pytest.fixture
def folder(ses: Ses, tmp_path: Path) -> Path:
    ses.verify("example.com")
    (tmp_path / "repos.env").write_text(ENV)
    shutil.copytree(SAMPLE_DIR, tmp_path / "handoffs")
    return tmp_path


def run(tmp: Path, as_of: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--env-file", str(tmp / "repos.env"), "--handoffs", str(tmp / "handoffs"),
                                    "--audit-log", str(tmp / "audit.jsonl"), "--as-of", as_of, *args],
                              catch_exceptions=False)


def hashes(tmp: Path, as_of: str) -> dict[str, str]:
    out = run(tmp, as_of, "--dry-run", "--json").stdout
    return {o["role"]: o["sha256"] for o in map(json.loads, out.splitlines())}


def outcomes(tmp: Path) -> dict[str, str]:
    records = [r for r in read_records(tmp / "audit.jsonl") if r["event"] in ("sent", "skipped")]
    return {r["role"]: r["event"] for r in records[-5:]}


def test_editing_one_kpi_resends_only_the_reports_that_show_kpis(folder: Path, ses: Ses) -> None:
    assert run(folder, "2026-11-15").exit_code == 0
    before = hashes(folder, "2026-11-15")
    jada = folder / "handoffs" / "jada.md"
    jada.write_text(jada.read_text().replace("Guest rating: 4.9 stars", "Guest rating: 4.7 stars"))
    after = hashes(folder, "2026-11-15")
    assert [r for r in ROLES if before[r] != after[r]] == ["ceo"]  # only the CEO shows KPIs
    assert run(folder, "2026-11-15").exit_code == 0
    assert outcomes(folder) == {"ceo": "sent", "cto": "skipped", "accounting": "skipped", "cmo": "skipped",
                                "cfo": "skipped"}
    assert len(ses.messages()) == 6


def test_the_changes_section_compares_with_the_last_report_of_an_earlier_date(folder: Path) -> None:
    first = run(folder, "2026-11-14", "--dry-run", "--role", "cfo").stdout
    assert "First report \u2014 nothing to compare." in first
    assert run(folder, "2026-11-14").exit_code == 0
    plan = folder / "handoffs" / "portfolio.md"
    plan.write_text(plan.read_text().replace("cash_on_hand: $86,500", "cash_on_hand: $80,000"))
    next_day = run(folder, "2026-11-15", "--dry-run", "--role", "cfo").stdout
    assert "Changes since the report of 2026-11-14" in next_day
    assert "Cash: $80,000, was $86,500." in next_day
    assert run(folder, "2026-11-15").exit_code == 0
    # A same-day resend compares with the same baseline (11-14), not with the report it replaces.
    same_day = run(folder, "2026-11-15", "--dry-run", "--role", "cfo").stdout
    assert "Changes since the report of 2026-11-14" in same_day and "Cash: $80,000, was $86,500." in same_day
    again = run(folder, "2026-11-15", "--role", "cfo")
    assert "cfo: skipped, unchanged" in again.stderr


def test_a_missing_or_damaged_snapshot_is_a_note_never_a_crash(folder: Path) -> None:
    assert run(folder, "2026-11-14", "--role", "cfo").exit_code == 0
    sent = [r for r in read_records(folder / "audit.jsonl") if r["event"] == "sent"][-1]
    snap = snapshot_path(folder / "audit.jsonl", sent["snapshot"])
    assert oct(snap.stat().st_mode & 0o777) == "0o600"
    snap.write_text(snap.read_text().replace("86500", "99999"))  # no longer hashes to its name
    damaged = run(folder, "2026-11-15", "--dry-run", "--role", "cfo")
    assert damaged.exit_code == 0 and "missing or damaged" in damaged.stdout
    snap.unlink()
    missing = run(folder, "2026-11-15", "--dry-run", "--role", "cfo")
    assert missing.exit_code == 0 and "missing or damaged" in missing.stdout


def test_the_comparison_of_a_hand_built_pair_of_snapshots() -> None:
    old = {"as_of": "2026-10-15", "month": "2026-09", "revenue": "38200.00", "net": "-1000.00", "cash": "90000.00",
           "runway": "12.50", "burn_latest": "1000.00", "burn_3m": "900.00", "expenses": "39200.00",
           "infra_cost": "500.00", "kpis": {"QDN: Jobs per week": ["20.00", ""], "QDN: Gone": ["1.00", ""]},
           "guardrails": {"Minimum runway": "OK"}, "risks": ["QDN: Only one truck", "JADA: Old genset"],
           "overdue": [], "done": [], "deals": {"QDN: Pilot": "proposal", "QDN: Lost one": "discovery"}}
    new = {**old, "as_of": "2026-11-15", "month": "2026-10", "revenue": "40750.00", "cash": "86500.00",
           "runway": "4.00", "kpis": {"QDN: Jobs per week": ["23.00", ""]},
           "guardrails": {"Minimum runway": "BREACHED"}, "risks": ["QDN: Only one truck", "DC: No MFA"],
           "overdue": ["QOS: Rotate the key"], "done": ["QDN: Verify profile"],
           "deals": {"QDN: Pilot": "negotiation", "JADA: Wedding": "proposal"}}
    section = changes.section("ceo", old, None, new)
    assert section.title == "Changes since the report of 2026-10-15"
    assert list(section.lines) == [
        "Revenue: $40,750 (2026-10), was $38,200 (2026-09).",
        "Cash: $86,500, was $90,000.",
        "Runway: 4.0 months, was 12.5 months.",
        "KPI QDN: Jobs per week: 23, was 20.",
        "Guardrail Minimum runway: BREACHED, was OK.",
        "Risk opened: DC: No MFA.",
        "Risk closed: JADA: Old genset.",
        "Newly overdue: QOS: Rotate the key.",
        "Done: QDN: Verify profile.",
        "Deal added: JADA: Wedding (proposal).",
        "Deal QDN: Pilot: now negotiation, was proposal.",
        "Deal gone: QDN: Lost one.",
    ]
    assert list(changes.section("cmo", old, None, {**old, "as_of": "2026-11-15"}).lines) == [
        "No figure this report shows has changed."]


def test_each_role_is_told_only_of_changes_to_what_its_report_shows(tmp_path: Path) -> None:
    # Issue 26 point 4: the CTO was told a rental unit is newly overdue, the CMO of a transmission repair.
    from datetime import date

    from reports.figures.changes import snapshot
    from reports.figures.shared import figures
    from reports.read.folder import read_portfolio

    (tmp_path / "fleet.md").write_text(textwrap.dedent("""\
        # Fleet

        ## Actions

        - Repair the transmission on the van (due 2026-11-01)
        - Rotate the leaked API token on the booking site [high] (due 2026-11-02)
        - Send the November email blast to the list (due 2026-11-03)
        - Renew the rental unit's lease (due 2026-11-04)
        """))
    portfolio = read_portfolio(tmp_path, date(2026, 11, 15))
    before = snapshot(read_portfolio(tmp_path, date(2026, 10, 15)), figures(portfolio, date(2026, 10, 15)),
                      date(2026, 10, 15))
    now = snapshot(portfolio, figures(portfolio, date(2026, 11, 15)), date(2026, 11, 15))
    told = {role: [line for line in changes.section(role, before, None, now).lines if "overdue" in line]
            for role in ("ceo", "cto", "cmo")}
    assert told["cto"] == ["Newly overdue: Fleet: Rotate the leaked API token on the booking site."]
    assert told["cmo"] == ["Newly overdue: Fleet: Send the November email blast to the list."]
    assert "Newly overdue: Fleet: Rotate the leaked API token on the booking site." in told["ceo"]
    assert not any("transmission" in line for line in told["cto"] + told["cmo"])


def test_the_html_part_is_the_text_exactly_in_a_monospaced_block(folder: Path, ses: Ses) -> None:
    with (folder / "repos.env").open("a") as fh:
        fh.write("SES_HTML_MONOSPACE=on\n")
    preview = json.loads(run(folder, "2026-11-15", "--dry-run", "--json", "--role", "cfo").stdout)
    assert run(folder, "2026-11-15", "--role", "cfo").exit_code == 0
    (message,) = ses.messages()
    stored = message["body"]  # moto keeps only the HTML part when both are sent
    m = re.fullmatch(r'<pre style="font-family: monospace">(.*)</pre>', stored, re.S)
    assert m is not None and html.unescape(m[1]) == preview["body"]
    assert "<a " not in stored and "<img" not in stored
    sent = [r for r in read_records(folder / "audit.jsonl") if r["event"] == "sent"][-1]
    assert sent["sha256"] == preview["sha256"]  # the hash covers the text, as previewed
