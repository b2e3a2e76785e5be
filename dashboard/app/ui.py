"""Streamlit glue shared by app.py and the pages: the cached analysis, the URL-backed filters,
the pickers pages share (links.py keeps the URL, output.py draws tables and charts). (With app.py, the only
module of the package that imports Streamlit.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.app.links import page_param, set_page_param, write_url
from dashboard.errors import NewsprismError
from dashboard.store.store import MANIFEST, Analysis, ensure_views
from dashboard.store.workspace import Workspace
from dashboard.views import view_options as vo
from dashboard.views import views
from dashboard.views.filters import Filters, from_query, language_name
from dashboard.views.reading import md_text
from dashboard.views.view_options import Opts


def workspace() -> Workspace:
    return Workspace.from_env()


@st.cache_resource(show_spinner="Opening the analysis", max_entries=4)
def open_cached(path: str, stamp: int) -> Analysis:
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
        return open_cached(str(path), stamp(path))
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
    return views.VIEWS[name].table(open_cached(path, stamp), f, dict(opts))


def frame(name: str, an: Analysis, f: Filters, opts: Opts | None = None) -> pl.DataFrame:
    """A registered view's table for these filters and options (cached; a status shows while
    it is computed, after half a second, so a long first visit says what it is doing)."""
    return view_frame(name, str(an.path), stamp(an.path), f, tuple(sorted((opts or {}).items())))


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
    an = open_cached(path, stamp)
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


def show_translations() -> bool:
    """The sidebar toggle: translations instead of originals wherever there is one."""
    return bool(st.session_state.get("f_tr"))


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _lang_label(code: str) -> str:
    return f"{language_name(code)} ({code})"


def current_filters() -> Filters:
    f = st.session_state.get("filters")
    return f if isinstance(f, Filters) else Filters()


def describe(an: Analysis, f: Filters) -> str:
    c = choices(an)
    return f.describe(c.entities, c.stories)


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

    rows = entity_views.mentions_of(open_cached(path, stamp), f, entity_id)
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

    return compare.article_index(open_cached(path, stamp))


def article_index(an: Analysis) -> pl.DataFrame:
    """Every article's id, language, outlet, title and story (cached; never the texts)."""
    return _article_index(str(an.path), stamp(an.path))


@st.cache_data(show_spinner="Lining up the paragraphs", max_entries=32)
def _aligned(path: str, stamp: int, story: str | None, ids: tuple[str, ...]) -> pl.DataFrame:
    from dashboard.views import compare

    return compare.aligned_rows(open_cached(path, stamp), story, ids[0], list(ids[1:]))


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
