"""Handoff files: find every `*.md` under a folder, read and hash each one.

Nothing here raises on bad input: a file that cannot be read (too large, not
UTF-8, a FIFO, a link out of the folder) is a warning naming it, and the rest
of the folder is still read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Protocol

from reports.digest import sha256_hex
from reports.model import Src, Warning_

MAX_FILE_BYTES = 5 * 1024 * 1024
Read = tuple[str | None, str, Warning_ | None]  # (text, sha256 of the bytes, why it was skipped)


def display_name(rel: str) -> tuple[str, bool]:
    """A path as it can be shown and printed, and whether it was valid UTF-8 (a name that is
    not is shown with its bytes escaped, so no terminal or encoder chokes on it)."""
    try:
        rel.encode("utf-8")
        return rel, True
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"), False


def handoff_files(folder: Path) -> tuple[list[tuple[Path, str]], list[Warning_]]:
    """(path, shown name) of every regular `*.md` under `folder`, in sorted order, skipping
    hidden entries; what cannot be walked or is not a regular file inside the folder is a
    warning, never a hang (a FIFO) or a read outside the folder (a symbolic link)."""
    root = folder.resolve()
    found: list[tuple[Path, str]] = []
    warnings: list[Warning_] = []

    def shown(path: Path) -> str:
        return display_name(path.relative_to(folder).as_posix() if path != folder else ".")[0]

    def walk_error(exc: OSError) -> None:
        where = shown(Path(exc.filename)) if exc.filename else "."
        warnings.append(Warning_(Src(where, 0), f"cannot read this folder ({exc.strerror or exc}); "
                                 "its files were skipped"))

    for top, dirs, files in os.walk(folder, followlinks=False, onerror=walk_error):
        here = Path(top)
        keep = []
        for d in dirs:
            if d.startswith("."):
                continue
            if (here / d).is_symlink():
                warnings.append(Warning_(Src(shown(here / d), 0), "symbolic link to a folder not followed"))
                continue
            keep.append(d)
        dirs[:] = keep
        for f in files:
            if not f.lower().endswith(".md") or f.startswith("."):
                continue
            problem = _not_readable(here / f, root)
            name, utf8 = display_name((here / f).relative_to(folder).as_posix())
            if problem:
                warnings.append(Warning_(Src(name, 0), problem))
                continue
            if not utf8:
                warnings.append(Warning_(Src(name, 0), "the file name is not valid UTF-8; shown with its "
                                         "bytes escaped"))
            found.append((here / f, name))
    found.sort(key=lambda t: t[1])
    return found, warnings


def _not_readable(path: Path, root: Path) -> str | None:
    """Why a handoff entry is skipped: a link out of the folder, or not a regular file."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            target = path.resolve()
            if not target.is_relative_to(root):
                return "symbolic link to a file outside the handoff folder; not followed"
            st = os.stat(path)
    except (OSError, RuntimeError) as exc:
        return f"cannot read the file ({getattr(exc, 'strerror', None) or exc}); skipped"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a FIFO, device or socket); skipped"
    return None


def decode(data: bytes, rel: str) -> Read:
    """Return (text, sha256 of the bytes, warning) for one handoff's bytes."""
    digest = sha256_hex(data)
    if len(data) > MAX_FILE_BYTES:
        return None, digest, Warning_(Src(rel, 0), "file is over the 5 MB limit; skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, digest, Warning_(Src(rel, line), f"not UTF-8 (byte {exc.start}); file skipped")
    return text.replace("\r\n", "\n").replace("\r", "\n"), digest, None


class Remote(Protocol):
    """Handoffs kept elsewhere (S3): their keys with the names sources show, and their bytes."""

    def files(self) -> tuple[list[tuple[str, str]], list[Warning_]]: ...

    def read(self, key: str, limit: int) -> bytes: ...


def read_object(remote: Remote, key: str, rel: str) -> Read:
    try:
        data = remote.read(key, MAX_FILE_BYTES)
    except Exception as exc:  # an object that cannot be read is a warning, like a file
        return None, "", Warning_(Src(rel, 0), f"cannot read the object {key} ({exc}); skipped")
    return decode(data, rel)


def read_file(path: Path, rel: str) -> Read:
    """Return (text, sha256 of the bytes, warning) for one handoff file."""
    try:
        # Non-blocking, and checked again once open: a FIFO swapped in meanwhile cannot hang us.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None, "", Warning_(Src(rel, 0), "not a regular file; skipped")
            if st.st_size > MAX_FILE_BYTES:
                return None, "", Warning_(Src(rel, 0), f"file is {st.st_size:,} bytes, over the 5 MB limit; "
                                          "skipped")
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, "", Warning_(Src(rel, 0), f"cannot read the file ({exc.strerror or exc}); skipped")
    return decode(data, rel)
