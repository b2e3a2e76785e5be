"""Accuracy on the annotated bench corpora in ../shared/bench (benchdata reads them by path):
language, entities, dates, stories, one actor across parallel versions. Not product code.

May import: any product package (app aside).
"""
