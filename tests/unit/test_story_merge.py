"""Events merged into stories by their core actors, damped by time (hand-built frames)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from dashboard.steps import story_merge

START = date(2018, 3, 1)


def frames(
    events: dict[str, list[list[str]]], days: dict[str, int | None] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """articles (published START + days[event], None: undated), events and mentions: one list of
    actors per article."""
    days = days or {}
    arts, member, mentions = [], [], []
    for event, articles in events.items():
        for k, actors in enumerate(articles):
            article_id = f"{event}-{k}"
            offset = days.get(event, 0)
            arts.append(
                (article_id, None if offset is None else START + timedelta(days=offset + k))
            )
            member.append((article_id, event))
            mentions += [(article_id, actor) for actor in actors]
    return (
        pl.DataFrame(arts, schema=["article_id", "published"], orient="row"),
        pl.DataFrame(member, schema=["article_id", "event"], orient="row"),
        pl.DataFrame(mentions, schema=["article_id", "entity_id"], orient="row"),
    )


def groups(merged: pl.DataFrame) -> set[frozenset[str]]:
    by_story = merged.group_by("story").agg(pl.col("article_id").str.extract(r"^(\w+)-").unique())
    return {frozenset(g) for g in by_story["article_id"].to_list()}


# Two events of one story share their core actors "core" and "chief"; two other events have
# their own.
STORY = {
    "strike": [
        ["core", "chief", "pilots", "union"],
        ["core", "chief", "pilots"],
        ["core", "chief", "union", "pilots"],
    ],
    "base": [
        ["core", "chief", "airport", "mayor"],
        ["core", "chief", "airport"],
        ["core", "chief", "airport", "mayor"],
    ],
    "pipe": [["pipe", "gas"], ["pipe", "gas", "port"], ["pipe", "port"]],
    "trial": [["judge", "court"], ["judge", "court", "appeal"], ["court", "appeal"]],
}


def test_events_sharing_core_actors_merge_and_others_stay_apart() -> None:
    merged = story_merge.merge_events(*frames(STORY))
    assert groups(merged) == {
        frozenset({"strike", "base"}),
        frozenset({"pipe"}),
        frozenset({"trial"}),
    }
    assert merged.columns == ["article_id", "story"] and merged.height == 12


def test_an_actor_every_article_names_is_no_evidence() -> None:
    everywhere = {e: [[*a, "everyone"] for a in arts] for e, arts in STORY.items()}
    alone = {"strike": everywhere["strike"], "base": everywhere["base"]}
    alone = {
        e: [[x for x in a if x not in ("core", "chief")] for a in arts] for e, arts in alone.items()
    }
    merged = story_merge.merge_events(*frames(alone))
    assert groups(merged) == {frozenset({"strike"}), frozenset({"base"})}


def test_an_actor_only_a_minority_names_does_not_link_events() -> None:
    minority = {
        "strike": [["pilots", "core", "chief"], ["pilots", "union"], ["union", "pilots"]],
        "base": [["airport", "core", "chief"], ["airport", "mayor"], ["airport", "mayor"]],
        "pipe": STORY["pipe"],
    }
    assert groups(story_merge.merge_events(*frames(minority))) == {
        frozenset({"strike"}),
        frozenset({"base"}),
        frozenset({"pipe"}),
    }


def test_years_apart_the_same_core_actors_are_two_stories() -> None:
    near = story_merge.merge_events(*frames(STORY, {"base": 2}))
    far = story_merge.merge_events(*frames(STORY, {"base": 6 * 365}))
    assert frozenset({"strike", "base"}) in groups(near)
    assert frozenset({"strike"}) in groups(far) and frozenset({"base"}) in groups(far)


def test_an_undated_story_does_not_bridge_two_periods() -> None:
    events = {
        "then": [["core", "then"], ["core", "then"], ["core", "then"]],
        "now": [["core", "now"], ["core", "now"], ["core", "now"]],
        "undated": [["core", "then", "now"]],
        "pipe": STORY["pipe"],
        "trial": STORY["trial"],
    }
    merged = groups(story_merge.merge_events(*frames(events, {"now": 6 * 365, "undated": None})))
    assert frozenset({"then", "now", "undated"}) not in merged
    assert frozenset({"then", "undated"}) in merged or frozenset({"now", "undated"}) in merged


def test_time_scale_follows_the_corpus_spread_within_bounds() -> None:
    weeks = pl.Series([0.0, 3.0, 7.0, 14.0, None])
    decade = pl.Series([float(d) for d in range(0, 3650, 30)])
    months = pl.Series([float(d) for d in range(0, 200, 2)])
    assert story_merge.time_scale(weeks) == story_merge.MIN_SCALE_DAYS
    assert story_merge.time_scale(decade) == story_merge.MAX_SCALE_DAYS
    assert story_merge.time_scale(months) == pytest.approx(0.8 * 198, abs=2)


def test_epoch_publication_dates_count_as_unknown() -> None:
    frame = pl.DataFrame({"d": [date(1970, 1, 1), date(2018, 5, 2), None]})
    kept = frame.select(story_merge.usable_published(pl.col("d")))["d"].to_list()
    assert kept == [None, date(2018, 5, 2), None]


def _weights(article_ids: list[str], entity_ids: list[str], n: int) -> dict[str, float]:
    """actor_vectors' weights of article "a"."""
    mentions = pl.DataFrame({"article_id": article_ids, "entity_id": entity_ids})
    vectors = story_merge.actor_vectors(mentions, n).filter(pl.col("article_id") == "a")
    return dict(vectors.select("entity_id", "w").iter_rows())


