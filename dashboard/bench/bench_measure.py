"""How the benchmark measures a run: peak memory of a process, a function in a fresh child."""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any


def _reset_peak() -> None:
    """Start this process's peak memory afresh: a spawned child inherits its parent's at fork."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM to the current RSS


def peak_mib() -> float:
    """Peak resident memory of this process and its finished children, MiB."""
    status = Path("/proc/self/status")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    if status.is_file():
        hwm = [ln for ln in status.read_text().splitlines() if ln.startswith("VmHWM:")]
        own = int(hwm[0].split()[1]) if hwm else own
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run fn in a fresh spawned process, so its peak memory is measured alone."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_reset_peak) as pool:
        return pool.submit(fn, *args).result()
