"""Shortcuts taken for the per-run work (reading and composing) give what the general code
gives: property tests over the characters and forms each shortcut looks for."""

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reports.read import values

_AMOUNTS = st.lists(st.sampled_from(["$", "0", "1", "4", "9", "00", "000", ",", ",000", ",200", ".",
                                     "/mo", "/month", " ", "-", "k", "(", ")", "\u20ac", "R", "US"]),
                    max_size=9).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_AMOUNTS, st.sampled_from([None, "USD", "EUR", "BRL", "JPY"]))
@example("$4,200", None)
@example("$0", "EUR")
@example("$0,500", None)  # a lone zero before the comma: a decimal, not the plain form
@example("$140/mo", None)
@example("$999,999,999,999", None)
@example("$1,000,000,000,000", None)  # a trillion: not sane
def test_plain_dollars_read_as_every_form_is_read(text: str, taken_in: str | None) -> None:
    assert repr(values.parse_amount(text, taken_in)) == repr(values._parse_amount(text, taken_in))


_LINES = st.text(alphabet="ab .,-\t\n\r\x00\x1b\x7f\x85\u00a0\u2028\u200b\u202e\u2014\u4e2d\U0001f534\u0301", max_size=24)


@settings(max_examples=2000, deadline=None)
@given(_LINES)
def test_clean_answers_as_its_pattern_does(text: str) -> None:
    from reports.render import text as t

    assert t.clean(text) == " ".join(t._CONTROL.sub(" ", text).split())


@settings(max_examples=2000, deadline=None)
@given(_LINES)
def test_width_counts_every_character_as_char_width_does(text: str) -> None:
    from reports.render import text as t

    assert t.width(text) == sum(map(t._char_width, text))


@settings(max_examples=2000, deadline=None)
@given(_LINES, st.integers(min_value=1, max_value=30), st.booleans())
def test_a_table_cell_that_fits_is_padded_as_pad_does(cell: str, columns: int, right: bool) -> None:
    from reports.render import text as t

    wide = max(t.width(t.clean(cell)), columns)  # the header makes the column this wide
    laid = t.table(["h" * wide], [[cell]], right=(0,) if right else (), indent="")
    assert laid[2] == t.pad(t.truncate(t.clean(cell), wide), wide, right).rstrip()


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="a. )\n", max_size=12))
def test_one_stop_answers_as_its_pattern_does(text: str) -> None:
    import re

    from reports.render import text as t

    assert t._one_stop(text) == re.sub(r"(?<!\.)\.\.(?=\s|\)|$)", ".", text)


class _Everything(frozenset[str]):
    def __contains__(self, _item: object) -> bool:
        return True


def _vocabulary_words() -> list[str]:
    from reports.figures import routing

    return sorted({w for lang in routing.VOCABULARY.values() for entries in lang.words.values()
                   for entry in entries for w in entry.casefold().split()})


_ROUTING_WORDS = st.one_of(
    st.sampled_from(_vocabulary_words()),
    st.tuples(st.sampled_from(_vocabulary_words()),
              st.sampled_from(["", "s", "es", "ed", "d", "ing", "er", "ers", "ment", "ments", "ion", "ions",
                               "ies", "y", "x", "ar", "\u00e7\u00e3o"])).map("".join),
    st.text(alphabet="abcdeginorstuy\u00e7\u00e3\u0430\u0442", min_size=1, max_size=9),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ROUTING_WORDS, min_size=1, max_size=3))
def test_routing_shortcuts_match_as_every_form_and_stem_tried(words: list[str]) -> None:
    from reports.figures import routing

    tables = routing._tables()
    fast = routing._match(tables, tuple(words))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(routing, "_LAST_LETTERS", ("",))  # every word ends so: no form skipped
        assert routing._match(tables._replace(heads=_Everything()), tuple(words)) == fast


_PLAIN = st.sampled_from(["Risk", "Risk", "ship", "[high]", "[P1]", "[ ]", "[x]", "[X]", "1.", "2)", "2026-11-01",
                          "12", "x2", "Owner:", "$4,200", "(due 2026-12-01)", "\u2014", "caf\u00e9", "\u4e2d\u6587",
                          "[a]", "(b)", "-", "=", "+", "!", ":", "\uff1a", "'", '"', "?", "^", "@", "%", "{id}",
                          "\u00a0", "\u3000", "\ufeff", "\u2028", "\x85", "\u00b2", "\u0663", "\u0301"])
