"""SHA-256 in hex, without loading OpenSSL for the small inputs a preview hashes.

`import hashlib` initialises OpenSSL, about 3 ms: a twentieth of a preview's
start-up. CPython's own SHA-256 (the module hashlib falls back to) is quick
to import but about four times slower per byte, so it takes the small inputs
and OpenSSL the large ones. Both give the same digest; a test holds them to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LARGE = 64 * 1024


def _builtin() -> Callable[[bytes], Any] | None:
    for name in ("_sha2", "_sha256"):  # 3.12+, 3.11
        try:
            module = __import__(name)
        except ImportError:
            continue
        return getattr(module, "sha256", None)
    return None


_small = _builtin()


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, as 64 hex digits."""
    if _small is not None and len(data) < LARGE:
        return str(_small(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()
