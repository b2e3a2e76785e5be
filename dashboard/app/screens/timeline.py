"""Entity timeline: who is mentioned when, next to the dates the articles talk about."""

import streamlit as st

from dashboard.app import links, output, ui
from dashboard.views import timeline

an, f, caption = ui.page_start("Actors over time")
opts = links.view_options("timeline", an)  # ?every=year: a notice and the default, never an error
opts["every"] = links.option_widget("timeline", "every", opts, key="tl_every")
links.write_options("timeline", opts)  # `auto` stays out of the link, a chosen grouping stays in
# the grouping drawn: the chosen one, or for auto the one the publication span reads best in
every = timeline.resolve_every(an, f, opts["every"])
if opts["every"] == "auto":
    st.caption(f"Grouped by {every}, chosen from the span of the reporting.")
if not f.actors:
    st.caption("Showing the most mentioned people; choose actors in the sidebar to compare others.")
arts = ui.frame("articles", an, f)
if undated := arts["published"].null_count():
    st.caption(
        f"{undated:,} of {arts.height:,} articles have no publication date: their mentions are "
        "not in the chart by publication date; the dates they mention are in the one below."
    )

with st.spinner("Counting mentions over time"):
    output.chart(
        "timeline",
        an,
        f,
        {**opts, "every": every},  # the evidence of a point uses the grouping drawn
        key="timeline_chart",
        caption=caption,
        quiet=False,
        selection=("points",),
    )

with st.expander("Dates the articles mention"):
    output.table("mentioned-dates", an, f)
