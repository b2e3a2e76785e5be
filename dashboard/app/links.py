"""The URL is the view: every choice a page makes is written to the query string in the run that
makes it, remembered for the session, and the copy-link box shows exactly that address. View
options are read from the URL through the view registry (checked, with a notice)."""

from __future__ import annotations

import streamlit as st

from dashboard.store.store import Analysis
from dashboard.views import view_options as vo
from dashboard.views import views
from dashboard.views.filters import PARAMS, Filters, to_query
from dashboard.views.reading import md_text
from dashboard.views.view_options import Opts


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
