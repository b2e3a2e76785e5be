"""The timeline figure (no Streamlit): actor mentions over publication time above the dates
the articles mention, on one time axis that reads at any span."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard.views import time_axes
from dashboard.views.charts import empty_figure, finish
from dashboard.views.reading import ACTOR_PALETTE, plot_text, plot_text_expr

# mentioned dates the timeline opens on, around the reporting: half its span, two weeks to
# three months, so a month of reporting is not squeezed into a corner by the months before it
NEAR_PUBLICATION = (timedelta(days=14), timedelta(days=90))


def timeline(counts: pl.DataFrame, dated: pl.DataFrame, caption: str = "") -> go.Figure:
    """Actor mentions over publication time (top) and the dates articles mention (bottom),
    on one shared time axis: who reported when next to what happened when. The lower row is
    a strip of counts per day (a month mentioned as a whole: a bar as wide as the month), so a
    year of dates never smears into overlapping marks; each bar still opens its evidence."""
    from plotly.subplots import make_subplots

    title = "Actors over time"
    if counts.height == 0 and dated.height == 0:
        return empty_figure("No dated mentions match the filters", title, caption)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.7, 0.3],
        vertical_spacing=0.1,
        subplot_titles=("Mentions by publication date", "Dates the articles mention"),
    )
    every = time_axes.grouping_of(counts["period"].to_list()) if counts.height else "day"
    when = time_axes.HOVER[every]
    # the most mentioned first: legend order, and the most distinct colours go to them
    ids = (
        counts.group_by("entity_id")
        .agg(pl.col("mentions").sum())
        .sort("mentions", "entity_id", descending=[True, False])["entity_id"]
        .to_list()
    )
    # ten clearly different colours, then symbols and dashes (the palette's later colours
    # are shades of its first ones)
    styles = time_axes.actor_styles(ids, ACTOR_PALETTE[:10])
    # one period only (a news day): plotly's side-by-side grouping has no width to spread
    # over, so the marks are set apart by hand around the period, within its band
    alone = counts["period"].n_unique() == 1
    spread = timedelta(days=0.8 * time_axes.period_days(every))
    for k, entity_id in enumerate(ids):
        part = counts.filter(pl.col("entity_id") == entity_id)
        label = part["label"][0] or entity_id
        colour, symbol, dash = styles[entity_id]
        x = part["period"]
        if alone:
            x = x.cast(pl.Datetime("ms")) + spread * ((k + 0.5) / len(ids) - 0.5)
        # numpy columns: plotly then checks no item one by one
        fig.add_scatter(
            x=x.to_numpy(),
            y=part["mentions"].to_numpy(),
            mode="lines+markers",
            name=plot_text(label),
            # side by side within a period: equal counts never hide each other
            offsetgroup=entity_id,
            line=dict(color=colour, width=2, dash=dash),
            marker=dict(size=8, symbol=symbol, line=dict(width=1, color="white")),
            # the hover names the period, not x (which may sit beside it, set apart); the
            # evidence rule moves x to the nearest period start (evidence.period_of)
            customdata=part.select(
                pl.lit(entity_id).alias("entity_id"),
                pl.col("articles").cast(pl.String),
                plot_text_expr(pl.col("example").fill_null("").str.slice(0, 220)),
                pl.col("period").dt.strftime(when).alias("when"),
            ).to_numpy(),
            hovertemplate="<b>%{fullData.name}</b> %{customdata[3]}: %{y} mentions in "
            "%{customdata[1]} articles<br><i>%{customdata[2]}</i><extra></extra>",
            row=1,
            col=1,
        )
    _mentioned_dates(fig, dated)
    _publication_window(fig, counts, dated, every)
    fig.update_yaxes(title="mentions", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title="a day", rangemode="tozero", nticks=3, row=2, col=1)
    fig.update_layout(
        height=620,
        scattermode="group",
        scattergap=0.5,
        barmode="overlay",
        hovermode="closest",
        # the legend beside the plot, never over a line or under the dates
        legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top"),
        margin=dict(t=110, r=24),
    )
    return finish(fig, title, caption)


def _mentioned_dates(fig: go.Figure, dated: pl.DataFrame) -> None:
    """The lower row: a bar per day mentioned and one per month mentioned as a whole, spanning
    that month (lighter, behind the days). A bar's x is the day the evidence rule looks up."""
    if dated.height and "granularity" not in dated.columns:
        dated = dated.with_columns(granularity=pl.lit("day"))  # a frame of days only
    for granularity, name, opacity in (
        ("month", "mentioned month (whole month)", 0.35),
        ("day", "mentioned day", 0.9),
    ):
        part = dated.filter(pl.col("granularity") == granularity) if dated.height else dated
        if part.height == 0:
            continue
        days = part["day"].to_list()
        width = (
            time_axes.month_width_ms(days)
            if granularity == "month"
            else [time_axes.DAY_MS] * part.height
        )
        hover = "%{x|%b %Y}" if granularity == "month" else "%{x|%d %b %Y}"
        per_day = (
            [1] * part.height if granularity == "day" else [w // time_axes.DAY_MS for w in width]
        )
        fig.add_bar(
            x=part["day"].to_numpy(),
            # mentions a day: a month's count spread over its days, beside the days' own
            y=(part["mentions"] / pl.Series(per_day)).to_numpy(),
            width=width,
            offset=0,  # the bar covers the day (or month) it stands for
            name=name,
            marker=dict(color="#495057", opacity=opacity, line=dict(width=0)),
            customdata=part.select(
                pl.lit(""),
                pl.col("articles").cast(pl.String),
                plot_text_expr(pl.col("texts").str.slice(0, 200)),
                pl.col("mentions").cast(pl.String),
            ).to_numpy(),
            hovertemplate=f"{hover}: %{{customdata[3]}} mentions in %{{customdata[1]}} articles<br>"
            "<i>%{customdata[2]}</i><extra></extra>",
            row=2,
            col=1,
        )


def _publication_window(
    fig: go.Figure, counts: pl.DataFrame, dated: pl.DataFrame, every: str = "day"
) -> None:
    """Open the shared time axis on the publication period and the dates mentioned near it
    (NEAR_PUBLICATION): a text recalling 1848 must not squeeze a year of reporting into one column.
    Dates further out stay in the chart (zoom out) and the lower row's title counts them."""
    if counts.height == 0:
        days = dated["day"].to_list()
        time_axes.date_axis(fig, min(days), max(days))
        return
    first, last = counts["period"].min(), counts["period"].max()
    assert isinstance(first, date) and isinstance(last, date)
    near = min(max((last - first) / 2, NEAR_PUBLICATION[0]), NEAR_PUBLICATION[1])
    if dated.height:
        dated_near = dated.filter(pl.col("day").is_between(first - near, last + near))
    else:
        dated_near = dated
    ends = [d for d in (dated_near["day"].min(), dated_near["day"].max()) if isinstance(d, date)]
    low, high = min([first, *ends]), max([last, *ends])
    time_axes.date_axis(fig, low, high, every)
    outside = dated.height - dated_near.height
    if outside:
        note = (
            f"Dates the articles mention ({outside:,} more, further from the reporting: zoom out)"
        )
        fig.layout.annotations[1].text = note
