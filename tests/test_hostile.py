"""Hostile and sloppy input: no hang, no crash, nothing silently dropped.

Whatever a handoff folder holds — a FIFO, an alias bomb, a file name that is
not UTF-8, `nan%`, a link out of the folder, escape sequences — the tool ends
in bounded time and memory with a warning naming the file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reports.model import Entity, Portfolio
from reports.read import bounds
from reports.read.folder import read_portfolio
from reports.read.markdown import markdown_blocks
from send_exec_reports import cli

from .conftest import AS_OF

ROOT = Path(__file__).resolve().parent.parent
ENTITY = "---\nentity: Acme\n---\n\n# Acme\n\n## Risks\n\n- [high] The van is old\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# Runs the command given to it and reports that one process's peak resident size: the
# test process's own RUSAGE_CHILDREN would also count every server and child before it.
_MEASURE = ("import resource, subprocess, sys\n"
            "code = subprocess.call(sys.argv[1:])\n"
            "sys.stderr.write(f'\\npeak-kb {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n')\n"
            "sys.exit(code)\n")


def child(folder: Path, *args: str, timeout: float = 30) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run the CLI in a child process: (result, seconds, that process's peak resident MB)."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, str(ROOT / "send_exec_reports.py"),
                           *args, "--handoffs", str(folder), "--as-of", AS_OF],
                          capture_output=True, text=True, timeout=timeout, cwd=folder.parent, env=dict(os.environ))
    seconds = time.monotonic() - started
    stderr, _, peak = proc.stderr.rstrip("\n").rpartition("\npeak-kb ")
    proc.stderr = stderr
    return proc, seconds, int(peak) // 1024


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "handoffs"
    path.mkdir()
    (path / "acme.md").write_text(ENTITY)
    return path


def test_a_fifo_named_like_a_handoff_is_a_warning_not_a_hang(folder: Path) -> None:
    os.mkfifo(folder / "x.md")
    for args in (["check"], ["--dry-run"]):
        proc, seconds, _ = child(folder, *args, timeout=30)
        assert proc.returncode == 0, proc.stderr
        assert seconds < 20
    check, _, _ = child(folder, "check")
    assert "x.md:0: not a regular file" in check.stdout and "1 warning(s)" in check.stdout


def test_a_yaml_alias_bomb_is_refused_in_bounded_time_and_memory(folder: Path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        levels.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    (folder / "bomb.md").write_text("---\n" + "\n".join(levels) + "\n---\n\n# Bomb\n")
    proc, seconds, peak_mb = child(folder, "check")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "bomb.md:2: front matter uses a YAML anchor or alias" in proc.stdout
    assert seconds < 10 and peak_mb < 400  # generous: the bomb itself would need gigabytes


def test_a_file_name_that_is_not_utf8_is_shown_escaped(folder: Path) -> None:
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.md"), "w") as fh:
        fh.write("# Cafe\n\n## Risks\n\n- [low] beans\n")
    for args in (["check"], ["--dry-run"], ["check", "--json"]):
        proc, _, _ = child(folder, *args)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    check, _, _ = child(folder, "check")
    assert "caf\\xe9.md:0: the file name is not valid UTF-8" in check.stdout


@pytest.mark.parametrize("value", ["nan%", "sNaN%", "-Infinity%", "1e999999999%", "$12345678901234567890123456789"])
def test_numbers_that_cannot_be_figures_are_warnings_and_the_row_is_kept(folder: Path, value: str) -> None:
    (folder / "acme.md").write_text(ENTITY + f"\n## KPIs\n\n- Margin: {value}\n\n## Financials\n\n"
                                    f"| Month | Revenue | Expenses |\n|---|---|---|\n| 2026-10 | {value.strip('%')} | $100 |\n")
    result = run("check", "--handoffs", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "acme.md:13: KPI 'Margin': cannot read the actual value" in result.stdout
    assert "acme.md:19: financials 2026-10: cannot read revenue" in result.stdout
    assert "2 warning(s)" in result.stdout and "1 financials" in result.stdout  # expenses kept
    preview = run("--dry-run", "--handoffs", str(folder), "--as-of", AS_OF)
    assert preview.exit_code == 0 and preview.stdout.count("Subject:") == 5


@pytest.mark.parametrize("as_of, words", [("9999-12-31", "out of range"), ("2026-02-30", "not a valid date"),
                                          ("2026-2-3", "YYYY-MM-DD")])
def test_as_of_dates_that_cannot_be_used_are_usage_errors(as_of: str, words: str) -> None:
    result = CliRunner().invoke(cli, ["--dry-run", "--as-of", as_of])
    assert result.exit_code == 2 and words in result.output


def test_dates_out_of_range_inside_handoffs_are_warnings(folder: Path) -> None:
    (folder / "acme.md").write_text(ENTITY + "\n## Actions\n\n- [P1] Renew (due 9999-12-31)\n")
    result = run("check", "--handoffs", str(folder), "--as-of", AS_OF)
    assert "acme.md:13:" in result.stdout and "9999-12-31" in result.stdout
    assert run("--dry-run", "--handoffs", str(folder), "--as-of", AS_OF).exit_code == 0


def test_a_folder_that_cannot_be_read_is_a_warning(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = folder / "locked"
    locked.mkdir()
    (locked / "secret.md").write_text(ENTITY.replace("Acme", "Hidden"))
    real = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if Path(path) == locked:  # CI runs as root, which reads anything: act as a normal user would see it
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    portfolio = read_portfolio(folder)
    assert [(str(w.source), w.message) for w in portfolio.warnings] == [
        ("locked:0", "cannot read this folder (Permission denied); its files were skipped")]
    assert [e.name for e in portfolio.entities] == ["Acme"]


def test_sending_a_portfolio_with_no_entities_is_a_handoff_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "portfolio.md").write_text("---\ntype: portfolio\nname: P\n---\n\n# P\n")
    (tmp_path / "repos.env").write_text("SES_REGION=us-east-1\nSES_FROM_ADDRESS=r@example.com\n"
                                        "SES_TO_ADDRESS=o@example.com\n")
    result = run("--env-file", str(tmp_path / "repos.env"), "--handoffs", str(empty), "--as-of", AS_OF,
                 "--strict")
    assert result.exit_code == 3 and "no entities" in result.stderr


def test_a_symlink_out_of_the_folder_is_not_followed(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "profile.md"
    outside.write_text("# export SECRET_TOKEN=abc\n")
    (folder / "linked.md").symlink_to(outside)
    inside = folder / "sub"
    inside.mkdir()
    (inside / "also.md").symlink_to(folder / "acme.md")  # inside the folder: read
    result = run("check", "--handoffs", str(folder), "--as-of", AS_OF)
    assert "linked.md:0: symbolic link to a file outside the handoff folder; not followed" in result.stdout
    assert "SECRET_TOKEN" not in result.output
    assert "1 warning(s)" in result.stdout


def test_a_closed_stdout_ends_quietly(folder: Path) -> None:
    from bench.synth import build

    build(folder, 400)  # more preview than a pipe holds, so the writer meets the closed end
    proc = subprocess.Popen([sys.executable, str(ROOT / "send_exec_reports.py"), "--dry-run", "--handoffs",
                             str(folder), "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            bufsize=0)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # as `| head -c 10` does
    err = proc.stderr.read().decode()
    assert proc.wait(30) == 141
    assert "error" not in err and "Traceback" not in err


def test_escape_sequences_never_reach_the_terminal(folder: Path) -> None:
    evil = "\x1b]0;pwned\x07\x1b[2J"
    (folder / "acme.md").write_text(f"---\nentity: Acme{evil}\n---\n\n# Acme\n\n## KPIs\n\n- Bad{evil}: x{evil}\n")
    check = run("check", "--handoffs", str(folder), "--as-of", AS_OF)
    preview = run("--dry-run", "--handoffs", str(folder), "--as-of", AS_OF)
    for text in (check.stdout, check.stderr, preview.stdout, preview.stderr):
        assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b]0;pwned" in check.stdout  # shown, escaped


def test_no_invisible_character_reaches_a_subject(tmp_path: Path) -> None:
    hidden = "\u061c\ufeff\u2060\u00ad\u180e\U000e0041\u200d"
    folder = tmp_path / "h"
    folder.mkdir()
    (folder / "p.md").write_text(f"---\ntype: portfolio\nname: Lad{hidden}d\n---\n\n# P\n")
    (folder / "a.md").write_text(ENTITY)
    result = run("--dry-run", "--json", "--handoffs", str(folder), "--as-of", AS_OF)
    import json

    for line in result.stdout.splitlines():
        subject = json.loads(line)["subject"]
        assert "Ladd" in subject and not any(c in subject for c in hidden)


# --------------------------------------------------------------------------
# Fuzzing the folder itself: names, special files, links, numbers

NAMES = st.binary(min_size=1, max_size=12).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_"))
NUMBERS = st.sampled_from(["nan", "sNaN", "-Infinity", "inf", "1e999999999", "9" * 29, "-0", "1,2,3", "$",
                           "1e-999999", "0x10", "(5)", "$1.2.3k", "12%%"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAMES, max_size=4), kinds=st.lists(st.sampled_from(["file", "fifo", "link-out",
                                                                          "link-in", "dir-link"]), max_size=4),
       numbers=st.lists(NUMBERS, min_size=1, max_size=4))
def test_reading_any_folder_finishes_and_never_raises(tmp_path_factory: pytest.TempPathFactory, names: list[bytes],
                                                      kinds: list[str], numbers: list[str]) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    folder = base / "h"
    folder.mkdir()
    (base / "outside.md").write_text("# Outside\n")
    rows = "\n".join(f"| 2026-{i + 1:02d} | {n} | {n}% |" for i, n in enumerate(numbers))
    (folder / "a.md").write_text(f"# A\n\n## Financials\n\n| Month | Revenue | Expenses |\n|---|---|---|\n{rows}\n"
                                 f"\n## KPIs\n\n" + "\n".join(f"- K{i}: {n}% (target {n})" for i, n in
                                                              enumerate(numbers)) + "\n")
    raw = os.fsencode(folder)
    for i, (name, kind) in enumerate(zip(names, kinds, strict=False)):
        path = os.path.join(raw, name + f"{i}.md".encode())
        try:
            if kind == "file":
                with open(path, "wb") as fh:
                    fh.write(b"# " + name + b"\n\n## Risks\n\n- [high] x\n")
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "link-out":
                os.symlink(os.fsencode(base / "outside.md"), path)
            elif kind == "link-in":
                os.symlink(os.fsencode(folder / "a.md"), path)
            else:
                os.symlink(os.fsencode(base), path[:-3])
        except OSError:
            continue
    portfolio = read_portfolio(folder)
    assert all(":" in str(w.source) for w in portfolio.warnings)
    assert not any(e.name == "Outside" for e in portfolio.entities)
    from reports.config import Settings
    from reports.render.compose import compose_all

    compose_all(("ceo", "cfo"), portfolio, __import__("datetime").date(2026, 11, 15), Settings())


# --------------------------------------------------------------------------
# Files under the size limit built to be slow or large (issue 23): each bound is a
# warning naming the file and line, and the rest of the file and of the folder is read.


def _entity(portfolio: Portfolio, name: str) -> Entity:
    return next(e for e in portfolio.entities if e.name == name)


def _warnings(portfolio: Portfolio) -> list[tuple[str, str]]:
    return [(str(w.source), w.message) for w in portfolio.warnings]


def test_lists_nested_past_the_cap_are_read_at_the_cap_with_a_warning(folder: Path) -> None:
    deep = "- " * 500 + "[high] Deep risk\n"  # issue 23: 5,100 of these lines took 11 s and 977 MB
    (folder / "deep.md").write_text("# Deep\n\n## Risks\n\n" + deep * 3 + "- [low] After the deep ones\n")
    portfolio = read_portfolio(folder)
    assert _warnings(portfolio) == [("deep.md:5", bounds.NESTING_MESSAGE)]
    assert bounds.MAX_NESTING == 16 and "nested more than 16 deep" in bounds.NESTING_MESSAGE
    assert [(r.text, r.severity) for r in _entity(portfolio, "Deep").risks] == [
        ("Deep risk", "high"), ("Deep risk", "high"), ("Deep risk", "high"), ("After the deep ones", "low")]
    assert [r.text for r in _entity(portfolio, "Acme").risks] == ["The van is old"]  # the folder goes on
    blocks, _ = markdown_blocks(deep)
    assert len(blocks) == bounds.MAX_NESTING and max(b.level for b in blocks) == bounds.MAX_NESTING - 1


@pytest.mark.parametrize("text, line, deepest", [
    (("> - " * 250 + "[high] r\n") * 3, 1, 7),  # issue 23 (5.5 s, 550 MB): 8 quotes and 8 lists kept
    (("1. " * 400 + "x\n") * 3, 1, 15),
    ("".join("  " * k + "- x\n" for k in range(40)), bounds.MAX_NESTING + 1, 15),  # nested by indentation
])
def test_every_kind_of_deep_nesting_is_cut_to_the_cap(text: str, line: int, deepest: int) -> None:
    blocks, problems = markdown_blocks(text)
    assert problems == [(line, bounds.NESTING_MESSAGE)]
    assert max(b.level for b in blocks if b.kind == "item") == deepest  # list levels count from 0


def test_a_file_past_the_block_cap_is_read_up_to_it_with_a_warning(folder: Path) -> None:
    assert bounds.MAX_BLOCKS == 20_000
    items = "".join(f"- [low] Risk {i}\n" for i in range(bounds.MAX_BLOCKS + 10))
    (folder / "big.md").write_text("# Big\n\n## Risks\n\n" + items)
    portfolio = read_portfolio(folder)
    first_unread = 5 + bounds.MAX_BLOCKS - 2  # the title and the heading are blocks too
    assert _warnings(portfolio) == [(f"big.md:{first_unread}", bounds.blocks_message(first_unread))]
    assert "the rest of the file from line 20003 is not read" in bounds.blocks_message(first_unread)
    risks = _entity(portfolio, "Big").risks
    assert len(risks) == bounds.MAX_BLOCKS - 2 and risks[-1].text == f"Risk {bounds.MAX_BLOCKS - 3}"
    assert [r.text for r in _entity(portfolio, "Acme").risks] == ["The van is old"]


def test_table_rows_count_towards_the_block_cap(folder: Path) -> None:
    rows = "| 2026-10-01 | V | ops | $1 |\n" * (bounds.MAX_BLOCKS + 10)
    (folder / "log.md").write_text("# Log\n\n## Expenses\n\n| Date | Vendor | Category | Amount |\n|---|---|---|---|\n"
                                   + rows)
    portfolio = read_portfolio(folder)
    first_unread = 7 + bounds.MAX_BLOCKS - 3  # the title, the heading and the table are blocks too
    assert _warnings(portfolio) == [(f"log.md:{first_unread}", bounds.blocks_message(first_unread))]
    assert len(_entity(portfolio, "Log").expenses) == bounds.MAX_BLOCKS - 3


def test_a_line_past_the_length_cap_is_cut_and_the_next_lines_are_read(folder: Path) -> None:
    (folder / "wide.md").write_text("# Wide\n\n## Risks\n\n- [high] " + "x" * 50_000 + "\n- [low] Next one\n")
    portfolio = read_portfolio(folder)
    assert _warnings(portfolio) == [("wide.md:5", f"a line over {bounds.MAX_LINE:,} characters; the rest of the "
                                                  "line is not read")]
    risks = _entity(portfolio, "Wide").risks
    assert [(len(r.text), r.severity) for r in risks] == [(bounds.MAX_LINE - len("- [high] "), "high"), (8, "low")]


def test_did_you_mean_stops_after_a_hundred_unknown_headings_in_a_file(folder: Path) -> None:
    (folder / "typos.md").write_text("# Typos\n\n" + "## Finacials\n\nsome text\n\n" * 150)
    portfolio = read_portfolio(folder)
    hints = [m for _, m in _warnings(portfolio) if "did you mean 'Financials'" in m]
    assert len(hints) == bounds.MAX_SUGGESTIONS == 100
    coverage = next(c for c in portfolio.coverage if c.path == "typos.md")
    assert len(coverage.skipped) == 150  # every unknown heading is still listed by `check`


@pytest.mark.parametrize("args", [["check"], ["--dry-run"]])
def test_a_folder_whose_only_file_is_over_the_size_limit_says_why_nothing_was_read(tmp_path: Path,
                                                                                    args: list[str]) -> None:
    folder = tmp_path / "h"
    folder.mkdir()
    (folder / "big.md").write_bytes(b"# Big\n" + b"x" * (5 * 1024 * 1024))
    result = run(*args, "--handoffs", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 3
    assert result.stderr == (f"error: no handoff file could be read under {folder}: big.md:0: file is 5,242,886 "
                             "bytes, over the 5 MB limit; skipped\n")
    os.mkfifo(folder / "pipe.md")
    result = run(*args, "--handoffs", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "big.md:0: file is 5,242,886 bytes, over the 5 MB limit; skipped",
        f"error: no handoff file could be read under {folder}: pipe.md:0: not a regular file (a FIFO, device or "
        "socket); skipped (and 1 more, above)"]


@pytest.mark.parametrize("bullet", ["...", "!", ". . !"])
def test_a_bullet_of_only_dots_is_no_item_and_no_crash(folder: Path, bullet: str) -> None:
    (folder / "acme.md").write_text(f"{ENTITY}- {bullet}\n")
    result = run("check", "--json", "--handoffs", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    (acme,) = json.loads(result.output)["entities"]
    assert [r["text"] for r in acme["risks"]] == ["The van is old"]



def _headings() -> list[str]:
    """Every section heading the reader knows, in every language."""
    from reports.read.vocabulary import LANGUAGES

    return sorted({word for vocab in LANGUAGES.values() for words in vocab.sections.values() for word in words})


_ITEM_TEXT = st.lists(st.one_of(st.sampled_from(list(".!?,:;-()[]*_~`#|>\u2014\u2705 ")), st.text(max_size=6)),
                      max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_headings()), _ITEM_TEXT, st.sampled_from(["- ", "1. ", "- [ ] ", "- [high] "]))
def test_any_bullet_under_any_section_heading_is_read_without_raising(heading: str, text: str, mark: str) -> None:
    from reports.read.document import parse_document

    doc = parse_document(f"# Acme\n\n## {heading}\n\n{mark}{text}\n  - {text}\n\n{text}\n", "fuzz.md")
    assert all(str(w.source).startswith("fuzz.md:") for w in doc.warnings)


_PIECES = st.sampled_from([
    "## Financials", "## Expenses", "## KPIs", "## Pipeline", "## Risks", "## Actions", "## Stack", "## Channels",
    "## Status", "### Current Performance", "### Optimization Targets", "## 売上と経費",
    "| Month | Revenue | Expenses |", "|---|---|---|", "| 2026-10 | $1,200 | $900 |", "| Sept | 22100 | x |",
    "| Oct 2026 | €1.200,50 | ¥3000 |", "- ", "- [ ] ", "1. ", "  - ", "[high] ", "(due Dec 20)", "12/15",
    "41 (goal 45)", "4.8★", "Avg ticket $412", "October revenue: $11,000", "**Due**: Dec 4", "**Fix**: y",
    "Churn: 3.1% (target 2.5%)", "Deal A: $5,000 — proposal", "Frontend: Next.js 14 (€40/mo)", "currency: EUR",
    "date_order: DMY", "10.000", "-1", "999999999999999", "NaN", "%", "$", "2026年8月", "...", "- ...", "**Must**",
    "\t"])
_LINES = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=5).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=20).map("\n".join), st.lists(_LINES, max_size=8).map("\n".join))
@example("# A\n\n## Risks\n\n- ...\n", "")  # an IndexError in every command, once
@example("---\ncurrency: EUR\n---\n## Financials\n| Month | Revenue |\n|---|---|\n| 2026-10 | 10.000 |\n",
         "currency: JPY\ncash_on_hand: '€5'\n## Guardrails\n- Cash reserve: at least €1.000\n")
def test_any_handoff_and_portfolio_file_give_five_reports_without_raising(
        tmp_path_factory: pytest.TempPathFactory, entity: str, portfolio: str) -> None:
    from datetime import date

    from reports import ROLES
    from reports.config import Settings
    from reports.render.compose import compose_all

    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "acme.md").write_text(entity, encoding="utf-8")
    (folder / "portfolio.md").write_text("---\ntype: portfolio\n---\n" + portfolio, encoding="utf-8")
    messages = compose_all(ROLES, read_portfolio(folder, date(2026, 11, 15)), date(2026, 11, 15), Settings())
    assert [m.role for m in messages] == list(ROLES)
