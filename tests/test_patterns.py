"""The compiled-pattern cache (reports/patterns.py): a pattern built from the cache is the one
`re.compile` makes, a damaged or foreign cache is ignored, and a second run compiles nothing."""

from __future__ import annotations

import binascii
import marshal
import os
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from reports import patterns
from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
PREVIEW = [sys.executable, str(ROOT / "send_exec_reports.py"), "--dry-run", "-q", "--as-of", "2026-11-15",
           "--handoffs", str(SAMPLE)]


def _preview(cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(PREVIEW, capture_output=True, text=True, env=env, cwd=ROOT, check=True)


def _file(cache: Path) -> Path:
    files = list((cache / "send-exec-reports").glob("patterns-*.marshal"))
    assert len(files) == 1
    return files[0]


def test_every_cached_pattern_finds_what_re_compile_finds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _preview(tmp_path)
    version, entries, seeds = marshal.loads(_file(tmp_path).read_bytes()[4:])
    assert len(entries) > 50 and len(seeds) > 10
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store = patterns._Store()
    monkeypatch.setattr(patterns, "_STORE", store)
    lines = [line for path in sorted(SAMPLE.rglob("*.md")) for line in path.read_text().splitlines()]
    lines += ["Priorität: hoch", "P1 — due 2026-12-05", "€1.200,50", "12 月 5 日", "", "x" * 300]
    for source, flags in entries:
        cached, fresh = patterns.compiled(source, flags), re.compile(source, flags)
        texts = [t.encode() for t in lines] if isinstance(source, bytes) else lines
        assert (cached.pattern, cached.flags, cached.groups, cached.groupindex) == (
            fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex), source
        for line in texts:
            assert [(m.span(), m.groups()) for m in cached.finditer(line)] == [
                (m.span(), m.groups()) for m in fresh.finditer(line)], (source, line)
    assert store.added == {}  # every one was built from the cache
    for (source, flags), entry in seeds.items():
        assert _same(patterns._built(source, entry), re._compiler.compile(source, flags)), source  # type: ignore[attr-defined]


def _same(built: re.Pattern[typing.Any], fresh: re.Pattern[typing.Any]) -> bool:
    """== compares the text, flags and the engine's code, not the groups' names."""
    return built == fresh and (built.groups, built.groupindex) == (fresh.groups, fresh.groupindex)


_SEEDED = """
import re
from reports import patterns
with patterns.seeded():
    pass
for pattern, flags in patterns._STORE.planted:
    built, fresh = re._cache[type(pattern), pattern, flags], re._compiler.compile(pattern, flags)
    assert built == fresh and (built.groups, built.groupindex) == (fresh.groups, fresh.groupindex), pattern
print(len(patterns._STORE.planted))
"""


def test_what_seeding_puts_into_res_cache_is_what_re_compiles(tmp_path: Path) -> None:
    _preview(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    checked = subprocess.run([sys.executable, "-c", _SEEDED], capture_output=True, text=True, env=env, cwd=ROOT)
    assert checked.returncode == 0, checked.stderr
    assert int(checked.stdout) > 10


def test_a_seed_of_the_wrong_shape_is_passed_over(tmp_path: Path) -> None:
    _preview(tmp_path)
    good = _preview(tmp_path).stdout
    _, entries, seeds = marshal.loads(_file(tmp_path).read_bytes()[4:])
    _file(tmp_path).write_bytes(_signed((patterns._VERSION, entries, {"abc": 1, **seeds, (b"x", "y"): None})))
    assert _preview(tmp_path).stdout == good


_COUNTED = """
import sys
import reports  # before the seeding: pathlib, and urllib.parse's one pattern (0.2 ms)
from re import _parser
parse, counted = _parser.parse, []
_parser.parse = lambda *args: counted.append(args[0]) or parse(*args)
import send_exec_reports
print(len(counted))
"""


def test_on_a_warm_cache_the_cli_imports_without_compiling_a_pattern(tmp_path: Path) -> None:
    """The library's patterns and those the standard library and click compile on import,
    from `reports.collector` on (the package itself imports pathlib first: with an editable
    install, the install's finder already has)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    imports = [sys.executable, "-c", _COUNTED]
    cold = subprocess.run(imports, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    _preview(tmp_path)
    warm = subprocess.run(imports, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert int(cold.stdout) > 20  # the 23 of the standard library and click, and ours
    assert int(warm.stdout) == 0


def test_a_second_run_compiles_nothing_and_prints_the_same(tmp_path: Path) -> None:
    first = _preview(tmp_path)
    before = _file(tmp_path).stat()
    second = _preview(tmp_path)
    after = _file(tmp_path).stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert second.stdout == first.stdout


def _signed(value: typing.Any) -> bytes:
    payload = marshal.dumps(value)
    return binascii.crc32(payload).to_bytes(4, "big") + payload


@pytest.mark.parametrize("damage", ["empty", "garbage", "flipped", "foreign", "not a dict", "group-writable"])
def test_a_damaged_foreign_or_open_cache_is_ignored_and_replaced(tmp_path: Path, damage: str) -> None:
    _preview(tmp_path)
    good = _preview(tmp_path).stdout
    path = _file(tmp_path)
    data = path.read_bytes()
    damaged = {
        "empty": b"", "garbage": b"\x00garbage",
        "flipped": data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],  # one bit of one entry
        "foreign": _signed(("3.0 other", marshal.loads(data[4:])[1])),
        "not a dict": _signed((patterns._VERSION, [1, 2])),
        "group-writable": data}[damage]
    path.write_bytes(damaged)
    if damage == "group-writable":
        path.chmod(0o664)
    assert _preview(tmp_path).stdout == good
    assert _file(tmp_path).read_bytes() != damaged or damage == "group-writable"
    version, entries, seeds = marshal.loads(_file(tmp_path).read_bytes()[4:])
    assert version == patterns._VERSION and len(entries) > 50 and len(seeds) > 10
    assert _file(tmp_path).stat().st_mode & 0o077 == 0


def test_the_same_patterns_under_any_hash_seed(tmp_path: Path) -> None:
    """A pattern built from a set must not change text with the seed: it would never be
    found, and the file would grow on every run."""
    corpus = ROOT / "tests" / "corpus"
    runs = []
    for seed in ("1", "2"):  # each into a cache of its own: the same file, byte for byte
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / seed), "PYTHONHASHSEED": seed}
        subprocess.run([*PREVIEW[:-1], str(corpus)], capture_output=True, env=env, cwd=ROOT, check=True)
        runs.append(_file(tmp_path / seed).read_bytes())
    assert runs[0] == runs[1]


def test_a_cache_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "send-exec-reports"
    _preview(tmp_path)
    target = _file(tmp_path)
    target.unlink()
    target.mkdir()  # os.replace onto a folder fails
    _preview(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [target.name]


def test_a_relative_cache_home_is_not_the_current_folder(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": "relative", "HOME": str(tmp_path / "home")}
    subprocess.run(PREVIEW, capture_output=True, env=env, cwd=tmp_path, check=True)
    assert not (tmp_path / "relative").exists()
    assert _file(tmp_path / "home" / ".cache")


def test_a_damaged_entry_is_compiled_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store = patterns._Store()
    store.entries = {(r"a(b)", 0): (0, [999, 1, 2], 0, {}, (None, None))}
    monkeypatch.setattr(patterns, "_STORE", store)
    made = patterns.compiled(r"a(b)")
    assert made.match("ab") and made.groups == 1


def test_seeding_keeps_only_what_re_compiled_inside_and_minds_its_cache_shape(monkeypatch: pytest.MonkeyPatch,
                                                                              tmp_path: Path) -> None:
    """A pattern compiled before or after the imports is not kept, nor a key of another shape (a
    later Python's cache), nor a DEBUG compile."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store = patterns._Store()
    monkeypatch.setattr(patterns, "_STORE", store)
    monkeypatch.setattr(re, "_cache", {(str, "before", 0): re._compiler.compile("before")})  # type: ignore[attr-defined]
    with patterns.seeded():
        re.compile("inside[0-9]+", re.IGNORECASE)
        re._cache[(str, "another shape")] = None  # type: ignore[attr-defined]
        re._cache[(str, "debug", int(re.DEBUG))] = None  # type: ignore[attr-defined]
    re.compile("after")
    assert store.new_seeds == {("inside[0-9]+", int(re.IGNORECASE))}
