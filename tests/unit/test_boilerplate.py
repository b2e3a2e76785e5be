"""One boilerplate filter: the rules are data, the flags come from them, and every step keeps the
article's body the same way."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from dashboard.lang import boilerplate
from dashboard.steps import normalise

DASHBOARD = Path(boilerplate.__file__).parents[1]
# modules other sessions own that still write the filter themselves (to switch to `body`)
PENDING: set[str] = set()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Photo: Reuters", "photo credit"),
        ("Фото: Танјуг", "photo credit"),
        ("Read more: the summit in Minsk", "read more"),
        ("Pročitajte još", "read more"),
        ("Share this", "share line"),
        ("Comments (12)", "comments"),
        ("By John Smith", "byline"),
        ("Автор: news.bg", "byline"),
        ("By J. Smith, Reuters", "byline"),
        ("Piše: Marko Marković", "byline"),
        ("Аутор: Јелена Јовановић / Београд", "byline"),
        ("Par Jean Dupont - à Paris", "byline"),
        ("By the numbers: what the deal means", None),
        ("Von der Leyen traf Macron in Brüssel.", None),
        ("The minister said talks would resume on Monday in Geneva.", None),
    ],
)
def test_each_kind_of_boilerplate_has_its_reason(text: str, reason: str | None) -> None:
    found = pl.select(boilerplate.reason(pl.lit(text))).item()
    assert found == reason


def test_a_long_paragraph_is_the_article_whatever_it_starts_with() -> None:
    text = "Photo: " + "the minister arrives in Geneva for talks. " * 10
    assert len(text) > boilerplate.rules()["max_chars"]
    assert pl.select(boilerplate.reason(pl.lit(text))).item() is None


def test_ingest_flags_paragraphs_by_the_same_rules() -> None:
    article = pl.DataFrame(
        {"article_id": ["a"], "text": ["Talks resumed in Geneva on Monday.\n\nPhoto: Reuters"]}
    )
    paras = normalise.paragraphs(article)
    assert paras["boilerplate"].to_list() == [False, True]
    assert paras["boilerplate_reason"].to_list() == [None, "photo credit"]


def test_body_keeps_unflagged_and_null_flags_and_a_table_without_the_column() -> None:
    paras = pl.DataFrame({"para_no": [0, 1, 2], "boilerplate": [False, True, None]})
    assert boilerplate.body(paras)["para_no"].to_list() == [0, 2]
    assert boilerplate.body(paras.lazy()).collect()["para_no"].to_list() == [0, 2]
    plain = paras.drop("boilerplate")
    assert boilerplate.body(plain).equals(plain)


def test_no_module_writes_its_own_boilerplate_filter() -> None:
    own = re.compile(r"""col\(\s*["']boilerplate["']\s*\)""")
    writers = {
        p.name
        for p in DASHBOARD.rglob("*.py")
        if p.name != "boilerplate.py" and own.search(p.read_text(encoding="utf-8"))
    }
    assert writers <= PENDING, sorted(writers - PENDING)
