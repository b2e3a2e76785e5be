"""Charts and tables out of the app and the CLI: interactive HTML, PNG/SVG, CSV/Parquet, bundles."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.errors import NewsprismError


def figure_html(fig: go.Figure) -> bytes:
    """A self-contained interactive HTML file: plotly.js inlined, so it opens offline."""
    return fig.to_html(include_plotlyjs=True, full_html=True).encode("utf-8")


def figure_image(fig: go.Figure, fmt: str, *, width: int = 1200, height: int = 700) -> bytes:
    """PNG or SVG bytes through kaleido and the system Chromium."""
    try:
        return bytes(fig.to_image(format=fmt, width=width, height=height, scale=1 if fmt == "svg" else 2))
    except Exception as exc:  # kaleido reports a missing browser with assorted exception types
        raise NewsprismError(fmt, f"static export needs Chromium (apt-get install chromium): {exc}") from exc
