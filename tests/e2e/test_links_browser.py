"""What you share is what you saw (issue 25), in Chromium: after a choice on a page, the
copy-link box holds the address bar's address, and a fresh browser opening it sees the choice."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from .conftest import wait_idle

TR = "004_c88f0ea2b8ef4623"


def copied_link(page) -> str:
    """Open the sidebar's copy-link popover and read the address it offers."""
    page.get_by_role("button", name=re.compile("Copy link")).click()
    code = page.locator("[data-testid='stPopoverBody'] code").first
    code.wait_for()
    link = code.inner_text().strip()
    page.keyboard.press("Escape")
    return link


def same_address(a: str, b: str) -> bool:
    one, two = urlsplit(a), urlsplit(b)
    return one.path.rstrip("/") == two.path.rstrip("/") and parse_qs(one.query) == parse_qs(
        two.query
    )


def _opens_the_same(browser, link: str, check) -> None:
    """A colleague's fresh browser opens `link` and `check(page)` holds there too."""
    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_idle(other)
        check(other)
    finally:
        fresh.close()


def test_chosen_article_is_in_the_copied_link_and_opens_for_a_colleague(server, page, browser):
    page.goto(f"{server.url}/side-by-side")
    wait_idle(page)
    picker = page.get_by_test_id("stMain").get_by_role("combobox", name="Article")
    picker.click()
    picker.fill("ABD")
    page.get_by_role("option", name=re.compile("ABD")).first.click()
    wait_idle(page)
    page.wait_for_url(re.compile(f"article={TR}"))
    link = copied_link(page)
    assert f"article={TR}" in link
    assert same_address(link, page.url), (link, page.url)
    # a colleague's fresh browser sees the Turkish article

    def turkish(p) -> None:
        shown = p.get_by_test_id("stMain").get_by_role("combobox", name="Article").input_value()
        assert "ABD'nin" in shown and "&#" not in shown

    _opens_the_same(browser, link, turkish)


def test_timeline_grouping_is_in_the_link_and_survives_a_visit_elsewhere(server, page):
    page.goto(f"{server.url}/timeline")
    wait_idle(page)
    page.get_by_role("radio", name="month", exact=True).click()
    wait_idle(page)
    page.wait_for_url(re.compile("every=month"))
    link = copied_link(page)
    assert "every=month" in link and same_address(link, page.url), (link, page.url)
    page.get_by_role("link", name="Articles").click()
    wait_idle(page)
    page.get_by_role("link", name="Timeline").click()
    wait_idle(page)
    page.wait_for_url(re.compile("every=month"))
    assert "every=month" in copied_link(page)
    # the Articles heading of the Turkish seed is shown as written, escaped once
    page.goto(f"{server.url}/articles?article={TR}")
    wait_idle(page)
    heading = page.locator("[data-testid='stMain'] h3").first.inner_text()
    assert heading.startswith("ABD'nin Venezuela"), heading


def test_every_pages_choices_are_in_the_copied_link(server, page, browser):
    # Compare sources: rows by language
    page.goto(f"{server.url}/compare")
    wait_idle(page)
    page.get_by_role("radio", name="language", exact=True).click()
    wait_idle(page)
    page.wait_for_url(re.compile("by=language"))
    link = copied_link(page)
    assert same_address(link, page.url), (link, page.url)
    _opens_the_same(
        browser,
        link,
        lambda p: expect(p.get_by_role("radio", name="language", exact=True)).to_be_checked(),
    )
    # Entities: a search of names and aliases
    page.goto(f"{server.url}/entities")
    wait_idle(page)
    box = page.get_by_label("Search names and aliases")
    box.fill("Maduro")
    box.press("Enter")
    wait_idle(page)
    page.wait_for_url(re.compile("q=Maduro"))
    link = copied_link(page)
    assert same_address(link, page.url), (link, page.url)

    def searched(p) -> None:
        expect(p.get_by_label("Search names and aliases")).to_have_value("Maduro")

    _opens_the_same(browser, link, searched)


def test_a_sidebar_filter_is_in_the_copied_link_of_any_page(server, page, browser):
    page.goto(f"{server.url}/overview")
    wait_idle(page)
    language = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Language")
    language.click()
    page.get_by_role("option", name=re.compile("Serbian")).first.click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.wait_for_url(re.compile("lang=sr"))
    link = copied_link(page)
    assert same_address(link, page.url), (link, page.url)

    def one_article(p) -> None:
        metric = p.get_by_test_id("stMetric").filter(has_text="Articles").first
        expect(metric.get_by_test_id("stMetricValue")).to_have_text("1")

    _opens_the_same(browser, link, one_article)
