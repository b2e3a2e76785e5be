"""Paragraphs between anchors of two versions of a report, paired in order (align_fill)."""

from __future__ import annotations

import polars as pl

from dashboard import schema
from dashboard.steps import align_fill


def _paragraphs(lengths: dict[str, list[int]]) -> pl.DataFrame:
    rows = []
    for aid, sizes in lengths.items():
        start = 0
        for para, size in enumerate(sizes):
            rows.append((aid, para, start, start + size))
            start += size + 2
    return pl.DataFrame(rows, schema=["article_id", "para_no", "start", "end"], orient="row")


def _anchors(pairs: list[tuple[int, int]], a: str = "de", b: str = "sr") -> pl.DataFrame:
    return schema.conform(
        pl.DataFrame(
            [("s", a, x, b, y, 0.8) for x, y in pairs],
            schema=["story_id", "article_a", "para_a", "article_b", "para_b", "score"],
            orient="row",
        ),
        "alignments",
    )


NO_FEATURES = pl.DataFrame(
    schema={"article_id": pl.String, "para_no": pl.Int32, "feature": pl.String}
)


def _pairs(frame: pl.DataFrame) -> set[tuple[int, int]]:
    return set(frame.select("para_a", "para_b").iter_rows())


def test_paragraphs_between_anchors_are_paired_in_order() -> None:
    # a German text runs ~20% longer than its Serbian version, paragraph for paragraph
    paragraphs = _paragraphs({"de": [60, 120, 96, 240, 72, 48], "sr": [50, 100, 80, 200, 60, 40]})
    got = align_fill.fill(_anchors([(0, 0), (3, 3)]), paragraphs, NO_FEATURES)
    assert _pairs(got) == {(k, k) for k in range(6)}
    filled = got.filter(pl.col("para_a") == 1)["score"].item()
    assert 0 < filled <= 0.8


def test_no_fill_across_unequal_gaps_or_unlike_lengths() -> None:
    paragraphs = _paragraphs({"de": [60, 120, 96, 240, 30], "sr": [50, 100, 200, 60, 300]})
    # between (0,0) and (2,3) the gaps differ; after (2,3) lengths 240/30 vs 60/300 disagree
    got = align_fill.fill(_anchors([(0, 0), (2, 3)]), paragraphs, NO_FEATURES)
    assert _pairs(got) == {(0, 0), (2, 3)}


def test_different_reports_and_paragraphs_naming_different_things_are_not_filled() -> None:
    paragraphs = _paragraphs({"de": [60, 60, 60, 60], "sr": [60, 60, 60, 60, 60, 60, 60, 60]})
    # twice as many paragraphs: a longer report of the event, not a version
    assert _pairs(align_fill.fill(_anchors([(0, 0), (3, 3)]), paragraphs, NO_FEATURES)) == {
        (0, 0),
        (3, 3),
    }
    same = _paragraphs({"de": [60, 60, 60, 60], "sr": [60, 60, 60, 60]})
    named = pl.DataFrame(
        {"article_id": ["de", "sr"], "para_no": [1, 1], "feature": ["e:PER:a", "e:PER:b"]},
        schema={"article_id": pl.String, "para_no": pl.Int32, "feature": pl.String},
    )
    assert _pairs(align_fill.fill(_anchors([(0, 0), (3, 3)]), same, named)) == {
        (0, 0),
        (2, 2),
        (3, 3),
    }


def test_crossing_anchors_leave_the_order_unknown() -> None:
    paragraphs = _paragraphs({"de": [60] * 6, "sr": [60] * 6})
    got = align_fill.fill(_anchors([(0, 4), (4, 0), (2, 2)]), paragraphs, NO_FEATURES)
    assert _pairs(got) == {(0, 4), (4, 0), (2, 2)}
