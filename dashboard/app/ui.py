"""Streamlit glue shared by app.py and the pages: the cached analysis, the URL-backed filters,
safe rendering of untrusted article text, and the download buttons. (With app.py, the only
module of the package that imports Streamlit.)"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.errors import NewsprismError
from dashboard.store.store import MANIFEST, Analysis, ensure_views
from dashboard.store.workspace import Workspace
from dashboard.views import bundle, export, views
from dashboard.views import view_options as vo
from dashboard.views.filters import PARAMS, Filters, from_query, language_name, to_query
from dashboard.views.reading import md_text
from dashboard.views.view_options import Opts

STOP_GRACE = 3.0  # seconds a told-to-stop server gives runs in flight before it leaves
_stopper = threading.Lock()


def stop_when_told(entry: str, grace: float = STOP_GRACE) -> None:
    """Once per server process: when Streamlit is told to stop (SIGTERM from a service manager,
    Ctrl-C's SIGINT), leave within `grace` seconds even if a page's run is still waiting on a
    translation provider that does not answer (its thread would hold the exit for as long as
    the provider's timeout). Abandoning a run is safe: writes are atomic (dashboard/atomic.py),
    an interrupted one leaves the previous analysis intact. `entry`: app.py's path."""
    import sys

    from streamlit.runtime import Runtime

    # only a server `streamlit run` started on app.py (it sets sys.argv[0] to the script),
    # never AppTest inside a test process
    served = bool(sys.argv) and Path(sys.argv[0]).resolve() == Path(entry).resolve()
    if not served or not Runtime.exists() or not _stopper.acquire(blocking=False):
        return
    runtime = Runtime.instance()
    threading.Thread(target=_leave_when_stopped, args=(runtime, grace), daemon=True).start()


def _leave_when_stopped(runtime: object, grace: float) -> None:
    import os
    import sys
    import time

    from streamlit.runtime.runtime import RuntimeState

    stopping = (RuntimeState.STOPPING, RuntimeState.STOPPED)
    while getattr(runtime, "state", None) not in stopping:
        time.sleep(0.2)
    # a clean exit within the grace ends this daemon thread with the process
    time.sleep(grace)
    print("newsprism: stopped; a run still in progress was abandoned", file=sys.stderr, flush=True)
    os._exit(0)


def workspace() -> Workspace:
    return Workspace.from_env()


@st.cache_resource(show_spinner="Opening the analysis", max_entries=4)
def _open(path: str, stamp: int) -> Analysis:
    # an analysis from an older newsprism or a copied folder: its view tables are made once
    ensure_views(Path(path))
    return Analysis.open(Path(path))


def stamp(path: Path) -> int:
    """Changes whenever a new analysis is written (the manifest is written last)."""
    try:
        return (path / MANIFEST).stat().st_mtime_ns
    except OSError:
        return 0


def analysis() -> Analysis | None:
    """The current analysis, or None when there is none yet (the pages say what to do)."""
    path = workspace().analysis
    if not stamp(path):
        return None
    try:
        return _open(str(path), stamp(path))
    except NewsprismError as exc:
        st.error(str(exc))
        return None


# a status only while a view is computed (a cache miss): a spinner on every call would send
# the browser a message per call, on every run
@st.cache_data(show_spinner="Computing this view", max_entries=256)
def view_frame(
    name: str, path: str, stamp: int, f: Filters, opts: tuple[tuple[str, str | None], ...] = ()
) -> pl.DataFrame:
    """A registered view's frame, cached per analysis version, filters and options."""
    return views.VIEWS[name].table(_open(path, stamp), f, dict(opts))


def frame(name: str, an: Analysis, f: Filters, opts: Opts | None = None) -> pl.DataFrame:
    """A registered view's table for these filters and options (cached; a status shows while
    it is computed, after half a second, so a long first visit says what it is doing)."""
    return view_frame(name, str(an.path), stamp(an.path), f, tuple(sorted((opts or {}).items())))


def view_options(name: str, an: Analysis, without: tuple[str, ...] = ()) -> dict[str, str | None]:
    """A view's options from the URL, checked against the registry: a value it does not take
    falls back to the default with a notice, never an error. `without`: options a widget of
    the page reads itself (the story picker), left out here so no notice is shown twice."""
    declared = tuple(o for o in views.VIEWS[name].options if o.name not in without)
    params = {o.url_key: page_param(o.url_key) for o in declared}
    opts, notices = vo.from_query(declared, params, an)
    for notice in notices:
        st.info(md_text(notice))  # quotes the link's value
    return opts


def option_widget(name: str, option: str, opts: dict[str, str | None], key: str) -> str:
    """A segmented control for one of a view's options with declared values, seeded from
    `opts` (the URL); returns the chosen value (the default when none is chosen)."""
    declared = next(o for o in views.VIEWS[name].options if o.name == option)
    chosen = st.segmented_control(
        declared.label, list(declared.values), key=key, default=opts.get(option) or declared.default
    )
    return str(chosen or declared.default)


def write_options(name: str, opts: Opts) -> None:
    """Keep a view's options in the URL (defaults left out so links stay short)."""
    for key, value in vo.to_query(views.VIEWS[name].options, opts).items():
        set_page_param(key, value)


ALL_STORIES = "all"


@dataclass(frozen=True)
class Choices:
    """What the filters can offer for one analysis."""

    languages: list[str]
    outlets: list[str]
    first: date | None
    last: date | None
    entities: dict[str, str]
    entity_types: dict[str, str]
    stories: dict[str, str]


@st.cache_data(show_spinner="Reading what the filters offer", max_entries=16)
def _choices(path: str, stamp: int) -> Choices:
    an = _open(path, stamp)
    arts = an.scan("articles").select("language", "source", "published", "story_id").collect()
    ents = (
        an.scan("entities")
        .filter(~pl.col("hidden").fill_null(False))
        .sort("n_mentions", descending=True)
        .select("entity_id", "label", "type")
        .collect()
    )
    stories = an.scan("stories").select("story_id", "label").collect()
    return Choices(
        languages=sorted(arts["language"].drop_nulls().unique().to_list()),
        outlets=sorted(arts["source"].drop_nulls().unique().to_list()),
        first=arts["published"].min(),  # type: ignore[arg-type]
        last=arts["published"].max(),  # type: ignore[arg-type]
        entities=dict(zip(ents["entity_id"], ents["label"], strict=True)),
        entity_types=dict(zip(ents["entity_id"], ents["type"], strict=True)),
        stories=dict(zip(stories["story_id"], stories["label"], strict=True)),
    )


def choices(an: Analysis) -> Choices:
    return _choices(str(an.path), stamp(an.path))


def _seed_from_url(c: Choices, an: Analysis | None = None) -> None:
    """On a session's first run, the link's filters become the widgets' values."""
    if st.session_state.get("_seeded"):
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    view = (an.manifest.get("view") or {}) if an is not None else {}
    if not params and view.get("query"):
        # a reopened bundle starts on the view it was made from
        params = {k: v if isinstance(v, list) else [v] for k, v in view["query"].items()}
    f, warnings = from_query(
        params,
        languages=set(c.languages),
        outlets=set(c.outlets),
        actors=set(c.entities),
        stories=set(c.stories),
    )
    st.session_state.update(
        f_lang=list(f.languages),
        f_outlet=list(f.outlets),
        f_actor=list(f.actors),
        f_story=f.story or ALL_STORIES,
        f_from=f.date_from,
        f_to=f.date_to,
        _url_warnings=warnings,
        _seeded=True,
    )


def sidebar_filters(an: Analysis) -> Filters:
    """Draw the shared filters (in app.py, so they keep state across pages) and return them."""
    c = choices(an)
    _seed_from_url(c, an)
    for w in st.session_state.pop("_url_warnings", []):
        st.warning(md_text(w))  # quotes the link's values
    entities, stories = c.entities, c.stories
    sb = st.sidebar
    sb.multiselect(
        "Language", c.languages, key="f_lang", format_func=_lang_label, placeholder="All languages"
    )
    sb.multiselect("Outlet", c.outlets, key="f_outlet", placeholder="All outlets")
    sb.multiselect(
        "Actor",
        list(entities),
        key="f_actor",
        placeholder="All actors",
        format_func=lambda e: entities.get(e, e),
    )
    sb.selectbox(
        "Story",
        [ALL_STORIES, *stories],
        key="f_story",
        format_func=lambda s: "All stories" if s == ALL_STORIES else stories.get(s, s),
    )
    cols = sb.columns(2)
    cols[0].date_input(
        "Published from",
        key="f_from",
        value=None,
        min_value=c.first,
        max_value=c.last,
        format="YYYY-MM-DD",
    )
    cols[1].date_input(
        "to", key="f_to", value=None, min_value=c.first, max_value=c.last, format="YYYY-MM-DD"
    )
    f = Filters(
        languages=tuple(st.session_state.get("f_lang") or ()),
        outlets=tuple(st.session_state.get("f_outlet") or ()),
        actors=tuple(st.session_state.get("f_actor") or ()),
        story=None
        if st.session_state.get("f_story") in (None, ALL_STORIES)
        else st.session_state["f_story"],
        date_from=_day(st.session_state.get("f_from")),
        date_to=_day(st.session_state.get("f_to")),
    )
    write_url(f)
    st.session_state["filters"] = f
    if "f_tr" not in st.session_state:
        st.session_state["f_tr"] = st.query_params.get("tr") == "1"
    sb.toggle(
        "Show translations",
        key="f_tr",
        help="Titles, snippets and reading views in the pivot language where a translation exists",
    )
    set_page_param("tr", "1" if st.session_state["f_tr"] else None)
    return f


_LINK_BOX = "_link_box"


def start_run() -> None:
    """Called first in every run of app.py: the copy-link box of the previous run is gone."""
    st.session_state.pop(_LINK_BOX, None)
    _freeze_long_lived()


_frozen_at = 0  # how many modules were loaded when the long-lived objects were last frozen


def _freeze_long_lived() -> None:
    """Streamlit collects garbage after every run (runner.postScriptGC), scanning every object
    of the process: the modules of plotly, polars and Streamlit, the open analysis. That took
    100-250 ms a run on the seeds, longer than the page itself. Objects alive when a run
    starts are long-lived (the last run's garbage was collected when it ended): frozen, the
    collector skips them. Done only when new modules were loaded (a page visited for the first
    time), so what a later eviction frees is held at most that many times."""
    import gc
    import sys

    global _frozen_at
    if len(sys.modules) > _frozen_at:
        gc.freeze()
        _frozen_at = len(sys.modules)


def current_link() -> str:
    """The address of what is on the screen now: this page and every query parameter."""
    from urllib.parse import urlencode

    base = str(st.context.url or "").split("?")[0]
    query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    return f"{base}?{query}" if query else base


def copy_link() -> None:
    """The link to this exact view (page, filters, choices), with a copy button. Drawn before
    the page runs, so the page's own choices are not known yet: the box is a placeholder that
    every change of the query string rewrites (`refresh_link`), also when the page stops early."""
    with st.sidebar.popover("Copy link to this view", width="stretch"):
        st.session_state[_LINK_BOX] = st.empty()
        st.caption("Anyone with access to this server opens the same view.")
    refresh_link()


def refresh_link() -> None:
    """Rewrite the copy-link box with the address as it is now (no-op before it is drawn)."""
    box = st.session_state.get(_LINK_BOX)
    if box is not None:
        box.code(current_link(), language=None, wrap_lines=True)


def show_translations() -> bool:
    """The sidebar toggle: translations instead of originals wherever there is one."""
    return bool(st.session_state.get("f_tr"))


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _lang_label(code: str) -> str:
    return f"{language_name(code)} ({code})"


def write_url(f: Filters) -> None:
    """Keep the shared filters in the query string; page-specific keys are left alone."""
    query = to_query(f)
    for key in PARAMS:
        if key in query:
            value = query[key]
            if st.query_params.get_all(key) != (value if isinstance(value, list) else [value]):
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]
    refresh_link()


def current_filters() -> Filters:
    f = st.session_state.get("filters")
    return f if isinstance(f, Filters) else Filters()


def describe(an: Analysis, f: Filters) -> str:
    c = choices(an)
    return f.describe(c.entities, c.stories)


_REMEMBERED = "_url_{}"
# where the evidence link pointed: tied to one visit of one article, never carried along; a
# chart's selected point likewise (the chart's own selection is gone after a page change)
_NOT_REMEMBERED = frozenset({"para", *(vo.point_key(n) for n in views.VIEWS)})


def page_param(key: str, default: str | None = None) -> str | None:
    """A page's own URL parameter (article, paragraph, a view's option). Query parameters are
    cleared when the analyst moves to another page: a value this session chose before (kept by
    `set_page_param`) comes back when the address has none, so a choice survives a visit
    elsewhere. View options are read with `view_options`, which checks them."""
    value = st.query_params.get(key)
    if not value and key not in _NOT_REMEMBERED:
        value = st.session_state.get(_REMEMBERED.format(key))
    return value if value else default


def page_params(key: str) -> list[str]:
    """A page parameter that holds several values (?a=1&a=2), remembered like `page_param`."""
    values = st.query_params.get_all(key)
    if not values:
        values = list(st.session_state.get(_REMEMBERED.format(key)) or [])
    return values


def set_page_param(key: str, value: str | list[str] | None) -> None:
    """Write a page's choice to the URL in the same run that makes it (and remember it for the
    session), then refresh the copy-link box so it shows exactly this address."""
    if key not in _NOT_REMEMBERED:
        st.session_state[_REMEMBERED.format(key)] = value
    if value is None or value == []:
        if key in st.query_params:
            del st.query_params[key]
    elif isinstance(value, list):
        if st.query_params.get_all(key) != value:
            st.query_params[key] = value
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    refresh_link()


def show_error(exc: NewsprismError) -> None:
    st.error(md_text(f"{exc.origin}: {exc.message}"))


def page_start(title: str, *, caption: bool = True) -> tuple[Analysis, Filters, str]:
    """Every page's opening: its title, the analysis (or what to do without one), the shared
    filters and the sentence describing them."""
    st.title(title)
    an = analysis()
    if an is None:
        no_analysis()
        st.stop()
    f = current_filters()
    text = describe(an, f)
    if caption:
        st.caption(md_text(text))
    return an, f, text  # type: ignore[return-value]


@st.cache_data(show_spinner="Finding the mentions", max_entries=32)
def _mentions_of(
    path: str, stamp: int, f: Filters, entity_id: str, first: int
) -> tuple[int, pl.DataFrame]:
    from dashboard.views import entity_views

    rows = entity_views.mentions_of(_open(path, stamp), f, entity_id)
    return rows.height, rows.head(first)


def mentions_of(
    an: Analysis, f: Filters, entity_id: str, first: int = 50
) -> tuple[int, pl.DataFrame]:
    """How many mentions entity_views.mentions_of finds, and the first `first` of them: cached
    per analysis version, filters and actor (the first rows only: a cache hit reads a small
    frame, not every mention of a frequent actor)."""
    return _mentions_of(str(an.path), stamp(an.path), f, entity_id, first)


@st.cache_data(show_spinner="Listing the articles", max_entries=8)
def _article_index(path: str, stamp: int) -> pl.DataFrame:
    from dashboard.views import compare

    return compare.article_index(_open(path, stamp))


def article_index(an: Analysis) -> pl.DataFrame:
    """Every article's id, language, outlet, title and story (cached; never the texts)."""
    return _article_index(str(an.path), stamp(an.path))


@st.cache_data(show_spinner="Lining up the paragraphs", max_entries=32)
def _aligned(path: str, stamp: int, story: str | None, ids: tuple[str, ...]) -> pl.DataFrame:
    from dashboard.views import compare

    return compare.aligned_rows(_open(path, stamp), story, ids[0], list(ids[1:]))


def aligned_rows(an: Analysis, story: str | None, ids: list[str]) -> pl.DataFrame:
    """compare.aligned_rows for these articles (the first the anchor), cached: articles of
    different stories are aligned on demand, once per choice."""
    return _aligned(str(an.path), stamp(an.path), story, tuple(ids))


def article_labels(index: pl.DataFrame) -> dict[str, str]:
    """article_id -> "language · outlet · title (id)": what a searchable picker shows (no
    outlet part when the corpus does not name one)."""
    return {
        r["article_id"]: " · ".join(
            v for v in (r["language"] or "?", r["outlet"], r["title"][:70]) if v
        )
        + f" ({r['article_id']})"
        for r in index.iter_rows(named=True)
    }


def article_headings(index: pl.DataFrame) -> dict[str, str]:
    """article_id -> "outlet · Language: title": a column heading a person reads."""
    return {
        r["article_id"]: (f"{r['outlet']} · " if r["outlet"] else "")
        + f"{language_name(r['language'] or '?')}: {r['title']}"
        for r in index.iter_rows(named=True)
    }


def story_picker(an: Analysis, f: Filters, key: str) -> tuple[str, dict[str, str]]:
    """The story a story page shows (its id in the URL as `cmp`, checked against the analysis:
    an unknown one gives a notice), biggest first; and labels."""
    from dashboard.views import compare

    stories = an.scan("stories").select("story_id", "label", "article_ids").collect()
    if stories.height == 0:
        st.info("No stories yet: load articles first.")
        st.stop()
    labels = dict(zip(stories["story_id"], stories["label"], strict=True))
    sizes = dict(zip(stories["story_id"], stories["article_ids"].list.len(), strict=True))
    ids = sorted(labels, key=lambda s: (-sizes[s], s))
    wanted = vo.from_query((vo.STORY,), {"cmp": page_param("cmp")}, an)
    for notice in wanted[1]:
        st.info(md_text(notice))
    default = compare.story_for(an, f, wanted[0]["story"])
    story = st.selectbox(
        "Story",
        ids,
        index=ids.index(default) if default in ids else 0,
        key=key,
        format_func=lambda s: f"{labels[s]} ({sizes[s]} articles)",
    )
    set_page_param("cmp", story)
    return str(story), labels


def no_analysis() -> None:
    st.info(
        "No analysis yet. Open **Load** to upload articles or read a data folder; "
        "or start the app on a folder: `newsprism app PATH`."
    )


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
    )
    cols[1].download_button(
        "Parquet",
        lambda: export.table_parquet(data, caption),
        file_name=f"newsprism-{name}.parquet",
        mime="application/vnd.apache.parquet",
        key=f"pq_{name}",
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
    return views.VIEWS[name].figure(_open(path, stamp), f, _data, caption, dict(opts))


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


_COLUMN_HELP: dict[str, str] = {
    k: v
    for k, v in json.loads(
        (Path(__file__).resolve().parents[1] / "data" / "column_help.json").read_text(
            encoding="utf-8"
        )
    ).items()
    if not k.startswith("_")
}


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
                )
        cols[3].download_button(
            "Data CSV",
            lambda: export.table_csv(data),
            file_name=f"newsprism-{name}.csv",
            mime="text/csv",
            key=f"data_{name}",
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
