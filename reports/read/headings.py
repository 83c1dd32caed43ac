"""What a heading is about: a kind of section, a status heading, or a level.

The words live in `vocabulary.py`, one table per language; this module only
normalises a heading and looks it up.
"""

from __future__ import annotations

import functools
import re

from reports.patterns import compiled, longest_first
from reports.read.vocabulary import LANGUAGES

NOTES = "notes"  # a status heading: read as notes on purpose


def _merged(field: str) -> dict[str, tuple[str, ...]]:
    """One language-independent table: every language's words for each key, in order."""
    out: dict[str, tuple[str, ...]] = {}
    for vocab in LANGUAGES.values():
        for key, words in getattr(vocab, field).items():
            out[key] = out.get(key, ()) + tuple(w for w in words if w not in out.get(key, ()))
    return out


SECTIONS = _merged("sections")
KEYWORDS = _merged("keywords")
_HEADING_TO_SECTION = {h: key for key, names in SECTIONS.items() for h in names}
_STATUS = frozenset(w for vocab in LANGUAGES.values() for w in vocab.status)
_STATUS_WORDS = tuple(w for vocab in LANGUAGES.values() for w in vocab.status_words)
_STATUS_EXACT = frozenset(w for vocab in LANGUAGES.values() for w in vocab.status)


_ASIDE = compiled(r"\([^)]*\)|\[[^\]]*\]")  # (all via CDN)
_QUALIFIER = compiled(r"\s+[\u2014\u2013-]+\s+.*$|:\s.*$")  # "— qualifier", ": qualifier"
_LEAD = compiled(r"^[\W\d_]*(?=[^\W\d_])")  # 6) , 1. , emoji
_PUNCTUATION = compiled(r"[^\w&' -]+")
_KEY_ORDER = ("risks", "actions", "done", "kpis", "financials")

# Headings repeat across a folder (every file has its Risks): each is worked out once.
_cached = functools.lru_cache(maxsize=4096)


@_cached
def normalise_heading(text: str) -> str:
    """A heading as matched: lower case, without numbering, emoji, parentheticals, a
    "— qualifier" tail or punctuation. `6) Next Steps (Pick Up Here)` -> `next steps`."""
    s = text.strip().lower().replace("\u2019", "'")
    # Each pattern only where the characters it looks for are (the commonest headings have none).
    if "(" in s or "[" in s:
        s = _ASIDE.sub(" ", s)
    if ":" in s or "-" in s or "\u2014" in s or "\u2013" in s:
        s = _QUALIFIER.sub("", s)
    if not s[:1].isalpha():
        s = _LEAD.sub("", s)
    s = _PUNCTUATION.sub(" ", s).replace("'s ", "'s ").strip(" '-")
    s = s.replace("kpi's", "kpis")
    return " ".join(s.split())


def _is_cjk(word: str) -> bool:
    return word[:1] > "\u2e80"


# A keyword is found in a normalised heading as whole words (a run of its words), or, when it
# starts with a CJK character, anywhere. A heading's words, and its runs of words that are
# keywords of several words, are looked up in sets: an unknown heading costs a few
# microseconds, and a 10,000-character one of repeated words about as much as asking each
# keyword did. Asking each of the 226 keywords cost every unknown heading 0.2 ms, and a hostile
# file of 20,000 different unknown headings 4 s (`tests/test_fast_paths.py` holds the two to
# the same answers).
_WHOLE = {key: frozenset(w for w in KEYWORDS.get(key, ()) if not _is_cjk(w)) for key in _KEY_ORDER}
_ANYWHERE = {key: tuple(w for w in KEYWORDS.get(key, ()) if _is_cjk(w)) for key in _KEY_ORDER}
_STATUS_RUNS = frozenset(_STATUS_WORDS)
_MULTI = frozenset(w for words in (*_WHOLE.values(), _STATUS_RUNS) for w in words if " " in w)
_PAIRS = frozenset(tuple(w.split(" ")[:2]) for w in _MULTI)  # a run's first two words
_LENGTHS = {first: sorted({w.count(" ") + 1 for w in _MULTI if w.startswith(f"{first} ")})
            for first in {w.split(" ")[0] for w in _MULTI}}


