"""The analysis steps' cores, one module per decision: language, normalise, mentions and their
types, dates, entities and linking (with its increment and aligned-text joins), quotes,
features, stories (with their increment, labels, merges and edits) and alignment; and the
per-language data they read, built ahead by `newsprism prepare` (prepare).

May import: the base modules, dashboard.store and dashboard.lang; never the pipeline, views or app.
"""
