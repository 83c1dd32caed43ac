"""The library's regular expressions, compiled once per machine instead of once per run.

Python compiles a pattern with its parser and compiler, both written in Python: the 114
patterns a preview of the sample uses cost it 61 of its 545 million instructions (callgrind),
about a tenth of its start-up, every run. `compiled` keeps what the compiler produced for each
pattern in one file in the user cache directory and builds the pattern from it on later runs,
as Python keeps a module's bytecode in `__pycache__`, and with the same trust: the file is
read only when it is the user's own, not writable by others, and its checksum holds (a wrong
entry could change what a pattern matches, or crash the engine). The file name and its
contents are keyed by the interpreter's exact build and its engine's magic number; anything
unexpected in it, or in Python's private compiler interface it relies on, falls back to
`re.compile`. Only the library's own fixed patterns go through here (constants and the
vocabulary tables, never handoff text or configuration), so the file stays small.

The standard library and click compile 23 fixed patterns of their own while the command line
imports them (platform, logging, textwrap, locale...): 19 of a preview's 397 million
instructions, 5%. `seeded()`, around those imports, puts the same patterns into `re`'s own
cache from the file, and keeps in the file those they compiled that it did not hold yet. Only
what the imports compiled is kept, never what `re` compiles later in the run.

It is a cache: deleting it at any time costs one slower run. `tests/test_patterns.py` holds a
cached pattern to the one `re.compile` makes, and the file to its guards."""

from __future__ import annotations

import atexit
import binascii
import contextlib
import marshal
import os
import re
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any, AnyStr

__all__ = ["compiled", "longest_first", "seeded"]

_MAX_BYTES = 1 << 20  # past this (a pattern built from changing text?), keep only this run's patterns

try:  # Python's private compiler interface (3.11 to 3.13): without it, compile as usual.
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _VERSION = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|3"  # |2: code as bytes; |3: seeds
    if array("I").itemsize != _sre.CODESIZE:  # pragma: no cover - the code is kept as 'I' words
        _VERSION = ""
except (ImportError, AttributeError):  # pragma: no cover - another Python
    _VERSION = ""

Key = tuple[str | bytes, int]
Entries = dict[Key, tuple[Any, ...]]


class _Store:
    """What the compiler produced, by (pattern, flags), for the library's patterns (`entries`)
    and for those other modules compile on import (`seeds`): loaded on first use, saved at exit
    when the run compiled something new; and the patterns built in this process."""

    def __init__(self) -> None:
        self.entries: Entries | None = None
        self.seeds: Entries = {}
        self.added: Entries = {}
        self.new_seeds: set[Key] = set()
        self.planted: set[Key] = set()  # the seeds put into re's cache in this process
        self.made: dict[Key, re.Pattern[Any]] = {}

    def load(self) -> Entries:
        if self.entries is None:
            self.entries, self.seeds = _load(cache_file())
        return self.entries

    def add(self, key: Key, entry: tuple[Any, ...]) -> None:
        self._save_at_exit()
        self.added[key] = entry

    def seen(self, keys: set[Key]) -> None:
        """Keep these patterns, compiled on import by other modules, as seeds (compiled again at
        exit: only on a run that found them missing from the file)."""
        if keys:
            self._save_at_exit()
            self.new_seeds |= keys

    def _save_at_exit(self) -> None:
        if not self.added and not self.new_seeds:
            atexit.register(self.save)

    def save(self) -> None:
        path, added, self.added = cache_file(), self.added, {}
        seeds = {key: entry for key in self.new_seeds if (entry := _compiled_or_none(key))}
        if path is None or not (added or seeds):
            return
        entries, old_seeds = _load(path)
        data = _dump({**entries, **added}, {**old_seeds, **seeds})
        if len(data) > _MAX_BYTES:
            data = _dump({key: entry for key, entry in {**(self.entries or {}), **added}.items()
                          if key in self.made}, {**{key: self.seeds[key] for key in self.planted}, **seeds})
        import tempfile  # only when something new was compiled: it costs a preview 2 ms to import

        temporary = None
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
            temporary = None
        except (OSError, ValueError):
            pass  # a cache that cannot be written only costs the next run its compiling
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


_STORE = _Store()


def cache_file() -> Path | None:
    """The cache file, one per interpreter build: under `$XDG_CACHE_HOME` when it is set to an
    absolute path, else `~/.cache` on Linux and platformdirs' user cache directory elsewhere
    (importing platformdirs costs a preview more than the file saves). None when there is no
    absolute place for it (no home: the file would land in the current folder)."""
    if not _VERSION:
        return None
    name = f"patterns-{sys.implementation.cache_tag}-{binascii.crc32(_VERSION.encode()):08x}.marshal"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not os.path.isabs(base):
        if sys.platform != "linux":
            from platformdirs import user_cache_path

            return user_cache_path("send-exec-reports") / name
        base = os.path.expanduser("~/.cache")
    return Path(base) / "send-exec-reports" / name if os.path.isabs(base) else None


