"""Actors joined through paragraphs that translate each other."""

from __future__ import annotations

import polars as pl

from dashboard.steps import link_aligned
from dashboard.steps.aliases import Aliases
from dashboard.steps.linking import link

LANGS = {"en1": "en", "sr1": "sr", "en2": "en", "sr2": "sr", "el1": "el"}


def _mentions(rows: list[tuple[str, int, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"article_id": a, "para_no": p, "start": 0, "end": len(t), "text": t, "type": ty,
          "key": k, "language": LANGS[a]} for a, p, t, ty, k in rows]
    )  # fmt: skip


def _alignments(pairs: list[tuple[str, int, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"story_id": "s", "article_a": a, "para_a": pa, "article_b": b, "para_b": pb,
          "score": 0.9} for a, pa, b, pb in pairs]
    )  # fmt: skip


ARTICLES = pl.DataFrame({"article_id": list(LANGS), "language": list(LANGS.values())})


def _court() -> pl.DataFrame:
    linked, _ = link(
        _mentions(
            [
                # a body translated, not spelled, in words linking has no meaning for
                ("en1", 0, "Justice Department", "ORG", "dsastic departament"),
                ("en1", 0, "Trump", "PER", "trump"),
                ("sr1", 0, "Ministarstvo pravde", "ORG", "ministarstv pravd"),
                ("sr1", 0, "Tramp", "PER", "tramp"),
                ("en2", 3, "Justice Department", "ORG", "dsastic departament"),
                ("sr2", 3, "Ministarstva pravde", "ORG", "ministarstv pravd"),
            ]
        )
    )
    return linked


def test_the_one_actor_left_on_each_side_of_two_aligned_pairs_is_one_actor() -> None:
    linked = _court()
    pairs = _alignments([("en1", 0, "sr1", 0), ("en2", 3, "sr2", 3)])
    joined = link_aligned.merges(linked, pairs, ARTICLES)
    court = {e for e in linked["entity_id"] if e.startswith("ORG:")}
    assert len(court) == 2 and len({joined.get(e, e) for e in court}) == 1
    mentions, entities = link_aligned.project(linked, link(linked)[1], joined)
    assert mentions.filter(pl.col("type") == "ORG")["entity_id"].n_unique() == 1
    row = entities.filter(pl.col("entity_id") == joined[next(iter(joined))]).row(0, named=True)
    assert row["languages"] == ["en", "sr"] and row["n_articles"] == 4


def test_one_aligned_pair_is_enough_only_for_bodies_named_by_their_kind() -> None:
    pairs = _alignments([("en1", 0, "sr1", 0)])
    # a ministry, an institute: translated, not spelled, and named by their kind on both sides
    assert len(set(link_aligned.merges(_court(), pairs, ARTICLES).values())) == 1
    people, _ = link(
        _mentions(
            [
                ("en1", 0, "Jeff Flake", "PER", "ief flak"),
                ("sr1", 0, "Džef Flejk", "PER", "dsef fleik"),
            ]
        )
    )
    assert link_aligned.merges(people, pairs, ARTICLES) == {}


def test_two_actors_one_language_names_stay_apart() -> None:
    linked = _court()
    # the Serbian court also appears in an English article: English names both, two actors
    extra = linked.filter(pl.col("article_id") == "sr2").with_columns(
        article_id=pl.lit("en2"), para_no=pl.lit(5, pl.Int32), language=pl.lit("en")
    )
    both = pl.concat([linked, extra])
    pairs = _alignments([("en1", 0, "sr1", 0), ("en2", 3, "sr2", 3)])
    assert link_aligned.merges(both, pairs, ARTICLES) == {}


def test_the_analysts_corrections_are_left_alone() -> None:
    linked = _court()
    court = sorted(e for e in linked["entity_id"].unique() if e.startswith("ORG:"))
    pairs = _alignments([("en1", 0, "sr1", 0), ("en2", 3, "sr2", 3)])
    kept = Aliases(rename={court[0]: "The court"})
    assert link_aligned.merges(linked, pairs, ARTICLES, kept) == {}


