"""Plotly figures from frames (no Streamlit): the same figure is drawn and exported."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard.views import time_axes
from dashboard.views.reading import ACTOR_PALETTE, plot_text

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
    every = str(frame["period"][0]) if "period" in frame.columns else "day"
    when = {"day": "%{x|%d %b %Y}", "week": "week of %{x|%d %b %Y}", "month": "%{x|%b %Y}"}
    fig = go.Figure()
    for i, lang in enumerate(frame["language"].unique(maintain_order=True).to_list()):
        part = frame.filter(pl.col("language").eq_missing(lang))
        fig.add_bar(
            x=part["published"].to_list(),
            y=part["articles"].to_list(),
            # as wide as its period, from its start: a single day is never drawn 0 px wide
            width=time_axes.period_days(every) * time_axes.DAY_MS * 0.9,
            offset=0,
            name=plot_text(lang or "unknown"),
            marker_color=ACTOR_PALETTE[i % len(ACTOR_PALETTE)],  # up to 20 languages apart
            customdata=part["inferred"].to_list(),
            hovertemplate=when.get(every, when["day"])
            + ": %{y} articles (%{customdata} with inferred date)<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(barmode="stack", legend_title_text="language")
    fig.update_yaxes(title=f"articles a {every}")
    days = frame["published"].to_list()
    time_axes.date_axis(fig, min(days), max(days), every)
    return finish(fig, title, caption)


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
