"""The options views declare: one declaration checked at the CLI, in the URL and in widgets."""

from __future__ import annotations

import pytest

from dashboard import cli
from dashboard.errors import NewsprismError
from dashboard.views import view_options, views
from dashboard.views.view_options import BY, EVERY, STORY, from_query, resolve, to_query


def test_every_option_a_view_declares_is_an_export_option():
    declared = {o for v in views.VIEWS.values() for o in v.options}
    assert declared <= set(view_options.OPTIONS)
    for o in view_options.OPTIONS:
        # --story is the filter option of the same name; the others are the views' own
        args = cli.parser().parse_args(["export", f"--{o.name}", "x"])
        assert getattr(args, o.name) == "x"


def test_resolve_fills_defaults_and_refuses_values_and_options_not_declared():
    assert resolve((EVERY, BY), {}, None, "v") == {"every": "auto", "by": "source"}
    assert resolve((EVERY,), {"every": "month"}, None, "v") == {"every": "month"}
    with pytest.raises(NewsprismError, match="'year' is not one of: auto, day, week, month"):
        resolve((EVERY,), {"every": "year"}, None, "v")
    with pytest.raises(NewsprismError, match="v has no such option"):
        resolve((EVERY,), {"by": "language"}, None, "v")


def test_the_url_falls_back_to_the_default_with_a_notice():
    opts, notices = from_query((EVERY, BY), {"every": "year", "by": "language"}, None)
    assert opts == {"every": "auto", "by": "language"}
    assert notices == ["Unknown every value 'year' in the address; showing auto."]
    assert from_query((EVERY,), {"every": ""}, None) == ({"every": "auto"}, [])


def test_links_leave_defaults_out_and_use_the_url_key():
    assert to_query((EVERY, BY), {"every": "auto", "by": "language"}) == {
        "every": None,
        "by": "language",
    }
    assert to_query((STORY,), {"story": "s1"}) == {"cmp": "s1"}


def test_a_chart_point_goes_to_the_url_and_back_with_its_evidence_fields_only():
    point = {"x": "2019-01-16", "y": 3, "customdata": "PER:maduro", "curve_number": 1}
    drawn = {**point, "customdata": ["PER:maduro", "4", "a long example"], "point_index": 7}
    text = view_options.point_query(drawn)
    assert view_options.point_from_query(text) == (point, None)
    assert view_options.point_key("timeline") == "point-timeline"


@pytest.mark.parametrize(
    "text",
    ['{"x": "2019', "[1, 2]", "{}", '{"z": 1}', '{"curve_number": -1}', '{"y": {"a": 1}}'],
)
def test_a_point_the_chart_cannot_have_is_ignored_with_a_notice(text):
    point, why = view_options.point_from_query(text)
    assert point is None
    assert why is not None and "showing no selection" in why
