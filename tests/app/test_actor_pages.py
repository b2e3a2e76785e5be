"""Timeline and Entities pages through AppTest, including alias editing that survives refresh."""

from __future__ import annotations

import json

import polars as pl

from dashboard.store.store import Analysis

from .conftest import open_page


def _entities(analysis) -> pl.DataFrame:
    return Analysis.open(analysis).frame("entities")


def test_timeline_shows_top_people_and_filters_by_actor(analysis):
    at = open_page("timeline.py")
    assert not at.exception
    assert any("most mentioned people" in c.value for c in at.caption)
    at = open_page("timeline.py", actor=["PER:madur"])
    assert not at.exception
    label = _entities(analysis).filter(pl.col("entity_id") == "PER:madur")["label"][0]
    assert label.endswith("Maduro")  # the full name the seeds write more than once
    assert any(f"actor: {label}" in c.value for c in at.caption)


def test_timeline_with_an_unknown_every_falls_back_to_auto_with_a_notice(analysis):
    at = open_page("timeline.py", every="year")
    assert not at.exception
    assert any("Unknown every value 'year'" in i.value for i in at.info)
    assert at.segmented_control(key="tl_every").value == "auto"
    assert "every" not in at.query_params  # the default, so the link is cleaned
    # the seeds span a few days: auto groups them by day, and says so
    assert any("Grouped by day, chosen from the span" in c.value for c in at.caption)
    weekly = open_page("timeline.py", every="week")
    assert not weekly.exception and not weekly.info
    assert weekly.segmented_control(key="tl_every").value == "week"
    assert weekly.query_params["every"] == "week"  # a chosen grouping stays in the link
    assert not any("chosen from the span" in c.value for c in weekly.caption)


def test_entity_table_search_and_entity_page(analysis):
    at = open_page("entities.py", q="Lukash")
    assert not at.exception
    table = at.dataframe[0].value
    assert "Lukashenko" in list(table["label"])
    at = open_page("entities.py", entity="PER:lukasenk")
    assert not at.exception
    html = " ".join(h.proto.body for h in at.html)
    # mentions across Latin and Greek script, each with its sentence
    assert "Lukašenko" in html and "Λουκασένκο" in html and "Lukashenko" in html


def test_rename_and_hide_are_kept_in_the_alias_file(analysis):
    at = open_page("entities.py", entity="PER:lukasenk")
    at.text_input(key="al_rename").set_value("Alexander Lukashenko").run()
    at.button(key="al_rename_btn").click().run()
    assert not at.exception
    saved = json.loads((analysis / "aliases.json").read_text())
    assert "Alexander Lukashenko" in json.dumps(saved)
    ents = _entities(analysis)
    assert ents.filter(pl.col("entity_id") == "PER:lukasenk")["label"][0] == "Alexander Lukashenko"

    at = open_page("entities.py", entity="MISC:politico")
    at.button(key="al_hide_btn").click().run()
    assert not at.exception
    ents = _entities(analysis)
    assert ents.filter(pl.col("entity_id") == "MISC:politico")["hidden"][0] is True


def test_merge_two_actors(analysis):
    before = _entities(analysis)
    assert {"PER:putin", "PER:tramp"} <= set(before["entity_id"])
    at = open_page("entities.py", entity="PER:putin")
    at.multiselect(key="al_merge").set_value(["PER:tramp"]).run()
    at.button(key="al_merge_btn").click().run()
    assert not at.exception
    after = _entities(analysis)
    assert "PER:tramp" not in set(after["entity_id"])
    putin = after.filter(pl.col("entity_id") == "PER:putin").row(0, named=True)
    old = before.filter(pl.col("entity_id").is_in(["PER:putin", "PER:tramp"]))["n_mentions"].sum()
    assert putin["n_mentions"] == old
