"""Speed: `newsprism bench` (steps, end to end on real interleaved and grouped corpora, against
the reference pipeline), page and translation benchmarks, synthetic corpora. Not product code.

May import: any product package and dashboard.evaluation's corpora.
"""
