"""Charts of a big story stay readable: capped rows, one point per outlet and day, a time axis
opened on the reporting."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from dashboard.views import charts, evidence, time_axes, timeline_chart


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
            "day": [date(1848, 3, 1), date(2025, 6, 12), date(2025, 9, 20)],
            "granularity": ["month", "day", "day"],
            "mentions": [1, 2, 1],
            "articles": [1, 1, 1],
            "texts": ["March 1848", "12 June", "20 September"],
            "languages": ["de", "pl", "pl"],
        }
    )
    fig = timeline_chart.timeline(counts, dated, "")
    low, high = (date.fromisoformat(str(v)[:10]) for v in fig.layout.xaxis.range)
    assert date(2025, 4, 1) < low <= date(2025, 5, 1)
    # a date just after the reporting is in view; one months after it (like 1848) is not
    assert date(2025, 6, 12) <= high < date(2025, 7, 15)
    assert "2 more" in fig.layout.annotations[1].text
    # the dates stay in the chart: zooming out shows them (the month as a bar of its own)
    assert sum(len(t.x) for t in fig.data if t.type == "bar") == 3


NO_DATES = pl.DataFrame(
    schema={
        "day": pl.Date,
        "granularity": pl.String,
        "mentions": pl.UInt32,
        "articles": pl.UInt32,
        "texts": pl.String,
        "languages": pl.String,
    }
)


def _year_of_counts(every_days: int, actors: int = 1) -> pl.DataFrame:
    days = [date(2025, 1, 6) + timedelta(days=every_days * i) for i in range(50)]
    return pl.DataFrame(
        {
            "period": [d for d in days for _ in range(actors)],
            "entity_id": [f"PER:a{a}" for _ in days for a in range(actors)],
            "label": [f"A{a}" for _ in days for a in range(actors)],
            "mentions": [1] * (len(days) * actors),
            "articles": [1] * (len(days) * actors),
            "example": ["x"] * (len(days) * actors),
        }
    )


def test_the_grouping_follows_the_span_day_then_week_then_month() -> None:
    from dashboard.views.timeline import every_for_span

    assert [every_for_span(d) for d in (0, 31, 62)] == ["day"] * 3
    assert every_for_span(63) == "week" and every_for_span(365) == "week"
    assert every_for_span(2 * 365) == "month"


def test_the_grouping_of_a_series_is_read_back_from_its_periods() -> None:
    assert time_axes.grouping_of([date(2025, 1, 1), date(2025, 2, 1), date(2025, 4, 1)]) == "month"
    assert time_axes.grouping_of([date(2025, 1, 6), date(2025, 1, 20)]) == "week"
    assert time_axes.grouping_of([date(2025, 1, 6), date(2025, 1, 7)]) == "day"


def test_day_axes_show_dates_never_times_of_day() -> None:
    one_day = pl.DataFrame(
        {"published": [date(2019, 1, 16)], "language": ["en"], "articles": [3], "inferred": [0]}
    )
    fig = charts.by_date(one_day, "")
    assert fig.layout.xaxis.tickformat == "%d %b %Y"
    assert fig.layout.xaxis.dtick == time_axes.DAY_MS  # no tick between two days
    low, high = (date.fromisoformat(str(v)[:10]) for v in fig.layout.xaxis.range)
    assert low < date(2019, 1, 16) < high
    weekly = timeline_chart.timeline(_year_of_counts(7), NO_DATES, "")
    assert weekly.layout.xaxis.tickformat == "%d %b %Y"
    assert weekly.data[0].customdata[0][3] == "week of 06 Jan 2025"  # what the hover says
    monthly = timeline_chart.timeline(
        _year_of_counts(1).with_columns(
            period=pl.date_range(date(2021, 1, 1), date(2025, 2, 1), "1mo", eager=True)
        ),
        NO_DATES,
        "",
    )
    assert monthly.layout.xaxis.tickformat == "%b %Y"


def test_a_month_mentioned_is_drawn_as_the_month_it_covers() -> None:
    dated = pl.DataFrame(
        {
            "day": [date(2025, 2, 1), date(2025, 2, 14)],
            "granularity": ["month", "day"],
            "mentions": [2, 1],
            "articles": [2, 1],
            "texts": ["next month", "14 Feb"],
            "languages": ["en", "en"],
        }
    )
    fig = timeline_chart.timeline(_year_of_counts(1), dated, "")
    month, day = (t for t in fig.data if t.type == "bar")
    assert month.width[0] == 28 * time_axes.DAY_MS and month.offset == 0
    # a month's mentions spread over its days, comparable with a day's; the hover has 2
    assert month.y[0] == 2 / 28 and month.customdata[0][3] == "2"
    assert day.width[0] == time_axes.DAY_MS
    # the bar's x is the day the evidence rule looks up (months on their first day)
    assert str(month.x[0])[:10] == "2025-02-01"


def test_actors_never_share_a_look_and_equal_counts_sit_side_by_side() -> None:
    fig = timeline_chart.timeline(_year_of_counts(1, actors=25), NO_DATES, "")
    looks = [(t.line.color, t.marker.symbol, t.line.dash) for t in fig.data if t.type == "scatter"]
    assert len(looks) == 25 and len(set(looks)) == 25
    # no two actors share a colour with the same symbol; the first ten differ in colour alone
    assert len({look[:2] for look in looks}) == 25 and len({c for c, *_ in looks[:10]}) == 10
    assert fig.layout.scattermode == "group"
    assert len({t.offsetgroup for t in fig.data if t.type == "scatter"}) == 25
    # the legend stands beside the plot, not over its data or its date labels
    assert fig.layout.legend.x > 1


def test_a_long_outlet_list_keeps_the_biggest_and_readable_labels() -> None:
    frame = pl.DataFrame(
        {
            "source": [f"outlet number {i:03d} with a very long name indeed" for i in range(200)],
            "articles": list(range(200, 0, -1)),
            "languages": ["en"] * 200,
        }
    )
    fig = charts.by_outlet(frame, "")
    assert len(fig.data[0].y) == charts.MAX_ROWS
    assert "40 of 200" in fig.layout.title.text
    assert all(len(t) <= 32 for t in fig.layout.yaxis.ticktext)
    assert fig.layout.height >= 20 * charts.MAX_ROWS


def test_a_short_label_never_cuts_an_escaped_character_in_two() -> None:
    assert charts.short_label("abc", 32) == "abc"
    cut = charts.short_label("x" * 28 + "&lt;b&gt;", 32)
    assert cut == "x" * 28 + "…"  # not "xxx…&l…"
    assert charts.short_label("word " * 10, 12) == "word word w…"


def test_on_a_single_news_day_equal_counts_still_sit_side_by_side() -> None:
    # every article of a busy news day shares one publication date: no width to group over
    counts = _year_of_counts(1, actors=6).filter(pl.col("period") == date(2025, 1, 6))
    fig = timeline_chart.timeline(counts, NO_DATES, "")
    marks = [t for t in fig.data if t.type == "scatter"]
    xs = [str(t.x[0]) for t in marks]
    assert len(set(xs)) == 6  # six actors with one count each: six places, none hidden
    # every mark still stands for its day: the hover names it and the evidence finds it
    assert all("06 Jan 2025" in t.customdata[0][3] for t in marks)
    point = {"x": xs[0], "customdata": list(marks[0].customdata[0]), "every": "day"}
    frame = pl.DataFrame({"published": [date(2025, 1, 5), date(2025, 1, 6)]})
    table, rule = evidence._timeline(None, None, point, frame)  # type: ignore[arg-type]
    assert frame.with_columns(entity_id=pl.lit("PER:a0")).filter(rule)["published"].to_list() == [
        date(2025, 1, 6)
    ]


def test_publication_bars_are_as_wide_as_their_period_even_for_one_day() -> None:
    one_day = pl.DataFrame(
        {"published": [date(2019, 1, 16)], "language": ["en"], "articles": [3], "inferred": [0]}
    )
    bar = charts.by_date(one_day, "").data[0]
    assert bar.width == 0.9 * time_axes.DAY_MS and bar.offset == 0  # clickable, on its day
