"""Shortcuts taken for the per-run work (reading and composing) give what the general code
gives: property tests over the characters and forms each shortcut looks for."""

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
