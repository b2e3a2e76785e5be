"""Article next to article: aligned paragraphs side by side, actors in the same colours."""

import polars as pl
import streamlit as st

from dashboard import compare, reading, ui

an, f, _ = ui.page_start("Article next to article", caption=False)
story, labels = ui.story_picker(an, f, "vs_story")
arts = compare.story_articles(an, f, story)
choices = arts["article_id"].to_list()
describe = {
    r[
        "article_id"
    ]: f"{r['language']} · {r['source'] or 'unknown outlet'} · {(r['title'] or '')[:50]}"
    for r in arts.iter_rows(named=True)
}
wanted = [a for a in (st.query_params.get_all("a") or []) if a in choices] or choices[:2]
picked = st.multiselect(
    "Articles (the first is the anchor)",
    choices,
    default=wanted,
    key="vs_articles",
    format_func=lambda a: describe.get(a, a),
)
if list(picked) != st.query_params.get_all("a"):
    st.query_params["a"] = list(picked)
translated = st.toggle("Show translations where there are any", key="vs_tr")
if len(picked) < 2:
    st.info("Choose two or more articles of the story.")
    st.stop()

rows = compare.aligned_rows(an, story, picked[0], list(picked[1:]))
paras = an.scan("paragraphs").filter(pl.col("article_id").is_in(picked)).collect()
texts = dict(
    an.scan("articles")
    .filter(pl.col("article_id").is_in(picked))
    .select("article_id", "text")
    .collect()
    .iter_rows()
)
mentions = an.scan("mentions").filter(pl.col("article_id").is_in(picked)).collect()
st.html(reading.versus_html(rows, list(picked), paras, texts, mentions, describe, translated))
