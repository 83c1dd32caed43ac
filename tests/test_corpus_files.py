"""Check that the hand-labelled handoff corpus in tests/corpus/ is well-formed.

These tests read only the corpus itself (never the reader under reports/), so a
broken expectation file is caught before it can make a reader test pass or fail
for the wrong reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

CORPUS = Path(__file__).parent / "corpus"
LANGUAGES = {"en", "pt", "ja", "zh", "de", "fr", "es", "tr", "ru", "ko", "id"}
LEVELS = {"critical", "high", "medium", "low", "P0", "P1", "P2", "P3", None}
ITEM_KEYS = {"kind", "text", "level", "due", "done", "line"}
TOP_KEYS = {"entity", "language", "date_order", "items", "not_items", "figures", "stack"}
MONEY_KEYS = {"what", "month", "amount", "currency"}
KPI_KEYS = {"what", "name", "value", "unit", "target", "better", "line"}
STACK_KEYS = {"layer", "tool", "line"}


def handoffs() -> list[Path]:
    """List every handoff file of the corpus (README.md is the corpus's own doc)."""
    return sorted(p for p in CORPUS.rglob("*.md") if p != CORPUS / "README.md")


def expectation_path(md: Path) -> Path:
    """Name the expectation file that belongs to a handoff file."""
    return md.with_name(md.stem + ".expected.yaml")


def load(md: Path) -> dict[str, Any]:
    """Load a handoff's expectation file as a mapping."""
    data = yaml.safe_load(expectation_path(md).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{expectation_path(md)}: not a mapping"
    return data


def lines_of(md: Path) -> list[str]:
    """Return the handoff's lines, so that lines[n - 1] is line n."""
    return md.read_text(encoding="utf-8").splitlines()


def front_matter_date_order(md: Path) -> str | None:
    """Read date_order from the handoff's own front matter, if it has one."""
    lines = lines_of(md)
    if not lines or lines[0] != "---":
        return None
    for line in lines[1:]:
        if line == "---":
            return None
        match = re.fullmatch(r"date_order:\s*(\S+)\s*", line)
        if match:
            return match.group(1)
    return None


def where(md: Path) -> str:
    """Name a handoff relative to the corpus, for messages."""
    return str(md.relative_to(CORPUS))


def check_line(md: Path, lines: list[str], line: Any, what: str) -> None:
    """Assert that `line` is a 1-based number of a non-empty line of md."""
    assert isinstance(line, int) and not isinstance(line, bool), f"{where(md)}: {what} line {line!r} is not a number"
    assert 1 <= line <= len(lines), f"{where(md)}: {what} line {line} is outside the file"
    assert lines[line - 1].strip(), f"{where(md)}: {what} line {line} is empty"


def check_item(md: Path, lines: list[str], item: Any) -> None:
    """Assert that one expected risk or action has the documented shape."""
    assert isinstance(item, dict) and set(item) == ITEM_KEYS, f"{where(md)}: item keys {item!r}"
    assert item["kind"] in {"risk", "action"}, f"{where(md)}: kind {item['kind']!r}"
    assert isinstance(item["text"], str) and item["text"].strip(), f"{where(md)}: empty text"
    assert item["level"] in LEVELS, f"{where(md)}: level {item['level']!r}"
    assert item["due"] is None or type(item["due"]) is dt.date, f"{where(md)}: due {item['due']!r}"
    assert isinstance(item["done"], bool), f"{where(md)}: done {item['done']!r}"
    check_line(md, lines, item["line"], f"item {item['text']!r}")


def check_figure(md: Path, figure: Any) -> None:
    """Assert that one money or KPI fact has the documented shape."""
    assert isinstance(figure, dict), f"{where(md)}: figure {figure!r}"
    if figure.get("what") in {"revenue", "expenses"}:
        assert set(figure) == MONEY_KEYS, f"{where(md)}: money keys {figure!r}"
        assert re.fullmatch(r"\d{4}-\d{2}", str(figure["month"])), f"{where(md)}: month {figure['month']!r}"
        assert isinstance(figure["amount"], int | float), f"{where(md)}: amount {figure['amount']!r}"
        assert re.fullmatch(r"[A-Z]{3}", str(figure["currency"])), f"{where(md)}: currency {figure['currency']!r}"
    else:
        assert figure.get("what") == "kpi" and set(figure) == KPI_KEYS, f"{where(md)}: kpi keys {figure!r}"
        assert isinstance(figure["name"], str) and figure["name"], f"{where(md)}: kpi name"
        assert isinstance(figure["value"], int | float), f"{where(md)}: kpi value {figure['value']!r}"
        assert figure["target"] is None or isinstance(figure["target"], int | float)
        assert figure["better"] in {"higher", "lower"}, f"{where(md)}: better {figure['better']!r}"
        check_line(md, lines_of(md), figure["line"], f"kpi {figure['name']!r}")


@pytest.mark.parametrize("md", handoffs(), ids=where)
def test_every_handoff_has_a_well_formed_expectation(md: Path) -> None:
    """Each handoff has an expectation file with the documented schema."""
    assert expectation_path(md).is_file(), f"{where(md)}: no {expectation_path(md).name}"
    data = load(md)
    lines = lines_of(md)
    assert set(data) <= TOP_KEYS and {"entity", "language", "date_order", "items"} <= set(data), sorted(data)
    assert 30 <= len(lines) <= 120, f"{where(md)}: {len(lines)} lines"
    assert isinstance(data["entity"], str) and data["entity"].strip()
    assert data["language"] in LANGUAGES, data["language"]
    assert data["date_order"] == front_matter_date_order(md), "date_order must be what the front matter says"
    assert isinstance(data["items"], list) and data["items"]
    for item in data["items"]:
        check_item(md, lines, item)
    item_lines = [item["line"] for item in data["items"]]
    assert len(item_lines) == len(set(item_lines)), f"{where(md)}: two items start on one line"
    for entry in data.get("not_items") or []:
        assert isinstance(entry, dict) and set(entry) == {"line", "why"}, entry
        check_line(md, lines, entry["line"], "not_item")
        assert isinstance(entry["why"], str) and entry["why"].strip()
        assert entry["line"] not in item_lines, f"{where(md)}: line {entry['line']} is both item and not_item"
    for figure in data.get("figures") or []:
        check_figure(md, figure)
    for layer in data.get("stack") or []:
        assert isinstance(layer, dict) and set(layer) == STACK_KEYS, layer
        assert isinstance(layer["tool"], str) and layer["tool"].strip()
        check_line(md, lines, layer["line"], f"stack {layer['tool']!r}")


def test_no_expectation_without_its_handoff() -> None:
    """An expectation file whose handoff was renamed or deleted is caught."""
    for expected in sorted(CORPUS.rglob("*.expected.yaml")):
        md = expected.with_name(expected.name.removesuffix(".expected.yaml") + ".md")
        assert md.is_file(), f"{expected.relative_to(CORPUS)} has no handoff"


def test_corpus_covers_every_language_and_enough_items() -> None:
    """Every language of issue 25 has a handoff, English several, and items add up."""
    data = [load(md) for md in handoffs()]
    languages = Counter(d["language"] for d in data)
    assert set(languages) == LANGUAGES, sorted(LANGUAGES - set(languages))
    assert languages["en"] >= 4
    assert len(data) >= 16
    kinds = Counter(item["kind"] for d in data for item in d["items"])
    assert kinds["risk"] >= 80 and kinds["action"] >= 120, kinds
    assert 250 <= sum(kinds.values()) <= 400, kinds
    assert (CORPUS / "README.md").is_file()
