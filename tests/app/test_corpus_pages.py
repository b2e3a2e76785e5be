"""Overview, Articles and Load pages through AppTest: filters change what is shown,
errors are shown, never raised."""

from __future__ import annotations

import json

import polars as pl
import pytest

from .conftest import metric, open_page


def test_overview_counts_and_language_filter(analysis):
    at = open_page()
    assert not at.exception
    assert metric(at, "Articles") == "5"
    assert metric(at, "Languages") == "5"
    at.sidebar.multiselect(key="f_lang").set_value(["ro", "el"]).run()
    assert not at.exception
    assert metric(at, "Articles") == "2"
    assert at.query_params["lang"] == ["ro", "el"]


def test_link_with_filters_opens_the_same_view(analysis):
    at = open_page(lang=["ro"])
    assert metric(at, "Articles") == "1"
    assert any("Romanian" in c.value for c in at.caption)


def test_bad_link_value_is_a_warning_not_a_crash(analysis):
    at = open_page(lang=["xx"], **{"from": "not-a-date"})
    assert not at.exception
    assert metric(at, "Articles") == "5"
    warnings = " ".join(w.value for w in at.warning)
    assert "xx" in warnings and "not-a-date" in warnings


def test_no_analysis_tells_the_user_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_ANALYSIS", str(tmp_path / "none"))
    at = open_page()
    assert not at.exception
    assert any("No analysis yet" in i.value for i in at.info)


def test_articles_page_reads_one_article_with_boilerplate_dimmed(analysis):
    at = open_page("articles.py", article="003_6498edc4392190b0")
    assert not at.exception
    html = " ".join(h.proto.body for h in at.html)
    assert "np-boiler" in html and "source tag" in html
    assert "Maduro bricht diplomatische Beziehungen zu USA ab" in " ".join(
        s.value for s in at.subheader
    )


def test_correction_is_kept_and_shown(analysis):
    at = open_page("articles.py", article="000_cb469a2b28302093")
    at.text_input[0].set_value("Lukašenko i Maduro")
    at.text_input[1].set_value("Test Outlet")
    at.form_submit_button[0].click().run()
    assert not at.exception
    saved = json.loads((analysis / "corrections.json").read_text())
    assert saved["000_cb469a2b28302093"]["source"] == "Test Outlet"
    at = open_page("articles.py", article="000_cb469a2b28302093")
    assert "Test Outlet" in " ".join(h.proto.body for h in at.html)


def test_bad_correction_shows_an_error(analysis):
    at = open_page("articles.py", article="000_cb469a2b28302093")
    at.text_input[2].set_value("11/12/2025")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert any("YYYY-MM-DD" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("../../etc", "outside the data folders"),
        ("/etc/passwd", "outside the data folders"),
        ("missing-folder", "no such file"),
    ],
)
def test_load_folder_outside_data_dirs_is_refused(analysis, typed, message):
    at = open_page("load.py")
    at.text_input(key="folder").set_value(typed).run()
    at.button[1].click().run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_text_with_markup_is_escaped(analysis):
    import polars as pl

    from dashboard.views import reading

    text = "<script>alert(1)</script> costs $5 and $6"
    paras = pl.DataFrame(
        {
            "article_id": ["x"],
            "para_no": [0],
            "start": [0],
            "end": [len(text)],
            "boilerplate": [False],
            "boilerplate_reason": [None],
        }
    )
    html = reading.article_html(text, paras)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "$" not in html.split("</style>")[-1]


def test_story_filter_defaults_to_all_and_narrows(analysis):
    at = open_page()
    assert at.sidebar.selectbox(key="f_story").value == "all"
    at.sidebar.selectbox(key="f_story").set_value(
        next(k for k in ui_story_ids(analysis) if k != "all")
    ).run()
    assert not at.exception
    assert metric(at, "Articles") == "4"
    assert "story" in at.query_params


def ui_story_ids(analysis):
    from dashboard.store.store import Analysis

    stories = (
        Analysis.open(analysis)
        .frame("stories")
        .sort(pl.col("article_ids").list.len(), descending=True)
    )
    return stories["story_id"].to_list()
