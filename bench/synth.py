"""Synthetic handoff folders for the benchmark (and the tests that need a big one):
portfolios of any size, many tiny files, and hostile files that try to make
reading slow or large. The benchmark never imports the tests; the tests use
this helper of the benchmark's own rather than a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

_TEMPLATE = """---
entity: Unit {i:05d} with a rather long descriptive name that goes on
code: U{i}
kind: {kind}
---

# Unit {i}

## Financials

| Month | Revenue | Expenses |
|---|---:|---:|
{months}

## KPIs

- Utilisation: {util}% (target: 80%)
- Response time: {resp} hours (target: <= 2 hours)

## Pipeline

- Deal {i}: ${deal:,} — proposal (close 2026-{close:02d}-15)

## Risks

- [{sev}] [security] Shared credentials in unit {i} ops runbook that nobody rotated
- [high] [personnel] Key person dependency in unit {i}

## Actions

- [ ] [P{prio}] [eng] [security] Rotate unit {i} credentials (due 2026-11-{due:02d})
- [ ] [P2] [seo] Publish unit {i} landing page (due 2026-12-01)

## Stack

- Hosting: Provider {i} ($ {cost}/mo)

## Channels

| Channel | Status | Spend | Leads |
|---|---|---:|---:|
| Sailo | live | $0 | {leads} |
| Search ads | live | ${spend} | {leads} |

## Campaigns

- 2026-11-0{c1}: Offer A (list: list-{i})
- 2026-11-0{c2}: Offer B (list: list-{i})

## Expenses

| Date | Vendor | Category | Amount |
|---|---|---|---:|
| 2026-10-03 | Vendor {i} | maintenance | ${big:,} |

## Accounts

| Account | Type | Balance |
|---|---|---:|
| Checking | asset | ${bal:,} |
"""


def build(folder: Path, entities: int) -> Path:
    """Write `entities` handoff files and a portfolio file under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "portfolio.md").write_text(
        "---\ntype: portfolio\nname: Synthetic\ncash_on_hand: $1.2M\n---\n\n## Guardrails\n\n"
        "- Minimum runway: 6 months\n- Single expense review: $2,500\n\n## Targets\n\n"
        "| Month | Revenue target |\n|---|---:|\n| 2026-10 | $9M |\n\n## Capital deployment\n\n"
        "- Free listings [zero-cost]\n", encoding="utf-8")
    for i in range(entities):
        months = "\n".join(f"| 2026-{m:02d} | ${1000 + (i * 37 + m * 101) % 5000:,} | "
                           f"${900 + (i * 53 + m * 89) % 5000:,} |" for m in range(5, 11))
        text = _TEMPLATE.format(
            i=i, kind="ancillary" if i % 5 == 0 else "operating", months=months,
            util=40 + i % 50, resp=1 + i % 4, deal=1000 + i * 13, close=10 + i % 3,
            sev=("critical", "high", "medium", "low")[i % 4], prio=i % 4, due=1 + i % 28,
            cost=5 + i % 200, leads=i % 30, spend=i % 700, c1=1 + i % 3, c2=4 + i % 5,
            big=500 + i * 7 % 5000, bal=1000 + i,
        )
        sub = folder / f"group{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"unit{i:05d}.md").write_text(text, encoding="utf-8")
    return folder


def build_tiny(folder: Path, files: int) -> Path:
    """Write `files` one-risk handoffs in folders of 500: the cost of reading is per file."""
    for i in range(files):
        sub = folder / f"g{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"u{i:05d}.md").write_text(f"# Unit {i}\n\n## Risks\n\n- [high] Risk {i}\n", encoding="utf-8")
    return folder


_SIZE = 5_000_000  # just under the 5 MB (5,242,880 bytes) a handoff may be


def _fill(head: str, unit: str) -> str:
    return head + unit * ((_SIZE - len(head)) // len(unit))


# Each is under the size limit and is read, not skipped: what it costs is the reader's.
HOSTILE: dict[str, Callable[[], str]] = {
    "nested list (issue 23)": lambda: ("- " * 500 + "[high] r\n") * 5100,
    "nested quote and list (issue 23)": lambda: ("> - " * 250 + "[high] r\n") * 5100,
    "nested numbered list": lambda: ("1. " * 400 + "x\n") * 4000,
    "deep indentation": lambda: "## Risks\n\n" + "".join("  " * k + "- x\n" for k in range(2200)),
    "one deep quote": lambda: _fill("## Risks\n\n", ">") + " x\n",
    "half a million risks": lambda: _fill("# A\n\n## Risks\n\n", "- [high] x\n"),
    "empty items": lambda: _fill("## Risks\n\n", "-\n"),
    "a million unknown headings": lambda: _fill("", "## h\n"),
    "different unknown headings": lambda: "".join(f"## Heading {i}\n" for i in range(280_000)),
    "long headings of common words": lambda: "".join(f"### {'a ' * 4990}{i}\n- x\n" for i in range(490)),
    "a million paragraphs": lambda: _fill("", "a\n\n"),
    "table rows": lambda: _fill("## Financials\n\n| Month | Revenue | Expenses |\n|---|---|---|\n",
                                "| 2026-01 | $1 | $2 |\n"),
    "one wide table": lambda: "## Financials\n\n" + "|a" * (_SIZE // 4) + "|\n" + "|-" * (_SIZE // 4) + "|\n",
    "one line of emphasis": lambda: _fill("## Risks\n\n- ", "*a") + "\n",
    "one line of brackets": lambda: _fill("## Risks\n\n- ", "[") + "\n",
    "unclosed links": lambda: _fill("## Risks\n\n- ", "[a](b ") + "\n",
    "html blocks": lambda: _fill("", "<div>\n"),
}


def build_hostile(folder: Path, name: str) -> Path:
    """A folder holding one hostile file and one ordinary handoff."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.md").write_text(HOSTILE[name](), encoding="utf-8")
    (folder / "acme.md").write_text("# Acme\n\n## Risks\n\n- [high] The van is old\n", encoding="utf-8")
    return folder
