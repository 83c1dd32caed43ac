"""The garbage collector's policy, in one place: off while the CLI imports, while reading and
rendering, and for the short life of a console-script process; frozen at exit."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Reading and rendering build large acyclic structures: the cyclic collector's
    passes over them are pure overhead (10-15% at 10,000 entities)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """The collector off while a block runs, then on again as it was, with what the block made
    frozen: the CLI's imports make tens of thousands of long-lived objects (click, the model's
    classes, the patterns), and the collections over them, during the imports and the first
    one after, cost a preview 18 of its 405 million instructions (callgrind). An importer of
    the CLI (a test) keeps its collector for everything made later."""
    with no_cyclic_gc():
        try:
            yield
        finally:
            gc.freeze()  # before the collector is back on


def console_process(command: Callable[[], object]) -> None:
    """Run the console script's one command with the collector off, and freeze what is left
    before the interpreter exits.

    A console process lives for one command. Its collections pass over tens of thousands of
    objects built at start-up (click, the model's tuples, compiled patterns): about 4 ms of an
    85 ms preview (farm-bench, 31 pairs); its cyclic garbage is small and ends with the
    process. At exit Python runs full collections over every live object (about 8 ms);
    frozen ones are skipped. Every file the run wrote is closed and fsynced by then."""
    gc.disable()
    try:
        command()
    finally:
        gc.freeze()
