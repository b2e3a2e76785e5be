"""Compare sources and Article next to article through AppTest."""

from __future__ import annotations

import polars as pl

from dashboard.store.store import Analysis

from .conftest import open_page


def test_comparison_of_the_seed_story(analysis):
    at = open_page("compare.py")
    assert not at.exception
    assert any("4 articles" in m.value and "el, ro, sr, tr" in m.value for m in at.markdown)
    frames = [d.value for d in at.dataframe]
    firsts = next(f for f in frames if "article_id" in f.columns and len(f) == 4)
    assert set(firsts["article_id"]) == {
        "000_cb469a2b28302093",
        "001_25734770e2e1359a",
        "002_52a587739122be12",
        "004_c88f0ea2b8ef4623",
    }


def test_language_filter_narrows_the_comparison(analysis):
    at = open_page("compare.py", lang=["sr", "el"])
    assert not at.exception
    assert any("2 articles" in m.value for m in at.markdown)


def test_moving_an_article_is_kept(analysis):
    at = open_page("compare.py")
    # closed, it draws no picker of every article (megabytes on a large corpus)
    assert "st_move_a" not in {s.key for s in at.selectbox}
    at.session_state["st_edit"] = True  # the analyst opens "Correct the stories"
    at.run()
    at.selectbox(key="st_move_a").set_value("003_6498edc4392190b0").run()
    big = at.selectbox(key="cmp_story").value
    at.selectbox(key="st_move_s").set_value(big).run()
    at.button(key="st_move").click().run()
    assert not at.exception
    arts = Analysis.open(analysis).frame("articles")
    ids = arts.filter(
        pl.col("story_id")
        == arts.filter(pl.col("article_id") == "000_cb469a2b28302093")["story_id"][0]
    )
    assert "003_6498edc4392190b0" in ids["article_id"].to_list()
    assert (analysis / "stories.json").is_file()


def test_serbian_next_to_greek_aligns_the_lukashenko_paragraphs(analysis):
    at = open_page("versus.py", a=["000_cb469a2b28302093", "002_52a587739122be12"])
    assert not at.exception
    html = " ".join(h.proto.body for h in at.html)
    assert "aligned" in html and "only here" in html
    # the Serbian and Greek paragraphs about the second meeting in 17 days sit in one row
    sr = html.index("drugi sastanak za 17 dana")
    el = html.index("δεύτερη συνάντηση μέσα σε 17 ημέρες")
    between = html[sr:el]
    assert between.count('class="np-para') <= 1


def test_unknown_compare_values_in_the_address_fall_back_with_a_notice(analysis):
    at = open_page("compare.py", by="outlet", cmp="no-such-story")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "Unknown by value 'outlet'" in notices and notices.count("Unknown cmp value") == 1
    assert at.segmented_control(key="cmp_by").value == "source"
    at = open_page("compare.py", by="language", value="per_1000_words")
    assert not at.exception and not at.info
    assert at.segmented_control(key="cmp_by").value == "language"
    assert at.toggle(key="cmp_per").value is True
