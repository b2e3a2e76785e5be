"""Plotly figures from frames (no Streamlit): the same figure is drawn and exported."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard import time_axes
from dashboard.reading import plot_text, plot_text_expr

PALETTE = (
    "#3b5bdb",
    "#e8590c",
    "#2f9e44",
    "#c2255c",
    "#7048e8",
    "#1098ad",
    "#f08c00",
    "#5c940d",
    "#a61e4d",
    "#495057",
)
# actors: a wider, still readable palette so few actors share a colour (stable by id)
ACTOR_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
    "#a55194",
)
# mentioned dates the timeline opens on, around the reporting: half its span, two weeks to
# three months, so a month of reporting is not squeezed into a corner by the months before it
NEAR_PUBLICATION = (timedelta(days=14), timedelta(days=90))
MAX_ROWS = 40  # outlets (or languages) a chart draws as rows; the frame and exports keep all

LAYOUT = dict(
    template="plotly_white",
    margin=dict(l=48, r=24, t=64, b=48),
    font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13),
    title=dict(x=0, xanchor="left", font=dict(size=16)),
)


def colour(i: int) -> str:
    """The i-th categorical colour (actors keep one colour across views)."""
    return PALETTE[i % len(PALETTE)]


def finish(fig: go.Figure, title: str, caption: str) -> go.Figure:
    """Title plus the filters in force as a subtitle: a chart never travels without them."""
    fig.update_layout(**LAYOUT)
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{plot_text(caption)}</sup>" if caption else title)
    )
    return fig


def _plain(values: list) -> list[str]:
    return [plot_text(v) for v in values]


def _category_labels(fig: go.Figure, axis: str, values: list, longest: int = 32) -> None:
    """Tick labels of a category axis drawn inert and cut to `longest` characters (the hover
    keeps the whole name); the points keep the raw values, which is what a selection hands to
    the evidence rules."""
    shown = [short_label(plot_text(v), longest) for v in values]
    if shown != [str(v) for v in values]:
        fig.update_layout({f"{axis}axis": dict(tickmode="array", tickvals=values, ticktext=shown)})


def short_label(text: str, longest: int = 32) -> str:
    """An inert label cut to `longest` characters with an ellipsis, never inside an escaped
    entity such as &lt;."""
    if len(text) <= longest:
        return text
    cut = text[: longest - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def empty_figure(message: str, title: str = "", caption: str = "") -> go.Figure:
    """A figure that says why there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, caption)


def by_language(frame: pl.DataFrame, caption: str = "") -> go.Figure:
    title = "Articles by language"
    if frame.height == 0:
        return empty_figure("No articles match the filters", title, caption)
    fig = go.Figure(
        go.Bar(
            x=frame["articles"].to_list(),
            y=frame["language_name"].to_list(),
            orientation="h",
            marker_color=PALETTE[0],
            customdata=frame["language"].to_list(),
            hovertext=[
                f"{plot_text(n)} ({plot_text(c)})"
                for n, c in zip(frame["language_name"], frame["language"], strict=True)
            ],
            hovertemplate="%{hovertext}: %{x} articles<extra></extra>",
        )
    )
    _category_labels(fig, "y", frame["language_name"].to_list())
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="articles", dtick=1 if frame["articles"].max() <= 10 else None)  # type: ignore[operator]
    return finish(fig, title, caption)


