"""A timeline point drawn beside others of its period (scattermode "group") still stands for
its period: its evidence is the mentions of that day, week or month (issue 25)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.views.evidence import period_of


@pytest.mark.parametrize(
    ("drawn", "every", "period"),
    [
        ("2025-12-11 23:59:59.9998", "day", date(2025, 12, 12)),  # just before its day
        ("2025-12-12 00:00:00.0003", "day", date(2025, 12, 12)),  # just after
        ("2025-12-12", "day", date(2025, 12, 12)),
        ("2025-12-06 20:00", "week", date(2025, 12, 8)),  # the Saturday before Monday 8 Dec
        ("2025-12-09 10:00", "week", date(2025, 12, 8)),
        ("2025-11-20", "month", date(2025, 12, 1)),
        ("2025-12-10", "month", date(2025, 12, 1)),
    ],
)
def test_a_drawn_point_is_moved_to_the_start_of_its_period(drawn, every, period):
    assert period_of({"x": drawn}, every) == period
