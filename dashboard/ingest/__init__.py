"""Reading a corpus: files and formats (formats), legacy encodings (codepages), one record per
article (records) and the ingest step itself (ingest).

May import: the base modules, dashboard.store, dashboard.lang and dashboard.steps.
"""
