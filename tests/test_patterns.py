"""The compiled-pattern cache (reports/patterns.py): a pattern built from the cache is the one
`re.compile` makes, a damaged or foreign cache is ignored, and a second run compiles nothing."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
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
    version, entries = marshal.loads(_file(tmp_path).read_bytes())
    assert len(entries) > 50
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


def test_a_second_run_compiles_nothing_and_prints_the_same(tmp_path: Path) -> None:
    first = _preview(tmp_path)
    before = _file(tmp_path).stat()
    second = _preview(tmp_path)
    after = _file(tmp_path).stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert second.stdout == first.stdout


@pytest.mark.parametrize("content", [b"", b"\x00garbage", marshal.dumps(("3.0 other", {("a", 0): (0, [1], 0, {}, ())})),
                                     marshal.dumps((None, [1, 2]))])
def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    _preview(tmp_path)
    good = _preview(tmp_path).stdout
    _file(tmp_path).write_bytes(content)
    assert _preview(tmp_path).stdout == good
    version, entries = marshal.loads(_file(tmp_path).read_bytes())
    assert version == patterns._VERSION and len(entries) > 50


def test_a_damaged_entry_is_compiled_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store = patterns._Store()
    store.entries = {(r"a(b)", 0): (0, [999, 1, 2], 0, {}, (None, None))}
    monkeypatch.setattr(patterns, "_STORE", store)
    made = patterns.compiled(r"a(b)")
    assert made.match("ab") and made.groups == 1
