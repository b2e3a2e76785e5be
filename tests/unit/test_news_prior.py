"""How common an actor is in news in general (data/news_prior.json, CLDR classes)."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.steps import news_prior


@pytest.mark.parametrize(
    ("entity_id", "expected"),
    [
        ("LOC:united-states", 0.2),  # a listed name
        ("PER:trump", 0.08),  # a listed person by surname
        ("PER:tramp", 0.08),  # ... spelled as Cyrillic and Greek forms transliterate
        ("LOC:paraguay", 0.02),  # any CLDR country: the country class
        ("LOC:belgrade", 0.004),  # a gazetteer city
        ("ORG:nato", 0.03),
        ("PER:kavanaugh", 0.0),  # nothing known: specific
        ("ORG:palu", 0.0),
    ],
)
def test_share_of_an_actor(entity_id: str, expected: float) -> None:
    assert news_prior.share(entity_id) == pytest.approx(expected)


def test_short_skeletons_match_no_listed_name() -> None:
    # "May" (Theresa May) has a one-letter consonant skeleton: a surname "Mo" must not match it
    assert news_prior.share("PER:mo") == 0.0


def test_discount_falls_with_the_share_and_is_one_when_unknown() -> None:
    frame = pl.DataFrame({"prior": [0.0, None, 0.005, 0.08, 0.2]})
    got = frame.select(d=news_prior.discount_of(pl.col("prior")))["d"].to_list()
    assert got[0] == got[1] == 1.0
    assert 1.0 > got[2] > got[3] > got[4] > 0.0


def test_a_corpus_about_an_actor_makes_it_specific_again() -> None:
    frame = pl.DataFrame({"prior": [0.05, 0.05, 0.05], "df": [400, 60, 1], "n": [1000, 1000, 4]})
    got = frame.select(prior=news_prior.in_corpus(pl.col("prior"), pl.col("df"), pl.col("n")))
    # 400 of 1000 against 5% of news: the corpus is about it; 60 of 1000 is not far from
    # chance, and one article of four proves nothing
    assert got["prior"].to_list() == [0.0, 0.05, 0.05]


def test_shares_of_a_column_of_ids() -> None:
    got = news_prior.shares(pl.Series(["PER:trump", None, "x", "PER:trump"]))
    assert dict(got.iter_rows()) == {"PER:trump": 0.08, "x": 0.0}
