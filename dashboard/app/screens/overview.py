"""Overview: the corpus at a glance, what was inferred, and the load report."""

import polars as pl
import streamlit as st

from dashboard.app import output, ui

an, f, _ = ui.page_start("Overview")
with st.spinner("Counting the articles"):
    arts = ui.frame("articles", an, f)
cols = st.columns(4)
cols[0].metric("Articles", f"{arts.height:,}")
cols[1].metric("Languages", arts["language"].n_unique())
unknown = arts["source"].null_count()
known = arts["source"].drop_nulls().n_unique()
# an article without an outlet is not an outlet of its own, and "0" would say there are none
cols[2].metric(
    "Outlets",
    f"{known:,}" if known else "unknown",
    help=f"{unknown:,} articles name no outlet" if unknown else None,
)
undated = arts["published"].null_count()
dated = arts.height - undated
# the count alone: "32,482 / 32,482" does not fit a quarter of the page; the share is in the help
cols[3].metric(
    "Dated",
    f"{dated:,}",
    help=f"{dated:,} of {arts.height:,} articles ({dated / max(arts.height, 1):.0%}) "
    "have a publication date",
)
if unknown and arts.height:
    st.caption(
        f"Outlet unknown for {unknown:,} of {arts.height:,} articles; "
        "correct them on the Articles page."
    )
if undated:
    st.caption(
        f"No publication date for {undated:,} of {arts.height:,} articles: the charts by "
        "publication date leave them out. Add dates on the Articles page or in a metadata.csv."
    )
if arts.height == 0:
    st.warning("No article matches the filters. Clear a filter in the sidebar.")
    st.stop()

st.caption("Select any bar to list the articles behind it.")
left, right = st.columns(2)
with st.spinner("Drawing the charts"):
    with left:
        output.chart("languages", an, f)
    with right:
        output.chart("outlets", an, f)
    output.chart("published", an, f)
output.bundle_button(an, f, ["languages", "outlets", "published", "timeline"], "overview")

st.subheader("What was inferred")
st.caption("Values not given by the files themselves; correct them on the Articles page.")
with st.spinner("Listing what was inferred"):
    output.table("inferred", an, f)

problems = an.manifest.get("problems", [])
st.subheader("Load report")
if problems:
    st.dataframe(pl.DataFrame(problems), hide_index=True, width="stretch")
else:
    st.success(f"All {len(an.manifest.get('inputs', []))} inputs loaded without problems.")
