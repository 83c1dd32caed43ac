"""What a heading is about: a kind of section, a status heading, or a level.

The words live in `vocabulary.py`, one table per language; this module only
normalises a heading and looks it up.
"""

from __future__ import annotations

import functools
import re

from reports.read import values as v
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
_LEVELS = {word: level for vocab in LANGUAGES.values() for word, level in vocab.levels.items()}
_LEVEL_FILLERS = re.compile(r"\b(?:" + "|".join(
    re.escape(w) for vocab in LANGUAGES.values() for w in vocab.level_fillers) + r")\b")


_ASIDE = re.compile(r"\([^)]*\)|\[[^\]]*\]")  # (all via CDN)
_QUALIFIER = re.compile(r"\s+[\u2014\u2013-]+\s+.*$|:\s.*$")  # "— qualifier", ": qualifier"
_LEAD = re.compile(r"^[^a-z]*(?=[a-z])")  # 6) , 1. , emoji
_PUNCTUATION = re.compile(r"[^a-z0-9&' -]+")
_PRIORITY = re.compile(r"p([0-3])")

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
    if not "a" <= s[:1] <= "z":
        s = _LEAD.sub("", s)
    s = _PUNCTUATION.sub(" ", s).replace("'s ", "'s ").strip(" '-")
    s = s.replace("kpi's", "kpis")
    return " ".join(s.split())


@_cached
def classify_heading(text: str) -> str | None:
    """The section key for a heading, `notes` for a status heading, or None when unknown."""
    s = normalise_heading(text)
    if s in _HEADING_TO_SECTION:
        return _HEADING_TO_SECTION[s]
    padded = f" {s} "
    for key, words in KEYWORDS.items():
        if any(f" {w} " in padded for w in words):
            return key
    if s in _STATUS or any(f" {w} " in padded for w in _STATUS_WORDS):
        return NOTES
    return None


@_cached
def heading_suggestion(text: str) -> str | None:
    """For an unknown heading that looks like a misspelt known one (`Finacials`), the
    heading it was probably meant to be."""
    import difflib

    close = difflib.get_close_matches(normalise_heading(text), list(_HEADING_TO_SECTION), n=1, cutoff=0.8)
    return close[0].title() if close else None


@_cached
def heading_level(text: str) -> tuple[str, str] | None:
    """(severity, priority) a `###` heading names: `High priority` -> (high, P1),
    `Later` -> (low, P3), `P2` -> (medium, P2); None for any other heading."""
    s = normalise_heading(text)
    s = _LEVEL_FILLERS.sub(" ", s)
    s = " ".join(s.split())
    m = _PRIORITY.fullmatch(s)
    if m:
        priority = f"P{m[1]}"
        return v.PRIORITY_TO_SEVERITY[priority], priority
    return _LEVELS.get(s)
