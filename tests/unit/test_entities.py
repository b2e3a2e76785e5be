"""Mentions and entities on the five seed articles (frames built from the files by hand)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from dashboard.entities import extract_mentions, link
from dashboard.schema import SCHEMAS

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
LANGS = ["sr", "ro", "el", "de", "tr"]


def _frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    arts, paras = [], []
    for f, lang in zip(sorted(SEEDS.glob("*.txt")), LANGS, strict=True):
        text = f.read_text("utf-8")
        arts.append({"article_id": f.stem, "text": text, "language": lang})
        for no, m in enumerate(re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text)):
            paras.append(
                {
                    "article_id": f.stem,
                    "para_no": no,
                    "start": m.start(),
                    "end": m.end(),
                    "boilerplate": False,
                }
            )
    return pl.DataFrame(arts), pl.DataFrame(paras)


@pytest.fixture(scope="module")
def linked() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    articles, paragraphs = _frames()
    mentions, entities = link(extract_mentions(articles, paragraphs))
    return articles, mentions, entities


def _entity(entities: pl.DataFrame, alias: str) -> dict:
    rows = entities.filter(pl.col("aliases").list.contains(alias)).to_dicts()
    assert len(rows) == 1, f"{alias}: {rows}"
    return rows[0]


def test_offsets_point_at_the_mention_text(linked) -> None:
    articles, mentions, _ = linked
    texts = dict(articles.select("article_id", "text").iter_rows())
    for aid, start, end, text in mentions.select("article_id", "start", "end", "text").iter_rows():
        assert texts[aid][start:end] == text


def test_tables_follow_the_contract(linked) -> None:
    _, mentions, entities = linked
    assert mentions.schema == pl.Schema(SCHEMAS["mentions"])
    assert entities.schema == pl.Schema(SCHEMAS["entities"])
    assert mentions["entity_id"].null_count() == 0


def test_maduro_is_one_person_in_all_five_articles(linked) -> None:
    _, _, entities = linked
    maduro = _entity(entities, "Maduro")
    assert maduro["type"] == "PER"
    assert maduro["n_articles"] == 5
    for form in ("Μαδούρο", "Madurom", "Nicolás Maduro"):
        assert form in maduro["aliases"]


@pytest.mark.parametrize(
    ("forms", "typ"),
    [
        (["Lukašenko", "Lukashenko", "Λουκασένκο"], "PER"),
        (["Tramp", "Trump", "Τραμπ"], "PER"),
        (["Vladimir Putin", "Βλαντιμίρ Πούτιν", "Putin"], "PER"),
        (["Venecuelu", "Βενεζουέλας", "Venezuela"], "LOC"),
        (["Belorusija", "Λευκορωσία", "Belarus"], "LOC"),
        (["Moskvi", "Moscova", "Μόσχα"], "LOC"),
        (["Vašingtonu", "Ουάσιγκτον", "Washingtonul"], "LOC"),
        (["Karakasom", "Caracas"], "LOC"),
        (["Rojters", "Reuters"], "ORG"),
        (["Kremlj", "Kremlinul", "Kremlin"], "ORG"),
    ],
)
def test_one_actor_across_languages_and_scripts(linked, forms: list[str], typ: str) -> None:
    _, _, entities = linked
    ids = {_entity(entities, f)["entity_id"] for f in forms}
    assert len(ids) == 1
    assert _entity(entities, forms[0])["type"] == typ


def test_turkish_suffix_is_cut_from_the_mention(linked) -> None:
    _, mentions, _ = linked
    turkish = mentions.filter(pl.col("language") == "tr")["text"].to_list()
    assert "Maduro" in turkish
    assert not any("'" in t or "’" in t for t in turkish)


@pytest.mark.parametrize(
    "word", ["Foto", "Poslednjih", "Kancelarija", "Perşembe", "Anterior", "Tot", "Alle"]
)
def test_common_words_months_and_weekdays_are_not_mentions(linked, word: str) -> None:
    _, mentions, _ = linked
    assert word not in mentions["text"].to_list()


@pytest.mark.parametrize("label", ["Moscow", "Belarus", "Russia", "Minsk"])
def test_places_are_labelled_in_english(linked, label: str) -> None:
    _, _, entities = linked
    assert label in entities.filter(pl.col("type") == "LOC")["label"].to_list()


def test_boilerplate_paragraphs_are_skipped() -> None:
    articles, paragraphs = _frames()
    marked = paragraphs.with_columns(boilerplate=pl.lit(True))
    assert extract_mentions(articles, marked).is_empty()


def test_entity_ids_are_stable_across_runs() -> None:
    articles, paragraphs = _frames()
    _, first = link(extract_mentions(articles, paragraphs))
    _, again = link(extract_mentions(articles.reverse(), paragraphs))
    assert sorted(first["entity_id"].to_list()) == sorted(again["entity_id"].to_list())
