"""`newsprism app PATH` (what `make run` calls): a corpus folder is analysed into the work
folder and the dashboard opens on it; a bundle reopens its view."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request

from playwright.sync_api import expect

from .conftest import ROOT, free_port, wait_idle


def _serve(args: list[str], home, timeout: float = 120.0):
    port = free_port()
    env = dict(os.environ, NEWSPRISM_HOME=str(home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "app", *args, "--port", str(port), "--headless"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise AssertionError(proc.stderr.read() if proc.stderr else "app did not start")


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_app_on_a_corpus_folder(browser, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    proc, url = _serve([str(corpus)], tmp_path / "home")
    try:
        page = browser.new_page()
        page.goto(url)
        wait_idle(page)
        metric = (
            page.get_by_test_id("stMetric")
            .filter(has_text="Articles")
            .get_by_test_id("stMetricValue")
        )
        expect(metric).to_have_text("5", timeout=30_000)
        page.close()
        analyses = list((tmp_path / "home" / "analyses").iterdir())
        assert len(analyses) == 1 and (analyses[0] / "manifest.json").is_file()
    finally:
        _stop(proc)
    # stopping `newsprism app` stops the server too (it is not left running on its port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
        except OSError:
            break
        time.sleep(0.3)
    else:
        raise AssertionError(f"the server at {url} still answers after newsprism app stopped")


def test_app_reopens_a_bundle_on_its_view(browser, seed_analysis, tmp_path):
    from dashboard import cli

    bundle = tmp_path / "view.zip"
    assert (
        cli.main(
            ["bundle", str(seed_analysis), "--out", str(bundle), "--lang", "ro", "--lang", "el"]
        )
        == 0
    )
    proc, url = _serve([str(bundle)], tmp_path / "home")
    try:
        page = browser.new_page()
        page.goto(url)
        wait_idle(page)
        metric = (
            page.get_by_test_id("stMetric")
            .filter(has_text="Articles")
            .get_by_test_id("stMetricValue")
        )
        expect(metric).to_have_text("2", timeout=30_000)
        assert "lang=ro" in page.url and "lang=el" in page.url
        page.close()
    finally:
        _stop(proc)


def test_app_on_a_missing_path_is_one_line(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "app", str(tmp_path / "nope"), "--headless"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, NEWSPRISM_HOME=str(tmp_path / "home")),
    )
    assert run.returncode == 2
    assert "nope" in run.stderr and "Traceback" not in run.stderr
