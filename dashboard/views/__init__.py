"""Everything the app shows, as pure functions over the analysis: the view registry (views,
view_options), filters, tables (timeline, compare, entity_views, sentences, evidence),
charts (charts, timeline_chart, time_axes), the escaping rule (reading) and export/bundles.

May import: the pipeline and everything below it; never Streamlit, never the app.
"""
