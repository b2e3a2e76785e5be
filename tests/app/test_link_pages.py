"""The copy-link box shows the address of what is on the screen, in the same run that changes
it; choices survive a visit to another page; any articles side by side (issue 25)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from ..conftest import DE, EL, RO, SR, TR
from .conftest import ROOT, open_page


def link(at: AppTest) -> dict[str, list[str]]:
    """The query of the address in the copy-link box."""
    codes = [c.value for c in at.code if c.value.startswith("?") or "://" in c.value or not c.value]
    assert len(codes) == 1, codes
    return parse_qs(urlsplit(codes[0]).query)


def address(at: AppTest) -> dict[str, list[str]]:
    """The query the app wrote to the address bar."""
    return {
        k: v if isinstance(v, list) else [v]
        for k, v in at.query_params.items()
        if v not in ("", [])
    }


def go(at: AppTest, page: str) -> AppTest:
    """Move to another page as the sidebar does: the browser drops the query string."""
    at.query_params.clear()
    at.switch_page(str(ROOT / "dashboard" / "app" / "screens" / page))
    return at.run()


def test_reader_link_follows_the_chosen_article_in_the_same_run(analysis):
    at = open_page("reader.py")
    at.selectbox(key="reader_article").set_value(TR).run()
    assert not at.exception
    assert link(at)["article"] == [TR]
    assert link(at) == address(at)


def test_versus_link_keeps_a_third_article(analysis):
    at = open_page("versus.py")
    at.multiselect(key="vs_articles").set_value([SR, RO, EL]).run()
    assert not at.exception
    assert link(at)["a"] == [SR, RO, EL]
    assert link(at) == address(at)


def test_link_is_right_when_the_page_stops_early(analysis):
    at = open_page("versus.py")
    at.multiselect(key="vs_articles").set_value([SR]).run()
    assert any("two or more" in i.value for i in at.info)
    assert link(at)["a"] == [SR]


def test_timeline_grouping_in_the_link_and_kept_across_pages(analysis):
    at = open_page("timeline.py")
    at.button_group(key="tl_every").set_value("month").run()
    assert link(at)["every"] == ["month"]
    at.button_group(key="tl_every").set_value("week").run()
    assert link(at)["every"] == ["week"]
    go(at, "articles.py")
    assert "every" not in link(at)  # the articles page has no grouping
    go(at, "timeline.py")
    assert not at.exception
    assert at.button_group(key="tl_every").value == "week"
    assert link(at)["every"] == ["week"] and address(at)["every"] == ["week"]


def test_reader_article_kept_across_pages(analysis):
    at = open_page("reader.py")
    at.selectbox(key="reader_article").set_value(TR).run()
    go(at, "overview.py")
    go(at, "reader.py")
    assert at.selectbox(key="reader_article").value == TR
    assert link(at)["article"] == [TR]


def test_german_article_next_to_the_serbian_one_of_another_story(analysis):
    at = open_page("versus.py", a=[DE, SR])
    assert not at.exception
    assert at.multiselect(key="vs_articles").value == [DE, SR]
    assert not any("two or more" in i.value for i in at.info)
    html = " ".join(h.proto.body for h in at.html)
    assert html.count('class="np-h"') == 2
    assert "different stories" in " ".join(c.value for c in at.caption)
    # every article of the corpus is offered, the story's members first
    options = at.multiselect(key="vs_articles").options
    assert len(options) == 5


def test_reader_without_translation_says_so_once(analysis):
    at = open_page("reader.py")
    html = " ".join(h.proto.body for h in at.html)
    assert "untranslated" not in html and "Translation</div>" not in html
    assert sum("Open Translation" in i.value for i in at.info) == 1


def test_who_came_first_on_one_shared_date_ticks_none(analysis):
    at = open_page("compare.py")
    firsts = next(d.value for d in at.dataframe if "near_duplicate" in d.value.columns)
    assert not firsts["first"].any()
    assert any("which came first is unknown" in c.value for c in at.caption)
    assert "outlet" in firsts.columns and "title" in firsts.columns


def test_comparison_columns_explain_themselves(analysis):
    at = open_page("compare.py")
    configs = " ".join(d.proto.columns for d in at.dataframe)
    for word in ("near_duplicate", "share", "only_numbers", "omitted_actors"):
        assert f'"{word}"' in configs
    assert "likely a copy or a version of the same report" in configs
    assert "YYYY-MM-DD" in configs  # days without a time of day


def test_a_chart_point_in_the_link_lists_its_evidence(analysis):
    at = open_page("overview.py", **{"point-languages": '{"customdata":"sr","y":"Serbian"}'})
    assert not at.exception
    assert "**Evidence**" in [m.value for m in at.markdown]
    captions = " ".join(c.value for c in at.caption)
    assert "1 passages behind the selected point" in captions
    assert "The point the link was made on" in captions
    assert link(at)["point-languages"] == ['{"customdata":"sr","y":"Serbian"}']


def test_a_point_the_chart_cannot_have_gives_a_notice_and_no_evidence(analysis):
    at = open_page(None, **{"point-published": '{"x":"not a day"}'})
    assert not at.exception
    assert any("not one of this chart" in i.value for i in at.info)
    assert "point-published" not in link(at)
    at = open_page(None, **{"point-outlets": "[1"})
    assert any("Unknown point" in i.value for i in at.info)
