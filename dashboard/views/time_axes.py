"""Time axes and actor marks that read at any size (no Streamlit): the grouping a series of
periods was made with, tick labels that show dates and never times of day, and a colour and
symbol per actor so no two actors in one chart look alike."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

import plotly.graph_objects as go

DAY_MS = 24 * 3600 * 1000
# marker symbols cycled after the palette runs out: actor 21 is a square, not actor 1 again
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x")
TICKS = {"day": "%d %b %Y", "week": "%d %b %Y", "month": "%b %Y"}
HOVER = {"day": "%d %b %Y", "week": "week of %d %b %Y", "month": "%b %Y"}


def grouping_of(periods: list[date]) -> str:
    """The grouping (day, week, month) a sorted list of distinct periods was truncated to:
    months all start on the 1st at least 28 days apart, weeks on one weekday 7 days apart."""
    days = sorted(set(periods))
    if len(days) < 2:
        return "day"
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    if all(d.day == 1 for d in days) and min(gaps) >= 28:
        return "month"
    if len({d.weekday() for d in days}) == 1 and all(g % 7 == 0 for g in gaps):
        return "week"
    return "day"


def period_days(every: str) -> int:
    """The length of one period in days (a month as 31: enough room for its mark)."""
    return {"day": 1, "week": 7, "month": 31}.get(every, 1)


def date_axis(fig: go.Figure, first: date, last: date, every: str = "day") -> None:
    """Date ticks fit for the grouping: whole days (never 23:59:59.9996), months as "Mar
    2025"; a tick a day or a week when the span is short enough to label each; the range
    padded so a single period is not zoomed in to hours."""
    span = (last - first).days
    # half a period: marks grouped side by side around a period start stay inside
    pad = timedelta(days=max(span // 40, (period_days(every) + 1) // 2, 1))
    axis: dict = dict(type="date", tickformat=TICKS.get(every, TICKS["day"]))
    if every == "month":
        months = span // 30
        axis["dtick"] = "M1" if months <= 14 else "M3" if months <= 42 else "M12"
    elif span <= 14:
        axis["dtick"] = DAY_MS
    elif every == "week" and span <= 20 * 7:
        axis["dtick"] = 7 * DAY_MS
        axis["tick0"] = first.isoformat()
    elif span <= 62:
        axis["dtick"] = 7 * DAY_MS  # one label a week, still whole days
        axis["tick0"] = first.isoformat()
    fig.update_xaxes(range=[first - pad, last + pad], **axis)


def month_width_ms(first_days: list[date]) -> list[int]:
    """The width of each month (given by its first day) in milliseconds: a date like "next
    month" is drawn as the span it covers."""
    return [monthrange(d.year, d.month)[1] * DAY_MS for d in first_days]


def actor_styles(
    entity_ids: list[str], palette: tuple[str, ...]
) -> dict[str, tuple[str, str, str]]:
    """A (colour, symbol, line dash) per actor, distinct within the chart: the palette's colours
    in order, and each time the palette runs out the next symbol and dash, so actor 11 is a
    dotted line of squares, never a second solid line of circles in actor 1's colour."""
    dashes = ("solid", "dot", "dash", "dashdot", "longdash", "longdashdot")
    out = {}
    for i, entity_id in enumerate(entity_ids):
        turn = i // len(palette)
        out[entity_id] = (
            palette[i % len(palette)],
            SYMBOLS[turn % len(SYMBOLS)],
            dashes[turn % len(dashes)],
        )
    return out
