"""`newsprism app` as a well-behaved server: started without a terminal it never prompts,
Streamlit's own environment sets its port, it listens on loopback unless told to share, and it
makes no outside request (no external-address lookup) at start."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dashboard import cli

from .conftest import ROOT, free_port, launch, wait_healthy


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                found.add(addr)
    return found


def test_started_without_a_terminal_it_serves_on_loopback_at_streamlits_port(tmp_path):
    port = free_port()
    env = dict(os.environ, NEWSPRISM_HOME=str(tmp_path / "home"), STREAMLIT_SERVER_PORT=str(port))
    env.pop("DISPLAY", None)
    proc = launch([sys.executable, "-m", "dashboard.cli", "app", "seeds"], ROOT, env)
    try:
        # it serves on STREAMLIT_SERVER_PORT; a prompt would have ended it
        wait_healthy(proc, f"http://127.0.0.1:{port}")
        # loopback only: 0100007F is 127.0.0.1; 00000000 would be every interface
        assert _listening(port) == {"0100007F"}
    finally:
        proc.terminate()
        proc.wait(15)
    printed = proc.stdout.read() if proc.stdout else ""
    assert "Email" not in printed and "Welcome to Streamlit" not in printed
    assert "External URL" not in printed and "external IP" not in printed


def _args(**given) -> argparse.Namespace:
    base = {"port": None, "address": None, "headless": False, "browser": False}
    return argparse.Namespace(**{**base, **given})


def test_options_leave_unsaid_what_streamlit_config_and_environment_say():
    assert "--server.port" not in cli.server_options(_args(), {})
    assert cli.server_options(_args(port=9000), {})[2:4] == ["--server.port", "9000"]
    # loopback by default, Streamlit's environment wins, an explicit address wins over both
    assert "127.0.0.1" in cli.server_options(_args(), {})
    assert "--server.address" not in cli.server_options(_args(), {"STREAMLIT_SERVER_ADDRESS": "x"})
    shared = cli.server_options(_args(address="0.0.0.0"), {})
    # sharing names this machine, so Streamlit never asks the internet for its address
    assert "--browser.serverAddress" in shared
    assert cli.server_options(_args(browser=True), {})[-2:] == ["--server.headless", "false"]
    assert "--server.headless" not in cli.server_options(
        _args(), {"STREAMLIT_SERVER_HEADLESS": "1"}
    )
