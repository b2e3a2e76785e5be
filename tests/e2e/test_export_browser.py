"""Exported interactive charts open in a real Chromium with the network cut off."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from dashboard.store import store
from dashboard.views import bundle, export, views
from dashboard.views.filters import Filters
from tests.unit.test_export import build_analysis

CHARTS = [name for name, v in views.VIEWS.items() if v.chart is not None]


@pytest.fixture(scope="module")
def an(tmp_path_factory: pytest.TempPathFactory) -> store.Analysis:
    return store.Analysis.open(build_analysis(tmp_path_factory.mktemp("html") / "analysis"))


@pytest.fixture
def offline(browser):
    """A page that cannot reach any network; every attempt is recorded and aborted."""
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 900})
    attempts: list[str] = []

    def refuse(route):
        attempts.append(route.request.url)
        route.abort()

    context.route("http*://**/*", refuse)
    page = context.new_page()
    yield page, attempts
    context.close()


@pytest.mark.parametrize("name", CHARTS)
def test_exported_html_draws_offline(name, an, offline, tmp_path):
    page, attempts = offline
    fig, _, _ = export.view_figure(an, name, Filters(languages=("sr", "el", "de")))
    path = tmp_path / f"{name}.html"
    path.write_bytes(export.figure_html(fig, name=name))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_selector(".plotly svg.main-svg", timeout=20_000)
    title = page.locator(".gtitle").first.text_content() or ""
    assert views.VIEWS[name].title.split(":")[0] in title
    assert "Serbian, Greek and German articles" in title
    assert page.title().startswith(views.VIEWS[name].title.split(":")[0])
    assert attempts == [] and errors == []


def test_camera_button_names_the_file(an, offline, tmp_path):
    page, attempts = offline
    fig, _, _ = export.view_figure(an, "languages", Filters())
    path = tmp_path / "languages.html"
    path.write_bytes(export.figure_html(fig, name="languages"))
    page.goto(path.as_uri())
    page.wait_for_selector(".plotly svg.main-svg", timeout=20_000)
    page.hover(".js-plotly-plot .svg-container")
    assert page.locator("[data-title='Share chart...']").count() == 0
    with page.expect_download(timeout=20_000) as download:
        page.click("[data-title='Download plot as a PNG']")
    assert download.value.suggested_filename == "newsprism-languages.png"
    saved = tmp_path / "camera.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert attempts == []


def test_bundled_chart_opens_offline(an, offline, tmp_path):
    page, attempts = offline
    result = bundle.write_bundle(an, tmp_path / "b.zip", Filters(), charts=["outlets"], png=False)
    with zipfile.ZipFile(result.path) as zf:
        (tmp_path / "outlets.html").write_bytes(zf.read("charts/outlets.html"))
    page.goto((tmp_path / "outlets.html").as_uri())
    page.wait_for_selector(".plotly svg.main-svg", timeout=20_000)
    expect(page.locator(".plotly .bars path")).to_have_count(5)  # drawn after the frame
    assert attempts == []
