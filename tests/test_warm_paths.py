"""Shortcuts taken for the per-run work (reading and composing) give what the general code
gives: property tests over the characters and forms each shortcut looks for."""

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
