"""Source comparison: for one story, who reported what, when, and what each outlet adds or omits."""

import polars as pl
import streamlit as st

from dashboard import align, charts, compare, export, pipeline, quotes, ui
from dashboard import stories as story_ops
from dashboard.errors import NewsprismError
from dashboard.reading import md_text

an, f, described = ui.page_start("Compare sources", caption=False)
story, labels = ui.story_picker(an, f, "cmp_story")
ids = list(labels)
stories = an.frame("stories")
caption = described + f", story: {labels[story]}"
st.caption(md_text(caption))
arts = compare.story_articles(an, f, story)
langs = ", ".join(sorted(arts["language"].drop_nulls().unique().to_list()))
st.markdown(
    f"**{arts.height} articles** in {arts['language'].n_unique()} languages ({md_text(langs)})"
)
if arts.height == 0:
    st.warning("No article of this story passes the filters.")
    st.stop()

by = (
    st.segmented_control("Rows", ["source", "language"], default="source", key="cmp_by") or "source"
)
per = st.toggle("Per 1,000 words", key="cmp_per")
cov = compare.coverage(an, f, story, by=by)
fig = charts.coverage(cov, caption, by=by, value="per_1000_words" if per else "n_mentions")
state = st.plotly_chart(
    fig, width="stretch", key="cmp_cov", on_select="rerun", config=export.plotly_config("coverage")
)
ui.chart_downloads("coverage", fig, cov, caption)
ui.evidence_for("coverage", an, f.with_(story=story), state, quiet=True)

pub = compare.publication(an, f, story)
fig = charts.publication(pub, caption)
state = st.plotly_chart(
    fig,
    width="stretch",
    key="cmp_pub",
    on_select="rerun",
    config=export.plotly_config("story-publication"),
)
ui.chart_downloads("story-publication", fig, pub, caption)
ui.evidence_for("story-publication", an, f.with_(story=story), state, quiet=True)
ui.bundle_button(an, f.with_(story=story), ["coverage", "story-publication", "timeline"], "compare")

mentions = (
    an.scan("mentions")
    .join(arts.select("article_id").lazy(), on="article_id", how="semi")
    .collect()
)
paragraphs = (
    an.scan("paragraphs")
    .join(arts.select("article_id").lazy(), on="article_id", how="semi")
    .collect()
)
alignments = an.frame("alignments")
st.subheader("Who came first, and who copies whom")
st.dataframe(
    align.first_and_copies(arts, alignments, story, paragraphs), hide_index=True, width="stretch"
)

st.subheader("What only one article has, and what it leaves out")
names = ui.choices(an).entities
uniq = align.uniques(arts, paragraphs, mentions, alignments, story)
for col in ("only_actors", "omitted_actors"):
    if col in uniq.columns:
        uniq = uniq.with_columns(pl.col(col).list.eval(pl.element().replace(names)))  # type: ignore[arg-type]
st.dataframe(uniq, hide_index=True, width="stretch")
ui.table_downloads("story-uniques", uniq, caption)

st.subheader("Quotes and their speakers")
q = quotes.quotes(arts, paragraphs, mentions)
if q.height:
    q = q.with_columns(speaker=pl.col("speaker_entity_id").replace(names)).drop("speaker_entity_id")  # type: ignore[arg-type]
    st.dataframe(q.drop("start", "end"), hide_index=True, width="stretch")
else:
    st.caption("No quoted speech found in this story.")

with st.expander("Correct the stories (kept in stories.json across re-analysis)"):
    path = an.path / "stories.json"
    describe_art = {
        r["article_id"]: f"{r['language']} · {r['article_id']}"
        for r in an.frame("articles").iter_rows(named=True)
    }

    def save_op(op: dict) -> None:
        try:
            with st.spinner("Regrouping stories"):
                pipeline.edit_stories(an.path, lambda now: story_ops.add_op(now, op, stories))
            st.rerun()
        except NewsprismError as exc:
            ui.show_error(exc)

    c1, c2, c3 = st.columns(3)
    with c1:
        art = st.selectbox(
            "Move article", list(describe_art), format_func=describe_art.get, key="st_move_a"
        )
        dest = st.selectbox("to story", ids, format_func=labels.get, key="st_move_s")
        if st.button("Move", key="st_move"):
            save_op(story_ops.move(art, dest))
    with c2:
        more = st.multiselect(
            "Merge this story with",
            [s for s in ids if s != story],
            format_func=labels.get,
            key="st_merge_s",
        )
        if st.button("Merge", disabled=not more, key="st_merge"):
            save_op(story_ops.merge([story, *more]))
    with c3:
        out_ids = st.multiselect(
            "Split these articles off",
            arts["article_id"].to_list(),
            format_func=describe_art.get,
            key="st_split_a",
        )
        if st.button("Split", disabled=not out_ids, key="st_split"):
            save_op(story_ops.split(story, out_ids))
