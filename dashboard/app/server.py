"""The server's life: a told-to-stop Streamlit server (SIGTERM, Ctrl-C) leaves within seconds,
even with a run waiting on a translation provider."""

from __future__ import annotations

import threading
from pathlib import Path

STOP_GRACE = 3.0  # seconds a told-to-stop server gives runs in flight before it leaves


_stopper = threading.Lock()


def stop_when_told(entry: str, grace: float = STOP_GRACE) -> None:
    """Once per server process: when Streamlit is told to stop (SIGTERM from a service manager,
    Ctrl-C's SIGINT), leave within `grace` seconds even if a page's run is still waiting on a
    translation provider that does not answer (its thread would hold the exit for as long as
    the provider's timeout). Abandoning a run is safe: writes are atomic (dashboard/atomic.py),
    an interrupted one leaves the previous analysis intact. `entry`: app.py's path."""
    import sys

    from streamlit.runtime import Runtime

    # only a server `streamlit run` started on app.py (it sets sys.argv[0] to the script),
    # never AppTest inside a test process
    served = bool(sys.argv) and Path(sys.argv[0]).resolve() == Path(entry).resolve()
    if not served or not Runtime.exists() or not _stopper.acquire(blocking=False):
        return
    runtime = Runtime.instance()
    threading.Thread(target=_leave_when_stopped, args=(runtime, grace), daemon=True).start()


def _leave_when_stopped(runtime: object, grace: float) -> None:
    import os
    import sys
    import time

    from streamlit.runtime.runtime import RuntimeState

    stopping = (RuntimeState.STOPPING, RuntimeState.STOPPED)
    while getattr(runtime, "state", None) not in stopping:
        time.sleep(0.2)
    # a clean exit within the grace ends this daemon thread with the process
    time.sleep(grace)
    print("newsprism: stopped; a run still in progress was abandoned", file=sys.stderr, flush=True)
    os._exit(0)
