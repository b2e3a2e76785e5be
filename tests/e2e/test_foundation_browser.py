"""The foundation as an analyst meets it, in real Chromium."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from .conftest import wait_idle


def articles_value(page):
    return (
        page.get_by_test_id("stMetric").filter(has_text="Articles").get_by_test_id("stMetricValue")
    )


def choose_language(page, name: str) -> None:
    box = (
        page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Language")
    )
    box.click()
    page.get_by_role("option", name=re.compile(name)).click()
    page.keyboard.press("Escape")
    wait_idle(page)


def test_five_articles_then_romanian_filter_survives_reload(server, page):
    page.goto(server.url)
    wait_idle(page)
    expect(articles_value(page)).to_have_text("5", timeout=30_000)

    choose_language(page, "Romanian")
    page.wait_for_function("() => location.search.includes('lang=ro')")
    # the address changes while the script is still drawing: wait for the count it draws
    expect(articles_value(page)).to_have_text("1", timeout=30_000)
    assert parse_qs(urlparse(page.url).query)["lang"] == ["ro"]

    page.reload()
    wait_idle(page)
    expect(articles_value(page)).to_have_text("1", timeout=30_000)
    assert "lang=ro" in page.url

    # a shared link opened in a fresh page shows the same view
    other = page.context.new_page()
    other.goto(page.url)
    wait_idle(other)
    expect(articles_value(other)).to_have_text("1", timeout=30_000)
    other.close()


def test_upload_through_the_browser_adds_an_article(server, page, tmp_path):
    upload = tmp_path / "kyiv-note.txt"
    upload.write_text(
        "title: A test note\nsource: Test Desk\ndate 2025-12-13\n\n"
        "The president of Ukraine met the Polish prime minister in Kyiv on Friday "
        "to discuss energy supplies for the winter and the reconstruction of bridges.",
        encoding="utf-8",
    )
    page.goto(f"{server.url}/load")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    page.get_by_role("button", name="Add uploaded files").click()
    wait_idle(page, timeout=120_000)
    page.get_by_text(re.compile(r"1 new article added")).wait_for(timeout=60_000)

    page.goto(f"{server.url}/articles")
    wait_idle(page)
    page.get_by_text("Articles").first.wait_for()
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for()
    page.goto(server.url)
    wait_idle(page)
    expect(articles_value(page)).to_have_text("6", timeout=30_000)
