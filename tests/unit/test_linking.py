"""Linking keys and cross-article linking."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.lang.translit import sound_key, to_latin, token_key
from dashboard.steps.linking import link
from dashboard.steps.mentions import article_mentions


@pytest.mark.parametrize(
    ("forms", "lang"),
    [
        (["Лукашенко", "Lukašenko", "Lukaşenko", "Λουκασένκο", "Łukaszenka", "Лукашенкой"], None),
        (["Madurom", "Maduro", "Μαδούρο", "Madura"], None),
        (["Zaharova", "Захаровой", "Zacharowa"], None),
        (["Ουάσιγκτον", "Vašington", "Washington"], None),
        # Polish cz and a Slavic -ić written without diacritics
        (["Šefčovič", "Szefczowicz", "Шефчович"], None),
        (["Vučić", "Vucic", "Вучич", "Βούτσιτς"], None),
    ],
)
def test_spellings_of_one_name_share_a_key(forms: list[str], lang: str | None) -> None:
    assert len({token_key(f, lang) for f in forms}) == 1


@pytest.mark.parametrize(
    "forms",
    [
        # genitive adjectives, the Bulgarian definite article and Ukrainian є
        [("Европейского", "ru"), ("Європейського", "uk"), ("Europejskiego", "pl"),
         ("Evropského", "cs"), ("Европейският", "bg"), ("Европейската", "bg"), ("Europejski", "pl")],
        [("Верховного", "ru"), ("Верховный", "ru"), ("Верховному", "ru"), ("Верховного", "uk")],
        # the West Slavic dative -owi/-ovi of a masculine name (Gazpromowi, Putinovi), the
        # surname's own -ov kept (Iwanowowi, Ivanovovi)
        [("Gazpromowi", "pl"), ("Gazprom", "pl"), ("Газпром", "ru"), ("Gazpromovi", "cs")],
        [("Putinovi", "cs"), ("Putinowi", "pl"), ("Путин", "ru")],
        [("Iwanowowi", "pl"), ("Ivanovovi", "cs"), ("Иванов", "ru")],
    ],
)  # fmt: skip
def test_inflected_adjectives_share_a_key(forms: list[tuple[str, str]]) -> None:
    assert len({token_key(f, lang) for f, lang in forms}) == 1


def test_cyrillic_initial_u_before_a_vowel_sounds_as_w() -> None:
    assert sound_key("Уилсон", "ru") == sound_key("Wilson", "en")
    assert sound_key("Уэлша", "ru")[:2] == sound_key("Welsh", "en")[:2]


def test_different_names_keep_different_keys() -> None:
    assert token_key("Putin") != token_key("Maduro")
    assert token_key("Moskva") != token_key("Minsk")


def test_romanisation_is_readable() -> None:
    assert to_latin("Лукашенко", "ru") == "Lukashenko"
    assert to_latin("Путін", "uk") == "Putin"
    assert to_latin("Μαδούρο", "el") == "Madouro"


def _mentions(rows: list[tuple[str, str, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"article_id": a, "para_no": 0, "start": 0, "end": len(t), "text": t, "type": ty, "key": k, "language": lang}
         for a, t, ty, k, lang in rows]
    )  # fmt: skip


def test_surname_joins_the_full_name_and_variants_merge() -> None:
    mentions = _mentions(
        [
            ("a", "Donald Trump", "PER", "donald trump", "ro"),
            ("b", "Tramp", "PER", "tramp", "sr"),
            ("c", "Τραμπ", "PER", "tramp", "el"),
            ("c", "Putin", "PER", "putin", "el"),
        ]
    )
    linked, entities = link(mentions)
    ids = dict(zip(linked["text"], linked["entity_id"], strict=True))
    assert ids["Tramp"] == ids["Donald Trump"] == ids["Τραμπ"]
    assert ids["Putin"] != ids["Tramp"]
    trump = entities.filter(pl.col("entity_id") == ids["Tramp"]).row(0, named=True)
    assert trump["label"] == "Donald Trump"
    assert trump["n_articles"] == 3
    assert trump["languages"] == ["el", "ro", "sr"]


def test_surname_only_mention_takes_the_full_name_in_its_article() -> None:
    text = "Predsednik Aleksandar Lukašenko je rekao. Lukašenko je dodao."
    found = article_mentions(text, [(0, 0, len(text))], "sr")
    keys = {t: k for _, _, _, t, _, k in found}
    assert keys["Lukašenko"] == keys["Aleksandar Lukašenko"]


def test_title_splits_a_turkish_run() -> None:
    text = "Rusya Devlet Başkanı Vladimir Putin, Maduro'yu aradı."
    found = {t: ty for _, _, _, t, ty, _ in article_mentions(text, [(0, 0, len(text))], "tr")}
    assert found["Rusya"] == "LOC"
    assert found["Vladimir Putin"] == "PER"
    assert set(found) == {"Rusya", "Vladimir Putin", "Maduro"}


def test_organisation_names_in_another_word_order_link() -> None:
    texts = [
        ("a", "Wczoraj Komisja Europejska ogłosiła decyzję.", "pl"),
        ("b", "Včeraj je Evropska komisija sprejela odločitev.", "sl"),
    ]
    rows = []
    for aid, text, lang in texts:
        for m in article_mentions(text, [(0, 0, len(text))], lang):
            rows.append((aid, m[3], m[4], m[5], lang))
    linked, _ = link(_mentions(rows))
    assert linked["entity_id"].n_unique() == 1


def test_cyrillic_g_meets_latin_g_and_h() -> None:
    assert token_key("Газпрому", "uk") == token_key("Gazprom", "pl") == token_key("Газпром", "ru")
    assert token_key("Хайко", "ru") == token_key("Heiko", "de")


def test_one_word_key_typed_otherwise_joins_the_person() -> None:
    rows = [
        ("a", "Ana Novak", "PER", "ana novak", "sl"),
        ("b", "Novak", "ORG", "novak", "cs"),
    ]
    linked, _ = link(_mentions(rows))
    assert linked["entity_id"].n_unique() == 1


def test_inflected_form_typed_otherwise_joins_its_name_and_takes_its_type() -> None:
    rows = [
        ("a", "Nordavia", "ORG", "nordav", "pl"),
        ("b", "Nordavia", "ORG", "nordav", "cs"),
        ("c", "Nordavias", "LOC", "nordavs", "pl"),
        ("c", "Nordavo", "LOC", "nordavo", "pl"),
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["text"], linked["entity_id"], strict=True))
    types = dict(zip(linked["text"], linked["type"], strict=True))
    assert ids["Nordavias"] == ids["Nordavia"]
    assert types["Nordavias"] == "ORG"
    # one letter more than a 4-letter key is not enough evidence: "nordavo" shares the 6-letter
    # stem, so it joins too; a short unrelated key stays apart
    assert ids["Nordavo"] == ids["Nordavia"]


def test_acronym_joins_the_name_whose_initials_it_spells_in_one_article() -> None:
    text = (
        "Wczoraj Stowarzyszenie Pilotów Bałtyckich ogłosiło strajk. "
        "Rzecznik SPB zapowiedział rozmowy."
    )
    rows = [
        ("a", m[3], m[4], m[5], "pl") for m in article_mentions(text, [(0, 0, len(text))], "pl")
    ]
    rows.append(("b", "SPB", "ORG", rows[-1][3], "pl"))
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["text"], linked["entity_id"], strict=True))
    assert ids["SPB"] == ids["Stowarzyszenie Pilotów Bałtyckich"]


def test_acronym_leaves_persons_and_unrelated_names_alone() -> None:
    rows = [
        ("a", "Jan Kowalski", "PER", "jan kovalsk", "pl"),
        ("a", "JK", "ORG", "jk", "pl"),
        ("b", "Rada Miejska", "ORG", "rad miejsk", "pl"),
        ("c", "RM", "ORG", "rm", "pl"),  # another article: no evidence it is the same
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["text"], linked["entity_id"], strict=True))
    assert ids["JK"] != ids["Jan Kowalski"]
    assert ids["RM"] != ids["Rada Miejska"]


def _vote_frame(with_cue: bool) -> pl.DataFrame:
    # an invented town: typed a place by "w" once, four bare mentions typed an organisation
    rows = {
        "article_id": ["a", "b", "b", "c", "d"],
        "para_no": [0] * 5,
        "start": [0] * 5,
        "end": [8] * 5,
        "text": ["Wardomiu", "Wardom", "Wardom", "Wardom", "Wardom"],
        "entity_id": [None] * 5,
        "type": ["LOC", "ORG", "ORG", "ORG", "ORG"],
        "key": ["vard"] * 5,
        "language": ["pl"] * 5,
    }
    if with_cue:
        rows["cue"] = [True, False, False, False, False]
    return pl.DataFrame(rows, schema_overrides={"entity_id": pl.String})


def test_a_cue_typed_mention_outweighs_bare_ones_when_the_table_says_so() -> None:
    cued, _ = link(_vote_frame(with_cue=True))
    plain, _ = link(_vote_frame(with_cue=False))
    assert set(cued["type"]) == {"LOC"}
    assert set(plain["type"]) == {"ORG"}
    assert cued["entity_id"].n_unique() == 1


def test_extraction_marks_cue_typed_mentions() -> None:
    from dashboard.steps.mentions import _cued_mentions

    text = "Rozmowy odbyły się w Wardomiu, a Wardom milczy."
    found = {m[3]: (m[4], m[6]) for m in _cued_mentions(text, [(0, 0, len(text))], "pl")}
    assert found["Wardomiu"][1] is True
    assert found["Wardom"][1] is False


def test_czech_feminine_surname_links_to_her_name_elsewhere() -> None:
    mentions = _mentions(
        [
            ("a", "Maria Kessler", "PER", "mar kesler", "de"),
            ("b", "Kesslerová", "PER", "keslerov", "cs"),
            ("b", "Marie Kesslerová", "PER", "mar keslerov", "cs"),
            ("c", "Pavlov", "PER", "pavlov", "ru"),
            ("d", "Pavla", "PER", "pavl", "pl"),
        ]
    )
    linked, _ = link(mentions)
    ids = dict(zip(linked["text"], linked["entity_id"], strict=True))
    assert ids["Kesslerová"] == ids["Marie Kesslerová"] == ids["Maria Kessler"]
    # only Czech and Slovak make -ová surnames: a Russian -ov name keeps its own entity
    assert ids["Pavlov"] != ids["Pavla"]


@pytest.mark.parametrize(
    ("own", "heard"),
    [
        (("Kavanaugh", "en"), ("Кавано", "sr")),
        (("Kavanaugh", "en"), ("Καβανό", "el")),
        (("Jeremy", "en"), ("Džeremi", "sr")),
        (("Jeremy", "en"), ("Τζέρεμι", "el")),
        (("Johnson", "en"), ("Τζόνσον", "el")),
        (("Chequers", "en"), ("Čekersa", "sr")),
        (("Schumer", "en"), ("Šumer", "hr")),
        (("Cromwell", "en"), ("Kromvel", "sr")),
        (("Christine", "en"), ("Kristin", "sr")),
        (("Brexit", "en"), ("Bregzita", "sr")),
    ],
)
def test_a_name_and_its_spelling_as_heard_share_a_sound_key(
    own: tuple[str, str], heard: tuple[str, str]
) -> None:
    assert sound_key(*own) == sound_key(*heard)


def test_different_names_keep_different_sound_keys() -> None:
    assert sound_key("Kavanaugh", "en") != sound_key("Kovač", "hr")
    assert sound_key("Warren", "en") != sound_key("Varga", "hu")
    # German writes ch for h: Bach is not Bač
    assert sound_key("Bach", "de") != sound_key("Bač", "sr")


def test_names_written_as_heard_link_to_their_own_spelling() -> None:
    mentions = _mentions(
        [
            ("en1", "Brett Kavanaugh", "PER", "bret kavanauh", "en"),
            ("en1", "Kavanaugh", "PER", "kavanauh", "en"),
            ("sr1", "Брета Каваноа", "PER", "bret kavan", "sr"),
            ("el1", "Μπρετ Καβανό", "PER", "bret kavan", "el"),
        ]
    )
    linked, _ = link(mentions)
    assert linked["entity_id"].n_unique() == 1


def test_two_spellings_one_language_writes_are_two_people() -> None:
    # the sound keys agree, but Serbian writes both names in several articles: two people
    rows = [(f"sr{i}", "Džonson", "PER", "dsonson", "sr") for i in range(2)]
    rows += [(f"sr{i + 2}", "Jonson", "PER", "ionson", "sr") for i in range(2)]
    linked, _ = link(_mentions(rows))
    assert linked["entity_id"].n_unique() == 2


def test_full_names_with_one_given_name_and_a_surname_heard_alike_link() -> None:
    mentions = _mentions(
        [
            ("en1", "Theresa May", "PER", "teres mai", "en"),
            ("sr1", "Tereza Mej", "PER", "teres mei", "sr"),
            ("el1", "Τερέζα Μέι", "PER", "teres mei", "el"),
            ("en2", "Theresa Moore", "PER", "teres mor", "en"),
        ]
    )
    ids = dict(zip(*link(mentions)[0].select("text", "entity_id"), strict=True))
    assert ids["Theresa May"] == ids["Tereza Mej"] == ids["Τερέζα Μέι"]
    assert ids["Theresa Moore"] != ids["Theresa May"]
    # a given name whose keys differ by script but sound alike (Willie, Уилли)
    heard = _mentions(
        [("pl1", "Willie Walsh", "PER", "vil vals", "pl"), ("ru1", "Уилли Уэлш", "PER", "uil uels", "ru")]
    )  # fmt: skip
    assert link(heard)[0]["entity_id"].n_unique() == 1


def _persons(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    """Person mentions (article, text, key, language), one paragraph each."""
    return pl.DataFrame(
        [{"article_id": a, "para_no": 0, "start": 0, "end": len(t), "text": t, "type": "PER",
          "key": k, "language": lang} for a, t, k, lang in rows]
    )  # fmt: skip


def test_one_person_whose_given_name_is_written_in_three_scripts() -> None:
    rows = [
        ("en", "John McDonnell", "iohn mcdonel", "en"),
        ("sr", "Džon Makdonel", "dson makdonel", "sr"),
        ("el", "Τζον ΜακΝτόνελ", "con makdonel", "el"),
    ]
    mentions = _persons(rows)
    linked, _ = link(mentions)
    assert linked["entity_id"].n_unique() == 1


def test_an_actor_is_labelled_by_its_english_form_when_the_corpus_has_one() -> None:
    rows = [("bg1", "Джо Байдън", "dso baidan", "bg")] * 5 + [
        ("hr1", "Joea Bidena", "ioe biden", "hr"),
        ("en1", "Joe Biden", "ioe biden", "en"),
    ]
    mentions = _persons(rows)
    linked, entities = link(mentions.with_columns(key=pl.lit("ioe biden")))
    assert entities["label"].to_list() == ["Joe Biden"]
    assert set(entities["aliases"].to_list()[0]) >= {"Джо Байдън", "Joea Bidena"}


def test_a_name_written_as_one_word_or_several_is_one_body() -> None:
    rows = [
        ("a", "Tehreek-e-Labbaik", "ORG", "tehrikelabaik", "pl"),
        ("b", "Tehríke Labajk", "ORG", "tehrik labaik", "cs"),
        ("c", "Wintershall", "ORG", "vintersal", "de"),
        ("d", "Wintershall AG", "ORG", "vintersal ah", "de"),
        ("e", "Barcelona", "LOC", "barcelon", "es"),
        ("f", "Barcelona FR", "ORG", "barcelon fr", "es"),
    ]
    ids = dict(link(_mentions(rows))[0].select("text", "entity_id").iter_rows())
    assert ids["Tehreek-e-Labbaik"] == ids["Tehríke Labajk"]
    # a company with its legal form is the company (linking.without_kind, one type); a code
    # after a place's name is no spelling of it
    assert ids["Wintershall"] == ids["Wintershall AG"]
    assert ids["Barcelona"] != ids["Barcelona FR"]


def test_a_name_typed_a_body_here_and_a_place_there_is_one_actor_unless_a_listed_place() -> None:
    rows = [
        ("a", "Oregon", "LOC", "orehon", "en"),
        ("b", "Ορεγκόν", "ORG", "orenhon", "el"),
        ("c", "Maribor", "ORG", "maribor", "sl"),
        ("d", "Mariboru", "LOC", "mariboru", "sl"),
        ("e", "China", "LOC", "china", "en"),
        ("f", "Chinna", "ORG", "chinna", "de"),
    ]
    ids = dict(link(_mentions(rows))[0].select("text", "entity_id").iter_rows())
    assert ids["Oregon"] == ids["Ορεγκόν"] and ids["Maribor"] == ids["Mariboru"]
    assert ids["China"] != ids["Chinna"]  # a listed place stays the place


def test_a_person_is_labelled_by_the_full_name_the_corpus_writes_more_than_once() -> None:
    from collections import Counter

    from dashboard.steps.linking import _label

    forms = Counter({("Pelosi", "en"): 20, ("Nancy Pelosi", "en"): 3, ("Пелоси", "sr"): 5})
    assert _label(forms, "PER", "pelos") == "Nancy Pelosi"
    # a one-off join of two names is no full name; a bare surname stays
    assert _label(Counter({("Kim", "en"): 20, ("Trump Kim", "en"): 1}), "PER", "kim") == "Kim"
    # a place or a body keeps its most written form
    assert _label(Counter({("Palu", "en"): 9, ("Central Palu", "en"): 2}), "LOC", "x") == "Palu"


def test_an_actor_is_labelled_by_its_base_form_not_the_case_news_writes_most() -> None:
    from collections import Counter

    from dashboard.steps.linking import _label

    # Czech writes the Prophet's name in the genitive (urážka proroka Mohameda) 71 times to once
    # in the nominative; Russian and Bulgarian forms are Cyrillic
    forms = Counter({("Mohameda", "cs"): 71, ("Мухаммеда", "ru"): 57, ("Mohamed", "cs"): 1})
    assert _label(forms, "PER", "mohamed") == "Mohamed"
    # a full name's case forms count for its nominative, written in another language too
    obama = Counter({("Baracka Obamy", "cs"): 5, ("Barack Obama", "sl"): 1, ("Obama", "cs"): 2})
    assert _label(obama, "PER", "obam") == "Barack Obama"
    may = Counter({("Theresu Mayovou", "cs"): 4, ("Theresa May", "sl"): 2, ("May", "cs"): 3})
    assert _label(may, "PER", "mai") == "Theresa May"
    # Cyrillic forms alike: the genitive and the locative count for the nominative
    ru = Counter({("Мухаммеде", "ru"): 60, ("Мухаммеда", "ru"): 5, ("Мухаммед", "ru"): 1})
    assert _label(ru, "PER", "muhamed") == "Mukhammed"
    zelensky = Counter({("Volodimirja Zelenskega", "sl"): 6, ("Volodimir Zelenski", "sl"): 1})
    assert _label(zelensky, "PER", "selensk") == "Volodimir Zelenski"
    # a form ending in a vowel is no case of its stem (Polish Asi is the genitive of Asia); nor
    # does a consonant added to a consonant decline (Wintershall), nor an -e changed (Mika, Mike)
    assert _label(Counter({("Asia Bibi", "pl"): 9, ("Asi Bibi", "pl"): 2}), "PER", "x") == (
        "Asia Bibi"
    )
    assert _label(Counter({("Wintershall", "cs"): 9, ("Wintershal", "cs"): 2}), "ORG", "x") == (
        "Wintershall"
    )
    pence = Counter({("Mika", "sl"): 5, ("Mike", "sl"): 2})
    assert _label(pence, "PER", "mik") == "Mika"


def test_an_acronym_defined_in_brackets_after_a_name_is_that_name_everywhere() -> None:
    text = "Tehríke Labajk (TLP) protestovala."
    rows = [
        # the Czech article defines it; the Polish and Russian ones only use the acronym
        {
            "article_id": "cs",
            "start": 0,
            "end": 14,
            "text": "Tehríke Labajk",
            "key": "tehrik labaik",
        },
        {"article_id": "cs", "start": 16, "end": 19, "text": "TLP", "key": "tlp"},
        {"article_id": "pl", "start": 5, "end": 8, "text": "TLP", "key": "tlp"},
        {"article_id": "ru", "start": 0, "end": 3, "text": "TLP", "key": "tlp"},
        # an acronym after a name it does not start like is not defined by it
        {"article_id": "ru", "start": 10, "end": 20, "text": "Asia Bibi", "key": "asia bibi"},
        {"article_id": "ru", "start": 22, "end": 25, "text": "TLP", "key": "tlp"},
        {"article_id": "ru", "start": 30, "end": 40, "text": "Nord Stream", "key": "nord stream"},
        {"article_id": "ru", "start": 42, "end": 46, "text": "ОПЕК", "key": "opek"},
    ]
    assert text[16:19] == "TLP"
    frame = pl.DataFrame(
        [{**r, "para_no": 0, "type": "ORG", "language": r["article_id"]} for r in rows]
    )
    linked, _ = link(frame)
    ids = dict(zip(linked["key"], linked["entity_id"], strict=True))
    assert ids["tlp"] == ids["tehrik labaik"]
    assert ids["opek"] != ids["nord stream"] and ids["asia bibi"] != ids["tlp"]


def test_a_surname_spelled_like_a_city_of_the_world_stays_the_person() -> None:
    text = "John Bolton said so. Later Bolton repeated it."
    rows = [
        ("a", m[3], m[4], m[5], "en") for m in article_mentions(text, [(0, 0, len(text))], "en")
    ]
    rows.append(("b", "Bolton", "LOC", "bolton", "en"))  # alone in another article
    linked, entities = link(_mentions(rows))
    assert linked.filter(pl.col("text") == "Bolton")["entity_id"].unique().to_list() == [
        linked.filter(pl.col("text") == "John Bolton")["entity_id"][0]
    ]
    assert entities.height == 1


def test_a_body_followed_by_its_country_is_the_body() -> None:
    from dashboard.steps.link_article import settled

    # Naftogaz Ukrainy (Naftogaz of Ukraine) read as two names, and Naftogaz alone: one body
    rows = [
        ("a", "Нафтогаз України", "PER", "naftohas ukrain", "uk"),
        ("a", "Нафтогаз", "ORG", "naftohas", "uk"),
        ("b", "Нафтогазу", "ORG", "naftohas", "uk"),
    ]
    linked, entities = link(settled(_mentions(rows)))  # settled as found
    assert linked["entity_id"].unique().to_list() == ["ORG:naftohas"]
    assert entities.height == 1


def test_a_person_before_a_place_is_not_made_a_body() -> None:
    # the place rule asks the article to name the body alone: Хайко Маас (Maas, a river) stays
    rows = [("a", "Хайко Маас", "PER", "haik mas", "ru"), ("a", "Маас", "PER", "mas", "ru")]
    linked, _ = link(_mentions(rows))
    assert linked["type"].unique().to_list() == ["PER"]


def test_a_closing_roman_numeral_is_no_surname() -> None:
    from dashboard.steps.link_article import settled

    rows = [
        ("a", "Benedykt XVI", "PER", "benedikt ksv", "pl"),
        ("b", "Бенедикт ХVІ", "PER", "benedikt hvi", "bg"),
        ("c", "Бенедикт", "PER", "benedikt", "ru"),
    ]
    linked, entities = link(settled(_mentions(rows)))  # settled as found
    assert linked["entity_id"].n_unique() == 1 and entities.height == 1


def test_a_person_named_in_one_hyphenated_word_or_several_is_one() -> None:
    rows = [
        ("a", "Saif-ul-Malook", "PER", "saifulmaluk", "sl"),
        ("b", "Сайфул Малук", "PER", "saiful maluk", "bg"),
    ]
    linked, _ = link(_mentions(rows))
    assert linked["entity_id"].n_unique() == 1


def test_similar_pairs_are_the_pairs_similar_words_joins() -> None:
    from itertools import combinations

    from dashboard.steps.linking import similar_pairs, similar_words

    # keys as linking writes them: endings, vowels and one letter apart, and far apart
    words = [
        "trump", "tramp", "trampa", "madur", "madurov", "madurom", "peskov", "peskovo",
        "lukasenk", "lukasenka", "zaharov", "zaharova", "merkel", "merkelova", "kavano",
        "kavanah", "varen", "varren", "rianair", "rianeir", "haspr", "hasprom", "pelos",
        "pelosijev", "baiden", "biden", "mulok", "muluk", "malok", "moskv", "minsk",
    ]  # fmt: skip
    expected = sorted(
        (a, b) if a < b else (b, a)
        for a, b in combinations(sorted(set(words)), 2)
        if a != b and similar_words(a, b)
    )
    assert similar_pairs(words) == expected
    assert len(expected) >= 10  # the three ways in: endings, skeletons, close spellings


def test_settled_keys_stay_settled() -> None:
    # a re-run over stored (settled) mentions settles nothing further: Nord Stream II loses its
    # numeral's word once, never "stream" after it
    from dashboard.steps.link_article import settled

    rows = [
        ("a", "Nord Stream II", "MISC", "nord stream i", "cs"),
        ("b", "Benedykt XVI", "PER", "benedikt ksv", "pl"),
        ("c", "Нафтогаз України", "PER", "naftohas ukrain", "uk"),
        ("c", "Нафтогаз", "ORG", "naftohas", "uk"),
    ]
    once = settled(_mentions(rows))
    assert once["key"].to_list() == ["nord stream", "benedikt", "naftohas", "naftohas"]
    assert settled(once)["key"].to_list() == once["key"].to_list()


def test_one_name_typed_apart_in_two_languages_is_one_actor() -> None:
    # Bulgarian writes the city's club (a body), Polish the city: one sound, no language writes both
    rows = [
        ("a", "Барселона", "ORG", "barselon", "bg"),
        ("b", "Barcelona", "LOC", "barcelon", "pl"),
        ("b", "Barcelonie", "LOC", "barcelon", "pl"),
        # a person and a listed place never join, however they sound
        ("c", "Prag", "PER", "prah", "cs"),
        ("d", "Prague", "LOC", "prague", "en"),
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["text"], linked["entity_id"], strict=True))
    assert ids["Барселона"] == ids["Barcelona"] == ids["Barcelonie"]
    assert ids["Barcelona"].startswith("LOC:")  # the majority's type
    # written as heard, close in sound and skeleton (Гардиън, Guardian)
    near = [("f", "Гардиън", "ORG", "harden", "bg"), ("g", "Guardian", "MISC", "huardian", "cs")]
    ids_near = dict(link(_mentions(near))[0].select("text", "entity_id").iter_rows())
    assert ids_near["Гардиън"] == ids_near["Guardian"]
    assert ids["Prag"] != ids["Prague"]
    # a language that writes both spellings keeps them apart: two names
    both = [*rows[:3], ("e", "Барселона", "LOC", "barcelon", "bg")]
    linked, _ = link(_mentions(both))
    ids = dict(zip(linked["article_id"], linked["entity_id"], strict=True))
    assert ids["a"] != ids["b"]


def test_a_generic_body_before_a_country_is_that_countrys_body() -> None:
    from dashboard.steps.link_article import settled

    def row(aid: str, start: int, text: str, typ: str, key: str, lang: str) -> dict:
        return {"article_id": aid, "para_no": 0, "start": start, "end": start + len(text),
                "text": text, "type": typ, "found_type": typ, "key": key, "language": lang}  # fmt: skip

    mentions = pl.DataFrame(
        [
            # Верховный суд Пакистана: one space between the body and the country
            row("a", 10, "Верховный суд", "ORG", "verhovn sud", "ru"),
            row("a", 24, "Пакистана", "LOC", "pakistan", "ru"),
            row("b", 0, "Sąd Najwyższy Pakistanu", "ORG", "sad naivis pakistan", "pl"),
            row("c", 4, "Supreme Court of Pakistan", "ORG", "supreme court of pakistan", "en"),
            # a capital names the court's seat; a body with a name of its own stays apart
            row("d", 0, "Okresní soud", "ORG", "okresn sud", "cs"),
            row("d", 13, "Amsterdam", "LOC", "amsterdam", "cs"),
            row("e", 0, "Gazprom", "ORG", "haspr", "ru"),
            row("e", 8, "России", "LOC", "russia", "ru"),
        ]
    )
    once = settled(mentions)
    assert settled(once).equals(once)  # settled once for all
    court = once.filter(pl.col("article_id") == "a").row(0, named=True)
    assert (once["article_id"] == "a").sum() == 1
    assert (court["text"], court["start"], court["end"]) == ("Верховный суд Пакистана", 10, 33)
    assert (once["article_id"] == "d").sum() == (once["article_id"] == "e").sum() == 2
    linked, _ = link(once)
    ids = dict(zip(linked["article_id"], linked["entity_id"], strict=False))
    assert ids["a"] == ids["b"] == ids["c"]


def test_a_bare_body_is_the_one_countrys_body_its_articles_name() -> None:
    rows = [
        ("a", "Sąd Najwyższy Pakistanu", "ORG", "sad naivis pakistan", "pl"),
        ("b", "Върховният съд", "ORG", "vrhovn sd", "bg"),
        ("b", "Пакистан", "LOC", "pakistan", "bg"),
        ("c", "Верховный суд", "ORG", "verhovn sud", "ru"),
        ("c", "Пакистане", "LOC", "pakistan", "ru"),
    ]
    linked, _ = link(_mentions(rows))
    ids = {(a, t): e for a, t, e in linked.select("article_id", "type", "entity_id").rows()}
    assert ids[("a", "ORG")] == ids[("b", "ORG")] == ids[("c", "ORG")]
    # bodies of two countries by that name: the bare one is neither
    two = [*rows, ("d", "Nejvyšší soud USA", "ORG", "neivis sud united states", "cs")]
    linked, _ = link(_mentions(two))
    ids = {(a, t): e for a, t, e in linked.select("article_id", "type", "entity_id").rows()}
    assert ids[("b", "ORG")] != ids[("a", "ORG")]
    # bare ones in articles that do not name the country stay bare
    apart = [*rows[:2], ("c", "Верховный суд", "ORG", "verhovn sud", "ru"),
             ("e", "Sąd Najwyższy", "ORG", "sad naivis", "pl")]  # fmt: skip
    linked, _ = link(_mentions(apart))
    ids = {(a, t): e for a, t, e in linked.select("article_id", "type", "entity_id").rows()}
    assert ids[("b", "ORG")] != ids[("a", "ORG")]


def test_one_name_in_one_word_and_in_two_is_one_actor() -> None:
    rows = [
        ("a", "Wizz Air", "ORG", "vis air", "pl"),
        ("b", "Wizzair", "ORG", "visair", "uk"),
        ("c", "Ittanwali", "LOC", "itanval", "pl"),
        ("d", "Ittan Wali", "LOC", "itan val", "cs"),
        ("e", "Al Ain", "LOC", "al ain", "en"),
        ("f", "Alain", "PER", "alain", "en"),  # too short to tell
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["article_id"], linked["entity_id"], strict=True))
    assert ids["a"] == ids["b"] and ids["c"] == ids["d"]
    assert ids["e"] != ids["f"]


def test_a_listed_acronym_with_a_case_ending_is_that_name() -> None:
    rows = [
        ("a", "NATO", "ORG", "nato", "pl"),
        ("b", "Natom", "ORG", "natom", "sl"),
        ("c", "Natovi", "PER", "natov", "sl"),
        ("d", "Natura", "ORG", "natur", "sl"),  # a word that only opens alike
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["article_id"], linked["entity_id"], strict=True))
    assert ids["a"] == ids["b"] == ids["c"] == "ORG:nato"
    assert ids["d"] != ids["a"]


def test_a_two_letter_key_is_no_persons_surname() -> None:
    rows = [
        ("a", "Κιμ Γιονγκ Ουν", "PER", "kim hionh un", "el"),
        ("b", "УН", "ORG", "un", "uk"),
        ("c", "Donald Trump", "PER", "donald trump", "en"),
        ("d", "Trump", "ORG", "trump", "pl"),  # a surname typed otherwise is still the person
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["article_id"], linked["entity_id"], strict=True))
    assert ids["a"] != ids["b"]
    assert ids["c"] == ids["d"]


def test_a_name_made_of_generic_words_is_no_person() -> None:
    # a title's genitive body read as a person (Mluvčí Bílého domu, Rzecznik Sądu Najwyższego)
    rows = [
        ("a", "Sądu Najwyższego", "PER", "sad naivis", "pl"),
        ("b", "Sąd Najwyższy", "PER", "sad naivis", "pl"),
        ("c", "Maria Bela", "PER", "mari bel", "pl"),
    ]
    linked, _ = link(_mentions(rows))
    types = dict(zip(linked["article_id"], linked["type"], strict=True))
    assert types["a"] == types["b"] == "ORG"
    assert types["c"] == "PER"  # a given name is no generic word


def test_a_company_with_and_without_the_word_for_its_kind_is_one_actor() -> None:
    rows = [
        ("a", "Vueling Airlines", "ORG", "vuelinh airlines", "pl"),
        ("b", "Vueling", "ORG", "vuelinh", "ru"),
        ("c", "Frankfurter Allgemeine Zeitung", "MISC", "frankfurter alhemain saitunh", "pl"),
        ("d", "Frankfurter Allgemeine", "MISC", "frankfurter alhemain", "cs"),
        # a company named after a thing of another type stays apart (the pipeline's company)
        ("e", "Nord Stream AG", "ORG", "nord stream ah", "ru"),
        ("f", "Nord Stream", "MISC", "nord stream", "cs"),
        # the word for its kind opening the name (a union: Vereinigung Cockpit, Cockpit)
        ("g", "Vereinigung Cockpit", "ORG", "verainihunh kokpit", "cs"),
        ("h", "Cockpit", "ORG", "kokpit", "ru"),
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["article_id"], linked["entity_id"], strict=True))
    assert ids["a"] == ids["b"]
    assert ids["c"] == ids["d"]
    assert ids["e"] != ids["f"]
    assert ids["g"] == ids["h"]


def test_a_product_with_its_number_is_its_bare_name_unless_the_corpus_numbers_several() -> None:
    one = [
        ("a", "Nord Stream 2", "MISC", "nord stream 2", "pl"),
        ("b", "Nord Stream", "MISC", "nord stream", "cs"),
    ]
    ids = dict(link(_mentions(one))[0].select("article_id", "entity_id").iter_rows())
    assert ids["a"] == ids["b"]
    several = [*one, ("c", "Nord Stream 1", "MISC", "nord stream 1", "de")]
    ids = dict(link(_mentions(several))[0].select("article_id", "entity_id").iter_rows())
    assert len({ids["a"], ids["b"], ids["c"]}) == 3  # two pipelines, and the bare name apart
    # a model number names a product apart from its maker
    model = [
        ("d", "Boeing 737", "MISC", "boainh 737", "sl"),
        ("e", "Boeing", "ORG", "boainh", "sl"),
    ]
    ids = dict(link(_mentions(model))[0].select("article_id", "entity_id").iter_rows())
    assert ids["d"] != ids["e"]


def test_a_model_number_stays_in_the_key() -> None:
    from dashboard.steps.mentions import article_mentions

    text = "Gazociąg Nord Stream 2 powstaje obok Nord Stream 1."
    found = {m[3]: m[5] for m in article_mentions(text, [(0, 0, len(text))], "pl")}
    assert found["Nord Stream 2"] != found["Nord Stream 1"]


def test_a_one_word_name_read_as_a_person_is_the_company_it_names_with_its_kind() -> None:
    rows = [
        ("a", "Adria", "PER", "adr", "sl"),
        ("b", "Adria Airways", "ORG", "adr airvais", "sl"),
        # a person's surname stays the person's
        ("c", "Paul Ryan", "PER", "paul rian", "cs"),
        ("d", "Ryan", "PER", "rian", "cs"),
        ("e", "Ryan Air", "ORG", "rian air", "cs"),
    ]
    linked, _ = link(_mentions(rows))
    ids = dict(zip(linked["article_id"], linked["entity_id"], strict=True))
    assert ids["a"] == ids["b"] and ids["a"].startswith("ORG:")
    assert ids["c"] == ids["d"] != ids["e"]


def test_a_name_opened_by_a_word_for_a_body_is_no_person_unless_a_given_name_follows() -> None:
    rows = [
        ("a", "Vereinigung Cockpit", "PER", "verainihunh kokpit", "cs"),
        ("b", "Ministerstwo Obrony", "PER", "ministerstv obron", "pl"),
        ("c", "Senate Leader John Thune", "PER", "senat leader iohn tun", "en"),
    ]
    linked, _ = link(_mentions(rows))
    types = dict(zip(linked["article_id"], linked["type"], strict=True))
    assert types["a"] == types["b"] == "ORG"
    assert types["c"] == "PER"


def test_a_body_named_with_its_country_is_the_body_unless_generic() -> None:
    rows = [
        ("a", "Tehreek-e-Labbaik Pakistan", "ORG", "tehrekelabaik pakistan", "pl"),
        ("b", "Tehreek-e-Labbaik", "ORG", "tehrekelabaik", "pl"),
        # a supreme court is one court per country
        ("c", "Sąd Najwyższy Pakistanu", "ORG", "sad naivis pakistan", "pl"),
        ("d", "Sąd Najwyższy", "ORG", "sad naivis", "pl"),
        # a company named with a country is its own (Air France is no Air)
        ("e", "Air France", "ORG", "air franc", "cs"),
        ("f", "Air", "ORG", "air", "cs"),
    ]
    ids = dict(link(_mentions(rows))[0].select("article_id", "entity_id").iter_rows())
    assert ids["a"] == ids["b"]
    assert ids["c"] != ids["d"]
    assert ids["e"] != ids["f"]


def test_a_rare_english_form_does_not_label_an_actor_named_otherwise() -> None:
    rows = [(f"pl{i}", "Ryanair", "ORG", "rianair", "pl") for i in range(40)]
    rows.append(("en1", "Rianair", "ORG", "rianair", "en"))  # a typo in one English article
    _, entities = link(_mentions(rows))
    assert entities["label"].to_list() == ["Ryanair"]


def test_a_spelling_several_languages_agree_on_labels_an_actor() -> None:
    # Czech writes the feminine form more often; three other languages write her name as it is
    rows = [(f"cs{i}", "Angela Merkelová", "PER", "anhel merkel", "cs") for i in range(6)]
    rows += [
        (f"{lang}1", "Angela Merkel", "PER", "anhel merkel", lang) for lang in ("pl", "sl", "hr")
    ]
    rows += [("bs1", "sada", "PER", "anhel merkel", "bs")] * 8  # a lower-case form never labels
    _, entities = link(_mentions(rows))
    assert entities["label"].to_list() == ["Angela Merkel"]
