"""The timeline's grouping: chosen from the span of the filtered reporting unless asked for."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import polars as pl

from dashboard.store.store import Analysis
from dashboard.views import timeline
from dashboard.views.filters import Filters


class _Articles:
    """Only what resolve_every reads of an analysis: its articles table."""

    def __init__(self, days: list[date | None]) -> None:
        self.frame = pl.DataFrame(
            {
                "article_id": [f"a{i}" for i in range(len(days))],
                "published": pl.Series(days, dtype=pl.Date),
                "language": ["en"] * len(days),
                "source": ["o"] * len(days),
                "story_id": ["s"] * len(days),
            }
        )

    def scan(self, table: str) -> pl.LazyFrame:
        assert table == "articles"
        return self.frame.lazy()


def _an(days: list[date | None]) -> Analysis:
    return cast(Any, _Articles(days))


def test_a_year_of_reporting_is_grouped_by_week_and_a_month_by_day() -> None:
    year = [date(2025, 1, 1) + timedelta(days=d) for d in range(0, 365, 3)]
    assert timeline.resolve_every(_an(year), Filters(), "auto") == "week"
    month = [date(2025, 3, 1) + timedelta(days=d) for d in range(30)]
    assert timeline.resolve_every(_an([*month, None]), Filters(), "auto") == "day"
    three_years = [date(2023, 1, 1), date(2025, 12, 31)]
    assert timeline.resolve_every(_an(three_years), Filters(), "auto") == "month"


def test_the_span_is_the_filtered_one_and_a_chosen_grouping_wins() -> None:
    year = [date(2025, 1, 1) + timedelta(days=d) for d in range(0, 365, 3)]
    march = Filters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert timeline.resolve_every(_an(year), march, "auto") == "day"
    assert timeline.resolve_every(_an(year), Filters(), "month") == "month"
    # nothing dated: one period, by day
    assert timeline.resolve_every(_an([None]), Filters(), None) == "day"


def test_a_point_of_the_auto_timeline_opens_the_mentions_of_the_grouping_drawn(
    seed_analysis,
) -> None:
    from dashboard.views import views

    an = Analysis.open(seed_analysis)
    drawn = timeline.resolve_every(an, Filters(), "auto")
    frame = views.VIEWS["timeline"].table(an, Filters())
    assert_same = views.VIEWS["timeline"].table(an, Filters(), {"every": drawn})
    assert frame.equals(assert_same)
    top = frame.sort("mentions", descending=True).row(0, named=True)
    point = {"x": str(top["period"]), "customdata": [top["entity_id"], 1, ""]}
    rows = views.evidence_rows(an, "timeline", point, Filters())  # every: auto
    same = views.evidence_rows(an, "timeline", point, Filters(), {"every": drawn})
    assert rows.height == same.height == top["mentions"]
