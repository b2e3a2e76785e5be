"""Articles: the table, and one article to read with its paragraphs and metadata."""

import polars as pl
import streamlit as st

from dashboard.app import links, output, ui
from dashboard.errors import NewsprismError
from dashboard.pipeline import pipeline
from dashboard.store import corrections
from dashboard.views import reading

an, f, caption = ui.page_start("Articles")
st.caption(
    "Every article that passes the filters. Select a row to read it below, with where each "
    "value came from (red: inferred, not given) and its actors highlighted."
)
table = ui.frame("articles", an, f)
if table.height == 0:
    st.warning("No article matches the filters. Clear a filter in the sidebar.")
    st.stop()

shown = table.drop("origin")
if ui.show_translations():
    shown = shown.with_columns(title=pl.coalesce("title_translation", "title"))
event = st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="article_table",
    column_order=(
        "title",
        "language_name",
        "source",
        "published",
        "published_inferred",
        "words",
        "title_inferred",
        "language_score",
        "article_id",
    ),
    column_config={
        "title": st.column_config.TextColumn("title", width="large"),
        "language_name": st.column_config.TextColumn("language"),
        "source": st.column_config.TextColumn("outlet"),
        "published": st.column_config.DateColumn("published", format="YYYY-MM-DD"),
        "language_score": st.column_config.NumberColumn("language score", format="%.2f"),
        "published_inferred": st.column_config.CheckboxColumn("date inferred"),
        "title_inferred": st.column_config.CheckboxColumn("title inferred"),
    },
)
output.table_downloads("articles", table, caption)

rows = event.selection.rows if event else []  # type: ignore[union-attr]
if rows and table["article_id"][rows[0]] != links.page_param("article"):
    links.set_page_param("para", None)  # the highlighted paragraph belonged to the other article
    links.set_page_param("article", table["article_id"][rows[0]])
chosen = links.page_param("article")
ids = table["article_id"].to_list()
if chosen not in ids:
    st.info("Select an article in the table to read it.")
    st.stop()

with st.spinner("Opening the article", show_time=True):
    article = (
        an.scan("articles").filter(pl.col("article_id") == chosen).collect().row(0, named=True)
    )
    paragraphs = (
        an.scan("paragraphs").filter(pl.col("article_id") == chosen).sort("para_no").collect()
    )
st.divider()
st.subheader(reading.md_text(article["title"] or chosen))
st.html(reading.metadata_html(article))
for w in article["warnings"] or []:
    st.warning(reading.md_text(w))
mentions = an.scan("mentions").filter(pl.col("article_id") == chosen).collect()
focus = links.page_param("para")
if focus is not None and focus.isdigit():
    st.caption(f"Paragraph {focus} is highlighted: it holds the evidence you opened.")
st.html(
    reading.article_html(
        article["text"],
        paragraphs,
        reading.mention_spans(mentions, ui.choices(an).entities),
        focus=int(focus) if focus and focus.isdigit() else None,
        translated=ui.show_translations(),
    )
)

with st.expander("Correct metadata"), st.form(f"correct_{chosen}"):
    title = st.text_input("Title", article["title"] or "")
    source = st.text_input("Outlet", article["source"] or "")
    published = st.text_input(
        "Published (YYYY-MM-DD)",
        str(article["published"] or ""),
    )
    language = st.text_input("Language (ISO 639-1)", article["language"] or "")
    url = st.text_input("URL", article["url"] or "")
    if st.form_submit_button("Save correction"):
        try:
            corrections.save_correction(
                an.path,
                chosen,
                {
                    "title": title,
                    "source": source,
                    "published": published,
                    "language": language,
                    "url": url,
                },
            )
            with st.spinner("Re-analysing this article"):
                pipeline.reanalyse(an.path, [chosen])
            st.success("Saved; the correction is kept when the corpus is analysed again.")
            st.rerun()
        except NewsprismError as exc:
            ui.show_error(exc)
