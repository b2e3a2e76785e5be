"""Charts of a big story stay readable: capped rows, one point per outlet and day, a time axis
opened on the reporting."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from dashboard import charts, evidence


def _publication(outlets: int) -> pl.DataFrame:
    rows = []
    for o in range(outlets):
        # outlet o publishes o + 1 articles, two of them on its first day
        for k in range(o + 1):
            rows.append(
                {
                    "article_id": f"a{o:03d}-{k:03d}",
                    "title": None,
                    "language": "de" if o % 2 else "pl",
                    "published": date(2025, 3, 1) + timedelta(days=max(k - 1, 0)),
                    "published_inferred": k == 3,
                    "source": f"outlet-{o:03d}.example",
                }
            )
    return pl.DataFrame(rows)


def test_publication_draws_one_point_per_outlet_and_day_for_the_busiest_outlets() -> None:
    frame = _publication(60)
    fig = charts.publication(frame, "")
    shown = {y for trace in fig.data for y in trace.y}
    assert len(shown) == charts.MAX_ROWS
    assert shown == {f"outlet-{o:03d}.example" for o in range(20, 60)}  # the most articles
    assert "40 of 60 outlets" in fig.layout.title.text
    points = sum(len(trace.x) for trace in fig.data)
    busiest = frame.filter(pl.col("source").is_in(list(shown)))
    assert points == busiest.select("source", "published").n_unique()
    said = [c for trace in fig.data for c in trace.customdata]
    assert "2 articles" in said  # the two articles of an outlet's first day are one point
    # an inferred date is drawn hollow, in its own trace
    assert {trace.marker.symbol for trace in fig.data} == {"circle", "circle-open"}


def test_a_publication_point_leads_to_the_articles_of_that_outlet_and_day() -> None:
    frame = _publication(3)
    table, expr = evidence.RULES["story-publication"](
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        {"x": "2025-03-01", "y": "outlet-002.example"},
        frame,
    )
    assert table == "articles"
    assert sorted(frame.filter(expr)["article_id"]) == ["a002-000", "a002-001"]


def test_coverage_draws_the_sources_with_most_mentions_and_sums_them() -> None:
    rows = [
        {"source": f"s{s:02d}", "label": label, "entity_id": label, "n_mentions": s + k}
        for s in range(50)
        for k, label in enumerate(("Ana", "Bo"))
    ]
    fig = charts.coverage(pl.DataFrame(rows), "")
    heat = fig.data[0]
    assert len(heat.y) == charts.MAX_ROWS and set(heat.y) == {f"s{s:02d}" for s in range(10, 50)}
    assert list(heat.x) == ["Bo", "Ana"]  # most mentioned first
    row = list(heat.y).index("s49")
    assert [heat.z[row][0], heat.z[row][1]] == [50, 49]
    assert "40 of 50 sources" in fig.layout.title.text


def test_the_timeline_opens_on_the_reporting_not_on_a_date_from_1848() -> None:
    counts = pl.DataFrame(
        {
            "period": [date(2025, 5, 1), date(2025, 6, 1)],
            "entity_id": ["PER:a", "PER:a"],
            "label": ["A", "A"],
            "mentions": [3, 4],
            "articles": [1, 2],
            "example": ["x", None],
        }
    )
    dated = pl.DataFrame(
        {
            "day": [date(1848, 3, 1), date(2025, 7, 20)],
            "granularity": ["month", "day"],
            "mentions": [1, 2],
            "articles": [1, 1],
            "texts": ["March 1848", "20 July"],
            "languages": ["de", "pl"],
        }
    )
    fig = charts.timeline(counts, dated, "")
    low, high = (date.fromisoformat(str(v)[:10]) for v in fig.layout.xaxis.range)
    assert date(2025, 4, 1) < low <= date(2025, 5, 1)
    assert date(2025, 7, 20) <= high < date(2025, 9, 1)
    assert "1 more" in fig.layout.annotations[1].text
    # the date stays in the chart: zooming out shows it
    assert len(fig.data[-1].x) == 2
