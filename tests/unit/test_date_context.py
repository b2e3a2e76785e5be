"""Dates read in their sentence: future clauses, years that date a month, "N years ago", names
and amounts that are no dates, Latin look-alikes in Cyrillic, and how each value was resolved."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.lang.datewords import fold
from dashboard.steps.dates import extract_dates, tag, unmix

PUB = date(2019, 1, 17)  # a Thursday


def _read(
    text: str, lang: str, published: date | None = PUB
) -> list[tuple[str, str | None, str | None]]:
    """(surface, value, resolution) of every date in `text`."""
    return [
        (surface, found[0], found[3])
        for *_, surface, found in tag(text, lang, published, [(0, 0, len(text))])
    ]


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("en", "Voters will vote Sunday on the new name.", "2019-01-20"),
        ("en", "Voters voted Sunday on the new name.", "2019-01-13"),
        ("sr", "Lebron će u nedelju debitovati za Lejkerse.", "2019-01-20"),
        ("sr", "Леброн ће у недељу дебитовати за Лејкерсе.", "2019-01-20"),
        ("sr", "Igraće u petak na domaćem terenu.", "2019-01-18"),
        ("hr", "Rekao je u subotu da će Hrvatska pobijediti.", "2019-01-12"),  # "da" opens a clause
        ("bs", "Odbrana bi trebala početi u nedelju.", "2019-01-20"),
        ("tr", "Seçmenler pazar günü oy kullanacak.", "2019-01-20"),
        ("tr", "Bakan cumartesi günü vazgeçemeyeceğini söyledi.", "2019-01-12"),  # its verb is past
        ("el", "Οι ψηφοφόροι θα ψηφίσουν την Κυριακή.", "2019-01-20"),
        ("ro", "Cetățenii vor vota duminică.", "2019-01-20"),
        ("de", "Die Wähler werden am Sonntag abstimmen.", "2019-01-20"),
        ("en", "At the end of March we will see production stops.", "2019-03"),
        ("en", "In March we saw production stops.", "2018-03"),
        ("en", "Last December the parties won; this year they will struggle.", "2018-12"),
    ],
)
def test_a_clause_about_the_future_looks_ahead(lang: str, text: str, value: str) -> None:
    assert [v for _, v, _ in _read(text, lang) if not (v or "").startswith("2019-W")][0] == value


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("sr", "u maju prošle godine", [("maju prošle godine", "2018-05", "publication")]),
        ("en", "since May last year", [("May last year", "2018-05", "publication")]),
        ("sl", "julija lani je", [("julija lani", "2018-07", "publication")]),
        ("tr", "Çift, 2018 yılının haziran ayında evlendi.",
         [("2018 yılının haziran ayında", "2018-06", "explicit")]),
        ("tr", "2017 Eylülünde sallayan deprem", [("2017 Eylülünde", "2017-09", "explicit")]),
        ("en", "2004: A major quake on Dec. 26 struck.",
         [("2004", "2004", "explicit"), ("Dec. 26", "2004-12-26", "another date")]),
        ("en", "In 2005, quakes hit in late March.",
         [("2005", "2005", "explicit"), ("March", "2005-03", "another date")]),
        # the year belongs to another clause: 31 October is read from publication
        ("en", "Sentenced to death in 2010, she was acquitted on 31 October.",
         [("2010", "2010", "explicit"), ("31 October", "2018-10-31", "publication")]),
    ],
)  # fmt: skip
def test_a_year_dates_a_month_beside_it_or_in_its_clause(
    lang: str, text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _read(text, lang) == expected


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("en", "since Kim came to power seven years ago", "2012"),
        ("en", "up from 1.7 million four years ago", "2015"),
        ("sr", "kada je pre dve godine kupio", "2017"),
        ("sr", "дошао на власт пре седам година", "2012"),
        ("hr", "prije 32 godine", "1987"),
        ("ro", "în urmă cu 32 de ani", "1987"),
        ("ro", "acum doi ani", "2017"),
        ("el", "πριν από τρία χρόνια", "2016"),
        ("tr", "yedi yıl önce iktidara geldi", "2012"),
        ("de", "vor zwei Jahren", "2017"),
        ("en", "three weeks ago", "2018-W52"),
        ("en", "two months ago", "2018-11"),
        ("en", "five days ago", "2019-01-12"),
    ],
)
def test_ago_counts_back_from_publication(lang: str, text: str, value: str) -> None:
    assert [(v, r) for _, v, r in _read(text, lang)] == [(value, "publication")]


def test_ago_needs_its_word_and_a_publication_date() -> None:
    assert _read("He was seven years old.", "en") == []
    # before an event, not before publication
    assert _read("δύο εβδομάδες πριν από το θάνατό της", "el") == []
    assert _read("seven years ago", "en", None) == [("seven years ago", None, None)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "he told BBC Radio 4's Today program."),
        ("en", "A senior source told The Sunday Times: no."),
        ("en", "during a Saturday Night Live sketch"),
        ("sr", "rekao je za program Danas na radiju BBC 4."),
        ("sr", "se pojavila na pisti za dizajnerku Martu Jakubovski."),
        ("sr", "radiće četiri dana u nedelji"),
        ("sr", "da žene odu u Vašington i srede našu vladu"),
        ("en", "The US has about 2000 soldiers in Syria."),
        ("en", "a fine of $2000"),
        ("sr", "kaznom od 2000 dolara"),
        ("sr", "imaju oko 2000 vojnika"),
        ("tr", "ABD'nin Suriye'de 2000'e yakın askeri var."),
        ("de", "Die USA haben etwa 2000 Soldaten."),
        ("tr", "dünya genelinde"),
        ("en", "after a 31-27 defeat and a 5:2 win, 2-1 at home"),  # scores
    ],
)
def test_names_and_amounts_are_no_dates(lang: str, text: str) -> None:
    assert _read(text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text", "surface", "value"),
    [
        ("en", "Today, the vote begins.", "Today", "2019-01-17"),  # a sentence may start with it
        ("sr", "u martu je počelo", "martu", "2018-03"),
        ("en", "in 2000 the law passed", "2000", "2000"),
        ("en", "London 2012 was a success", "2012", "2012"),  # an event named with its year
        ("sr", "Dogodilo se 2019. godine.", "2019. godine", "2019"),
        ("tr", "2019'da seçim var", "2019", "2019"),
    ],
)
def test_dates_beside_those_rules_stay(lang: str, text: str, surface: str, value: str) -> None:
    assert [(s, v) for s, v, _ in _read(text, lang)] == [(surface, value)]


def test_latin_look_alikes_in_cyrillic_words_still_read() -> None:
    text = "У пoнeдeљaк увeчe привeдeн je"  # o, e, a, j typed in Latin
    assert len(unmix(fold(text))) == len(text)
    assert _read(text, "sr") == [("пoнeдeљaк увeчe", "2019-01-14", "publication")]
    assert unmix("trump said") == "trump said"  # Latin words are left alone


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("sr", "na ovogodišnjim Igrama", "2019"),
        ("sr", "od prošlogodišnjeg govora", "2018"),
        ("hr", "prošle je godine proizveo", "2018"),
        ("hr", "u subotnjem porazu", "2019-01-12"),
        ("sr", "након јунског састанка", "2018-06"),
        ("el", "Η περσινή χρονιά ήταν δύσκολη", "2018"),
        ("de", "beim diesjährigen Event", "2019"),
        ("de", "am Freitagabend", "2019-01-11"),
        ("ro", "la începutul acestei luni", "2019-01"),
        ("tr", "bu ayın başında", "2019-01"),
        ("tr", "Cumartesi günkü yarışta", "2019-01-12"),
    ],
)
def test_derived_forms_of_date_words(lang: str, text: str, value: str) -> None:
    assert [v for _, v, _ in _read(text, lang)] == [value]


def test_extract_dates_says_how_each_value_was_resolved() -> None:
    import polars as pl

    from dashboard import schema

    text = "On 5 May 2018 and on Monday. 2004: a quake on Dec. 26."
    articles = schema.conform(
        pl.DataFrame(
            {"article_id": ["a", "b"], "text": [text, text], "language": ["en", "en"],
             "published": [PUB, None]},
            schema_overrides={"published": pl.Date},
        ),
        "articles",
    )  # fmt: skip
    got = extract_dates(articles, schema.empty("paragraphs"))
    assert got.columns[-1] == "resolution" and got.schema == pl.Schema(schema.SCHEMAS["dates"])
    rows = got.select("article_id", "text", "value", "anchored", "resolution").rows()
    assert rows == [
        ("a", "5 May 2018", "2018-05-05", False, "explicit"),
        ("a", "Monday", "2019-01-14", True, "publication"),
        ("a", "2004", "2004", False, "explicit"),
        ("a", "Dec. 26", "2004-12-26", False, "another date"),
        ("b", "5 May 2018", "2018-05-05", False, "explicit"),
        ("b", "Monday", None, False, None),
        ("b", "2004", "2004", False, "explicit"),
        ("b", "Dec. 26", "2004-12-26", False, "another date"),
    ]


@pytest.mark.parametrize(
    ("lang", "text", "values"),
    [
        ("sr", "od 2. do 5. marta", ["2018-03-02", "2018-03-05"]),
        ("en", "from 2 to 5 March 2018", ["2018-03-02", "2018-03-05"]),
        ("en", "on March 5-7", ["2018-03-05", "2018-03-07"]),
        ("de", "vom 2. bis 5. März", ["2018-03-02", "2018-03-05"]),
        ("el", "από 2 έως 5 Μαρτίου", ["2018-03-02", "2018-03-05"]),
        ("en", "from 30 to 2 April", ["2018-04-02"]),  # crosses a month: left alone
        ("el", "την 1η Οκτωβρίου 2018", ["2018-10-01"]),  # a Greek ordinal day
    ],
)
def test_day_ranges_give_both_days(lang: str, text: str, values: list[str]) -> None:
    assert [v for _, v, _ in _read(text, lang)] == values


def test_a_relative_phrase_written_with_a_capital_is_no_name() -> None:
    # German nouns are capitalised: "Anfang des Jahres" mid-sentence is still this year
    text = "Trump feuerte den ersten Warnschuss Anfang des Jahres, als er Zölle verhängte."
    assert [(s, v) for s, v, _ in _read(text, "de")] == [("Anfang des Jahres", "2019")]


def test_the_day_before_counts_from_the_paragraphs_date() -> None:
    text = "On 5 March he left. The next day he resigned."
    assert _read(text, "en") == [
        ("5 March", "2018-03-05", "publication"),
        ("The next day", "2018-03-06", "another date"),
    ]
    assert _read("Am 5. März kam er, am Tag zuvor war er in Wien.", "de")[1] == (
        "am Tag zuvor", "2018-03-04", "another date",
    )  # fmt: skip
    # no date to count from: an event the paragraph does not date
    assert _read("Sutradan je otišao.", "sr") == [("Sutradan", None, None)]


def test_a_past_verb_before_the_weekday_keeps_it_past() -> None:
    # "said Monday it will": the weekday dates the saying, not what will happen
    assert _read("The company said Monday it will cut jobs.", "en") == [
        ("Monday", "2019-01-14", "publication")
    ]
    assert _read("The company will cut jobs on Monday.", "en") == [
        ("Monday", "2019-01-21", "publication")
    ]


def test_fold_maps_one_character_for_one_in_every_script() -> None:
    """Accents off and lower case, character by character, whatever the script; characters the
    table does not name (CJK, a dash, an emoji, past its last entry) are left as they are."""
    text = "ŞİMDİ Άγγελα Меркель Dvořák ẞ “Ωμέγα” 東京 — 🙂 Ǆ"
    assert fold(text) == "simdi αγγελα меркель dvorak ß “ωμεγα” 東京 — 🙂 ǆ"
    assert len(fold(text)) == len(text)
