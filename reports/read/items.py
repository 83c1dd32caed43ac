"""Risks and actions as people write them: levels, done and empty markers, issue blocks.

The words are each language's table in `vocabulary.py`; the patterns are compiled on
first use, so a run that reads no free-form bullets never pays for them.
"""

from __future__ import annotations

import functools
import re

from reports.patterns import compiled, longest_first
from reports.read import values as v
from reports.read.headings import levels_in
from reports.read.vocabulary import LANGUAGES

_LEVEL_LABEL = compiled(r"^\W*(?:\S*\d\S*|[^\W\d_]+\d*)\s*[:\uff1a]\s*(?=\S)")


@functools.cache
def _done_pattern() -> re.Pattern[str]:
    """Done words of every language, compiled on first use (a line with none skips it)."""
    done = sorted({w for vocab in LANGUAGES.values() for w in vocab.done_words}, key=longest_first)
    cjk = [re.escape(w) for w in done if w[:1] > "\u2e80"]  # no spaces between CJK words: no boundaries
    return compiled(r"\u2705|\u2714|(?<!\w)(?:" + "|".join(re.escape(w) for w in done if w[:1] <= "\u2e80")
                      + r")(?!\w)" + ("|" + "|".join(cjk) if cjk else ""), re.I)


@functools.cache
def _empty_items() -> frozenset[str]:
    return frozenset(w for vocab in LANGUAGES.values() for w in vocab.empty_items)


@functools.cache
def _field_pattern() -> re.Pattern[str]:
    """Issue-block field names of every language (`Impact:`, 影响：), compiled on first use."""
    names = sorted({w for vocab in LANGUAGES.values() for ws in vocab.fields.values() for w in ws},
                   key=longest_first)
    return compiled(r"^\W*(?P<name>" + "|".join(re.escape(w) for w in names) + r")\W*[:\uff1a]\s*(?P<rest>.*)$",
                      re.I | re.S)


@functools.cache
def _roles() -> dict[str, str]:
    return {w.lower(): role for vocab in LANGUAGES.values() for role, ws in vocab.fields.items() for w in ws}


def field(text: str) -> tuple[str, str] | None:
    """(role, value) for an issue-block field such as `Impact: HIGH - ...`; None for other text."""
    m = _field_pattern().match(text)
    return (_roles()[m["name"].lower()], m["rest"].strip()) if m else None


_DIGIT = compiled(r"\d").search
_DONE_PLACE = compiled(r"^\W*$|[\u2014\u2013:(\-]\s*\W*$")
_ASCII_WORDS = compiled(r"[a-z0-9_]+").findall  # \w runs of lower-cased ASCII text


@functools.cache
def _ascii_done_heads() -> frozenset[str]:
    """The first word of each done phrase as ASCII text can spell it (`tamamlandı` matches
    TAMAMLANDI case-insensitively); a phrase no ASCII text can spell is left out."""
    heads = set()
    for phrase in {w for vocab in LANGUAGES.values() for w in vocab.done_words}:
        first = phrase.split()[0].lower()
        spelt = "".join(c if c.isascii() else _ascii_letter(c) for c in first)
        if spelt.isascii():
            heads.add(spelt)
    return frozenset(heads)


def _ascii_letter(char: str) -> str:
    """The ASCII letter a character matches case-insensitively (`ı` → `i`), else the character:
    one search of the alphabet, as the regular-expression engine's case rules have it."""
    found = compiled(re.escape(char), re.I).search("abcdefghijklmnopqrstuvwxyz")
    return found[0] if found else char


def is_done(text: str) -> bool:
    """A done marker anywhere in the line: ✅, `DONE`, `— Fixed`, `(resolved)`, 修正済み, selesai."""
    if text.isascii() and _ascii_done_heads().isdisjoint(_ASCII_WORDS(text.lower())):
        return False  # no done word as a whole word: the pattern cannot match (a third of the cost)
    return _done_by_pattern(text)


def _done_by_pattern(text: str) -> bool:
    for m in _done_pattern().finditer(text):
        before = text[: m.start()]
        word = m[0]
        if not word.isalpha() or word.isupper() or not before.strip() or _DONE_PLACE.search(before):
            return True
        if word[:1] > "\u2e80":  # CJK: no case, no spaces; the word itself says it
            return True
    return False


def is_empty(text: str) -> bool:
    """An item saying there is nothing: `None`, `N/A`, `None recorded at retrofit time.`, 暂无,
    `Mobile app: N/A (out of scope)`."""
    words = text.lower().strip(" .!").split()
    if not words:
        return True  # `...`: says nothing
    s = " ".join(words)
    empty = _empty_items()
    if s in empty:
        return True
    if len(words) <= 7 and not _DIGIT(s) and (
            words[0].strip(",.:") in empty or " ".join(words[:2]).strip(",.:") in empty):
        return True
    label, sep, rest = s.partition(": ")
    return bool(sep) and len(label.split()) <= 3 and rest.split()[0].strip(",.;()") in ("n/a", "none", "nothing")


_PAREN_LEVEL = compiled(r"\s*[(\uff08\u3010\[]([^()\uff08\uff09\u3010\u3011\[\]]{1,30})[)\uff09\u3011\]]")
_PREFIX_LEVEL = compiled(r"^\W*([^\W\d_][\w' -]{0,24}?)\s*[:\uff1a\u2014\u2013-]\s+")
_TRAILING_LEVEL = compiled(r"[\s\u2014\u2013-]+([A-Z\u00c0-\u024f][\w-]{1,14})\W*$")
# `— Prioridad 1, antes del 15`, `— yüksek öncelik`, `— Tinggi, sebelum 1 Desember`: a level after a dash.
_DASH_LEVEL = compiled(r"\s+[\u2014\u2013-]\s+\**(?P<level>[^,\uff0c\u3001;*]{1,30}?)\**\s*(?P<more>[,\uff0c\u3001;].*)?$")
_BARE = {"\u9ad8": "high", "\u4e2d": "medium", "\u4f4e": "low"}  # 高 中 低, alone in a marker: `⚠️ 高:`, `（中）`


