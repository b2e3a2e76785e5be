"""What the analyst sees first (issue 20): true outlet counts, the top actor at once."""

from __future__ import annotations

import polars as pl

from dashboard.store.store import Analysis

from .conftest import metric, open_page


def test_overview_says_outlets_are_unknown_instead_of_zero(analysis):
    arts = Analysis.open(analysis).frame("articles")
    unknown = arts["source"].null_count()
    known = arts["source"].drop_nulls().n_unique()
    at = open_page()
    assert not at.exception
    shown = metric(at, "Outlets")
    assert shown == (f"{known:,}" if known else "unknown") and shown != "0"
    if unknown:
        assert any(
            f"Outlet unknown for {unknown:,} of {arts.height:,} articles" in c.value
            for c in at.caption
        )


def test_entities_table_is_tall_sortable_and_shows_the_top_actor_at_once(analysis):
    at = open_page("entities.py")
    assert not at.exception
    table = at.dataframe[0].value
    for column in ("mentions", "articles", "first_seen", "last_seen"):
        assert column in table.columns
    top = table.sort_values("mentions", ascending=False).iloc[0]["label"]
    assert table.iloc[0]["label"] == top
    # no click needed: the first actor's mentions are on the page
    assert any(top in h.value for h in at.subheader)
    assert any("Mentions" in m.value for m in at.markdown)


def test_entities_first_and_last_seen_are_the_publication_span(analysis):
    an = Analysis.open(analysis)
    at = open_page("entities.py")
    table = at.dataframe[0].value
    first = table.iloc[0]
    days = (
        an.frame("mentions")
        .filter(pl.col("entity_id") == first["entity_id"])
        .join(an.frame("articles").select("article_id", "published"), on="article_id")["published"]
    )
    assert str(first["first_seen"])[:10] == str(days.min())
    assert str(first["last_seen"])[:10] == str(days.max())


def test_overview_and_timeline_say_how_many_articles_are_undated(analysis):
    arts = Analysis.open(analysis).frame("articles")
    undated = arts["published"].null_count()
    assert undated > 0  # the seeds hold an article without a date
    overview = open_page()
    assert metric(overview, "Dated") == f"{arts.height - undated:,}"
    dated = next(m for m in overview.metric if m.label == "Dated")
    assert f"{arts.height - undated:,} of {arts.height:,} articles" in dated.help
    said = f"No publication date for {undated:,} of {arts.height:,} articles"
    assert any(said in c.value for c in overview.caption)
    timeline = open_page("timeline.py")
    assert not timeline.exception
    said = f"{undated:,} of {arts.height:,} articles have no publication date"
    assert any(said in c.value for c in timeline.caption)
    # filtered to dated articles only, the timeline says nothing of it
    day = str(arts["published"].drop_nulls().min())
    dated = open_page("timeline.py", **{"from": day})
    assert not any("no publication date" in c.value for c in dated.caption)
