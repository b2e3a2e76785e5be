"""The analysis on disk: the Parquet tables of one analysis (store), the derived tables the
views read (view_tables), stored corrections and the work folder (workspace).

May import: dashboard's base modules (errors, schema, atomic) only.
"""
