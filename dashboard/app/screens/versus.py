"""Article next to article: any articles side by side (a story's members offered first),
aligned paragraphs in one row, actors in the same colours, what only one has marked."""

import polars as pl
import streamlit as st

from dashboard.app import links, ui
from dashboard.views import compare, reading

an, f, _ = ui.page_start("Article next to article", caption=False)
st.caption(
    "Put any two or more articles side by side, from any story: search the picker by title, "
    "outlet, language or id. The story below is a shortcut: its articles are offered first."
)
index = ui.article_index(an)  # ids, languages, outlets and titles: never the texts
story, labels = ui.story_picker(an, f, "vs_story")
members = index.filter(pl.col("story_id") == story)["article_id"].to_list()
in_story = set(members)  # made once: a set per article costs seconds on a large story
order = members + [a for a in index["article_id"].to_list() if a not in in_story]
describe = ui.article_labels(index)
if st.session_state.get("_vs_story") not in (None, story):
    # a new story chosen as the shortcut: its first articles replace the picks
    st.session_state["vs_articles"] = members[:2]
elif "vs_articles" not in st.session_state:
    st.session_state["vs_articles"] = [
        a for a in links.page_params("a") if a in describe
    ] or members[:2]
st.session_state["_vs_story"] = story
picked = st.multiselect(
    "Articles (the first is the one the others are lined up against)",
    order,
    key="vs_articles",
    format_func=lambda a: describe.get(a, a),
    placeholder="Search by title, outlet, language or id",
)
links.set_page_param("a", list(picked))
if len(picked) < 2:
    st.info("Choose two or more articles: any articles of the corpus, of any story.")
    st.stop()

same_story = index.filter(pl.col("article_id").is_in(picked))["story_id"].unique().to_list()
rows = ui.aligned_rows(an, same_story[0] if len(same_story) == 1 else None, list(picked))
with st.spinner("Opening the articles", show_time=True):
    paras, texts, mentions = compare.reading_parts(an, list(picked))
translated = ui.show_translations()
if translated and paras["translation"].is_null().all():
    st.info(
        "None of these articles has a translation, so the originals are shown. "
        "Open Translation to translate them."
    )
st.caption(
    'Paragraphs in one row report the same thing ("aligned 0.62": how closely, from 0 to 1); '
    '"only here" marks a paragraph no other chosen article has. Each actor keeps one colour '
    "in every column; hover a name to see who it is. "
    + ("" if len(same_story) == 1 else "These articles are of different stories: aligned now.")
)
st.html(
    reading.versus_html(
        rows,
        list(picked),
        paras,
        texts,
        mentions,
        ui.article_headings(index),
        translated,
        ui.choices(an).entities,
    )
)
