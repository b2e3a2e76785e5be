"""Hostile titles, outlets and URLs in real Chromium: nothing is fetched from them, nothing of
them becomes a link, an image or math, and they read as written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from ..conftest import OUTLET, TITLE
from .conftest import ROOT, AppServer, wait_idle

OUTSIDE = ("host.example", "evil.example", "127.0.0.1:9")


@pytest.fixture(scope="module")
def server(hostile_analysis: Path) -> Iterator[AppServer]:
    # this checkout's package, whichever one the virtualenv has installed
    srv = AppServer(hostile_analysis, [hostile_analysis.parent], env={"PYTHONPATH": str(ROOT)})
    yield srv
    srv.stop()


def outside_links(page) -> int:
    hosts = ", ".join(f"a[href*='{h}'], img[src*='{h}']" for h in OUTSIDE)
    return page.locator(f"{hosts}, a[href^='javascript'], .katex").count()


def test_hostile_article_reads_as_written_and_fetches_nothing(server, page):
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(f"{server.url}/articles?article=evil1")
    wait_idle(page)
    heading = page.locator("h3", has_text="beacon")
    heading.wait_for()
    assert heading.inner_text().replace("\u2060", "").strip() == TITLE
    page.get_by_text("javascript:alert(1)").first.wait_for()
    assert outside_links(page) == 0
    assert not [u for u in fetched if any(h in u for h in OUTSIDE)]


def test_hostile_outlet_in_caption_and_chart_labels_is_text(server, page):
    page.goto(f"{server.url}/overview?{urlencode({'outlet': OUTLET})}")
    wait_idle(page)
    # the charts draw one after another: wait for the outlets' chart, not the first tick drawn
    ticks_text = page.locator(".plotly .ytick text")
    ticks_text.filter(has_text="evil.example").first.wait_for()
    ticks = [t.text_content() or "" for t in ticks_text.all()]
    # a long outlet is cut to a readable label, shown as the text it is (its markup too)
    assert any(t.startswith("[Evil](https://evil.example)") for t in ticks)
    caption = page.get_by_test_id("stCaptionContainer").first.inner_text()
    assert OUTLET in caption.replace("\u2060", "")
    assert outside_links(page) == 0
    assert page.locator(".plotly a").count() == 0
