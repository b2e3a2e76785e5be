"""Article next to article: aligned paragraphs side by side, actors in the same colours."""

import streamlit as st

from dashboard import compare, reading, ui

an, f, _ = ui.page_start("Article next to article", caption=False)
story, labels = ui.story_picker(an, f, "vs_story")
arts = ui.frame("story-publication", an, f, {"story": story})  # titles, not texts
choices = arts["article_id"].to_list()
describe = {
    r["article_id"]: f"{r['language']} · {r['source']} · {(r['title'] or '')[:50]}"
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
paras, texts, mentions = compare.reading_parts(an, list(picked))
st.html(reading.versus_html(rows, list(picked), paras, texts, mentions, describe, translated))
