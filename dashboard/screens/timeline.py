"""Entity timeline: who is mentioned when, next to the dates the articles talk about."""

import streamlit as st

from dashboard import charts, export, timeline, ui

an, f, caption = ui.page_start("Actors over time")
every = (
    st.segmented_control(
        "Group publication dates by",
        ["day", "week", "month"],
        key="tl_every",
        default=ui.page_param("every", "day", ["day", "week", "month"]),
    )
    or "day"
)
ui.set_page_param("every", None if every == "day" else every)
if not f.actors:
    st.caption("Showing the most mentioned people; choose actors in the sidebar to compare others.")

counts = timeline.timeline(an, f, every)
dated = timeline.mentioned_dates(an, f)
fig = charts.timeline(counts, dated, caption)
state = st.plotly_chart(
    fig,
    width="stretch",
    on_select="rerun",
    selection_mode=("points",),
    key="timeline_chart",
    config=export.plotly_config("timeline"),
)
ui.chart_downloads("timeline", fig, counts, caption)

ui.evidence_for("timeline", an, f, state, every=every)
