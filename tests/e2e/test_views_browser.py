"""Stories, actors and evidence as an analyst meets them in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import select_mark, wait_idle


def test_comparison_of_the_seed_story_then_serbian_next_to_greek(server, page):
    page.goto(f"{server.url}/compare")
    wait_idle(page)
    page.get_by_text(re.compile(r"4 articles in 4 languages \(el, ro, sr, tr\)")).wait_for()
    page.goto(f"{server.url}/versus?a=000_cb469a2b28302093&a=002_52a587739122be12")
    wait_idle(page)
    grid = page.locator(".np-vs")
    grid.wait_for()
    cells = grid.locator(":scope > div")
    texts = [cells.nth(i).inner_text() for i in range(cells.count())]
    sr = next(i for i, t in enumerate(texts) if "drugi sastanak za 17 dana" in t)
    el = next(i for i, t in enumerate(texts) if "δεύτερη συνάντηση μέσα σε 17 ημέρες" in t)
    # two columns: the Greek paragraph is the cell right of the Serbian one, in the same row
    assert el == sr + 1 and sr % 2 == 0
    assert "aligned" in texts[el]


def test_clicking_a_bar_lists_its_evidence(server, page):
    page.goto(server.url)
    wait_idle(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    bar = chart.locator(".plotly .bars .point path").first
    bar.wait_for()
    select_mark(page, bar)
    wait_idle(page)
    page.get_by_text("Evidence").first.wait_for(timeout=30_000)
    page.get_by_text(re.compile(r"\d+ passages? behind the selected point")).wait_for()
    link = page.locator("a[href*='article=']").first
    href = link.get_attribute("href") or ""
    assert "para=" in href
    link.click()
    wait_idle(page)
    page.get_by_text(re.compile(r"Paragraph \d+ is highlighted")).wait_for(timeout=30_000)


def test_timeline_point_shows_the_sentences_behind_it(server, page):
    page.goto(f"{server.url}/timeline?actor=PER:lukasenk")
    wait_idle(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    point = chart.locator(".plotly .scatterlayer .trace .points path").first
    point.wait_for()
    select_mark(page, point)
    wait_idle(page)
    page.get_by_text(re.compile(r"\d+ passages? behind the selected point")).wait_for(
        timeout=30_000
    )
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Lukašenko" in body or "Λουκασένκο" in body or "Lukashenko" in body


def test_copy_link_opens_the_same_view(server, page):
    page.goto(f"{server.url}/?lang=sr&lang=el")
    wait_idle(page)
    page.get_by_role("button", name=re.compile("Copy link")).click()
    code = page.locator("[data-testid='stPopoverBody'] code").first
    code.wait_for()
    link = code.inner_text().strip()
    assert "lang=sr" in link and "lang=el" in link
    other = page.context.new_page()
    other.goto(link)
    wait_idle(other)
    metric = (
        other.get_by_test_id("stMetric").filter(has_text="Articles").get_by_test_id("stMetricValue")
    )
    expect(metric).to_have_text("2", timeout=30_000)
    other.close()