def test_actor_vectors_weigh_repeated_and_rare_actors_more() -> None:
    w = _weights(
        ["a", "a", "a", "a", "b", "c"], ["rare", "rare", "common", "x", "common", "common"], 3
    )
    assert "common" not in w  # named by every article: idf 0
    assert w["rare"] > w["x"] > 0
    assert sum(v * v for v in w.values()) == pytest.approx(1.0)


def _renamed(
    events: dict[str, list[list[str]]], core: str, chief: str
) -> dict[str, list[list[str]]]:
    """The events with their shared actors "core" and "chief" renamed."""
    names = {"core": core, "chief": chief}
    return {e: [[names.get(x, x) for x in a] for a in arts] for e, arts in events.items()}


def test_reports_sharing_only_a_celebrity_stay_apart() -> None:
    # the same two events, once sharing a name known in news in general, once a specific one
    # other news of the day: the corpus is not about the famous names, as a corpus of 12 of
    # which 6 name Trump would be (news_prior.in_corpus)
    day = {f"other{k}": [[f"x{k}", f"y{k}"]] for k in range(30)}
    famous = story_merge.merge_events(*frames(_renamed(STORY, "PER:trump", "LOC:washington") | day))
    specific = story_merge.merge_events(*frames(_renamed(STORY, "PER:kavanaugh", "PER:ford") | day))
    assert frozenset({"strike"}) in groups(famous) and frozenset({"base"}) in groups(famous)
    assert frozenset({"strike", "base"}) in groups(specific)
    # a lone article naming the story's actors joins it
    lone = {**STORY, "base": [["core", "chief", "airport", "mayor"]]}
    assert frozenset({"strike", "base"}) in groups(story_merge.merge_events(*frames(lone)))


def test_one_shared_name_among_several_is_not_enough() -> None:
    one_name = {e: [[x for x in a if x != "chief"] for a in arts] for e, arts in STORY.items()}
    assert frozenset({"strike", "base"}) not in groups(story_merge.merge_events(*frames(one_name)))
    assert frozenset({"strike", "base"}) in groups(story_merge.merge_events(*frames(STORY)))


def test_famous_actors_weigh_less_than_specific_ones() -> None:
    w = _weights(
        ["a", "a", "a", "b", "c", "d"],
        ["PER:trump", "PER:kavanaugh", "LOC:united-states", "x", "y", "z"],
        4,
    )
    assert w["PER:kavanaugh"] > w["PER:trump"] > w["LOC:united-states"] > 0


def test_pairs_scored_a_chunk_at_a_time_are_the_pairs_scored_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # many small events over a pool of specific actors: many candidate pairs, several rounds
    events = {
        f"e{n:02d}": [
            [f"a{(n * 7 + k) % 23}", f"a{(n * 3 + k) % 19}", f"a{n % 5}"] for k in range(3)
        ]
        for n in range(40)
    }
    articles, member, mentions = frames(events, {f"e{n:02d}": n % 9 for n in range(40)})
    vectors = story_merge.actor_vectors(mentions, articles.height)
    profiles = story_merge.core_profiles(vectors, member.rename({"event": "story"}))
    spans = story_merge.spans_of(
        articles.select("article_id", day=pl.col("published").cast(pl.Int32).cast(pl.Float64)),
        member.rename({"event": "story"}),
    )
    candidates = story_merge.candidate_pairs(profiles)
    # the candidates: each pair once, story < story_b, every pair of stories sharing an actor
    shared = (
        profiles.select("story", "entity_id")
        .join(profiles.select(story_b="story", entity_id="entity_id"), on="entity_id")
        .filter(pl.col("story") < pl.col("story_b"))
        .select("story", "story_b")
        .unique()
    )
    assert candidates.height == candidates.unique().height > 40
    assert candidates.sort(pl.all()).equals(shared.sort(pl.all()))
    whole = story_merge.scored_pairs(profiles, candidates, spans, 30.0, 0.0).sort(pl.all())
    assert whole.height > 0
    merged = story_merge.merge_events(articles, member, mentions)
    for rows in (1, 7):  # a pair a chunk; a few pairs a chunk
        monkeypatch.setattr(story_merge, "PAIR_ROWS", rows)
        chunked = story_merge.scored_pairs(profiles, candidates, spans, 30.0, 0.0)
        assert chunked.sort(pl.all()).equals(whole)
        assert story_merge.merge_events(articles, member, mentions).equals(merged)
