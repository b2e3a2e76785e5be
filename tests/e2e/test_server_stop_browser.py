"""`newsprism app` stops when told (issue 25): SIGTERM from a service manager or Ctrl-C's SIGINT
ends the real server process while a translation waits on a provider that never answers, and
the analysis it was serving stays readable."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dashboard.store.store import Analysis

from .conftest import ROOT, free_port, launch, wait_healthy, wait_idle

# a container runtime sends SIGKILL 10 s after SIGTERM; the provider below would hold a run for
# its whole timeout (about 16 s): stopping within this bound is stopping when told
STOP_BOUND = 8


class _Stalling(BaseHTTPRequestHandler):
    """LibreTranslate that lists its languages (so the app finds it reachable) and then never
    answers a translation."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = json.dumps([{"code": c, "name": c, "targets": ["en"]} for c in LANGS]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        STALL.wait()  # released when the test ends

    def log_message(self, *args: object) -> None:
        pass


LANGS = ("en", "sr", "ro", "el", "de", "tr")
STALL = threading.Event()


@pytest.fixture
def silent_provider() -> Iterator[str]:
    """A translation server that is reachable and never answers a translation."""
    STALL.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stalling)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    STALL.set()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_server_stops_during_a_translation_in_flight(
    sig, silent_provider, seed_analysis, tmp_path, browser
):
    analysis = tmp_path / "analysis"
    shutil.copytree(seed_analysis, analysis)
    port = free_port()
    env = dict(
        os.environ,
        NEWSPRISM_HOME=str(tmp_path / "home"),
        NEWSPRISM_TRANSLATOR="libretranslate",
        NEWSPRISM_TRANSLATOR_URL=silent_provider,
        NEWSPRISM_CACHE=str(tmp_path / "cache.sqlite"),
    )
    cmd = [sys.executable, "-m", "dashboard.cli", "app", str(analysis), "--port", str(port)]
    proc = launch([*cmd, "--headless"], ROOT, env)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}")
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/translation")
        wait_idle(page)
        page.get_by_role("button", name="Translate now").click()
        # the job is now waiting on the provider
        page.get_by_text(re.compile(r"\d+ / \d+ done")).wait_for(timeout=30_000)
        proc.send_signal(sig)
        try:
            code = proc.wait(STOP_BOUND)
        except subprocess.TimeoutExpired:
            pytest.fail(f"newsprism app still running {STOP_BOUND} s after {sig.name}")
        context.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert code in (0, -sig, 128 + sig)
    # the analysis it served is intact
    assert Analysis.open(analysis).frame("articles").height == 5
