"""Translate the seeds from the Translation page through a loopback LibreTranslate server, then
read them side by side; and the plain banner when the provider is down."""

from __future__ import annotations

import time

import polars as pl

from dashboard.store.store import Analysis
from tests.libretranslate_server import run_server

from .conftest import open_page


def _wait_done(at, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        if any("Done:" in s.value for s in at.success):
            return at
        assert not at.error, [e.value for e in at.error]
        time.sleep(0.3)
    raise AssertionError("translation did not finish")


def test_translate_now_then_side_by_side(analysis, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "cache.sqlite"))
    with run_server() as server:
        monkeypatch.setenv("NEWSPRISM_TRANSLATOR", "libretranslate")
        monkeypatch.setenv("NEWSPRISM_TRANSLATOR_URL", server.url)
        at = open_page("translate.py")
        assert not at.exception
        at.button[0].click().run()
        _wait_done(at)
        sent = server.requests
        assert sent > 0
    paragraphs = Analysis.open(analysis).frame("paragraphs")
    content = paragraphs.filter(~pl.col("boilerplate"))
    assert content["translation"].is_not_null().sum() == content.height
    assert set(content["translator"].drop_nulls()) == {"libretranslate"}

    at = open_page("reader.py", article="002_52a587739122be12")
    assert not at.exception
    html = " ".join(h.proto.body for h in at.html)
    assert "Λουκασένκο" in html and "untranslated" not in html.split("</style>")[-1].replace(
        "untranslated: boilerplate", ""
    )


def test_provider_down_gives_one_plain_banner(analysis, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("NEWSPRISM_TRANSLATOR", "libretranslate")
    monkeypatch.setenv("NEWSPRISM_TRANSLATOR_URL", "http://127.0.0.1:9")
    at = open_page("translate.py")
    at.button[0].click().run()
    assert not at.exception
    banners = [w.value for w in at.warning if "Translation is unavailable" in w.value]
    assert len(banners) == 1
    # the reading view still works on the originals and says why there is no translation
    at = open_page("reader.py", article="000_cb469a2b28302093")
    assert not at.exception
    assert any("original is shown" in i.value for i in at.info)


def test_nothing_that_needs_a_network_is_preselected(analysis, monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSPRISM_TRANSLATOR", raising=False)
    monkeypatch.setenv("NEWSPRISM_MODELS", str(tmp_path / "no-models"))
    at = open_page("translate.py")
    assert not at.exception
    assert at.selectbox(key="tr_provider").value is None
    assert any("Choose a provider" in i.value for i in at.info)
    assert not at.button  # no "Translate now" before a choice
    assert any("offline" in c.value for c in at.caption)
