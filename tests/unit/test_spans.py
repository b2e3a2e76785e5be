"""Pieces of article texts by offsets: polars slices ordinary texts, Python long ones, and both
give what slicing the joined texts gives; a long article's pieces, and the steps reading them,
are the same whichever way it was cut."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_series_equal

from dashboard import schema, spans
from dashboard.spans import span_texts
from dashboard.steps import language, normalise
from dashboard.steps.features import _texts

TEXTS = {
    "a": "Први пасус о Београду.\n\nΔεύτερη παράγραφος: Αθήνα.\n\nZáverečný odsek 🙂 v Bratislave.",
    "b": "İstanbul'da toplantı.\n\nEin Absatz über München.",
    "c": None,
    "d": "short",
}


def _spans() -> pl.DataFrame:
    a = TEXTS["a"] or ""
    last = a.index("Záverečný")
    rows = [("a", 0, 22), ("b", 0, 21), ("a", 24, 51), ("a", last, len(a)), ("c", 0, 3)]
    rows += [("d", 2, 40), ("d", None, 3), ("x", 0, 2), ("a", 0, 0), ("b", 23, 48)]
    return pl.DataFrame(rows, schema=["article_id", "start", "end"], orient="row")


def _texts_frame() -> pl.DataFrame:
    ids, texts = zip(*TEXTS.items(), strict=True)
    return pl.DataFrame({"article_id": ids, "text": texts, "other": range(len(ids))})


def _joined_slice(frame: pl.DataFrame, texts: pl.DataFrame) -> pl.Series:
    """What the steps did before: join the texts, slice in polars."""
    return (
        frame.join(texts, on="article_id", how="left", maintain_order="left")
        .select(pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .to_series()
    )


@pytest.mark.parametrize("long_text", [10**9, 0, 30])
def test_pieces_are_the_joined_slices_whichever_way_a_text_is_cut(
    monkeypatch: pytest.MonkeyPatch, long_text: int
) -> None:
    # every text short, every text long, and some of each
    monkeypatch.setattr(spans, "LONG_TEXT", long_text)
    frame, texts = _spans(), _texts_frame()
    got = span_texts(frame, texts, "start", "end")
    assert_series_equal(got, _joined_slice(frame, texts), check_names=False)
    assert got[0] == "Први пасус о Београду." and got[3] == "Záverečný odsek 🙂 v Bratislave."
    assert got[4] is None and got[6] is None and got[7] is None  # no text, no offset, no article
    assert got[5] == "ort" and got[8] == ""


def test_pieces_take_expressions_and_the_first_text_of_an_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spans, "LONG_TEXT", 0)
    frame = pl.DataFrame({"id": ["a", "a"], "end": [4, 10]})
    texts = pl.DataFrame({"id": ["a", "a"], "body": ["0123456789", "abcdefghij"]})
    got = span_texts(frame, texts, pl.col("end") - 3, "end", on="id", text="body")
    assert got.to_list() == ["123", "789"]


def test_a_long_article_gives_the_same_paragraphs_languages_and_features(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "\n\n".join(
        f"{i}. Президент Србије говорио је у Београду. The minister spoke in Geneva on Monday."
        for i in range(40)
    )
    articles = schema.conform(pl.DataFrame({"article_id": ["long"], "text": [text]}), "articles")
    paragraphs = normalise.paragraphs(articles)
    assert paragraphs.height == 40

    def steps() -> tuple[pl.DataFrame, ...]:
        detected, paras = language.detect(articles, paragraphs)
        return detected, paras, _texts(articles, paragraphs)

    monkeypatch.setattr(spans, "LONG_TEXT", 10**9)
    by_polars = steps()
    monkeypatch.setattr(spans, "LONG_TEXT", 100)
    by_python = steps()
    for one, other in zip(by_polars, by_python, strict=True):
        assert one.equals(other)
    assert by_python[2]["para_text"][1].startswith("1. Президент Србије")
