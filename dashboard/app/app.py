"""newsprism's Streamlit entry: navigation, the shared filters, the cached analysis.

Pages are thin: they read the filters and their own URL keys, call the package, draw.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.app import links, server, ui

ROOT = Path(__file__).resolve().parent / "screens"

st.set_page_config(page_title="newsprism", page_icon=":material/public:", layout="wide")
server.stop_when_told(
    __file__
)  # SIGTERM / Ctrl-C stop the server within seconds, mid-translation too


def page(file: str, title: str, url: str, icon: str, **more: object) -> st.Page:
    # url_path set explicitly so renaming a file never breaks a shared link
    return st.Page(ROOT / file, title=title, url_path=url, icon=icon, **more)  # type: ignore[arg-type]


# Streamlit serves the default page at / only (its url_path is a key, never an address); the
# same page again, hidden from the menu, gives the Overview its own address /overview
pages = {
    "Corpus": [
        page("overview.py", "Overview", "home", ":material/dashboard:", default=True),
        page("overview.py", "Overview", "overview", ":material/dashboard:", visibility="hidden"),
        page("articles.py", "Articles", "articles", ":material/article:"),
        page("load.py", "Load", "load", ":material/upload_file:"),
    ],
    "Actors": [
        page("timeline.py", "Timeline", "timeline", ":material/timeline:"),
        page("entities.py", "Entities", "entities", ":material/groups:"),
    ],
    "Stories": [
        page("compare.py", "Compare sources", "compare", ":material/compare:"),
        page("versus.py", "Article next to article", "versus", ":material/view_column:"),
    ],
    "Read": [
        page("reader.py", "Side by side", "side-by-side", ":material/translate:"),
        page("translate.py", "Translation", "translation", ":material/g_translate:"),
    ],
}

nav = st.navigation(pages)
links.start_run()
an = ui.analysis()
st.sidebar.markdown("### newsprism")
if an is not None:
    ui.sidebar_filters(an)
    links.copy_link()
nav.run()
links.refresh_link()  # a page that wrote st.query_params itself
