from datetime import date

import polars as pl
import pytest

from dashboard.views.filters import Filters, from_query, to_query


def test_round_trip_through_the_url():
    f = Filters(
        languages=("sr", "el"),
        outlets=("Reuters",),
        actors=("PER:maduro",),
        story="s1",
        date_from=date(2025, 12, 1),
        date_to=date(2025, 12, 15),
    )
    q = to_query(f)
    params = {k: v if isinstance(v, list) else [v] for k, v in q.items()}
    back, warnings = from_query(params)
    assert back == f
    assert warnings == []


def test_default_filters_make_an_empty_query():
    assert to_query(Filters()) == {}


def test_bad_values_fall_back_with_a_warning():
    f, warnings = from_query(
        {"lang": ["sr", "xx"], "from": ["yesterday"], "to": ["2025-12-01"]},
        languages={"sr", "ro"},
    )
    assert f.languages == ("sr",)
    assert f.date_from is None and f.date_to == date(2025, 12, 1)
    assert any("xx" in w for w in warnings)
    assert any("yesterday" in w for w in warnings)


def test_reversed_range_is_swapped():
    f, warnings = from_query({"from": ["2025-12-15"], "to": ["2025-12-01"]})
    assert f.date_from == date(2025, 12, 1) and f.date_to == date(2025, 12, 15)
    assert warnings


def test_sentence_a_person_reads():
    f = Filters(
        languages=("sr", "el"),
        actors=("PER:maduro",),
        date_from=date(2025, 12, 1),
        date_to=date(2025, 12, 15),
    )
    text = f.describe({"PER:maduro": "Nicolás Maduro"})
    assert text == "Serbian and Greek articles, 1 Dec 2025 – 15 Dec 2025, actor: Nicolás Maduro"
    assert Filters().describe() == "all languages"


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (Filters(languages=("ro",)), ["b"]),
        (Filters(outlets=("X",)), ["a"]),
        (Filters(date_from=date(2025, 12, 10)), ["b"]),
        (Filters(date_to=date(2025, 12, 10)), ["a"]),
        (Filters(story="s2"), ["b"]),
        (Filters(), ["a", "b"]),
    ],
)
def test_expression_filters_articles(f, expected):
    arts = pl.DataFrame(
        {
            "article_id": ["a", "b"],
            "language": ["sr", "ro"],
            "source": ["X", "Y"],
            "story_id": ["s1", "s2"],
            "published": [date(2025, 12, 1), date(2025, 12, 11)],
        }
    )
    assert arts.filter(f.articles_expr())["article_id"].to_list() == expected
