"""The reader's fast paths skip a pattern only when it cannot match: with every pattern tried,
the answers are the same (property tests over the words and marks the patterns look for)."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reports.read import items
from reports.read.vocabulary import LANGUAGES

_WORDS = sorted({w for vocab in LANGUAGES.values()
                 for w in (*vocab.done_words, *vocab.levels, *vocab.priority_words)})
_PIECES = st.one_of(
    st.sampled_from(_WORDS), st.sampled_from(_WORDS).map(str.upper), st.sampled_from(_WORDS).map(str.title),
    st.sampled_from(["P0", "p1", "P3", "1", "2", "12", "x2", "P4", "\u2705", "\u2714", "\u0131", "\u0130",
                     "done_", "_done", "fix", "high", "High", "Alta"]),
    st.sampled_from(list(" ()[]-\u2014\u2013:\uff1a\uff08\uff09\u3010\u3011,.*_!?")),
    st.text(alphabet="abcXYZ 019", max_size=6),
)
_TEXTS = st.lists(_PIECES, max_size=10).map("".join)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_is_done_answers_as_its_pattern_does(text: str) -> None:
    assert items.is_done(text) == items._done_by_pattern(text)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
@example("alta must")  # a MoSCoW word ends the item: a priority without a digit (found at 20,000 examples)
@example("Ship billing should")
@example("x P2")
@example("High - fix it")  # a level before a dash: the prefix form, looked for only where a `-` or `:` is
def test_item_level_answers_as_with_every_pattern_tried(text: str) -> None:
    fast = items.item_level(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(items, "_may_hold", lambda _text, _marks: True)
        assert items.item_level(text) == fast


@pytest.mark.parametrize("text", ["Ship it TAMAMLANDI", "Ship it \u2014 done", "Sudah diperbaiki kemarin",
                                  "Login \u2014 fixed", "(resolved) flaky test"])
def test_done_words_in_ascii_lines_still_close_them(text: str) -> None:
    assert items.is_done(text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="[]()a_/.-\n x\u00e91#", max_size=30))
def test_the_bracket_marker_pattern_finds_what_its_plain_form_finds(text: str) -> None:
    import re

    from reports.read.values import _BRACKET
    plain = re.compile(r"(?<![\w/.\-\]])\[([^\[\]\n]{1,24})\](?!\()")  # the look-behind first, as written
    assert [(m.span(), m[1]) for m in _BRACKET.finditer(text)] == [(m.span(), m[1]) for m in plain.finditer(text)]


def test_a_characters_ascii_letter_is_the_one_a_case_blind_pattern_matches() -> None:
    """`_ascii_letter` searches the alphabet once; the rule it keeps is the engine's own
    case-insensitive match of the character against each letter in turn."""
    import re

    chars = {c for w in _WORDS for c in w if not c.isascii()}
    chars |= {chr(n) for n in range(0x80, 0x250)} | {"\u017f", "\u212a", "\u0131", "\u0130", "\u03ba", "\u1e9e"}
    for char in sorted(chars):
        letters = (a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(re.escape(char), a, re.I))
        assert items._ascii_letter(char) == next(letters, char), char


def _classify_by_asking_each_keyword(text: str) -> str | None:
    """`headings.classify_heading` as it was, asking every keyword in turn."""
    from reports.read import headings as h

    s = h.normalise_heading(text)
    if s in h._HEADING_TO_SECTION:
        return h._HEADING_TO_SECTION[s]
    if s in h._STATUS_EXACT:
        return h.NOTES
    whole = " ".join(h._PUNCTUATION.sub(" ", text.lower().replace("\u2019", "'")).split())
    for padded in (f" {s} ", f" {whole} "):
        for key in h._KEY_ORDER:
            if any(f" {w} " in padded or (w[:1] > "\u2e80" and w in padded) for w in h.KEYWORDS[key]):
                return key
    return h.NOTES if any(f" {w} " in f" {s} " for w in h._STATUS_WORDS) else None


_HEADING_WORDS = sorted({w for vocab in LANGUAGES.values()
                         for w in (*vocab.status, *vocab.status_words, *(k for ws in vocab.keywords.values() for k in ws),
                                   *(k for ws in vocab.sections.values() for k in ws))})
_HEADING_PIECES = st.one_of(
    st.sampled_from(_HEADING_WORDS), st.sampled_from(_HEADING_WORDS).map(str.title),
    st.sampled_from(_HEADING_WORDS).map(lambda w: w.replace(" ", "-")),
    st.sampled_from(list(" ()[]-\u2014:'\u2019,.&#1")), st.text(alphabet="ab \u3000\u5e74\uff1a", max_size=4),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_HEADING_PIECES, max_size=8).map("".join))
@example("Next Steps and Risks")
@example("  ")
def test_a_heading_is_classified_as_by_asking_each_keyword(text: str) -> None:
    from reports.read import headings

    assert headings.classify_heading.__wrapped__(text) == _classify_by_asking_each_keyword(text)


def test_every_keyword_alone_or_among_words_is_classified_as_by_asking_each_keyword() -> None:
    from reports.read import headings

    for word in (*(w for ws in headings._WHOLE.values() for w in ws), *headings._STATUS_RUNS):
        assert word in headings._runs(f"our {word} today"), word
    for word in _HEADING_WORDS:
        for text in (word, f"Our {word} today", f"{word.title()}: notes", f"x{word}y", f"1. {word} — and risks"):
            assert headings.classify_heading.__wrapped__(text) == _classify_by_asking_each_keyword(text), text
