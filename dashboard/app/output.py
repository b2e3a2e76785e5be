"""What a page draws from the view registry: tables and charts with their downloads and
exports, the analysis bundle button, and the evidence behind a selected chart point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.app.links import set_page_param
from dashboard.app.ui import (
    describe,
    frame,
    open_cached,
    show_error,
    show_translations,
    stamp,
)
from dashboard.errors import NewsprismError
from dashboard.store.store import Analysis
from dashboard.views import bundle, export, views
from dashboard.views import view_options as vo
from dashboard.views.filters import Filters
from dashboard.views.reading import md_text
from dashboard.views.view_options import Opts


def table_downloads(name: str, data: pl.DataFrame, caption: str) -> None:
    """CSV (optionally with a BOM for spreadsheets) and Parquet downloads of a table."""
    cols = st.columns([1, 1, 2, 3])
    bom = cols[2].toggle(
        "For Excel", key=f"bom_{name}", help="UTF-8 with BOM, and formulas neutralised"
    )
    # the files are made when a button is pressed, not on every run of the page
    cols[0].download_button(
        "CSV",
        lambda: export.table_csv(data, bom=bom),
        file_name=f"newsprism-{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    cols[1].download_button(
        "Parquet",
        lambda: export.table_parquet(data, caption),
        file_name=f"newsprism-{name}.parquet",
        mime="application/vnd.apache.parquet",
        key=f"pq_{name}",
        on_click="ignore",
    )


def chart(
    name: str,
    an: Analysis,
    f: Filters,
    opts: Opts | None = None,
    *,
    key: str | None = None,
    caption: str | None = None,
    quiet: bool = True,
    selection: tuple[Literal["points", "box", "lasso"], ...] = ("points", "box", "lasso"),
) -> object:
    """Draw a registered view's chart with the filters as its caption, its export buttons and
    the evidence behind a selected point; return the selection."""
    values = views.VIEWS[name].opts(opts)
    data = frame(name, an, f, values)
    text = caption if caption is not None else describe(an, f)
    key_opts = tuple(sorted(values.items()))
    fig = _figure(name, str(an.path), stamp(an.path), f, key_opts, text, data)
    if fig is None:
        return None
    state = st.plotly_chart(
        fig,
        width="stretch",
        key=key or f"chart_{name}",
        on_select="rerun",
        selection_mode=selection,
        config=export.plotly_config(name),
    )
    chart_downloads(name, fig, data, text)
    evidence_for(name, an, f, state, values, quiet=quiet, key=key or f"chart_{name}")
    return state


# A chart is a pure result of its view, the analysis version, the filters, the options and the
# caption: built once and shared, not rebuilt on every run of every session (plotly validates
# every property: 10-35 ms a chart, most of a warm page's server time on the seeds). A
# resource, not data: no pickled copy per call; st.plotly_chart and the exports only read it.
@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(
    name: str,
    path: str,
    stamp: int,
    f: Filters,
    opts: tuple[tuple[str, str | None], ...],
    caption: str,
    _data: pl.DataFrame,  # view_frame's frame for the same arguments (not hashed again)
) -> go.Figure | None:
    return views.VIEWS[name].figure(open_cached(path, stamp), f, _data, caption, dict(opts))


LAZY_ROWS = 1000


"""A table (without row selection) of more rows is sent to the browser as it is scrolled."""


def table(name: str, an: Analysis, f: Filters, opts: Opts | None = None, **shown: object) -> None:
    """Draw a registered view's table (`shown`: st.dataframe's display options) and its
    downloads."""
    data = frame(name, an, f, opts)
    days = tuple(c for c, t in data.schema.items() if t == pl.Date)
    config = {**column_help(data.columns, days), **dict(shown.pop("column_config", None) or {})}  # type: ignore[call-overload]
    # a long table sends the rows in view as they are scrolled to, not all of them at once
    lazy = data.height > LAZY_ROWS
    st.dataframe(data, hide_index=True, width="stretch", column_config=config, lazy=lazy, **shown)  # type: ignore[call-overload]
    if lazy:
        st.caption(f"{data.height:,} rows: sort by a column header, or download them all.")
    table_downloads(name, data, describe(an, f))


def column_help(columns: list[str], dates: tuple[str, ...] = ()) -> dict[str, object]:
    """A plain-language tooltip for each column header the help table (data/column_help.json)
    knows: internal words such as near_duplicate, share or only_numbers explained where shown.
    `dates`: day columns, shown as days (no time of day)."""
    out: dict[str, object] = {
        c: st.column_config.DateColumn(
            c.replace("_", " "), help=_COLUMN_HELP.get(c), format="YYYY-MM-DD"
        )
        for c in dates
    }
    out.update(
        {
            c: st.column_config.Column(c.replace("_", " "), help=_COLUMN_HELP[c])
            for c in columns
            if c in _COLUMN_HELP and c not in out
        }
    )
    return out


def chart_downloads(name: str, fig: go.Figure, data: pl.DataFrame, caption: str) -> None:
    """Chart as interactive HTML (offline), PNG/SVG through kaleido, its data as CSV."""
    with st.expander("Export", expanded=False):
        cols = st.columns(4)
        # made when pressed: an offline page inlines plotly.js (megabytes) on every run otherwise
        cols[0].download_button(
            "HTML",
            lambda: export.figure_html(fig, name=name),
            file_name=f"newsprism-{name}.html",
            mime="text/html",
            key=f"html_{name}",
            on_click="ignore",  # a download changes nothing on the page: no rerun
        )
        for i, fmt in enumerate(("png", "svg"), start=1):
            if cols[i].button(fmt.upper(), key=f"make_{fmt}_{name}"):
                try:
                    st.session_state[f"img_{fmt}_{name}"] = export.figure_image(fig, fmt)
                except NewsprismError as exc:
                    show_error(exc)
            blob = st.session_state.get(f"img_{fmt}_{name}")
            if blob:
                cols[i].download_button(
                    f"Save {fmt.upper()}",
                    blob,
                    file_name=f"newsprism-{name}.{fmt}",
                    key=f"dl_{fmt}_{name}",
                    on_click="ignore",
                )
        cols[3].download_button(
            "Data CSV",
            lambda: export.table_csv(data),
            file_name=f"newsprism-{name}.csv",
            mime="text/csv",
            key=f"data_{name}",
            on_click="ignore",
        )


def bundle_button(an: Analysis, f: Filters, charts: list[str], page: str) -> None:
    """One zip with the tables, this view's charts and a manifest that reopens the view."""
    if st.button(
        "Bundle this view", key=f"zip_{page}", help="tables, charts and filters in one zip"
    ):
        with st.spinner("Packing the bundle"):
            st.session_state[f"zipped_{page}"] = bundle.bundle_bytes(
                an, f, charts=charts, page=page
            )
    packed = st.session_state.get(f"zipped_{page}")
    if packed:
        data, notes = packed
        for note in notes:
            st.caption(md_text(note))
        st.download_button(
            "Save bundle",
            data,
            file_name=f"newsprism-{page}.zip",
            mime="application/zip",
            key=f"zipdl_{page}",
            on_click="ignore",
        )


