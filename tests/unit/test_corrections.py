from datetime import date

import polars as pl
import pytest

from dashboard.errors import NewsprismError
from dashboard.schema import conform
from dashboard.store.corrections import apply_corrections, read_corrections, save_correction


def _articles():
    return conform(
        pl.DataFrame(
            {"article_id": ["a", "b"], "title": ["x", "y"], "published_inferred": [True, True]}
        ),
        "articles",
    ).with_columns(
        provenance=pl.struct(
            title=pl.lit("first-line"),
            published=pl.lit(None, pl.String),
            source=pl.lit(None, pl.String),
            url=pl.lit(None, pl.String),
            language=pl.lit("detected"),
        )
    )


def test_correction_is_saved_and_applied_with_provenance(tmp_path):
    save_correction(
        tmp_path, "a", {"title": "Real title", "published": "2025-12-11", "language": "SR"}
    )
    out = apply_corrections(_articles(), read_corrections(tmp_path))
    a = out.filter(pl.col("article_id") == "a").row(0, named=True)
    assert a["title"] == "Real title"
    assert a["published"] == date(2025, 12, 11)
    assert a["published_inferred"] is False
    assert a["language"] == "sr"
    assert a["provenance"]["title"] == "corrected"
    b = out.filter(pl.col("article_id") == "b").row(0, named=True)
    assert b["title"] == "y" and b["provenance"]["title"] == "first-line"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published", "12/11/2025", "YYYY-MM-DD"),
        ("language", "Serbian", "ISO 639-1"),
        ("text", "x", "cannot correct"),
    ],
)
def test_bad_corrections_are_refused(tmp_path, field, value, message):
    with pytest.raises(NewsprismError, match=message):
        save_correction(tmp_path, "a", {field: value})
    assert read_corrections(tmp_path) == {}


def test_broken_corrections_file_is_a_clear_error(tmp_path):
    (tmp_path / "corrections.json").write_text("[1, 2")
    with pytest.raises(NewsprismError, match="corrections file is not valid JSON"):
        read_corrections(tmp_path)
