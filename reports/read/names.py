"""Which name a handoff gives its entity when front matter names none: its title,
unless the title only names the kind of document, else its file or folder."""

from __future__ import annotations

from pathlib import Path

from reports.read.headings import normalise_heading
from reports.read.vocabulary import LANGUAGES

GENERIC_TITLES = frozenset(w for vocab in LANGUAGES.values() for w in vocab.generic_titles)
_GENERIC_STEMS = frozenset(w for vocab in LANGUAGES.values() for w in vocab.generic_stems)
_GENERIC_WORDS = frozenset(w for vocab in LANGUAGES.values() for w in vocab.generic_words)


def generic_title(title: str) -> bool:
    """True when a title names no more than the document type (`Project Status`)."""
    s = normalise_heading.__wrapped__(title)  # a title is seen once: not worth a place in the cache
    return not s or s in GENERIC_TITLES or all(w in _GENERIC_WORDS for w in s.split())


def name_from_path(path: str) -> str:
    """An entity name from a file path: its stem, or its folder when the stem is generic."""
    p = Path(path)
    stem = p.stem.replace("-", " ").replace("_", " ").strip()
    if stem.lower() in _GENERIC_STEMS or generic_title(stem):
        folder = p.parent.name.replace("-", " ").replace("_", " ").strip()
        if folder:
            return folder
    return stem or path