def _dump(entries: Entries, seeds: Entries) -> bytes:
    """The file's bytes, the same for the same patterns whatever order a run compiled them in."""
    entries, seeds = (dict(sorted(part.items(), key=lambda item: repr(item[0]))) for part in (entries, seeds))
    payload = marshal.dumps((_VERSION, entries, seeds))
    return binascii.crc32(payload).to_bytes(4, "big") + payload


def _load(path: Path | None) -> tuple[Entries, Entries]:
    """The file's entries, or none when it is missing, damaged (its checksum), from another
    interpreter, or not the user's own and private (a pattern from it is trusted as Python
    trusts its `__pycache__`: one wrong entry can change what a pattern matches)."""
    try:
        if path is None:
            return {}, {}
        with open(path, "rb") as handle:
            facts = os.fstat(handle.fileno())
            if hasattr(os, "getuid") and (facts.st_uid != os.getuid() or facts.st_mode & 0o022):
                return {}, {}
            data = handle.read()
        if binascii.crc32(data[4:]).to_bytes(4, "big") != data[:4]:
            return {}, {}
        version, entries, seeds = marshal.loads(data[4:])
    except (OSError, EOFError, ValueError, TypeError):
        return {}, {}
    if version != _VERSION or not isinstance(entries, dict) or not isinstance(seeds, dict):
        return {}, {}
    return entries, seeds


def compiled(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, from the cache when it holds the pattern."""
    key = (pattern, int(flags))
    made: re.Pattern[AnyStr] | None = _STORE.made.get(key)
    if made is not None:
        return made
    entry = _STORE.load().get(key) if _VERSION else None
    if entry is not None:
        with contextlib.suppress(Exception):  # a damaged entry: compile it again
            made = _built(pattern, entry)
    if made is None:
        try:
            entry = _compile(pattern, key[1])
            made = _built(pattern, entry)
            _STORE.add(key, entry)
        except Exception:  # noqa: BLE001 - the private interface changed: compile as usual
            made = re.compile(pattern, flags)
    _STORE.made[key] = made
    return made


def _built(pattern: AnyStr, entry: tuple[Any, ...]) -> re.Pattern[AnyStr]:
    flags, code, groups, names, index = entry
    return _sre.compile(pattern, flags, array("I", code).tolist(), groups, names, index)  # type: ignore[no-any-return]


def _compiled_or_none(key: Key) -> tuple[Any, ...] | None:
    try:
        return _compile(*key)
    except Exception:  # noqa: BLE001 - the private interface changed: keep nothing
        return None


def _compile(pattern: str | bytes, flags: int) -> tuple[Any, ...]:
    """What `re._compiler.compile` hands the engine: final flags, code, groups, names."""
    parsed = _parser.parse(pattern, flags)
    code = array("I", _compiler._code(parsed, flags)).tobytes()  # bytes load 10x faster than a list
    names = dict(parsed.state.groupdict)
    index: list[str | None] = [None] * parsed.state.groups
    for name, number in names.items():
        index[number] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, names, tuple(index))


@contextlib.contextmanager
def seeded() -> Iterator[None]:
    """Around imports: the patterns they compile through `re` come from the cache file, and
    the ones it lacks are added to it at exit."""
    cache = getattr(re, "_cache", None)  # re's own cache, by (type, pattern, flags), 3.11 to 3.13
    if not _VERSION or not isinstance(cache, dict):
        yield
        return
    _STORE.load()
    for seed, entry in _STORE.seeds.items():
        with contextlib.suppress(Exception):  # a damaged entry: re compiles it again
            pattern, flags = seed
            if (type(pattern), pattern, flags) not in cache:
                cache[type(pattern), pattern, flags] = _built(pattern, entry)
                _STORE.planted.add(seed)
    before = set(cache)
    try:
        yield
    finally:
        _STORE.seen({(key[1], key[2]) for key in set(cache) - before if type(key) is tuple and len(key) == 3
                     and key[0] in (str, bytes) and type(key[2]) is int and not key[2] & re.DEBUG})


def longest_first(word: str) -> tuple[int, str]:
    """Sort key for the words of an alternation: longer first (so `high priority` wins over
    `high`), then alphabetical, so that the pattern is the same text every run (a set's order
    is not) and found in the cache."""
    return -len(word), word
