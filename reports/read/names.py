"""Which name a handoff gives its entity when front matter names none: its title without
the words that name the kind of document (and emoji), else its file or folder."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from reports.patterns import compiled, longest_first
from reports.read.headings import normalise_heading
from reports.read.vocabulary import LANGUAGES

GENERIC_TITLES = frozenset(w for vocab in LANGUAGES.values() for w in vocab.generic_titles)
_GENERIC_STEMS = frozenset(w for vocab in LANGUAGES.values() for w in vocab.generic_stems)
_GENERIC_WORDS = frozenset(w for vocab in LANGUAGES.values() for w in vocab.generic_words)
_SEPARATORS = " \t-\u2013\u2014:|\u00b7\u30fb/,.()[]"


@functools.cache
def _doc_type() -> re.Pattern[str]:
    """Doc-type phrases of every language at either end of a title, longest first."""
    words = sorted(GENERIC_TITLES, key=longest_first)
    alt = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]+").replace(r"\-", r"[\s_-]*") for w in words)
    return compiled(rf"^(?:{alt})(?![^\W\d_])|(?<![^\W\d_])(?:{alt})$", re.I)


_ASCII_SYMBOLS = str.maketrans("", "", "".join(
    chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c).isspace() or chr(c) in _SEPARATORS + "&'+")))


def _symbols(title: str) -> str:
    """A title without emoji and other symbols (letters, digits, spaces and separators stay)."""
    if title.isascii():  # most titles: one C-level pass instead of a test per character
        return title.translate(_ASCII_SYMBOLS)
    return "".join(c for c in title if c.isalnum() or c.isspace() or c in _SEPARATORS or c in "&'+")


@functools.cache
def _doc_type_words() -> frozenset[str]:
    """Every run of letters in every doc-type phrase, hyphenated words also joined (`hand-off`:
    hand, off, handoff): a title's letter runs are checked against these."""
    words: set[str] = set()
    for phrase in GENERIC_TITLES:
        for word in phrase.lower().split():
            words.update(w for w in _NOT_LETTERS.split(word) if w)
            words.add(_NOT_LETTERS.sub("", word))  # `hand-off` is also written `handoff`
    words.discard("")
    return frozenset(words)


_NOT_LETTERS = compiled(r"[^a-z]+")


def _may_name_doc_type(s: str) -> bool:
    """False when an ASCII title has no word of any doc-type phrase: the pattern cannot match."""
    if not s.isascii():
        return True  # CJK and other scripts write without spaces: let the pattern decide
    return not _doc_type_words().isdisjoint(_NOT_LETTERS.split(s.lower()))  # the pattern's word ends


def clean_title(title: str) -> str:
    """A title without emoji and doc-type words at either end (`🚀 Acme Session Handoff` -> `Acme`,
    `Status do Projeto — Feirinha` -> `Feirinha`); "" when nothing but the document type is left."""
    s = _symbols(title).strip(_SEPARATORS)
    while s and _may_name_doc_type(s):
        cut = _doc_type().sub("", s, count=1).strip(_SEPARATORS)
        if cut == s:
            break
        s = cut
    return "" if generic_title(s) else s


_WORDISH = compiled(r"[\w&']+")


def generic_title(title: str) -> bool:
    """True when a title names no more than the document type (`Project Status`, `Week 4 Handover`)."""
    if title.isascii() and not ("(" in title or "[" in title or ":" in title or "-" in title):
        known = _doc_type_words()
        for w in _WORDISH.findall(title.lower()):  # a loop, not any(): every file's title comes here
            if w.isalpha() and w not in _GENERIC_WORDS and w not in known:
                return False  # a word no document type uses, which normalising keeps: the title names something
    s = normalise_heading.__wrapped__(title)  # a title is seen once: not worth a place in the cache
    return not s or s in GENERIC_TITLES or all(w in _GENERIC_WORDS or w.isdigit() for w in s.split())


def name_from_path(path: str) -> str:
    """An entity name from a file path, title-cased: its stem, or its folder when the stem is generic
    (`acme/HANDOVER_NOTES.md` -> `Acme`, `clients/pinecone-analytics.md` -> `Pinecone Analytics`)."""
    p = Path(path)
    stem = p.stem.replace("-", " ").replace("_", " ").strip()
    if stem.lower() in _GENERIC_STEMS or generic_title(stem) or not clean_title(stem):
        folder = p.parent.name.replace("-", " ").replace("_", " ").strip()
        if folder:
            return _title_case(folder)
    return _title_case(stem) if stem else path


def _title_case(name: str) -> str:
    """Each word's first letter upper case, the rest as written (`kasirKita` keeps its K)."""
    return " ".join(w[:1].upper() + w[1:] for w in name.split())