def _one_level(words: str) -> str | None:
    """The level a marker holds when it holds one level and nothing else, else None."""
    if words.strip() in _BARE:
        return _BARE[words.strip()]
    found = set(levels_in(words))
    return found.pop() if len(found) == 1 and _only_level(words) else None


def _may_hold(text: str, marks: str) -> bool:
    """False only when an ASCII text has none of `marks`: a pattern that needs one cannot match."""
    if not text.isascii():
        return True
    for mark in marks:  # a loop, not any(): this runs for every item
        if mark in text:
            return True
    return False


@functools.cache
def _p_words() -> tuple[str, ...]:
    """The level words that mean a priority without a digit (MoSCoW's must, should, could)."""
    return tuple(sorted({w for vocab in LANGUAGES.values() for w, level in vocab.levels.items()
                         if level.startswith("P") and " " not in w}))


def _names_a_p(word: str) -> bool:
    """Whether a last word may be a priority word: `Ship billing must` is P1, as ever."""
    low = word.lower()
    for w in _p_words():  # a loop, not any(): every item's last word may come here
        if w in low:
            return True
    return False


def item_level(text: str) -> tuple[str | None, str]:
    """The level written on an item, and its text without it: `(medium)`, `⚠️ High: ...`,
    `... **High**`, `【高】`, `— Prioridad 1`, `(ALTA PRIORIDADE)`; a level word inside a phrase is not one."""
    # Each form's own character tested first: most items have no marker, and the patterns
    # are tried at every position (half the cost of reading a one-line item).
    for m in _PAREN_LEVEL.finditer(text) if _may_hold(text, "([") else ():
        level = _one_level(m[1]) or _one_level(m[0].strip())
        if level:
            return level, " ".join((text[: m.start()] + text[m.end():]).split())
    pre = _PREFIX_LEVEL.match(text) if _may_hold(text, ":-") else None  # (or a non-ASCII mark)
    if pre and _one_level(pre[1]):
        return _one_level(pre[1]), text[pre.end():].strip()
    dash = _DASH_LEVEL.search(text) if _may_hold(text, "-") else None
    if dash and _one_level(dash["level"]):
        more = (dash["more"] or "")[1:].strip()
        return _one_level(dash["level"]), text[: dash.start()].strip() + (f" \u2014 {more}" if more else "")
    end = _TRAILING_LEVEL.search(text)
    if end and _one_level(end[1]):
        return _one_level(end[1]), text[: end.start()].strip()
    last = text.rsplit(None, 1)
    if len(last) == 2 and (_may_hold(last[1], "0123") and not last[1].isdigit() or _names_a_p(last[1])) \
            and (level := _one_level(last[1])) and level.startswith("P"):
        return level, last[0]  # `冬季料金の設定 優先度2`: a priority number ends the item
    return None, text


@functools.cache
def _fillers() -> re.Pattern[str]:
    """The words a level marker may hold besides its level (`priority`, `öncelik`, 優先度), compiled once."""
    words = sorted({w for vocab in LANGUAGES.values() for w in (*vocab.priority_words, *vocab.level_fillers)}
                   | {"prio", "severity"}, key=longest_first)
    return compiled(r"(?i)(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)|\W|\d|_")


def _only_level(words: str) -> bool:
    """True when a marker holds a level and nothing else (`high priority`, `P1`, `Alta`, `orta öncelik`)."""
    rest = _fillers().sub(" ", words.replace("'", "").replace("\u2019", ""))  # won't is one word
    for cjk in ("\u512a\u5148\u5ea6", "\u4f18\u5148\u7ea7", "\uc6b0\uc120\uc21c\uc704"):  # 優先度 优先级 우선순위
        rest = rest.replace(cjk, " ")
    return len(rest.split()) <= 1


def written(level: str | None) -> tuple[str | None, str | None]:
    """(severity, priority) for a level as written; MoSCoW's `wont` has neither."""
    if level is None or level == "wont":
        return None, None
    if level.startswith("P"):
        return v.PRIORITY_TO_SEVERITY[level], level
    return level, v.SEVERITY_TO_PRIORITY[level]


_TITLE_LABEL = compiled(r"^(?:issue|bug|problem|blocker|blocking)\s*[\d\s-]*[:\u2014\u2013-]\s*", re.I)
_TITLE_NUMBER = compiled(r"^[\d.)\s]+")


def block_title(text: str) -> str:
    """A heading or bold lead as an item's text: without numbering, `Issue 2:` or a level aside."""
    s = _TITLE_NUMBER.sub("", text.strip())
    s = _TITLE_LABEL.sub("", s)
    s = _LEVEL_LABEL.sub(lambda m: "" if levels_in(m[0]) else m[0], s)
    level, s = item_level(s)
    return s.strip(" *")


def is_issue_heading(text: str) -> bool:
    """A heading that names one issue: `Issue 3: CORS preflight fails`, `BLOCKER: Tenant isolation`."""
    return bool(_TITLE_LABEL.match(_TITLE_NUMBER.sub("", text.strip())))
