"""The Streamlit app: the entry script (app.py), the thin pages in screens/ (run by Streamlit,
not imported) and what they share: the open analysis, filters and pickers (ui), the URL that is
the view (links), tables, charts, downloads and evidence (output) and the server's stop
(server). The only place that imports Streamlit.

May import: dashboard.views and everything below it.
"""
