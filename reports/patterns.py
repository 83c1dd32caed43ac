"""The library's regular expressions, compiled once per machine instead of once per run.

Python compiles a pattern with its parser and compiler, both written in Python: the 114
patterns a preview of the sample uses cost it 61 of its 545 million instructions (callgrind),
about a tenth of its start-up, every run. `compiled` keeps what the compiler produced for each
pattern in one file in the user cache directory and builds the pattern from it on later runs,
as Python keeps a module's bytecode in `__pycache__`. The file is keyed by the interpreter's
exact version and its regular-expression engine's magic number; anything unexpected in it, or
in Python's private compiler interface it relies on, falls back to `re.compile`. Only the
library's own fixed patterns go through here, so the file stays small (tens of kilobytes).

It is a cache: deleting it at any time costs one slower run. `tests/test_patterns.py` holds a
cached pattern to the one `re.compile` makes."""

from __future__ import annotations

import atexit
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any, AnyStr

__all__ = ["compiled", "longest_first"]

_MAX_ENTRIES = 2000

try:  # Python's private compiler interface (3.11 to 3.13): without it, compile as usual.
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _VERSION = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"
except (ImportError, AttributeError):  # pragma: no cover - another Python
    _VERSION = ""


class _Store:
    """What the compiler produced, by (pattern, flags); loaded on first use, saved at exit."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str | bytes, int], tuple[Any, ...]] | None = None
        self.added: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}

    def get(self, key: tuple[str | bytes, int]) -> tuple[Any, ...] | None:
        if self.entries is None:
            self.entries = _load(cache_file())
        return self.entries.get(key)

    def add(self, key: tuple[str | bytes, int], entry: tuple[Any, ...]) -> None:
        if not self.added:
            atexit.register(self.save)
        self.added[key] = entry

    def save(self) -> None:
        path = cache_file()
        if path is None or not self.added:
            return
        entries = {**_load(path), **self.added}
        if len(entries) > _MAX_ENTRIES:
            entries = dict(self.added)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(marshal.dumps((_VERSION, entries)))
            os.replace(temporary, path)
        except (OSError, ValueError):
            pass  # a cache that cannot be written is only slower
        self.added = {}


_STORE = _Store()


def cache_file() -> Path | None:
    """The cache file: `$XDG_CACHE_HOME` or `~/.cache` on Linux, as platformdirs names it
    elsewhere (importing platformdirs costs a preview more than the file saves)."""
    if not _VERSION:
        return None
    name = f"patterns-{sys.implementation.cache_tag}.marshal"
    if sys.platform == "linux":
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / "send-exec-reports" / name
    from platformdirs import user_cache_path

    return user_cache_path("send-exec-reports") / name


def _load(path: Path | None) -> dict[tuple[str | bytes, int], tuple[Any, ...]]:
    try:
        version, entries = marshal.loads(path.read_bytes()) if path else ("", {})
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return entries if version == _VERSION and isinstance(entries, dict) else {}


def compiled(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, from the cache when it holds the pattern."""
    key = (pattern, int(flags))
    entry = _STORE.get(key) if _VERSION else None
    if entry is not None:
        try:
            return _sre.compile(pattern, *entry)  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - a damaged entry: compile it again
            pass
    try:
        entry = _compile(pattern, key[1])
        made: re.Pattern[AnyStr] = _sre.compile(pattern, *entry)
    except Exception:  # noqa: BLE001 - the private interface changed: compile as usual
        return re.compile(pattern, flags)
    _STORE.add(key, entry)
    return made


def _compile(pattern: str | bytes, flags: int) -> tuple[Any, ...]:
    """What `re._compiler.compile` hands the engine: final flags, code, groups, names."""
    parsed = _parser.parse(pattern, flags)
    code = [int(word) for word in _compiler._code(parsed, flags)]
    names = dict(parsed.state.groupdict)
    index: list[str | None] = [None] * parsed.state.groups
    for name, number in names.items():
        index[number] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, names, tuple(index))


def longest_first(word: str) -> tuple[int, str]:
    """Sort key for the words of an alternation: longer first (so `high priority` wins over
    `high`), then alphabetical, so that the pattern is the same text every run (a set's order
    is not) and found in the cache."""
    return -len(word), word
