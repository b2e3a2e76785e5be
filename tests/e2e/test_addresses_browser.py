"""Every page has a working address, the default one included: /overview opens the Overview
(not a "Page not found" dialog), / still does, and each other page opens at its own path."""

from __future__ import annotations

import pytest

from .conftest import wait_idle

PAGES = {
    "": "Overview",
    "overview": "Overview",
    "articles": "Articles",
    "load": "Load",
    "timeline": "Actors over time",
    "entities": "Actors, places and organisations",
    "compare": "Compare sources",
    "versus": "Article next to article",
    "side-by-side": "Side by side",
    "translation": "Translation",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_address_opens_its_page_without_a_dialog(server, page, path):
    page.goto(f"{server.url}/{path}?lang=sr")
    wait_idle(page)
    heading = page.locator("[data-testid='stMain'] h1").first
    heading.wait_for(timeout=30_000)
    assert PAGES[path] in heading.inner_text()
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[role='dialog']").count() == 0
    # the filters of a shared link survive the address
    assert "lang=sr" in page.url