def by_outlet(frame: pl.DataFrame, caption: str = "") -> go.Figure:
    """Articles per outlet, most first; past MAX_ROWS outlets the chart keeps the biggest and
    says so (the frame and its export keep all), each row tall enough for its label."""
    title = "Articles by outlet"
    if frame.height == 0:
        return empty_figure("No articles match the filters", title, caption)
    if frame.height > MAX_ROWS:
        title += f" ({MAX_ROWS} of {frame.height:,}, most articles; the table has all)"
        frame = frame.head(MAX_ROWS)
    fig = go.Figure(
        go.Bar(
            x=frame["articles"].to_list(),
            y=frame["source"].to_list(),
            orientation="h",
            marker_color=PALETTE[1],
            customdata=_plain(frame["languages"].to_list()),
            hovertext=_plain(frame["source"].to_list()),
            hovertemplate="%{hovertext}: %{x} articles (%{customdata})<extra></extra>",
        )
    )
    _category_labels(fig, "y", frame["source"].to_list())
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title="articles")
    fig.update_layout(height=max(360, 130 + 17 * frame.height))
    return finish(fig, title, caption)


def by_date(frame: pl.DataFrame, caption: str = "") -> go.Figure:
    title = "Articles by publication date"
    if frame.height == 0:
        return empty_figure("No dated articles match the filters", title, caption)
    fig = go.Figure()
    for i, lang in enumerate(frame["language"].unique(maintain_order=True).to_list()):
        part = frame.filter(pl.col("language") == lang)
        fig.add_bar(
            x=part["published"].to_list(),
            y=part["articles"].to_list(),
            name=plot_text(lang or "unknown"),
            marker_color=ACTOR_PALETTE[i % len(ACTOR_PALETTE)],  # up to 20 languages apart
            customdata=part["inferred"].to_list(),
            hovertemplate="%{x|%d %b %Y}: %{y} articles (%{customdata} with inferred date)"
            "<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(barmode="stack", legend_title_text="language")
    fig.update_yaxes(title="articles")
    days = frame["published"].to_list()
    time_axes.date_axis(fig, min(days), max(days))
    return finish(fig, title, caption)


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
    for entity_id in ids:
        part = counts.filter(pl.col("entity_id") == entity_id)
        label = part["label"][0] or entity_id
        colour, symbol, dash = styles[entity_id]
        # numpy columns: plotly then checks no item one by one
        fig.add_scatter(
            x=part["period"].to_numpy(),
            y=part["mentions"].to_numpy(),
            mode="lines+markers",
            name=plot_text(label),
            # side by side within a period: equal counts never hide each other
            offsetgroup=entity_id,
            line=dict(color=colour, width=2, dash=dash),
            marker=dict(size=8, symbol=symbol, line=dict(width=1, color="white")),
            customdata=part.select(
                pl.lit(entity_id).alias("entity_id"),
                pl.col("articles").cast(pl.String),
                plot_text_expr(pl.col("example").fill_null("").str.slice(0, 220)),
            ).to_numpy(),
            hovertemplate=f"<b>%{{fullData.name}}</b> %{{x|{when}}}: %{{y}} mentions in "
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


def coverage(
    frame: pl.DataFrame, caption: str = "", by: str = "source", value: str = "n_mentions"
) -> go.Figure:
    """Outlets (or languages) by actors as a heat map of mentions (or mentions per 1,000 words)."""
    title = f"Who mentions whom: {by}s by actor"
    if frame.height == 0:
        return empty_figure("No actor mentions in this story with these filters", title, caption)
    actors = (
        frame.group_by("label")
        .agg(pl.col("n_mentions").sum())
        .sort("n_mentions", "label", descending=[True, False])
        .head(20)["label"]
        .to_list()
    )
    shown = frame.filter(pl.col("label").is_in(actors))
    ranked = (
        shown.group_by(by)
        .agg(pl.col("n_mentions").sum())
        .sort("n_mentions", by, descending=[True, False])
    )
    rows = sorted(ranked[by].head(MAX_ROWS).to_list())
    if ranked.height > len(rows):
        title += f" ({len(rows)} of {ranked.height:,} {by}s, most mentions; the table has all)"
    cells = (
        shown.filter(pl.col(by).is_in(rows))
        .group_by(by, "label")
        .agg(pl.col(value).sum())
        .pivot(on="label", index=by, values=value)
    )
    grid = pl.DataFrame({by: rows}).join(cells, on=by, how="left")
    z = grid.select(
        pl.col(a).fill_null(0) if a in grid.columns else pl.lit(0).alias(a) for a in actors
    ).rows()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=actors,
            y=rows,
            colorscale="Blues",
            text=z,
            texttemplate="%{text}",
            customdata=[[f"{plot_text(r)} · {plot_text(a)}" for a in actors] for r in rows],
            hovertemplate="%{customdata}: %{z}<extra></extra>",
            colorbar=dict(title="per 1,000 words" if value == "per_1000_words" else "mentions"),
        )
    )
    _category_labels(fig, "x", actors)
    _category_labels(fig, "y", rows)
    fig.update_xaxes(tickangle=-35)
    fig.update_layout(height=max(320, 60 + 42 * len(rows)))
    return finish(fig, title, caption)


