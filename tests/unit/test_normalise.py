"""Normalisation, paragraph offsets, boilerplate flags and inferred titles (seeds and tiny frames)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import schema
from dashboard.ingest.ingest import load
from dashboard.steps.normalise import boilerplate_rules, infer_titles, normalise_text, paragraphs

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def seeds() -> pl.DataFrame:
    return load([SEEDS]).articles


@pytest.fixture(scope="module")
def seed_paragraphs(seeds: pl.DataFrame) -> pl.DataFrame:
    return paragraphs(seeds)


def articles(*texts: str) -> pl.DataFrame:
    frame = pl.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": list(texts)})
    return schema.conform(frame, "articles")


def para_texts(frame: pl.DataFrame, paras: pl.DataFrame, article_id: str) -> list[str]:
    text = frame.filter(pl.col("article_id") == article_id)["text"][0]
    rows = paras.filter(pl.col("article_id") == article_id).sort("para_no")
    return [text[s:e] for s, e in zip(rows["start"], rows["end"], strict=True)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("e\u0301te", "\u00e9te"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("line  \t\nnext ", "line\nnext"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\n \n\t\n\nb", "a\n\nb"),
        ("  \n padded \n\n", "padded"),
        ("Maduro'yu Putin’in „Zitat“ «τ» Lukašenko", "Maduro'yu Putin’in „Zitat“ «τ» Lukašenko"),
        ("non\u00a0breaking inside", "non\u00a0breaking inside"),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_offsets_index_the_text_on_every_seed(
    seeds: pl.DataFrame, seed_paragraphs: pl.DataFrame
) -> None:
    for article_id, text in seeds.select("article_id", "text").iter_rows():
        pieces = para_texts(seeds, seed_paragraphs, article_id)
        assert pieces == [p.strip() for p in text.split("\n\n")]
    assert seed_paragraphs.schema == schema.empty("paragraphs").schema
    assert (
        seed_paragraphs.group_by("article_id").agg(pl.col("para_no").min())["para_no"].to_list()
        == [0] * 5
    )


def test_boilerplate_on_seeds(seeds: pl.DataFrame, seed_paragraphs: pl.DataFrame) -> None:
    flagged = seed_paragraphs.filter("boilerplate").join(
        seeds.select("article_id", "text"), on="article_id"
    )
    found = [
        (row["article_id"][:3], row["text"][row["start"] : row["end"]], row["boilerplate_reason"])
        for row in flagged.sort("article_id", "para_no").iter_rows(named=True)
    ]
    assert found == [
        ("000", "Foto: Ariana Cubillos/AP", "photo credit"),
        ("000", "Foto: AP Ilya Pitalev, AP Evan Vucci", "photo credit"),
        (
            "003",
            "Maduro bricht diplomatische Beziehungen zu USA abMaduro, Nikolas 171004 bild © kremlin.ru",
            "caption",
        ),
        ("003", "[hmw/russland.NEWS]", "source tag"),
        ("003", "COMMENTS", "comments"),
    ]


def test_infer_titles_on_seeds(seeds: pl.DataFrame, seed_paragraphs: pl.DataFrame) -> None:
    titled = infer_titles(seeds, seed_paragraphs)
    assert titled.columns == seeds.columns
    row = titled.filter(pl.col("article_id") == "003_6498edc4392190b0").row(0, named=True)
    assert row["title"] == "Maduro bricht diplomatische Beziehungen zu USA ab"
    assert row["provenance"]["title"] == "first-line"
    assert titled["title"].str.len_chars().max() <= 121
    serbian = titled["title"][0]
    assert serbian.startswith("Rusija i njen bliski saveznik") and serbian.endswith("…")
    assert (
        titled.filter(pl.col("article_id") == "004_c88f0ea2b8ef4623")["provenance"][0]["published"]
        == "header"
    )


def test_infer_titles_keeps_given_titles_and_strips_markdown() -> None:
    frame = articles("# A heading\n\nBody.", "Photo: someone\n\nShort first line\nmore body here.")
    frame = frame.with_columns(title=pl.Series([None, "Given"]))
    titled = infer_titles(frame, paragraphs(frame))
    assert titled["title"].to_list() == ["A heading", "Given"]
    assert titled["provenance"].struct.field("title").to_list() == ["first-line", None]
    assert titled["provenance"].struct.field("url").to_list() == [None, None]


def test_single_newlines_hard_wraps_and_headlines() -> None:
    text = (
        "Headline of the story\n"
        "The first sentence is wrapped by the sender at a fixed width and\n"
        "continues here until it ends.\n"
        "A second line that ends a sentence.\n\n"
        "   Indented last paragraph."
    )
    frame = articles(text)
    got = paragraphs(frame)
    assert para_texts(frame, got, "a0") == [
        "Headline of the story",
        "The first sentence is wrapped by the sender at a fixed width and\ncontinues here until it ends.",
        "A second line that ends a sentence.",
        "Indented last paragraph.",
    ]
    assert got["para_no"].to_list() == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        ("Photo: Reuters", "photo credit"),
        ("Φωτογραφία: ΑΠΕ-ΜΠΕ", "photo credit"),
        ("Fotoğraf: AA", "photo credit"),
        ("© kremlin.ru", "photo credit"),
        ("[hmw/russland.NEWS]", "source tag"),
        ("COMMENTS", "comments"),
        ("12 Kommentare", "comments"),
        ("Σχόλια", "comments"),
        ("Share this article", "share line"),
        ("Podelite", "share line"),
        ("Abonează-te la newsletter", "subscribe"),
        ("Читайте также", "read more"),
        ("Pres. Maduro speaks in Caracas © AP", "caption"),
        ("Photography is an art that Maduro does not practise.", None),
        ("Shares of PDVSA fell sharply on Thursday.", None),
        ("Share " + "x" * 60, None),
    ],
)
def test_boilerplate_markers(paragraph: str, reason: str | None) -> None:
    got = paragraphs(articles("Body sentence.\n\n" + paragraph))
    expected = pl.DataFrame(
        {
            "para_no": [0, 1],
            "boilerplate": [False, reason is not None],
            "boilerplate_reason": [None, reason],
        },
        schema={"para_no": pl.Int32, "boilerplate": pl.Boolean, "boilerplate_reason": pl.String},
    )
    assert_frame_equal(got.select(expected.columns), expected)


def test_long_paragraph_starting_with_marker_is_not_boilerplate() -> None:
    got = paragraphs(articles("Foto: " + "ein langer Satz über Maduro " * 10))
    assert got["boilerplate"].to_list() == [False]


@pytest.mark.parametrize("language", sorted(boilerplate_rules()["markers"]))
def test_every_language_has_every_marker_key(language: str) -> None:
    keys = {"photo credit", "comments", "share line", "subscribe", "read more", "byline"}
    markers = boilerplate_rules()["markers"][language]
    assert set(markers) == keys
    assert all(markers[k] for k in keys)


def test_empty_input_gives_empty_paragraphs() -> None:
    assert_frame_equal(paragraphs(schema.empty("articles")), schema.empty("paragraphs"))


def test_words_mixing_look_alike_latin_and_cyrillic_letters_are_written_in_one_script() -> None:
    from dashboard.steps.normalise import one_script

    mixed = "Oсaмнaeст држaвa, Биo је Дaнaс, iPhone-у и Kyiv"
    fixed = one_script(mixed)
    assert fixed == "Осамнаест држава, Био је Данас, iPhone-у и Kyiv"
    # most letters Latin, but one (в) has no Latin twin: the word is Cyrillic
    assert one_script("Oвaj put, Moрaм ja") == "Овај put, Морам ja"
    assert len(fixed) == len(mixed)  # letter for letter: offsets stay
    assert normalise_text("Дaнaс\r\n") == "Данас"


def _whole_words_in_one_script(text: str) -> str:
    """one_script's rule as one regex over the text: every word (a run of \\w) that holds a
    mixed pair, rewritten."""
    from dashboard.steps.normalise import MIXED_SCRIPT, _in_one_script

    word = re.compile(r"\w*(?:" + MIXED_SCRIPT + r")\w*")
    return word.sub(lambda m: _in_one_script(m.group(0)), text)


def test_a_long_text_is_written_in_one_script_word_by_word_as_a_whole() -> None:
    from dashboard.steps.normalise import one_script

    lines = ["Oсaмнaeст држaвa", "", "plain Latin line", "Биo је_Дaнaс 12Дa", "\u2028Oвaj\r", "x"]
    text = "\n".join(lines * 200)
    assert one_script(text) == _whole_words_in_one_script(text)
    assert one_script(text).split("\n")[0] == "Осамнаест држава"
    assert one_script(text).split("\n")[2] == "plain Latin line"


def test_one_script_finds_the_words_the_whole_word_regex_finds() -> None:
    from dashboard.steps.normalise import one_script

    # words that start, end or hold mixed pairs, joined by digits, underscores, combining marks,
    # numbers of other scripts, punctuation and breaks; words made of look-alikes only
    alphabet = "aAoOcCxXеЕоОсСхХдДвВ1_\u0301\u0663\u00b2 .-\n\t«"
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert one_script(text) == _whole_words_in_one_script(text), repr(text)


def test_a_latin_name_in_an_article_of_another_script_keeps_its_english_key() -> None:
    from dashboard.lang.translit import name_key, token_key

    words = ["American", "Civil", "Liberties", "Union"]
    assert name_key(words, "el") == name_key(words, "en")
    assert name_key(words, "ru") == name_key(words, "en")
    # Serbian is written in Latin too: its own endings still go (Trumpa, Trump)
    assert token_key("Trumpa", "sr") == token_key("Trump", "en")


def test_greek_digraphs_read_by_their_neighbours_as_foreign_names_are_transcribed() -> None:
    from dashboard.lang.translit import token_key

    for latin, greek in [("Derby", "Ντέρμπι"), ("Organ", "Όργκαν"), ("Poyet", "Πογιέτ")]:
        assert token_key(latin, "en") == token_key(greek, "el")
    assert token_key("Boris", "en") == token_key("Μπόρις", "el")  # at a word start as before


@pytest.mark.parametrize(
    ("word", "lang", "rome"),
    [
        ("Рим", "ru", True),
        ("Рима", "ru", True),  # genitive: the name and a case ending
        ("Риме", "ru", True),
        ("Rimu", "sl", True),
        ("Říma", "cs", True),
        ("Rimsky", "en", False),  # a word made from the name is not the place
        ("Римский", "ru", False),
    ],
)
def test_a_short_place_name_with_a_case_ending_is_still_the_place(word, lang, rome) -> None:
    from dashboard.lang import lexicon

    assert lexicon.spelled_like_place(word, "rim", lang) is rome


@pytest.mark.parametrize(("word", "lang"), [("Kyjev", "cs"), ("Киев", "ru"), ("Kiev", "en")])
def test_a_city_under_an_old_and_a_new_zone_id_is_one_place(word, lang) -> None:
    # Europe/Kiev and Europe/Kyiv are one city: its names are that place, not two rivals
    from dashboard.steps.mention_types import classify

    assert classify((word,), False, False, lang)[:2] == ("LOC", "kyiv")
