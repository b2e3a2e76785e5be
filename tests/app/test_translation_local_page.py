"""The Translation page with local models: the models section lists what is installed (languages,
size, source) and how each language of the analysis would go, Translate now runs the tiny model
offline, and the doubtful translations are counted."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from dashboard.store.store import Analysis
from dashboard.translate import models
from tests import tiny_model

from .conftest import open_page


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """sr->en and de->en tiny models in a store of their own, and a fresh translation cache."""
    home = tmp_path / "models"
    monkeypatch.setenv(models.ENV_MODELS, str(home))
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("NEWSPRISM_TRANSLATOR", "local")
    for i, pair in enumerate(("sr-en", "de-en")):
        package = tiny_model.argos_package(
            tmp_path / f"{pair}.argosmodel", *pair.split("-"), tmp_path / "build", seed=i
        )
        models.add_model(package)
    return home


def test_models_section_and_translate_offline(analysis: Path, installed: Path) -> None:
    at = open_page("translate.py")
    assert not at.exception
    assert "Local models" in [h.value for h in at.subheader]
    (table,) = at.dataframe
    shown = table.value
    assert list(shown["model"]) == ["de-en", "sr-en"]
    assert list(shown["source"]) == ["de-en.argosmodel", "sr-en.argosmodel"]
    assert (shown["size (MB)"] >= 0).all() and "languages" in shown.columns
    captions = " ".join(c.value for c in at.caption)
    assert "Serbian: sr → en" in captions and "ro → en: no model" in captions

    at.button[0].click().run()
    deadline = time.monotonic() + 120
    while not any("Done:" in s.value for s in at.success):
        assert time.monotonic() < deadline, "translation did not finish"
        assert not at.error, [e.value for e in at.error]
        time.sleep(0.3)
        at.run()
    paragraphs = Analysis.open(analysis).frame("paragraphs")
    local = paragraphs.filter(pl.col("translator").is_not_null())
    assert local.height > 0
    assert set(local["translator"]) == {"local sr-en@0.1", "local de-en@0.1"}
    # the tiny model writes nonsense: its translations are flagged, and the page counts them
    at = open_page("translate.py")
    captions = " ".join(c.value for c in at.caption)
    assert "translated paragraphs are flagged as doubtful" in captions
