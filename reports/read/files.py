"""Handoff files: find every `*.md` under a folder, read and hash each one.

Nothing here raises on bad input: a file that cannot be read (too large, not
UTF-8, a FIFO, a link out of the folder) is a warning naming it, and the rest
of the folder is still read.
"""

import os
import stat
from pathlib import Path
from typing import Protocol

from reports.digest import sha256_hex
from reports.model import Src, Warning_

MAX_FILE_BYTES = 5 * 1024 * 1024
# One handoff as read: its text (None when skipped), the sha256 of its bytes ("" when none
# were read), why it was skipped, and its modification time when it is a file.
Read = tuple[str | None, str, Warning_ | None, float | None]


def display_name(rel: str) -> tuple[str, bool]:
    """A path as it can be shown and printed, and whether it was valid UTF-8 (a name that is
    not is shown with its bytes escaped, so no terminal or encoder chokes on it)."""
    try:
        rel.encode("utf-8")
        return rel, True
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"), False


def handoff_files(folder: Path) -> tuple[list[tuple[str, str]], list[Warning_]]:
    """(path, shown name) of every regular `*.md` under `folder`, in sorted order, skipping
    hidden entries; what cannot be walked or is not a regular file inside the folder is a
    warning, never a hang (a FIFO) or a read outside the folder (a symbolic link).

    The walk is os.walk's, top-down and in listing order (so warnings come in its order),
    written over os.scandir so that a regular file costs no system call of its own."""
    walk = _Walk(folder)
    stack = [(os.fspath(folder), "")]
    while stack:
        top, rel = stack.pop()
        subdirs = walk.scan(top, rel)
        stack.extend(reversed(subdirs))
    walk.found.sort(key=lambda t: t[1])
    return walk.found, walk.warnings


class _Walk:
    """What a walk of the handoff folder has found so far, and its warnings."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root: Path | None = None  # the folder resolved, once a symbolic link needs it
        self.found: list[tuple[str, str]] = []
        self.warnings: list[Warning_] = []

    def warn(self, rel: str, message: str) -> None:
        self.warnings.append(Warning_(Src(display_name(rel)[0], 0), message))

    def scan(self, top: str, rel: str) -> list[tuple[str, str]]:
        """Note the handoff files in one folder; return its subfolders to walk, in order."""
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError as exc:
            self.warn(rel.rstrip("/") or ".", f"cannot read this folder ({exc.strerror or exc}); its files were skipped")
            return []
        subdirs: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (subdirs if is_dir else files).append(entry)
        walk_into = []
        for entry in subdirs:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                self.warn(rel + entry.name, "symbolic link to a folder not followed")
                continue
            walk_into.append((entry.path, f"{rel}{entry.name}/"))
        for entry in files:
            name = entry.name
            if name.startswith(".") or not name.lower().endswith(".md"):
                continue
            problem = None if entry.is_file(follow_symlinks=False) else self._not_readable(entry.path)
            shown, utf8 = display_name(rel + name)
            if problem:
                self.warnings.append(Warning_(Src(shown, 0), problem))
                continue
            if not utf8:
                self.warnings.append(Warning_(Src(shown, 0), "the file name is not valid UTF-8; shown with "
                                              "its bytes escaped"))
            self.found.append((entry.path, shown))
        return walk_into

    def _not_readable(self, path: str) -> str | None:
        """Why an entry that is not a plain regular file is skipped (None: a link to one inside)."""
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                self.root = self.root or self.folder.resolve()
                if not Path(path).resolve().is_relative_to(self.root):
                    return "symbolic link to a file outside the handoff folder; not followed"
                st = os.stat(path)
        except (OSError, RuntimeError) as exc:
            return f"cannot read the file ({getattr(exc, 'strerror', None) or exc}); skipped"
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file (a FIFO, device or socket); skipped"
        return None


def decode(data: bytes, rel: str, mtime: float | None = None) -> Read:
    """Return (text, sha256 of the bytes, warning, mtime) for one handoff's bytes."""
    digest = sha256_hex(data)
    if len(data) > MAX_FILE_BYTES:
        return None, digest, Warning_(Src(rel, 0), "file is over the 5 MB limit; skipped"), mtime
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, digest, Warning_(Src(rel, line), f"not UTF-8 (byte {exc.start}); file skipped"), mtime
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, digest, None, mtime


class Remote(Protocol):
    """Handoffs kept elsewhere (S3): their keys with the names sources show, and their bytes."""

    def files(self) -> tuple[list[tuple[str, str]], list[Warning_]]: ...

    def read(self, key: str, limit: int) -> bytes: ...


def read_object(remote: Remote, key: str, rel: str) -> Read:
    try:
        data = remote.read(key, MAX_FILE_BYTES)
    except Exception as exc:  # an object that cannot be read is a warning, like a file
        return None, "", Warning_(Src(rel, 0), f"cannot read the object {key} ({exc}); skipped"), None
    return decode(data, rel)


def read_file(path: str, rel: str) -> Read:
    """Read one handoff file: its text, hash and modification time, or why it was skipped."""
    try:
        # Non-blocking, and checked again once open: a FIFO swapped in meanwhile cannot hang us.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None, "", Warning_(Src(rel, 0), "not a regular file; skipped"), None
            if st.st_size > MAX_FILE_BYTES:
                return None, "", Warning_(Src(rel, 0), f"file is {st.st_size:,} bytes, over the 5 MB "
                                          "limit; skipped"), None
            data = _read_all(fd, st.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        return None, "", Warning_(Src(rel, 0), f"cannot read the file ({exc.strerror or exc}); skipped"), None
    return decode(data, rel, st.st_mtime)


def _read_all(fd: int, size: int) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of an open file: the size it had, and whatever it
    grew by since (read in small steps: os.read allocates what it is asked for)."""
    chunks = [os.read(fd, size + 1)]
    total = len(chunks[0])
    if total <= size:
        return chunks[0]  # a regular file reads short only at its end
    while chunks[-1] and total <= MAX_FILE_BYTES:
        chunks.append(os.read(fd, min(64 * 1024, MAX_FILE_BYTES + 1 - total)))
        total += len(chunks[-1])
    return chunks[0] if len(chunks) == 2 and not chunks[1] else b"".join(chunks)
