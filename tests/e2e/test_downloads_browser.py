"""Downloads made when the button is pressed (not on every run) still save the right files."""

from __future__ import annotations

from .conftest import wait_idle


def test_chart_html_and_table_csv_download_from_the_overview(server, page, tmp_path):
    page.goto(f"{server.url}/overview")
    wait_idle(page)
    page.get_by_test_id("stExpander").filter(has_text="Export").first.click()
    # the expander's buttons drawn and the app idle: a click during a rerun would be a rerun's
    button = page.get_by_role("button", name="HTML").first
    button.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    with page.expect_download(timeout=30_000) as html:
        button.click()
    assert html.value.suggested_filename == "newsprism-languages.html"
    saved = tmp_path / "chart.html"
    html.value.save_as(saved)
    body = saved.read_text(encoding="utf-8")
    assert "<title>Articles by language</title>" in body and "Plotly.newPlot" in body

    # the "What was inferred" table: one CSV row per seed article. A download button reruns the
    # script: the next click waits for the app to be idle again, as the first did
    wait_idle(page)
    csv_button = page.get_by_role("button", name="CSV", exact=True).first
    csv_button.wait_for(state="visible", timeout=30_000)
    with page.expect_download(timeout=30_000) as csv:
        csv_button.click()
    assert csv.value.suggested_filename == "newsprism-inferred.csv"
    table = tmp_path / "inferred.csv"
    csv.value.save_as(table)
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("article_id,title")
    assert len(lines) == 1 + 5
