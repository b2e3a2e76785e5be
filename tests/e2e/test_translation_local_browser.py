"""Translate the seeds offline from the app with local models (a tiny model built here), see the
models section, then read a Serbian article side by side with its local translation."""

from __future__ import annotations

import re
import shutil

import pytest

from dashboard.translate import models
from tests import tiny_model

from .conftest import ROOT, AppServer, wait_idle


@pytest.fixture(scope="module")
def local_server(seed_analysis, tmp_path_factory):
    work = tmp_path_factory.mktemp("local-tr")
    out = work / "analysis"
    shutil.copytree(seed_analysis, out)
    home = work / "models"
    for i, pair in enumerate(("sr-en", "de-en")):
        package = tiny_model.argos_package(
            work / f"{pair}.argosmodel", *pair.split("-"), work / "build", seed=i
        )
        models.add_model(package, home=home)
    srv = AppServer(
        out,
        [ROOT / "seeds"],
        env={
            "NEWSPRISM_TRANSLATOR": "local",
            "NEWSPRISM_MODELS": str(home),
            "NEWSPRISM_CACHE": str(work / "cache.sqlite"),
        },
    )
    yield srv
    srv.stop()


def test_translate_offline_from_the_app_and_read_side_by_side(local_server, page):
    page.goto(f"{local_server.url}/translation")
    wait_idle(page)
    page.get_by_text("Local models", exact=True).wait_for()
    body = page.locator("body").inner_text()
    assert "sr → en" in body and "Romanian: ro → en: no model" in body
    page.get_by_role("button", name="Translate now").click()
    page.get_by_text(re.compile(r"^Done: \d+ requests")).wait_for(timeout=90_000)

    page.goto(f"{local_server.url}/side-by-side?article=000_cb469a2b28302093")
    wait_idle(page)
    frame = page.locator(".np-sbs")
    frame.wait_for()
    originals = page.locator(".np-sbs [id^=o]")
    translations = page.locator(".np-sbs [id^=t]")
    assert originals.count() == translations.count() >= 3
    assert "Lukašenko" in originals.nth(2).inner_text()
    assert "untranslated" not in translations.nth(2).inner_text()
    assert "local sr-en@0.1" in frame.inner_text()  # the model and its version, beside the text
