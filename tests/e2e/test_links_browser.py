"""What you share is what you saw (issue 25), in Chromium: for every control of every page that
changes the view, a person changes it, the address bar and the copy-link box then hold the same
address in that run, and a colleague's fresh browser opening the link is shown the same page.

Controls that act rather than show (buttons, uploads, downloads, the corrections, the
Translation page's settings for "Translate now") are not view state and not here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from .conftest import select_mark, settled_box, wait_idle

TR = "004_c88f0ea2b8ef4623"
DE = "003_6498edc4392190b0"
DE_STORY = "s-a4e9731f2d00"
VIEWPORT = {"width": 1400, "height": 1000}

# What a person sees, read the same way in both browsers: the text of the page and the sidebar
# (charts' drawn text and tables' grids left out: their DOM text follows the canvas lazily),
# every input's value or checked state, the chosen segments, and each chart's data.
SHOWN_JS = """() => {
  const text = (root) => {
    if (!root) return '';
    const copy = root.cloneNode(true);
    copy.querySelectorAll('.js-plotly-plot, [data-testid="stDataFrame"], style, script').forEach((e) => e.remove());
    return copy.textContent.replace(/\\s+/g, ' ').trim();
  };
  const inputs = [...document.querySelectorAll('input, textarea')].map((e) => [
    e.getAttribute('aria-label') || e.type,
    e.type === 'checkbox' || e.type === 'radio' ? String(e.checked) : e.value,
  ]);
  const chosen = [...document.querySelectorAll('[role=radio][aria-checked=true]')]
    .map((e) => e.textContent);
  const charts = [...document.querySelectorAll('.js-plotly-plot')].map((g) =>
    JSON.stringify((g.data || []).map((t) => [t.name, t.x, t.y, t.z])));
  return {
    main: text(document.querySelector('[data-testid="stMain"]')),
    sidebar: text(document.querySelector('[data-testid="stSidebar"]')),
    inputs, chosen, charts,
  };
}"""
# every chart drawn, and at least as many as the other browser drew (plotly is loaded lazily)
CHARTS_DRAWN_JS = """(n) => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.length >= n && charts.every((c) => {
    const g = c.querySelector('.js-plotly-plot'); return g && g.data; });
}"""
# said only where a link brought the point, never where it was clicked
LINKED_POINT = "The point the link was made on; select a point in the chart to see another."


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


def shown(page, charts: int = 0) -> dict:
    """What the page shows once its script and its charts (`charts` or more) are done and the
    browser has drawn all it was sent (the same reading on three polls in a row)."""
    wait_idle(page)
    page.wait_for_function(CHARTS_DRAWN_JS, arg=charts, timeout=30_000)
    readings = [page.evaluate(SHOWN_JS)]
    while len(readings) < 3 or any(r != readings[-1] for r in readings[-3:]):
        assert len(readings) < 60, "the page kept changing"
        page.wait_for_timeout(300)
        wait_idle(page)
        readings.append(page.evaluate(SHOWN_JS))
    seen = readings[-1]
    seen["main"] = seen["main"].replace(LINKED_POINT, "")
    return seen


def _opens_the_same(browser, link: str, check: Callable | None = None, seen: dict | None = None):
    """A colleague's fresh browser opens `link`: `check(page)` holds there, and it shows what
    `seen` (the sender's page) showed."""
    fresh = browser.new_context(viewport=VIEWPORT)
    try:
        other = fresh.new_page()
        other.goto(link)
        other.get_by_test_id("stMain").locator("h1").first.wait_for()  # the run has begun
        theirs = shown(other, len(seen["charts"]) if seen else 0)  # and all of it is drawn
        if check is not None:
            check(other)
        if seen is not None:
            for part in ("main", "sidebar", "inputs", "chosen", "charts"):
                assert theirs[part] == seen[part], (
                    part,
                    *_where_they_differ(seen[part], theirs[part]),
                )
    finally:
        fresh.close()


def _where_they_differ(one: object, two: object) -> tuple[str, str]:
    """The stretch around the first difference of two values, to read in a failure."""
    a, b = str(one), str(two)
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a[max(0, i - 60) : i + 200], b[max(0, i - 60) : i + 200]


def pick(name: str, option: str, where: str = "stMain") -> Callable:
    """Choose `option` in the select box or multiselect labelled `name`, typing to search."""

    def change(page) -> None:
        box = page.get_by_test_id(where).get_by_role("combobox", name=name)
        box.click()
        box.fill(option)
        page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
        page.keyboard.press("Escape")

    return change


def segment(label: str) -> Callable:
    return lambda page: page.get_by_role("radio", name=label, exact=True).click()


def switch(label: str, where: str = "stMain") -> Callable:
    return lambda page: page.get_by_test_id(where).get_by_text(label, exact=True).click()


def typed(label: str, text: str) -> Callable:
    def change(page) -> None:
        box = page.get_by_test_id("stMain").get_by_label(label, exact=True)
        box.fill(text)
        box.press("Enter")

    return change


def day(label: str, value: str) -> Callable:
    """Type a day into the sidebar date field labelled `label`: year, month, day in turn."""

    def change(page) -> None:
        year = page.get_by_test_id("stSidebar").get_by_role("spinbutton", name=f"year, {label}")
        year.click()
        page.keyboard.type(value.replace("-", ""))
        page.keyboard.press("Escape")  # the calendar closes: the day is chosen

    return change


def chart_mark(nth: int, marks: str) -> Callable:
    """Click the first mark (`marks`: a CSS selector inside the plot) of the page's nth chart."""

    def change(page) -> None:
        chart = page.get_by_test_id("stPlotlyChart").nth(nth)
        mark = chart.locator(marks).first
        mark.wait_for()
        select_mark(page, mark)

    return change


def table_row(row: int, until: str, nth: int = 0) -> Callable:
    """Select a table row by its row marker (the grid's first column), as a person does: the
    marker shows on hover, and a click the grid took before its hover is lost, so a person who
    sees nothing happen (the app idle, the address without `until`) clicks again."""

    def change(page) -> None:
        grid = page.get_by_test_id("stDataFrame").nth(nth)
        grid.scroll_into_view_if_needed()
        box = settled_box(page, grid)
        y = box["y"] + 35 * (row + 1) + 17  # a header row, then rows of 35 px
        for _ in range(3):
            page.mouse.move(box["x"] + 60, y)
            page.mouse.click(box["x"] + 16, y)
            try:
                page.wait_for_url(re.compile(until), timeout=5_000)
                return
            except PlaywrightTimeout:
                wait_idle(page)  # a slow rerun may still bring the selection
                if re.search(until, page.url):
                    return

    return change


@dataclass(frozen=True)
class Control:
    page: str  # its address
    change: Callable  # what a person does
    query: str  # a pattern the address then holds
    check: Callable | None = None  # one more thing the fresh browser must show


def row_control(page: str, row: int, query: str) -> Control:
    """Selecting a table row on `page`: clicked again until the address holds `query`."""
    return Control(page, table_row(row, query), query)


def evidence(p) -> None:
    """The passages behind the chosen point are listed (and there are some)."""
    expect(
        p.get_by_text(re.compile(r"^[1-9]\d* passages? behind the selected point"))
    ).to_be_visible()


BARS = ".plotly .bars .point path"
POINTS = ".plotly .scatterlayer .trace .points path"

CONTROLS = {
    # the sidebar's shared filters (the seeds name no outlet: the outlet box offers nothing)
    "sidebar-language": Control("overview", pick("Language", "Serbian", "stSidebar"), "lang=sr"),
    "sidebar-actor": Control("overview", pick("Actor", "Lukashenko", "stSidebar"), "actor=PER"),
    "sidebar-story": Control("overview", pick("Story", "Juan Guaido", "stSidebar"), "story=s-"),
    "sidebar-from": Control("overview", day("Published from", "2025-12-12"), "from=2025-12-12"),
    "sidebar-to": Control("overview", day("to", "2025-12-12"), "to=2025-12-12"),
    "sidebar-translations": Control(
        "side-by-side",
        switch("Show translations", "stSidebar"),
        "tr=1",
        lambda p: expect(
            p.get_by_test_id("stSidebar").get_by_role("switch", name="Show translations")
        ).to_be_checked(),
    ),
    # Overview: a selected bar lists its evidence
    "overview-languages-bar": Control(
        "overview", chart_mark(0, BARS), "point-languages=", evidence
    ),
    "overview-outlets-bar": Control("overview", chart_mark(1, BARS), "point-outlets=", evidence),
    # (its bars of the seeds' one day are drawn zero pixels wide: no person can click them)
    # Articles: the article read below the table
    "articles-row": row_control("articles", 1, "article="),
    # Timeline
    "timeline-grouping": Control(
        "timeline",
        segment("month"),
        "every=month",
        lambda p: expect(p.get_by_role("radio", name="month", exact=True)).to_be_checked(),
    ),
    "timeline-point": Control("timeline", chart_mark(0, POINTS), "point-timeline=", evidence),
    # Entities
    "entities-search": Control("entities", typed("Search names and aliases", "Maduro"), "q=Maduro"),
    "entities-row": row_control("entities", 2, "entity="),
    # Compare sources
    "compare-story": Control("compare", pick("Story", "Juan Guaido"), f"cmp={DE_STORY}"),
    "compare-rows": Control(
        "compare",
        segment("language"),
        "by=language",
        lambda p: expect(p.get_by_role("radio", name="language", exact=True)).to_be_checked(),
    ),
    "compare-per-1000": Control("compare", switch("Per 1,000 words"), "value=per_1000_words"),
    "compare-publication-point": Control(
        "compare", chart_mark(1, POINTS), "point-story-publication=", evidence
    ),
    # Article next to article
    "versus-story": Control("versus", pick("Story", "Juan Guaido"), f"cmp={DE_STORY}"),
    "versus-articles": Control(
        "versus", pick("Articles (the first is", "Maduro bricht"), f"a={DE}"
    ),
    # Side by side
    "side-by-side-article": Control("side-by-side", pick("Article", "ABD"), f"article={TR}"),
}


@pytest.mark.parametrize("name", list(CONTROLS))
def test_each_control_is_in_the_copied_link_and_a_colleague_sees_the_same(
    server, page, browser, name
):
    control = CONTROLS[name]
    page.goto(f"{server.url}/{control.page}")
    wait_idle(page)
    control.change(page)
    wait_idle(page)
    page.wait_for_url(re.compile(control.query))
    seen = shown(page)
    link = copied_link(page)
    # the box holds the address bar's address, written in the run that made the change
    assert re.search(control.query, link) and same_address(link, page.url), (link, page.url)
    _opens_the_same(browser, link, control.check, seen)


def test_timeline_grouping_survives_a_visit_elsewhere(server, page):
    page.goto(f"{server.url}/timeline")
    wait_idle(page)
    page.get_by_role("radio", name="month", exact=True).click()
    wait_idle(page)
    page.wait_for_url(re.compile("every=month"))
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
