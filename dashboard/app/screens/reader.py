"""Side by side: an article's original next to its translation, paragraph by paragraph."""

import polars as pl
import streamlit as st

from dashboard.app import links, ui
from dashboard.views import reading

an, f, _ = ui.page_start("Side by side")
st.caption(
    "Each paragraph of an article next to its translation. Highlighted names are actors, one "
    "colour each across the app: hover one to see who it is; a small grey tag gives the "
    "paragraph's language and, once translated, the translator."
)
table = ui.frame("articles", an, f)
if table.height == 0:
    st.warning("No article matches the filters. Clear a filter in the sidebar.")
    st.stop()
ids = table["article_id"].to_list()
named = ui.article_labels(ui.article_index(an))  # language · outlet · title (id)
wanted = links.page_param("article")
chosen = st.selectbox(
    "Article",
    ids,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=lambda a: named.get(a, a),
    key="reader_article",
    help="Search by title, outlet, language or id",
)
links.set_page_param("article", chosen)
with st.spinner("Opening the article", show_time=True):
    article = (
        an.scan("articles").filter(pl.col("article_id") == chosen).collect().row(0, named=True)
    )
    paragraphs = (
        an.scan("paragraphs").filter(pl.col("article_id") == chosen).sort("para_no").collect()
    )
    mentions = an.scan("mentions").filter(pl.col("article_id") == chosen).collect()
note = reading.translation_note(an.manifest, paragraphs)
if note:
    st.info(reading.md_text(note))
labels = ui.choices(an).entities
st.html(reading.side_by_side_html(article["text"], paragraphs, mentions, labels))  # type: ignore[arg-type]