def evidence_for(
    name: str,
    an: Analysis,
    f: Filters,
    state: object,
    opts: Opts | None = None,
    *,
    quiet: bool = False,
    key: str = "",
) -> None:
    """Under a chart: the mentions or articles behind the selected bar or point (or the point
    a link carries, `?point-NAME=`, until a point is selected or the selection cleared)."""
    if not views.has_evidence(name):
        return
    points = getattr(getattr(state, "selection", None), "points", None) or []
    point, linked = chosen_point(name, key or f"chart_{name}", points)
    if quiet and point is None:
        return
    st.markdown("**Evidence**")
    if point is None:
        st.caption("Select a bar or point in the chart to list the text behind it.")
        return
    try:
        rows = views.evidence_rows(an, name, point, f, opts)
    except (ValueError, TypeError, KeyError, IndexError):
        if not linked:
            raise  # a point the chart itself gave: a bug, shown as one
        st.info("The point in the address is not one of this chart; select a point instead.")
        set_page_param(vo.point_key(name), None)
        return
    if linked:
        st.caption("The point the link was made on; select a point in the chart to see another.")
    st.caption(f"{rows.height} passages behind the selected point")
    evidence_list(an, rows)


def chosen_point(
    name: str, key: str, points: list[dict[str, object]]
) -> tuple[dict[str, object] | None, bool]:
    """The chart's selected point, written to the URL in the same run it is selected (so the
    copied link lists the same passages); with no selection, the point the link carries, until
    the analyst selects or clears one. Returns the point and whether it came from the link."""
    url_key, seen = vo.point_key(name), f"_selected_{key}"
    if points:
        st.session_state[seen] = True
        set_page_param(url_key, vo.point_query(points[0]))
        return points[0], False
    if st.session_state.pop(seen, False):
        set_page_param(url_key, None)  # the analyst cleared the selection
        return None, False
    text = st.query_params.get(url_key)
    if not text:
        return None, False
    point, why = vo.point_from_query(text)
    if why:
        st.info(md_text(why))  # quotes the link's value
        set_page_param(url_key, None)
    return point, point is not None


def evidence_list(
    an: Analysis, rows: pl.DataFrame, limit: int = 50, total: int | None = None
) -> None:
    """Evidence rows (dashboard.views.sentences columns): the sentence with the span highlighted,
    where it comes from, a link opening the article at that paragraph, and the paragraph's
    translation when the sidebar asks for translations. `total`: how many rows there are when
    `rows` holds only the first ones."""
    from dashboard.views.reading import escape, highlight

    shown = rows.head(limit)
    if show_translations() and shown.height:
        shown = shown.join(
            an.scan("paragraphs").select("article_id", "para_no", "translation").collect(),
            on=["article_id", "para_no"],
            how="left",
        )
    for r in shown.iter_rows(named=True):
        sentence = highlight(r["sentence"] or "", [(r["mark_start"], r["mark_end"], "#f08c00", "")])
        where = " · ".join(
            escape(str(v))
            for v in (
                r["published"] or "undated",
                r["source"] or "unknown outlet",
                r["language"] or "?",
            )
        )
        translated = r.get("translation")
        extra = (
            f'<br><span style="color:#495057;font-size:.9rem">⟶ {escape(translated)}</span>'
            if translated
            else ""
        )
        st.html(
            f'<div style="margin:.2em 0 .7em 0"><span style="font-size:.8rem;color:#555">{where} · '
            f'<a href="./{escape(r["link"])}" target="_self">'
            f"{escape(r['title'] or Path(r['article_id']).name)}"
            f" ¶{r['para_no']}</a></span><br>{sentence}{extra}</div>"
        )
    total = rows.height if total is None else total
    if total > limit:
        st.caption(f"and {total - limit} more; export the table for all of them")


_COLUMN_HELP: dict[str, str] = {
    k: v
    for k, v in json.loads(
        (Path(__file__).resolve().parents[1] / "data" / "column_help.json").read_text(
            encoding="utf-8"
        )
    ).items()
    if not k.startswith("_")
}
