"""The Streamlit app: the entry script (app.py), its shared glue (ui) and the thin pages in
screens/ (run by Streamlit, not imported). The only place that imports Streamlit.

May import: dashboard.views and everything below it.
"""
