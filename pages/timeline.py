"""Entity timeline: who is mentioned when, next to the dates the articles talk about."""

import streamlit as st

from dashboard import charts, timeline, ui

st.title("Actors over time")
an = ui.analysis()
if an is None:
    ui.no_analysis()
    st.stop()
f = ui.current_filters()
caption = ui.describe(an, f)
st.caption(caption)
every = (
    st.segmented_control(
        "Group publication dates by",
        ["day", "week", "month"],
        key="tl_every",
        default=ui.page_param("every", "day"),
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
    config={
        "toImageButtonOptions": {
            "filename": "newsprism-timeline",
            "scale": 2,
            "width": 1400,
            "height": 800,
        },
        "displaylogo": False,
    },
)
ui.chart_downloads("timeline", fig, counts, caption)

points = state.selection.points if state else []  # type: ignore[union-attr]
st.subheader("Evidence")
if not points:
    st.caption("Select a point in the chart to list the mentions behind it.")
    st.stop()
point = points[0]
custom = point.get("customdata") or [None]
entity_id = custom[0] or None
ev = timeline.evidence(an, f, entity_id, str(point.get("x", ""))[:10] or None, every)
st.caption(f"{ev.height} mentions behind the selected point")
ui.evidence_list(ev)
