"""The cyclic garbage collector paused over work that makes millions of objects and no cycles.

Each collection scans every object the process holds: the mentions step spent a tenth of its
time in them, the cross-article steps about a tenth too. Reference counting still frees what
the work drops; only cycles wait for the collector, which runs again when the work is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off, then as it was. What is alive when the work ends is long-lived (memo
    tables, the language data it loaded): frozen, the collector skips it, where turning it back
    on would first scan all of it (another twentieth of the mentions step). Nested, only the
    outermost pause freezes and turns the collector back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
