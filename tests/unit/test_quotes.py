"""Quoted speech spans and their speakers."""

from __future__ import annotations

import json
import random

import polars as pl
import pytest

from dashboard.steps import quotes
from tests.unit.test_stories import hand_frames

ACTORS = {"Lukašenko": "e-luka", "Belt[a-z]+": "e-belta", "Trump": "e-trump", "Maduro": "e-maduro"}


def run(texts: dict[str, str], language: str = "sr") -> pl.DataFrame:
    articles, paragraphs, mentions, _ = hand_frames(texts, ACTORS)
    mentions = mentions.with_columns(
        type=pl.when(pl.col("entity_id") == "e-belta").then(pl.lit("ORG")).otherwise("type")
    )
    return quotes.quotes(articles.with_columns(language=pl.lit(language)), paragraphs, mentions)


def test_quote_with_speech_verb_gets_the_nearby_actor() -> None:
    text = "„Uključićemo i predsednika Venecuele“, citirao je Beltu Lukašenko."
    found = run({"a": text})
    assert found.height == 1
    row = found.row(0, named=True)
    assert text[row["start"] : row["end"]] == row["text"] == "Uključićemo i predsednika Venecuele"
    assert row["speaker_entity_id"] == "e-luka"


def test_quote_announced_by_the_previous_paragraph() -> None:
    text = (
        "Coordonarea a fost discutată, a transmis Lukašenko:\n„Am convenit să ne întâlnim din nou.”"
    )
    found = run({"a": text}, "ro")
    assert found.select("para_no", "speaker_entity_id").rows() == [(1, "e-luka")]


def test_actor_inside_the_quote_or_glued_to_it_is_not_the_speaker() -> None:
    text = 'Trump said Maduro\'s "days are numbered".\nIt was reported that "Maduro is leaving".'
    found = run({"a": text}, "en")
    assert found.select("text", "speaker_entity_id").rows() == [
        ("days are numbered", "e-trump"),
        ("Maduro is leaving", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "«μέρες του Μαδούρο είναι μετρημένες», δήλωσε ο Trump.",
            ["μέρες του Μαδούρο είναι μετρημένες"],
        ),
        ("Putin’in desteği ve Maduro'yu arayan Putin'in açıklaması.", []),
        ("„Anhalten und gedeihen“ und ‚kurz‘ sagte er.", ["Anhalten und gedeihen", "kurz"]),
        ("An opening „ that never closes.", []),
    ],
    ids=["greek-guillemets", "turkish-apostrophes", "german-marks", "unclosed"],
)
def test_quote_marks(text: str, expected: list[str]) -> None:
    assert run({"a": text})["text"].to_list() == expected


def test_boilerplate_paragraphs_have_no_quotes() -> None:
    articles, paragraphs, mentions, _ = hand_frames({"a": '"Photo" credit line'}, ACTORS)
    flagged = paragraphs.with_columns(boilerplate=pl.lit(True))
    assert quotes.quotes(articles, flagged, mentions).height == 0


@pytest.mark.parametrize("language", quotes.speech_verb_languages())
def test_every_language_file_has_speech_verbs(language: str) -> None:
    data = json.loads((quotes.DATA / f"quotes_{language}.json").read_text(encoding="utf-8"))
    assert data["language"] == language
    assert data["speech_verbs"] and all(v.strip() == v and v for v in data["speech_verbs"])


def test_seed_languages_have_speech_verbs() -> None:
    assert {"sr", "ro", "el", "de", "tr", "en"} <= set(quotes.speech_verb_languages())


def test_quotes_found_before_linking_get_the_speakers_linking_decides() -> None:
    texts = {
        "a": "„Uključićemo i predsednika“, citirao je Beltu Lukašenko.",
        "b": "Coordonarea a fost discutată, a transmis Lukašenko:\n„Am convenit din nou.”",
        "c": 'Trump said Maduro\'s "days are numbered".',
    }
    articles, paragraphs, linked, _ = hand_frames(texts, ACTORS)
    articles = articles.with_columns(language=pl.Series(["sr", "ro", "en"]))
    # before linking: no ids, types as the extractor found them (Lukašenko a place here)
    before = linked.with_columns(entity_id=pl.lit(None, pl.String), type=pl.lit("LOC"))
    found = quotes.find(articles, paragraphs, before)
    # linking: Lukašenko a person, Belta an organisation, Trump dropped (not confirmed)
    linked = linked.filter(pl.col("entity_id") != "e-trump").with_columns(
        type=pl.when(pl.col("entity_id") == "e-belta").then(pl.lit("ORG")).otherwise("type")
    )
    made = quotes.speakers(found, linked)
    assert made.equals(quotes.quotes(articles, paragraphs, linked))
    # Trump not linked: the next actor near "said" speaks
    assert made["speaker_entity_id"].to_list() == ["e-luka", "e-luka", "e-maduro"]
    # a person is preferred to a nearer organisation; with Lukašenko unlinked, Belta speaks
    alone = quotes.speakers(found, linked.filter(pl.col("entity_id") != "e-luka"))
    assert alone["speaker_entity_id"].to_list() == ["e-belta", None, "e-maduro"]


def test_the_actors_inside_a_window_are_found_by_their_starts_in_the_order_given() -> None:
    from random import Random

    from dashboard.spans import ByStart

    rng = Random(7)
    for _ in range(200):
        actors = [(a, a + rng.randint(0, 12)) for a in (rng.randint(0, 300) for _ in range(40))]
        lo = rng.randint(0, 300)
        hi = lo + rng.randint(0, 120)
        expected = [(a, b) for a, b in actors if lo <= a and b <= hi]
        assert ByStart(actors).within(lo, hi) == expected


def _closing_by_character(text: str, i: int, end: int, closers: tuple[str, ...]) -> int | None:
    """The closing mark as found character by character (the plain reading of the rule)."""
    for j in range(i, end):
        if text[j] in closers and not (
            text[j] in "’‘" and j + 1 < end and text[j + 1].isalpha() and text[j - 1].isalpha()
        ):
            return j
    return None


def test_the_closing_mark_is_the_one_a_character_by_character_reading_finds() -> None:
    rng = random.Random(7)
    alphabet = "ab ’‘'\"”“»«„.-"
    pairs = quotes._marks()[0]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        closers = pairs[rng.choice(sorted(pairs))]
        i = rng.randint(1, len(text))
        end = rng.randint(i, len(text))
        assert quotes._closing(text, i, end, closers) == _closing_by_character(
            text, i, end, closers
        ), (text, i, end, closers)
    # an apostrophe between letters is passed by; the closing quote after it is found
    assert quotes._closing("‘Putin’in dom’", 1, 14, ("’",)) == 13
