"""Plotly figures from frames (no Streamlit): the same figure is drawn and exported."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

PALETTE = (
    "#3b5bdb", "#e8590c", "#2f9e44", "#c2255c", "#7048e8",
    "#1098ad", "#f08c00", "#5c940d", "#a61e4d", "#495057",
)
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
        title=dict(text=f"{title}<br><sup>{_escape(caption)}</sup>" if caption else title)
    )
    return fig


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
            hovertemplate="%{y} (%{customdata}): %{x} articles<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="articles", dtick=1 if frame["articles"].max() <= 10 else None)  # type: ignore[operator]
    return finish(fig, title, caption)


def by_outlet(frame: pl.DataFrame, caption: str = "") -> go.Figure:
    title = "Articles by outlet"
    if frame.height == 0:
        return empty_figure("No articles match the filters", title, caption)
    fig = go.Figure(
        go.Bar(
            x=frame["articles"].to_list(),
            y=frame["source"].to_list(),
            orientation="h",
            marker_color=PALETTE[1],
            customdata=frame["languages"].to_list(),
            hovertemplate="%{y}: %{x} articles (%{customdata})<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="articles")
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
            name=lang or "unknown",
            marker_color=colour(i),
            customdata=part["inferred"].to_list(),
            hovertemplate="%{x|%d %b %Y}: %{y} articles (%{customdata} with inferred date)"
            "<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(barmode="stack", legend_title_text="language")
    fig.update_yaxes(title="articles")
    return finish(fig, title, caption)
