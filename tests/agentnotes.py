"""Write a folder of handoff notes the way coding agents write them (issue 26): no money,
many risks and actions, levels everywhere, few tags, a few languages, one file per
project folder. Deterministic for a given count."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

RISKS = {
    "security": [
        "Admin routes are unprotected; anyone with the URL can edit bookings",
        "Stripe webhook signature is not verified in production",
        "The access token for the staging API was committed to the repo",
        "Passwords are stored with unsalted SHA-1",
        "No MFA on the hosting provider account",
        "Backups of the production database have never been restored",
        "Session tokens never expire",
        "CVE-2026-1234 in the image library is unpatched",
        "Customer uploads bucket is publicly readable (exposure)",
        "認証トークンがフロントエンドに露出している",
        "Senha do admin compartilhada por WhatsApp",
    ],
    "engineering": [
        "The CI pipeline fails on every second run (flaky tests)",
        "Database migration 0042 is untested on the production dump",
        "Search endpoint API responses take over 3 s",
        "Build breaks on Node 22",
        "Some TypeScript any types need proper typing",
        "Deploys go straight to production without staging",
        "Memory leak in the worker process after 6 hours",
        "数据库迁移脚本没有回滚方案",
        "Die Datenbankmigration ist nicht getestet",
    ],
    "marketing": [
        "Google Business listing was suspended",
        "Landing page conversion dropped to 0.8%",
        "A third of the email blast list bounces",
        "No SEO metadata on the 40 tour pages",
        "Instagram campaign has no tracking links",
        "Campanha de anúncios parada desde outubro",
    ],
    "money": [
        "Two invoices from September are unpaid",
        "Sales tax is not collected for out-of-state orders",
        "The books have not been reconciled since August",
        "Payroll runs on a personal card",
        "Bank feed disconnected since October",
        "請求書の発行が手作業で遅れている",
    ],
    "people": [
        "Key contractor leaves at the end of the month",
        "The co-founder has no vesting schedule",
        "Hiring for the support role is stalled",
        "No IP assignment signed with the freelancer",
        "Only one person knows the release process",
    ],
    "": [
        "The venue may cancel the December event",
        "Supplier delivery times doubled",
        "Weather could close the harbour in January",
        "Neighbours complain about noise from the site",
        "Calendar widget flickers on Safari when switching months",
        "The tour page returns 404 when the tour is archived",
    ],
}
ACTIONS = {
    "security": [
        "Rotate the leaked staging token",
        "Enable MFA for every admin account",
        "Add auth checks to the admin routes",
        "Verify webhook signatures before processing events",
        "Restore last night's backup to a scratch database",
        "Patch the image library CVE",
        "Trocar a senha do admin e ativar 2FA",
    ],
    "engineering": [
        "Deploy booking v2 to production",
        "Fix the flaky checkout tests",
        "Add a unique index on slot start and retry on conflict",
        "Load test the availability endpoint with 200 users",
        "Set up a staging environment",
        "Upgrade to Node 22 and fix the build",
        "APIのエラーハンドリングを共通化する",
        "Написать тесты для модуля оплаты",
    ],
    "marketing": [
        "Launch the spring email campaign",
        "Publish the listing on two more OTAs",
        "Write SEO titles for the tour pages",
        "Set up conversion tracking on the landing page",
        "Appeal the Google Business suspension",
    ],
    "money": [
        "Chase the two September invoices",
        "Register for sales tax in Oregon",
        "Reconcile the books for September and October",
        "Move payroll to the business bank account",
        "Raise the starter plan price for new customers",
        "Emitir as notas fiscais de outubro",
    ],
    "people": [
        "Hire a part-time support agent",
        "Sign the IP assignment with the freelancer",
        "Draft a vesting agreement for the co-founder",
        "Find a backup contractor for the front end",
    ],
    "": [
        "Confirm the venue for the December event",
        "Call the supplier about delivery times",
        "Order the winter covers",
        "Ask ops for the new sending domain",
        "Write the handover for the next session",
        "Decide what to do with the old boat trailer",
    ],
}
TOPICS = list(RISKS)
SEVERITIES = ["critical", "critical", "high", "high", "high", "medium", "medium", "low", None, None]
PRIORITIES = ["P0", "P1", "P1", "P1", "P2", "P2", "P3", None, None, "done"]
TITLES = ["# Session Handoff \u2014 {name}", "# {name} \u2014 Handover Notes", "# Project Status: {name}",
          "# Next Steps ({name})"]
FILES = ["SESSION_HANDOFF.md", "HANDOVER_NOTES.md", "PROJECT_STATUS.md", "NEXT_STEPS.md"]
TAGS = {"security": "[security]", "engineering": "[eng]", "marketing": "[seo]", "money": "[finance]",
        "people": "[personnel]"}


def _items(rnd: random.Random, pools: dict[str, list[str]], count: int) -> list[tuple[str, str]]:
    """`count` (topic, text) pairs, no text twice."""
    pairs = [(t, x) for t in TOPICS for x in pools[t]]
    return rnd.sample(pairs, count)


def note(i: int, as_of: date) -> tuple[str, str]:
    """One project's folder/file name and text."""
    rnd = random.Random(26 * 1000 + i)
    name = f"Project {i:02d} {rnd.choice(['Harbor', 'Ledger', 'Tide', 'Kettle', 'Loop', 'Pine', 'Feira'])}"
    lines = []
    if i % 4 == 0:
        lines += ["---", f"entity: {name}", "sector: software" if i % 8 == 0 else "kind: operating", "---", ""]
    lines += [rnd.choice(TITLES).format(name=name), "", f"**Date:** {as_of - timedelta(days=1)}",
              f"**Agent:** Claude (session {i % 9 + 1})", "", "---", "", "## \U0001f3af Where We Are", "",
              "Feature work is mostly done; the items below block the launch.", "",
              "## \u2705 Completed This Session", "", "- Migrated the bookings table", "- Replaced moment.js", "",
              "## Known Issues", ""]
    for k, (topic, text) in enumerate(_items(rnd, RISKS, rnd.randint(5, 9))):
        sev = SEVERITIES[(i + k * 3) % len(SEVERITIES)]
        tag = f" {TAGS[topic]}" if topic and rnd.random() < 0.1 else ""
        link = f" [#r{k}]" if k % 4 == 1 else ""
        lines.append(f"- {'[' + sev + '] ' if sev else ''}{text}{tag}{link}".replace("  ", " "))
    lines += ["", "## Next Steps", ""]
    for k, (topic, text) in enumerate(_items(rnd, ACTIONS, rnd.randint(6, 10))):
        prio = PRIORITIES[(i * 7 + k) % len(PRIORITIES)]
        box = "[x]" if prio == "done" else "[ ]"
        level = f" [{prio}]" if prio not in (None, "done") else ""
        tag = f" {TAGS[topic]}" if topic and rnd.random() < 0.1 else ""
        link = " [#r1]" if k == 0 else ""
        due = f" (due {as_of + timedelta(days=rnd.choice([-5, 3, 12, 25, 45, 90]))})" if rnd.random() < 0.3 else ""
        lines.append(f"- {box}{level}{tag}{link} {text}{due}")
    if i % 2:
        lines += ["", "## Tech Stack", "", "- Frontend: Next.js 14", "- Database: Postgres 16", "- Hosting: Fly.io"]
    folder = name.lower().replace(" ", "-")
    return f"{folder}/{FILES[i % len(FILES)]}", "\n".join(lines) + "\n"


def build(folder: Path, count: int = 60, as_of: date = date(2026, 11, 15)) -> Path:
    """Write `count` agent-style handoff notes under `folder`."""
    for i in range(count):
        rel, text = note(i, as_of)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
