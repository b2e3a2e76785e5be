"""The installed wheel is the whole app: built from this checkout, installed in a fresh virtual
environment outside it, `newsprism app` serves every page (pages and Streamlit's config ship
with the package)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .conftest import ROOT, free_port, launch, wait_healthy, wait_idle

PAGES = ["", "articles", "load", "timeline", "entities", "compare", "versus"]
PAGES += ["side-by-side", "translation"]  # "": the Overview, the default page


def _install(tmp: Path) -> Path:
    """A venv with the built wheel only; its dependencies are the project venv's (a .pth)."""
    wheels = tmp / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
        check=True,
    )
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies, not newsprism: the project's own site-packages holds only a link to
    # the checkout, which this venv must not see
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    [wheel] = wheels.glob("newsprism-*.whl")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    return venv


def test_an_installed_wheel_serves_every_page(browser, tmp_path):
    venv = _install(tmp_path)
    outside = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "seeds", outside / "corpus")
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import dashboard; print(dashboard.__file__)"],
        cwd=outside,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(ROOT) not in where and str(tmp_path) in where
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["NEWSPRISM_HOME"] = str(tmp_path / "home")
    proc = launch(
        [str(venv / "bin" / "newsprism"), "app", "corpus", "--port", str(port), "--headless"],
        outside,
        env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url)
        page = browser.new_page()
        for name in PAGES:
            page.goto(f"{url}/{name}")
            wait_idle(page)
            assert page.get_by_test_id("stException").count() == 0, name
            assert "Page not found" not in page.content(), name
            assert page.get_by_test_id("stSidebarNav").count() == 1, name
        page.close()
    finally:
        proc.terminate()
        proc.wait(15)