def _runs(text: str) -> set[str]:
    """A normalised text's words, and its runs of words that are keywords of several words."""
    words = text.split(" ")
    runs = set(words)
    for i in range(len(words) - 1):
        if (words[i], words[i + 1]) in _PAIRS:
            runs.update(run for n in _LENGTHS[words[i]] if (run := " ".join(words[i:i + n])) in _MULTI)
    return runs


@_cached
def classify_heading(text: str) -> str | None:
    """The section key for a heading, `notes` for a status heading, or None when unknown."""
    s = normalise_heading(text)
    if s in _HEADING_TO_SECTION:
        return _HEADING_TO_SECTION[s]
    if s in _STATUS_EXACT:
        return NOTES
    whole = " ".join(_PUNCTUATION.sub(" ", text.lower().replace("\u2019", "'")).split())
    own = _runs(s)
    for form, runs in ((s, own), (whole, own if whole == s else _runs(whole))):
        cjk = form and max(form) > "\u2e80"
        for key in _KEY_ORDER:
            if not runs.isdisjoint(_WHOLE[key]) or (cjk and any(w in form for w in _ANYWHERE[key])):
                return key
    if not own.isdisjoint(_STATUS_RUNS):
        return NOTES
    return None


@_cached
def heading_suggestion(text: str) -> str | None:
    """For an unknown heading that looks like a misspelt known one (`Finacials`), the
    heading it was probably meant to be."""
    import difflib

    close = difflib.get_close_matches(normalise_heading(text), list(_HEADING_TO_SECTION), n=1, cutoff=0.8)
    return close[0].title() if close else None


@functools.cache
def _level_pattern() -> re.Pattern[str]:
    """Every language's level words and `priority N` forms, compiled on first use."""
    words = sorted({w for vocab in LANGUAGES.values() for w in vocab.levels}, key=longest_first)
    prio = sorted({w for vocab in LANGUAGES.values() for w in vocab.priority_words}, key=longest_first)
    alt = "|".join(re.escape(w) for w in words)
    return compiled(r"(?:" + "|".join(re.escape(w) for w in prio) + r")\s*[:#]?\s*(?P<n>[0-3])(?!\d)"
                      r"|(?<![\w-])p(?P<p>[0-3])(?![\w-])|(?<![\w-])(?P<word>" + alt + r")(?![\w-])"
                      r"|(?P<cjk>" + "|".join(re.escape(w) for w in words if w[:1] > "\u2e80") + ")")


_EMOJI_LEVEL = {"\U0001f534": "critical", "\U0001f7e0": "high", "\U0001f7e1": "medium", "\U0001f7e2": "low"}


def levels_in(text: str) -> list[str]:
    """The levels written in a text, as written: `critical`...`low`, `P0`...`P3` or `wont`."""
    low = text.lower().replace("\u2019", "'")
    found = [_EMOJI_LEVEL[c] for c in _EMOJI_LEVEL if c in text]
    for m in _level_pattern().finditer(low):
        n = m["n"] or m["p"]
        found.append(f"P{n}" if n else _LEVELS_BY_WORD[m["word"] or m["cjk"]])
    return found


@_cached
def heading_level(text: str) -> str | None:
    """The level a heading names for its own subtree, as written (`Critical Issues` -> critical,
    `Phase 1 (Priority 1)` -> P1, `Must` -> P1, `Won't` -> wont); None when it names none or several."""
    found = set(levels_in(text))
    return found.pop() if len(found) == 1 else None


_LEVELS_BY_WORD = {w: level for vocab in LANGUAGES.values() for w, level in vocab.levels.items()}
