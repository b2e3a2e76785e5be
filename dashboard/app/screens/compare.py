"""Source comparison: for one story, who reported what, when, and what each outlet adds or omits."""

import streamlit as st

from dashboard.app import links, output, ui
from dashboard.errors import NewsprismError
from dashboard.steps import stories as story_ops
from dashboard.views import compare
from dashboard.views.reading import md_text

an, f, described = ui.page_start("Compare sources", caption=False)
# unknown ?by= or ?value= values: a notice and the default (the story picker checks ?cmp=)
opts = links.view_options("coverage", an, without=("story",))
story, labels = ui.story_picker(an, f, "cmp_story")
opts["story"] = story
caption = described + f", story: {labels[story]}"
st.caption(md_text(caption))
in_story = f.with_(story=story)
arts = ui.frame("story-publication", an, f, {"story": story})
langs = ", ".join(sorted(arts["language"].drop_nulls().unique().to_list()))
st.markdown(
    f"**{arts.height} articles** in {arts['language'].n_unique()} languages ({md_text(langs)})"
)
if arts.height == 0:
    st.warning("No article of this story passes the filters.")
    st.stop()

opts["by"] = links.option_widget("coverage", "by", opts, key="cmp_by")
per = st.toggle("Per 1,000 words", key="cmp_per", value=opts["value"] == "per_1000_words")
opts["value"] = "per_1000_words" if per else "n_mentions"
links.write_options("coverage", opts)
output.chart("coverage", an, in_story, opts, key="cmp_cov", caption=caption)
output.chart("story-publication", an, in_story, {"story": story}, key="cmp_pub", caption=caption)
output.bundle_button(an, in_story, ["coverage", "story-publication", "timeline"], "compare")

st.subheader("Who came first, and who copies whom")
firsts = ui.frame("story-firsts", an, in_story, {"story": story})
dated = firsts["published"].drop_nulls()
if firsts.height > 1 and dated.n_unique() == 1 and dated.len() > 1:
    st.caption(
        f"All dated articles carry one publication date ({dated[0]}): which came first is "
        "unknown, so none is ticked."
    )
st.caption(
    '"share": how much of an article has a counterpart in its closest article; '
    '"near duplicate": 60% or more, likely a version of the same report. '
    "Hover a column header for what it means."
)
output.table("story-firsts", an, in_story, {"story": story})

st.subheader("What only one article has, and what it leaves out")
output.table("story-uniques", an, in_story, {"story": story})

st.subheader("Quotes and their speakers")
if ui.frame("quotes", an, in_story, {"story": story}).height:
    output.table(
        "quotes",
        an,
        in_story,
        {"story": story},
        column_order=("article_id", "para_no", "text", "speaker"),
    )
else:
    st.caption("No quoted speech found in this story.")

# its pickers list every article of the corpus (megabytes at 10,000): drawn only when opened
editing = st.expander(
    "Correct the stories (kept in stories.json across re-analysis)",
    key="st_edit",
    on_change="rerun",
)
if editing.open:
    with editing:
        ids = list(labels)
        describe_art = compare.article_choices(an)  # ids and titles only, never the texts

        def save_op(op: dict) -> None:
            try:
                with st.spinner("Regrouping stories"):
                    compare.edit_stories(an, op)
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
