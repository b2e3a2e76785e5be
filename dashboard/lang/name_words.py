"""What the words names are built from mean, in every language: a name translated word by word
is one actor (Верховный суд, Sąd Najwyższy: supreme court), a name made only of such words is a
generic body's and no person's, and the words that say what kind a company is come off its name
(Vueling Airlines). Built from data/name_words.json and entities_common.json."""

from __future__ import annotations

import json
from functools import lru_cache

from dashboard.lang import datacache
from dashboard.lang.lexicon import DATA, available_languages, common, given_name_keys
from dashboard.lang.translit import token_key


@lru_cache(maxsize=1)
def name_concepts() -> dict[str, str]:
    """Key of a word names are built from, under every language's endings -> its meaning in
    English (Верховный, Najwyższy -> supreme; tok, поток, Stream -> stream): data/name_words.json;
    a joining word (of, der, и) -> "". A key two meanings share is left out (it would join names
    that differ). Built once (each form keyed under every language: ~0.4 s), then read from
    disk (dashboard.lang.datacache)."""
    return datacache.cached("name_concepts", _name_concepts)


@lru_cache(maxsize=1)
def _data() -> dict:
    """data/name_words.json, read once."""
    return json.loads((DATA / "name_words.json").read_text(encoding="utf-8"))


def _keys(form: str) -> set[str]:
    """A word's keys under every language's endings (and none)."""
    return {k for lang in (None, *available_languages()) if (k := token_key(form, lang))}


def _name_concepts() -> dict[str, str]:
    data = _data()
    meanings: dict[str, set[str]] = {}
    # the words that join a name's words (of, the, and) mean nothing of their own: ""
    for concept, forms in [*data["concepts"].items(), ("", data["joiners"])]:
        for form in forms:
            for key in _keys(form):
                meanings.setdefault(key, set()).add(concept)
        if concept:  # a listed name's key is its English name (white house, security council)
            meanings.setdefault(concept, set()).add(concept)
    return {key: next(iter(c)) for key, c in meanings.items() if len(c) == 1}


@lru_cache(maxsize=1)
def joiner_words() -> frozenset[str]:
    """The words that join a name's words (of, the, din, и), lower case."""
    return frozenset(w.lower() for w in _data()["joiners"])


@lru_cache(maxsize=1)
def genitive_joiners() -> dict[str, frozenset[str]]:
    """Per language, the joining words that say "of" (of, на, des, του), lower case: a body of a
    country (Върховният съд на Пакистан); not "and", which joins two names, nor a word that
    says "of" in one language and "on" in another (на in Russian)."""
    return {
        lang: frozenset(w.lower() for w in words)
        for lang, words in _data()["genitive_joiners"].items()
    }


@lru_cache(maxsize=1)
def acronym_meanings() -> dict[str, tuple[str, ...]]:
    """Key of a generic body's acronym, under every language -> the meanings of its words
    (МИД, MSZ: affairs, foreign, ministry): data/name_words.json "acronyms"."""
    return {
        key: tuple(meaning.split())
        for meaning, forms in _data()["acronyms"].items()
        for form in forms
        for key in _keys(form)
    }


@lru_cache(maxsize=100_000)
def of_meanings(key: str) -> bool:
    """A key made only of words with a listed meaning (verhovn sud, bileh dom, nord stream): a
    generic body's name, never a person's."""
    meaning, acronyms = name_concepts(), acronym_meanings()
    return bool(key) and all(meaning.get(w) or w in acronyms for w in key.split(" "))


@lru_cache(maxsize=1)
def kind_word_keys() -> frozenset[str]:
    """Keys of the English words that say what kind of company or title a name is, and of the
    legal forms (Airlines, Energy, Zeitung, Journal; AG, Ltd): Vueling Airlines is Vueling."""
    words = [
        *common()["org_words_any"],
        *common()["misc_words_any"],
        *(f.replace(".", "") for f in common()["legal_forms"]),
    ]
    # a bank is a name's own word (World Bank is not the world); a letter is no kind
    return frozenset(k for w in words if len(k := token_key(w, "en")) > 1 and w != "bank")


# the meanings (name_words.json) of a word that opens only a body's name, never a person's
_BODY_WORDS = frozenset(
    {
        "ministry", "court", "council", "union", "party", "association", "federation", "agency",
        "commission", "committee", "organisation", "church", "university", "institute",
        "police", "army", "parliament", "senate", "office", "department", "bank",
    }
)  # fmt: skip


@lru_cache(maxsize=100_000)
def opens_body(key: str) -> bool:
    """A key of two words or more opened by a word for a kind of body and holding no given name
    (vereinihunh kokpit: Vereinigung Cockpit): no person's name. With a given name it is a
    title run before a person (Senate Majority Leader Mitch McConnell)."""
    words = key.split(" ")
    given = given_name_keys()
    return (
        len(words) > 1
        and name_concepts().get(words[0]) in _BODY_WORDS
        and not any(w in given for w in words)
    )