def test_pairs_within_one_language_give_no_evidence() -> None:
    linked = _court().with_columns(language=pl.lit("en"))
    same = ARTICLES.with_columns(language=pl.lit("en"))
    pairs = _alignments([("en1", 0, "sr1", 0), ("en2", 3, "sr2", 3)])
    assert link_aligned.merges(linked, pairs, same) == {}


def test_a_small_actor_is_no_translation_of_a_name_latin_languages_agree_on() -> None:
    langs = {**LANGS, "pl1": "pl", "cs1": "cs"}
    rows = [("pl1", p, "Ryanair", "ORG", "rianair") for p in range(30)]
    rows += [("cs1", p, "Ryanair", "ORG", "rianair") for p in range(30)]
    rows += [("sr1", 0, "Ryanair", "ORG", "rianair"), ("sr2", 3, "Ryanair", "ORG", "rianair")]
    rows += [("en1", 0, "Catalan", "ORG", "katalan"), ("en2", 3, "Catalan", "ORG", "katalan")]
    mentions = pl.DataFrame(
        [{"article_id": a, "para_no": p, "start": 0, "end": len(t), "text": t, "type": ty,
          "key": k, "language": langs[a]} for a, p, t, ty, k in rows]
    )  # fmt: skip
    linked, _ = link(mentions)
    articles = pl.DataFrame({"article_id": list(langs), "language": list(langs.values())})
    pairs = _alignments([("en1", 0, "sr1", 0), ("en2", 3, "sr2", 3)])
    # two aligned pairs leave Catalan and Ryanair alone on each side: still two names
    assert link_aligned.merges(linked, pairs, articles) == {}
    # the same evidence joins a name no Latin languages agree on (Φλέικ, Flake)
    small = linked.filter(pl.col("article_id").is_in(["en1", "en2", "sr1", "sr2"]))
    assert link_aligned.merges(small, pairs, articles) != {}


def _two_names(copies: list[tuple[str, int]]) -> pl.DataFrame:
    """One Serbian name, and an English one in each of `copies` (article, paragraph)."""
    rows = [("sr1", 0, "Zorblat", "PER", "zorblat")]
    rows += [(a, p, "Quxby", "PER", "quxby") for a, p in copies]
    linked, _ = link(_mentions(rows))
    return linked


def test_wire_copies_of_one_paragraph_are_one_vote() -> None:
    # two copies of one English paragraph (same place, same actors) aligned with one Serbian
    # paragraph: one piece of evidence, under MIN_VOTES
    copies = [("en1", 0), ("en2", 0)]
    linked = _two_names(copies)
    pairs = _alignments([(a, p, "sr1", 0) for a, p in copies])
    counted = link_aligned.votes(linked, pairs, link_aligned.languages_of(ARTICLES))
    assert list(counted.values()) == [1]
    assert link_aligned.merges(linked, pairs, ARTICLES) == {}
    # two different paragraphs aligned with it are two
    apart = [("en1", 0), ("en2", 4)]
    linked = _two_names(apart)
    pairs = _alignments([(a, p, "sr1", 0) for a, p in apart])
    assert len(set(link_aligned.merges(linked, pairs, ARTICLES).values())) == 1


def test_copies_in_two_scripts_or_two_stories_are_two_votes() -> None:
    rows = [
        ("en1", 0, "Quxby", "PER", "quxby"),
        ("sr1", 0, "Zorblat", "PER", "zorblat"),
        ("sr2", 0, "Зорблат", "PER", "zorblat"),
    ]
    linked, _ = link(_mentions(rows))
    pairs = _alignments([("en1", 0, "sr1", 0), ("en1", 0, "sr2", 0)])
    scripts = {"en1": "Latn", "sr1": "Latn", "sr2": "Cyrl"}
    languages = link_aligned.languages_of(ARTICLES)
    assert list(link_aligned.votes(linked, pairs, languages, scripts).values()) == [2]
    assert list(link_aligned.votes(linked, pairs, languages).values()) == [1]
    # copies aligned in two stories count once in each: a story's votes are counted where it is
    # aligned (this process or a helper), and the shares' votes add up to one run's
    split = pairs.with_columns(story_id=pl.Series(["s1", "s2"]))
    assert list(link_aligned.votes(linked, split, languages).values()) == [2]
