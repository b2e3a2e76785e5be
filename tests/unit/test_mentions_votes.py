"""An article's votes: the top of a count is most_common's, the first counted of equals."""

from __future__ import annotations

from collections import Counter

from dashboard.steps.mentions import _tally, _top


def test_the_top_vote_is_the_first_counted_of_equals() -> None:
    votes: dict[str, Counter[str]] = {}
    for typ, n in [("ORG", 1), ("PER", 3), ("LOC", 3), ("ORG", 2)]:
        _tally(votes, "key", typ, n)
    assert votes["key"] == Counter({"ORG": 3, "PER": 3, "LOC": 3})
    assert _top(votes["key"]) == votes["key"].most_common(1)[0][0] == "ORG"
    _tally(votes, "key", "LOC", 1)
    assert _top(votes["key"]) == "LOC"