_MARKUP = st.sampled_from(["#", "##", "C#", "---", "===", "*", "_", "~~", "`", "<b>", "&amp;", "|", "\\", "\t",
                           "![i]", "[link](x)", "[ref]: /u", "[ref]", "**", "__", "<http://x>", "\r"])


def _lines(words: st.SearchStrategy[str], odd: list[str], *more: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Lines of a handoff: blank, headings, bullets and paragraph lines of these words, and odd ones."""
    text = st.tuples(st.sampled_from(["Risk", "Ship", "[high]", "2026", "a", "\u00e9t\u00e9", "\u4e2d", "Owner:"]),
                     st.lists(words, max_size=4)).map(lambda t: " ".join([t[0], *t[1]]))
    return st.one_of(
        st.just(""), st.just(""), text, *more,
        st.tuples(st.sampled_from(["# ", "## ", "### ", "###### ", "#", "#  "]), text).map("".join),
        st.tuples(st.sampled_from(["- ", "- ", "- ", "- ", "-  ", "* ", "+ "]), text).map("".join),
        st.tuples(st.just("- "), text).map("".join), st.sampled_from(odd))


_PLAIN_WORDS = st.one_of(_PLAIN, st.text(alphabet="abXY09.,:[]()-=\u00e9\u00a0", min_size=1, max_size=8))
_PLAIN_DOCS = st.lists(_lines(_PLAIN_WORDS, ["#", "-", "- ", "####### x", "#x", "1. one", "12) x", "x ", "x  ",
                                             "- [ ] task", "- [x] done", "=", "Title", "C# x"]),
                       max_size=10).map("\n".join)
_ANY_WORDS = st.one_of(_PLAIN, _PLAIN, _PLAIN, _MARKUP)
_ANY_DOCS = st.lists(_lines(_ANY_WORDS, [
    "  - x", "    code", "\t- x", "> q", "```", "===", "---", "***", "| a | b |", "|---|---|", "<div>",
    "[ref]: /url", "  x", "-\tx"], _ANY_WORDS), max_size=10).map("\n".join)


def _blocks_as_data(blocks: list[Any]) -> list[tuple[Any, ...]]:
    return [(b.kind, b.line, b.text, b.level, b.checked, b.struck, b.header, b.rows, b.lines, b.lazy)
            for b in blocks]


@settings(max_examples=4000, deadline=None)
@given(st.one_of(_PLAIN_DOCS, _ANY_DOCS), st.booleans())
@example("# Unit 7\n\n## Risks\n\n- [high] Risk 7\n", True)  # the benchmark's tiny file
@example("Intro\nmore\n- item\n# H\npara", False)
@example("- item\nlazy line\n", False)
@example("Title\n===\n", False)
def test_plain_markdown_gives_the_parsers_blocks(text: str, newline: bool) -> None:
    from reports.read import markdown

    text += "\n" if newline else ""
    plain = markdown._plain(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(markdown, "_PLAIN_MAX", -1)  # every text to the parser
        parsed, problems = markdown.markdown_blocks(text)
    assert problems == [] or plain is None
    if plain is not None:
        assert _blocks_as_data(plain) == _blocks_as_data(parsed)


def test_the_benchmarks_tiny_file_is_read_as_plain_markdown() -> None:
    from reports.read import markdown

    assert markdown._plain("# Unit 7\n\n## Risks\n\n- [high] Risk 7\n") is not None


@pytest.mark.parametrize("kind", [None, "risks", "actions", "done", "notes", "kpis", "kpi_targets", "stack"])
@pytest.mark.parametrize("heading", [None, "Risks", "High priority", "Done", "Must"])
def test_an_items_context_with_no_subheading_is_the_general_codes(kind: str | None, heading: str | None) -> None:
    """`_context` with no subheading open answers as with one that names no kind and no level."""
    from datetime import date

    from reports.read.document import Document, _Reading
    from reports.read.markdown import Block
    from reports.read.structure import Section

    blk = Block("heading", 3, 2, heading) if heading is not None else None
    doc = Document("a.md", False, {}, "A", {}, [], "file", [], [0, 0, 0])
    reading = _Reading(doc, Section(blk, kind, []), date(2026, 11, 15), ("DMY", None))
    reading.kind = kind  # as found (read() may set it to None in the wrong kind of file)
    for label in (None, "", "high", "P1", "wont"):
        assert reading._context([], label) == reading._context([(9, None, None)], label)
