"""A small analysis whose titles, outlets and URLs are hostile, through the real pages: every
Markdown element and chart label shows the text inert (no image, link, auto-link, math, HTML)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dashboard.pipeline import pipeline
from dashboard.views.reading import md_text, plot_text

from ..conftest import BEACON, OUTLET, TITLE
from .conftest import open_page

ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE)


@pytest.fixture
def analysis(hostile_analysis: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSPRISM_ANALYSIS", str(hostile_analysis))
    monkeypatch.setenv("NEWSPRISM_DATA_DIRS", str(hostile_analysis.parent))
    return hostile_analysis


def drawn_strings(node: object, key: str = "") -> list[str]:
    """Strings of a plotly spec that plotly draws as text; the data values (x, y and the tick
    values naming them) stay raw, since a selection hands them to the evidence rules."""
    if key in ("x", "y", "tickvals", "categoryarray"):
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in drawn_strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in drawn_strings(v, key)]
    return []


def markdown_values(at) -> list[str]:
    """The Markdown source of every element Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "warning", "info", "error", "success", "subheader", "title")
    return [str(e.value) for kind in kinds for e in getattr(at, kind)]


def assert_inert(at) -> None:
    assert not at.exception
    for value in markdown_values(at):
        active = ESCAPED.sub("", value)  # what is left once escapes are read
        assert "![" not in active and "](" not in active and "<a" not in active, value
        assert "$" not in active, value
        assert not GFM_URL.search(ESCAPED.sub(r"\1", value)), value
    for chart in at.get("plotly_chart"):
        for text in drawn_strings(json.loads(chart.proto.spec)):
            assert "<a" not in text and "<img" not in text and "$x$" not in text, text


def test_article_title_outlet_and_url_are_inert(analysis):
    at = open_page("articles.py", article="evil1")
    assert_inert(at)
    assert [s.value for s in at.subheader] == [md_text(TITLE)]
    meta = " ".join(h.proto.body for h in at.html)
    assert "javascript:alert(1)" in meta and 'href="javascript' not in meta
    ok = open_page("articles.py", article="ok2")
    assert 'href="https://ok.example/a"' in " ".join(h.proto.body for h in ok.html)


def test_overview_caption_and_charts_with_a_hostile_outlet_are_inert(analysis):
    at = open_page(outlet=[OUTLET])
    assert_inert(at)
    assert any(md_text(OUTLET) in c.value for c in at.caption)  # the filter sentence
    assert at.get("plotly_chart"), "the overview draws its charts"
    outlets = json.loads(at.get("plotly_chart")[1].proto.spec)
    # the label is cut short but stays inert; the hover has the whole name, inert too
    (shown,) = outlets["layout"]["yaxis"]["ticktext"]
    assert shown.endswith("…") and plot_text(OUTLET).startswith(shown[:-1].rstrip())
    assert "<" not in shown and outlets["data"][0]["hovertext"] == [plot_text(OUTLET)]
    assert outlets["data"][0]["y"] == [OUTLET]  # a selected bar names the outlet itself


def test_link_values_shown_back_are_inert(analysis):
    at = open_page(outlet=[BEACON], lang=["$x$"])
    assert_inert(at)
    warned = " ".join(w.value for w in at.warning)
    assert md_text(BEACON) in warned and md_text("$x$") in warned


def test_compare_page_with_hostile_story_is_inert(analysis):
    assert_inert(open_page("compare.py"))


def test_load_report_problem_lines_are_inert(analysis):
    at = open_page()
    at.session_state["load_report"] = (0, [f"{BEACON}: not UTF-8", "id $x$ www.evil.example"])
    at.switch_page(str(Path(pipeline.__file__).parents[1] / "app" / "screens" / "load.py"))
    at.run()
    assert_inert(at)
    assert [w.value for w in at.warning] == [
        md_text(f"{BEACON}: not UTF-8"),
        md_text("id $x$ www.evil.example"),
    ]
