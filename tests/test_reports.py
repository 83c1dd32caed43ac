import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synth import build
from reports import ROLES
from reports.model import Portfolio
from reports.read.folder import read_portfolio
from reports.render.compose import RENDERERS, subject_for
from reports.render.text import width, wrap

from .conftest import AS_OF, SAMPLE, Write

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return read_portfolio(SAMPLE, date.fromisoformat(AS_OF))


@pytest.mark.parametrize("role", ROLES)
def test_report_matches_golden_file(role: str, sample: Portfolio, request: pytest.FixtureRequest) -> None:
    text = RENDERERS[role](sample, date.fromisoformat(AS_OF), "UTC")
    path = GOLDEN / f"{role}.txt"
    if request.config.getoption("--update-golden"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"run pytest --update-golden and review the diff of {path}"


@pytest.mark.parametrize("role", ROLES)
def test_sample_lines_fit_78_columns_and_output_is_deterministic(role: str, sample: Portfolio) -> None:
    as_of = date.fromisoformat(AS_OF)
    text = RENDERERS[role](sample, as_of, "UTC")
    assert all(len(line) <= 78 for line in text.splitlines())
    assert text == RENDERERS[role](read_portfolio(SAMPLE, as_of), as_of, "UTC")
    assert text.startswith(f"{'Accounting' if role == 'accounting' else role.upper()} report")
    assert "Sources" in text and "Data warnings" not in text


def test_two_thousand_entities_stay_within_78_columns_and_100_kb(tmp_path: Path) -> None:
    as_of = date.fromisoformat(AS_OF)
    portfolio = read_portfolio(build(tmp_path / "big", 2000), as_of)
    assert len(portfolio.entities) == 2000
    for role in ROLES:
        text = RENDERERS[role](portfolio, as_of, "UTC")
        assert max(len(line) for line in text.splitlines()) <= 78, role
        assert len(text.encode()) < 100_000, role
        assert "\u2026 and " in text, role  # long lists are capped, and say so


def test_each_report_lists_the_warnings_about_what_it_shows_and_no_count_of_the_rest(write: Write) -> None:
    folder = write("e.md", "# E\n\n## KPIs\n\n- Broken: soon\n\n## Stack\n\n- Hosting: AWS (cheap)\n").parent
    portfolio = read_portfolio(folder, date(2026, 11, 15))
    texts = {role: RENDERERS[role](portfolio, date(2026, 11, 15), "UTC") for role in ROLES}
    assert "e.md:5: KPI 'Broken'" in texts["ceo"] and "e.md:9: stack" not in texts["ceo"]  # KPIs: the CEO's
    assert "e.md:9: stack 'Hosting'" in texts["cto"] and "e.md:5: KPI" not in texts["cto"]
    assert "Data warnings" not in texts["cmo"]
    assert all("other handoff warning" not in text for text in texts.values())  # stderr and `check` count them


def test_subject_is_one_line_whatever_the_handoff_holds(sample: Portfolio) -> None:
    hostile = sample._replace(name="Evil\r\nBcc: victim@example.org\x07")
    subject = subject_for("cfo", hostile, date(2026, 11, 15), "[Exec Report]")
    assert "\n" not in subject and "\r" not in subject and "\x07" not in subject
    assert subject == "[Exec Report] CFO report \u2014 Evil Bcc: victim@example.org \u2014 2026-11-15"


def test_sources_cite_every_file_a_merged_list_came_from(write: Write) -> None:
    table = "## Financials\n\n| Month | Revenue | Expenses |\n|---|---|---|\n| 2026-10 | $1 | $1 |\n"
    same = "---\nentity: Same\n---\n"  # merged on purpose: no warning
    write("h/a.md", same + "# Same\n\n" + table)
    write("h/b.md", same + "# Same\n\n## Risks\n\n- [low] the van needs new tyres\n")  # routed nowhere
    folder = write("h/c.md", same + "# Same\n\n" + table).parent
    text = RENDERERS["cfo"](read_portfolio(folder, date(2026, 11, 15)), date(2026, 11, 15), "UTC")
    sources = text.split("Sources\n-------\n")[1].split()
    assert [s for s in sources if s.endswith(".md")] == ["a.md", "c.md"]  # b.md shows nothing here


def test_bullets_and_tables_cite_exactly_the_facts_they_show() -> None:
    from reports.model import Risk, Src
    from reports.render.text import Report

    risks = [Risk("a", "high", (), Src("one.md", 3)), Risk("b", "high", (), Src("two.md", 4))]
    shown = Report()
    shown.bullets(risks, 1, lambda x: x.text)
    assert shown.cited == {"one.md"}  # two.md's risk is behind "… and 1 more"
    table = Report()
    table.table(["Risk"], risks, 5, lambda x: [x.text])
    assert table.cited == {"one.md", "two.md"}
    with pytest.raises(TypeError):
        Report().cite(["one.md:3"])  # a path:line string is not a source: it would cite nothing


_WORDS = st.text(alphabet=st.sampled_from(list("abcXYZ019.,-/")), min_size=1, max_size=90)
_INDENTS = st.sampled_from(["", "  ", "  - ", "    "])


@settings(max_examples=400, deadline=None)
@given(words=st.lists(_WORDS, max_size=40), indent=_INDENTS, hanging=st.one_of(st.none(), _INDENTS))
def test_ascii_wrapping_is_textwrap_greedy_fill(words: list[str], indent: str, hanging: str | None) -> None:
    # The reports once went through textwrap for ASCII text; the one wrapper keeps its
    # lines exactly (long words broken as break_long_words does, never on hyphens).
    text = " ".join(words)
    sub = indent + "  " if hanging is None else hanging
    expected = [ln.rstrip() for ln in textwrap.wrap(text, 78, initial_indent=indent, subsequent_indent=sub,
                                                    break_long_words=True, break_on_hyphens=False)]
    assert wrap(text, indent, hanging) == (expected or [indent.rstrip()])


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.text(alphabet=st.sampled_from(list("a\u00e9\u4e2d\u6587\U0001f534\u0301-")),
                              min_size=1, max_size=70), max_size=20), indent=_INDENTS)
def test_wide_text_wraps_within_78_columns_and_keeps_every_character(words: list[str], indent: str) -> None:
    lines = wrap(" ".join(words), indent)
    assert all(width(ln) <= 78 for ln in lines)
    body = [lines[0].removeprefix(indent.rstrip()), *(ln.removeprefix(indent + "  ") for ln in lines[1:])]
    assert "".join(body).replace(" ", "") == "".join(words).replace(" ", "")