def publication(frame: pl.DataFrame, caption: str = "") -> go.Figure:
    """Each outlet's articles of a story on a time line (inferred dates hollow)."""
    title = "Who published when"
    dated = frame.filter(pl.col("published").is_not_null())
    if dated.height == 0:
        return empty_figure("No dated article in this story", title, caption)
    # one point per outlet and day (a story of thousands of articles stays readable)
    points = (
        dated.group_by("source", "published")
        .agg(
            n=pl.len(),
            inferred=pl.col("published_inferred").fill_null(False).all(),
            languages=pl.col("language").fill_null("?").unique().sort().str.join(", "),
            first=pl.col("article_id").min(),
        )
        .sort("published", "source")
    )
    outlets = (
        dated.group_by("source")
        .agg(n=pl.len(), first=pl.col("published").min())
        .sort("n", "first", "source", descending=[True, False, False])
    )
    if outlets.height > MAX_ROWS:
        title += f" ({MAX_ROWS} of {outlets.height:,} outlets, most articles; the table has all)"
        points = points.filter(pl.col("source").is_in(outlets["source"].head(MAX_ROWS).implode()))
    points = points.with_columns(
        size=(12 + 3 * (pl.col("n") - 1)).clip(upper_bound=30),
        said=pl.when(pl.col("n") > 1)
        .then(pl.col("n").cast(pl.String) + " articles")
        .otherwise(pl.col("first")),
    )
    fig = go.Figure()
    # a trace per symbol and numpy columns: plotly then checks no item one by one
    for inferred, symbol, name in ((False, "circle", "dated"), (True, "circle-open", "inferred")):
        part = points.filter(pl.col("inferred") == inferred)
        if part.height == 0:
            continue
        fig.add_scatter(
            x=part["published"].to_numpy(),
            y=part["source"].to_numpy(),
            mode="markers+text" if points.height <= 300 else "markers",
            name=f"publication date {name}",
            text=_plain(part["languages"].to_list()),
            textposition="middle right",
            marker=dict(size=part["size"].to_numpy(), color=PALETTE[0], symbol=symbol),
            customdata=_plain(part["said"].to_list()),
            hovertext=_plain(part["source"].to_list()),
            hovertemplate="%{hovertext}: %{x|%d %b %Y} (%{text})<br>%{customdata}<extra></extra>",
        )
    fig.update_layout(showlegend=points["inferred"].n_unique() > 1)
    # the outlet with most articles on top
    order = outlets["source"].head(MAX_ROWS).to_list()
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    _category_labels(fig, "y", order)
    days: list[date] = points["published"].to_list()
    first, last = min(days), max(days)
    pad = timedelta(days=max((last - first).days // 10, 2))
    fig.update_xaxes(type="date", tickformat="%d %b %Y", range=[first - pad, last + pad])
    if (last - first).days <= 31:
        fig.update_xaxes(dtick=24 * 3600 * 1000)  # one tick a day: no repeated day labels
    fig.update_layout(height=max(260, 80 + 40 * points["source"].n_unique()))
    return finish(fig, title, caption)
