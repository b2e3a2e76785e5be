"""Translate the seeds from the app through a loopback LibreTranslate server, then read them
side by side; with the server down, one plain banner says translation is unavailable."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT, AppServer, free_port, wait_idle


@pytest.fixture(scope="module")
def translator():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "libretranslate_server.py"), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert "listening" in (proc.stdout.readline() if proc.stdout else "")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def tr_server(seed_analysis, tmp_path_factory, translator):
    out = tmp_path_factory.mktemp("tr") / "analysis"
    shutil.copytree(seed_analysis, out)
    srv = AppServer(
        out,
        [ROOT / "seeds"],
        env={
            "NEWSPRISM_TRANSLATOR": "libretranslate",
            "NEWSPRISM_TRANSLATOR_URL": translator,
            "NEWSPRISM_CACHE": str(out.parent / "cache.sqlite"),
        },
    )
    yield srv
    srv.stop()


def test_translate_from_the_app_and_read_side_by_side(tr_server, page):
    page.goto(f"{tr_server.url}/translation")
    wait_idle(page)
    page.get_by_role("button", name="Translate now").click()
    page.get_by_text(re.compile(r"^Done: \d+ requests")).wait_for(timeout=90_000)

    page.goto(f"{tr_server.url}/side-by-side?article=001_25734770e2e1359a")
    wait_idle(page)
    frame = page.locator(".np-sbs")
    frame.wait_for()
    originals = page.locator(".np-sbs [id^=o]")
    translations = page.locator(".np-sbs [id^=t]")
    assert originals.count() == translations.count() >= 10
    assert "Lukashenko" in originals.nth(2).inner_text()
    assert "untranslated" not in translations.nth(2).inner_text()
    assert translations.nth(2).inner_text().strip() != originals.nth(2).inner_text().strip()


def test_offline_banner_when_the_provider_is_down(seed_analysis, tmp_path, browser):
    out = tmp_path / "analysis"
    shutil.copytree(seed_analysis, out)
    dead = f"http://127.0.0.1:{free_port()}"
    srv = AppServer(
        out,
        [],
        env={
            "NEWSPRISM_TRANSLATOR": "libretranslate",
            "NEWSPRISM_TRANSLATOR_URL": dead,
            "NEWSPRISM_CACHE": str(tmp_path / "cache.sqlite"),
        },
    )
    try:
        page = browser.new_page()
        page.goto(f"{srv.url}/translation")
        wait_idle(page)
        page.get_by_role("button", name="Translate now").click()
        wait_idle(page)
        banner = page.get_by_text(re.compile("Translation is unavailable"))
        banner.wait_for(timeout=30_000)
        assert banner.count() == 1
        # everything else still works on the originals
        page.goto(f"{srv.url}/side-by-side?article=000_cb469a2b28302093")
        wait_idle(page)
        assert "Lukašenko" in page.locator(".np-sbs").inner_text()
        page.close()
    finally:
        srv.stop()
