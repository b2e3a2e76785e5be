"""Real Chromium against a real app server: one server per test module, on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    def __init__(self, analysis: Path, data_dirs: list[Path], env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.analysis = analysis
        self.log = analysis.parent / f"server-{self.port}.log"
        full_env = dict(os.environ)
        full_env.update(
            NEWSPRISM_ANALYSIS=str(analysis),
            NEWSPRISM_DATA_DIRS=os.pathsep.join(str(d) for d in data_dirs),
            **(env or {}),
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "dashboard" / "app" / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT / "dashboard" / "serve",
            env=full_env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"app did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("no system Chromium (make test installs Debian's chromium when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def analysis_copy(seed_analysis: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e2e") / "analysis"
    shutil.copytree(seed_analysis, out)
    return out


@pytest.fixture(scope="module")
def server(analysis_copy: Path) -> Iterator[AppServer]:
    srv = AppServer(analysis_copy, [ROOT / "seeds"])
    yield srv
    srv.stop()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def settled_box(page, locator, frames: int = 3, timeout: float = 10.0) -> dict:
    """The locator's box once it has not moved for `frames` animation frames in a row.

    Plotly draws a chart, then draws it again when Streamlit gives it its final width; a box read
    between the two puts a click beside the mark, which no person would do."""
    deadline = time.monotonic() + timeout
    box, same = locator.bounding_box(), 0
    while same < frames:
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
        now = locator.bounding_box()
        same = same + 1 if now is not None and now == box else 0
        box = now
        if time.monotonic() > deadline:
            raise AssertionError(f"the mark kept moving for {timeout} s: {box}")
    assert box is not None
    return box


def click_centre(page, locator) -> None:
    """Plotly's drag layer sits above the marks: click where the mark is, as a person does."""
    locator.scroll_into_view_if_needed()
    box = settled_box(page, locator)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)


# after a click on a mark: the address changed, a run began, or the plot dims the marks it did
# not select (a point selected, whose run has not begun yet)
_SELECTED_JS = """([before, mark]) => {
  if (location.href !== before) return true;
  if (document.querySelector("[data-test-script-state='running']")) return true;
  const plot = mark.isConnected ? mark.closest('.js-plotly-plot') : null;
  return !!plot && [...plot.querySelectorAll('.point, .point path, .points path')].some(
    (p) => parseFloat(getComputedStyle(p).opacity) < 1);
}"""


def select_mark(page, locator, tries: int = 3) -> None:
    """Click a chart's mark as a person does and see the chart take it; click again when it did
    not (Plotly can drop a click that lands while it redraws the chart for its final width, as a
    person would find and do). Fails when no click of `tries` selects anything."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.url
    for _ in range(tries):
        click_centre(page, locator)
        try:
            page.wait_for_function(
                _SELECTED_JS, arg=[before, locator.element_handle()], timeout=10_000
            )
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{tries} clicks on the mark selected nothing")


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script has finished running (no sleeping)."""
    page.wait_for_selector(
        "[data-test-script-state='notRunning']", timeout=timeout, state="attached"
    )
    page.wait_for_function(
        "() => !document.querySelector(\"[data-test-script-state='running']\")", timeout=timeout
    )


def wait_healthy(proc: subprocess.Popen, url: str, timeout: float = 120.0) -> None:
    """Wait until the Streamlit server at url answers its health check; fail if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited ({proc.returncode}) before it served")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the app did not answer at {url}")


def launch(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    """`newsprism app` as a service starts it: no terminal on standard input, output captured."""
    return subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
