"""Entity timeline: who is mentioned when, next to the dates the articles talk about."""

import streamlit as st

from dashboard import ui

an, f, caption = ui.page_start("Actors over time")
opts = ui.view_options("timeline", an)  # ?every=year: a notice and the default, never an error
opts["every"] = ui.option_widget("timeline", "every", opts, key="tl_every")
ui.write_options("timeline", opts)
if not f.actors:
    st.caption("Showing the most mentioned people; choose actors in the sidebar to compare others.")

ui.chart(
    "timeline",
    an,
    f,
    opts,
    key="timeline_chart",
    caption=caption,
    quiet=False,
    selection=("points",),
)

with st.expander("Dates the articles mention"):
    ui.table("mentioned-dates", an, f)
