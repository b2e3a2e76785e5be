"""What kind of name a capitalised run is: language knowledge used by dashboard.steps.mentions.

Common-word tests (simplemma), CLDR places found through inflection, and the type decision for
one run; the cue words (titles, organisation and place words, inflected by prefix) are in
mention_cues.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from dashboard.lang import lemmas, lexicon
from dashboard.lang.translit import fold, name_key, token_key
from dashboard.steps.mention_cues import CUE_BITS, cue_masks

_ORG, _LOC = CUE_BITS["org"], CUE_BITS["loc"]
_MISC_OR_EVENT = CUE_BITS["misc"] | CUE_BITS["event"]

# simplemma language codes for the article languages it knows under another name
_SIMPLEMMA_LANG = {"sr": "hbs", "hr": "hbs", "bs": "hbs", "me": "hbs"}
_SIMPLEMMA_KNOWN = frozenset(
    [
        "bg",
        "cs",
        "de",
        "el",
        "en",
        "es",
        "fr",
        "hbs",
        "it",
        "mk",
        "nl",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "tr",
        "uk",
        "hu",
        "sv",
        "da",
        "fi",
        "lt",
        "lv",
        "et",
        "sq",
    ]
)


def lemma_lang(lang: str | None) -> str | None:
    code = _SIMPLEMMA_LANG.get(lang or "", lang or "")
    return code if code in _SIMPLEMMA_KNOWN else None


@lru_cache(maxsize=200_000)
def is_common(word: str, lang: str | None) -> bool:
    """A capitalised word that is an ordinary word of the language (its lemma is lower case)."""
    code = lemma_lang(lang)
    if code is None:
        return False
    try:
        lemma = lemmas.lemmatize(word, code)
    except ValueError:
        return False
    if caseless(code):
        # this dictionary lower-cases everything: only an inflected known form tells
        if lemmas.is_known(word, code) and lemma != word.lower():
            return True
    elif lemma[:1].islower():
        return True
    if lexicon.cues(lang).common_suffixes and word.lower().endswith(
        lexicon.cues(lang).common_suffixes
    ):
        return True
    # German capitalises nouns: a noun simplemma knows is not a name
    return code == "de" and lemmas.is_known(word, code)


_SHORT_WORD = 5


@lru_cache(maxsize=200_000)
def lower_known(word: str, lang: str | None) -> bool:
    """A short capitalised word whose lower-case form is a word of the dictionary (No, Long,
    Your): the function words a sentence starts with. Longer ones are left to is_common (the
    dictionaries also hold lower-cased inflected place names: zgorzelcu)."""
    code = lemma_lang(lang)
    if code is None or code == "de" or len(word) > _SHORT_WORD:
        return False
    try:
        return lemmas.is_known(word.lower(), code)
    except ValueError:
        return False


# a German compound ends in a known noun of this many letters or more (Generalversammlung)
_COMPOUND_TAIL = 5


@lru_cache(maxsize=200_000)
def german_noun(word: str, lang: str | None, after_determiner: bool = False) -> bool:
    """A capitalised German word inside a sentence that is an ordinary noun, not a name.

    German capitalises every noun, and its dictionary also holds names (Facebook, Merkel,
    York): a known word is a noun when it is inflected (Nationen), has a noun ending (-ung),
    follows an article (das Haus) or is a compound ending in a known noun (UN-Generalversammlung);
    otherwise a known word standing alone mid-sentence is read as a name."""
    if lemma_lang(lang) != "de" or word.isupper() or "-" in word:
        return False
    if not lemmas.is_known(word, "de"):
        # an unknown long word ending in an inflected known noun is a compound
        # (Fernsehnetzwerken); one ending in a bare noun may be a name (Karrenbauer)
        return len(word) >= 2 * _COMPOUND_TAIL and compound(word, inflected=True)
    if german_inflected(word):
        return True
    if after_determiner or word.lower().endswith(lexicon.cues(lang).common_suffixes):
        return True
    return compound(word) or has_plural(word)


def german_inflected(word: str) -> bool:
    """A German word the dictionary reads as an inflected form of another (Probleme)."""
    if not lemmas.is_known(word, "de"):
        return False
    lemma = lemmas.lemmatize(word, "de")
    return lemma != word and word not in (lemma + "s", lemma + "es")


# plural endings of German nouns, on the word or on its umlauted stem (Woche-n, Sohn: Söhne)
_PLURALS = ("e", "en", "n", "er")
_UMLAUT = {"a": "ä", "o": "ö", "u": "ü"}


@lru_cache(maxsize=100_000)
def has_plural(word: str) -> bool:
    """A German word whose plural the dictionary knows (Woche: Wochen, Sohn: Söhne, Mal: Male):
    a common noun, since names take only the genitive -s (Merkels, Berlins). Occupational
    surnames are nouns too (Richter, Weber): callers keep a word the article gives a first
    name (see mentions._Seen.surnames)."""
    stems = [word]
    for i in range(len(word) - 1, 0, -1):
        if word[i] in _UMLAUT:
            stems.append(word[:i] + _UMLAUT[word[i]] + word[i + 1 :])
            break
    for stem in stems:
        for ending in ("", *_PLURALS):
            form = stem + ending
            known = form != word and lemmas.is_known(form, "de")
            if known and lemmas.lemmatize(form, "de") == word:
                return True
    return False


def compound(word: str, *, inflected: bool = False) -> bool:
    """A German word ending in a known noun of _COMPOUND_TAIL+ letters (`inflected`: in an
    inflected form of it, Netzwerken)."""
    for i in range(3, len(word) - _COMPOUND_TAIL + 1):
        tail = word[i:].capitalize()
        if lemmas.is_known(tail, "de") and (
            not inflected or lemmas.lemmatize(tail, "de") not in (tail, tail[:-1])
        ):
            return True
    return False


@lru_cache(maxsize=200_000)
def ordinary(word: str, lang: str | None) -> bool:
    """A word the language's dictionary knows as an ordinary (lower-case) word."""
    code = lemma_lang(lang)
    if code is None:
        return False
    try:
        return is_common(word, lang) or lemmas.is_known(word.lower(), code)
    except ValueError:
        return False


@lru_cache(maxsize=64)
def caseless(code: str) -> bool:
    """Whether simplemma's dictionary for `code` lower-cases unknown capitalised words."""
    return lemmas.lemmatize("Qwertyx", code)[:1].islower()


@lru_cache(maxsize=200_000)
def plain_known(word: str, lang: str | None) -> bool:
    """In a lower-cased dictionary, a known word that is not a place of the language."""
    code = lemma_lang(lang)
    if code is None or not caseless(code):
        return False
    return (
        lemmas.is_known(word, code)
        and lexicon.place(token_key(word, lang), lang, strict=True) is None
    )


@lru_cache(maxsize=200_000)
def known(word: str, lang: str | None) -> bool:
    """A place, a well-known organisation (BelTA, Beltu) or short country name."""
    key = token_key(word, lang)
    if lexicon.fixed_name(key, word) is not None or key in lexicon.org_acronym_keys():
        return True
    if not lexicon.spelled_like_place(word, key, lang):
        return False  # Kit is not Quito, Rose not Roseau
    return lexicon.place(key, lang) is not None or inflected_place([word], lang) is not None


def inflected_place(texts: Sequence[str], lang: str | None) -> tuple[str, str] | None:
    """A place whose last word is an inflected form the language's rules undo (Niemiec -> Niemcy)."""
    rules = lexicon.cues(lang).place_endings
    if not rules:
        return None
    last = texts[-1].lower()
    for ending, base in rules:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            words = [*texts[:-1], last[: len(last) - len(ending)] + base]
            found = lexicon.place(name_key(words, lang), lang)
            if found:
                return found
    return None


def _place_word(word: str, lang: str | None) -> bool:
    """Whether one word names a country or city in any case form (Ameriki, Сирия)."""
    texts = (word,)
    found = (
        lexicon.place(name_key(texts, lang), lang, strict=True)
        or lemma_place(texts, lang)
        or inflected_place(texts, lang)
    )
    return found is not None and lexicon.spelled_like_place(word, name_key(texts, lang), lang)


def lemma_place(texts: Sequence[str], lang: str | None) -> tuple[str, str] | None:
    """A place found through the dictionary's base form (Niemczech -> Niemcy), one whose key
    starts as the words' key does (lexicon.PLACE_PREFIX): a base form of another word is not
    the place (Romanian's dictionary gives era -> fi: ERA is not Fiji). Words whose key starts
    as no place's key in the language does are not looked up (most names)."""
    code = lemma_lang(lang)
    if code is None or len(texts) > 3:
        return None
    start = name_key(tuple(texts), lang)[: lexicon.PLACE_PREFIX]
    if start not in lexicon.place_prefixes(lang):
        return None
    try:
        bases = [lemmas.lemmatize(t, code) for t in texts]
    except ValueError:
        return None
    if bases == list(texts):
        return None
    key = name_key(bases, lang)
    return lexicon.place(key, lang, strict=True) if key.startswith(start) else None


# the syllables of an East Asian given name (Kim Jong Un, Ri Yong Ho, Moon Jae In)
_SYLLABLE = 4


def joined_given(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Three short words (family name first, a two-syllable given name: Kim Jong Un, Kim
    Džong Una) with the given name written as one word, as Kim Jong-un writes it, so every
    spelling has one key."""
    if len(texts) != 3 or any(len(t) > _SYLLABLE + 1 or not t[:1].isupper() for t in texts):
        return texts
    if "-" in "".join(texts) or len(texts[2]) > _SYLLABLE:
        return texts
    return (texts[0], f"{texts[1]}-{texts[2].lower()}")


_CITY_WORDS = 3  # the longest city name looked up (Frankfurt am Main)
_CYRILLIC_LANGS = frozenset({"ru", "uk", "bg", "be", "mk", "sr"})


def _near_place(texts: tuple[str, ...], key: str, lang: str | None) -> tuple[str, str] | None:
    """A near spelling of a listed place, unless the words spell another city of the world
    exactly (Marrákeš is Marrakesh, not the Marquesas Islands)."""
    near = lexicon.near_place(key, lang)
    if near is None:
        return None
    city = lexicon.world_city(texts)
    return near if city is None or city[1] == near[1] else None  # one place by its English name


@lru_cache(maxsize=200_000)
def classify(
    texts: tuple[str, ...],
    after_title: bool,
    after_org: bool,
    lang: str | None,
    after_in: bool = False,
    after_misc: bool = False,
    after_loc: bool = False,
) -> tuple[str, str, bool]:
    """(type, key, strong cue?) of a trimmed run of words (`after_in`: after "in", w, v, в;
    `after_misc`: right after a press or pipeline word, quoted or not; `after_loc`: right after
    a lower-case place word, letiště, провинции, city)."""
    cue = lexicon.cues(lang)
    spelled = lexicon.spelled_acronym(texts) if lang in _CYRILLIC_LANGS else None
    if spelled:
        texts = (spelled,)  # an English acronym spelled aloud (Би Би Си) is that acronym
    key = name_key(joined_given(texts), lang)
    fixed = lexicon.fixed_name(key, " ".join(texts))
    if fixed:
        return fixed[0], fixed[1], True
    faith = lexicon.adherents().get(fold(texts[-1], None, spelling_rules=False))
    if faith and len(texts) <= 2:
        # people of a faith or party (Christians, Democrats, Labour MPs' Tories): a group
        return "GROUP", f"{faith.lower()} people", True
    people = lexicon.demonym(" ".join(texts), lang) if len(texts) <= 2 else None
    if people is None and len(texts) == 2 and lexicon.demonym(texts[0], lang):
        people = lexicon.demonym(texts[1], lang)  # German Turks: a people of a people
    if people:
        # a people or its adjective (Americans, North Korean, Amerikanci): a group, not an actor
        return "GROUP", f"{people[0]} people", True
    listed = lexicon.listed_inflected(key) if len(texts) > 1 else None
    listed_type = lexicon.listed_type(listed) if listed else None
    if listed and listed_type:
        # a listed name whose short adjective kept its case ending (Črnega morja, Белого дома)
        return listed_type, listed, True
    found = (
        lexicon.place(key, lang, surface=" ".join(texts))
        or lemma_place(texts, lang)
        or inflected_place(texts, lang)
        or _near_place(texts, key, lang)
    )
    if found and len(texts) == 1 and not lexicon.spelled_like_place(texts[0], key, lang):
        found = None  # a short key spelled otherwise (Perry for Peru, Sane for Sanaa)
    if found:
        return "LOC", found[0], True
    lows = [t.lower() for t in texts]
    if (
        len(texts) == 2
        and lows[0].startswith(lexicon.compass_stems())
        and _place_word(texts[1], lang)
    ):
        # a direction before a place in any case names a region (Severni Ameriki, Югозападна
        # Сирия): a place of its own key
        return "LOC", key, True
    # a newspaper, pipeline or event word in the name, or a press word before it: a product/event
    masks = cue_masks(lang)
    if after_misc or any(masks[low] & _MISC_OR_EVENT for low in lows):
        return "MISC", key, True
    if any(masks[low] & _ORG for low in lows):
        return "ORG", key, True
    if len(texts) == 1 and lows[0] in lexicon.org_acronyms():
        return "ORG", key, True
    if any(masks[low] & _LOC for low in lows):
        return "LOC", key, True
    if after_title and len(texts) == 1 and texts[0].isupper() and len(texts[0]) > 1:
        # an acronym after a title is the body the title serves (rzecznik MSZ, szef NATO):
        # news writes persons' names in capitals only in a shouted line
        return "ORG", key, True
    if after_title:
        return "PER", key, True
    if len(texts) == 1 and not texts[0].isupper() and lows[0].endswith(cue.people_endings):
        if after_in:
            # "in" wins over a plural-people ending: a place (v Olomouci, w Mediolanie), not
            # people
            city = lexicon.world_city(texts)
            return "LOC", city[0] if city else key, True
        # a people or a family in the plural (Amerykanie, Němci, Kaczyńscy) names persons
        return "PER", key, len(lows[0]) >= 6
    first = token_key(texts[0], lang)
    if first in lexicon.given_name_keys() and (len(texts) > 1 or not texts[0].isupper()):
        return "PER", key, True
    if after_org:
        return "ORG", key, True
    if after_loc:
        # a place word names what follows it (provincie Paňdžáb, город Мултан); weak, so the
        # corpus's majority still decides a name written so once (ostrvo Sumatra)
        return "LOC", key, False
    city = lexicon.world_city(texts) if len(texts) <= _CITY_WORDS else None
    if city and not any(is_common(t, lang) or ordinary(t, "en") for t in texts):
        # a city of the world that no cue, given name or listed place claimed (Mariboru,
        # Mnichova): its key in every spelling; a place after "in", else a name like any other
        # (a company, a person and a city share names: Toyota, Mercedes, Harris, Hamilton)
        return ("LOC", city[0], True) if after_in else ("ORG", city[0], False)
    if all(t.isupper() and len(t) > 1 for t in texts):
        return "ORG", key, False
    if after_in:
        # "in X" with no other cue: a place (w Krakowie, v Mariboru, в Пловдиве)
        return "LOC", key, True
    last = key.rsplit(" ", 1)[-1]
    if len(last) >= 5 and last.endswith(lexicon.surname_endings()):
        return "PER", key, False
    if 2 <= len(texts) <= 3 and first in lexicon.given_name_keys():
        return "PER", key, False
    if 2 <= len(texts) <= 3 and all(t[:1].isupper() and not t.isupper() for t in texts):
        return "PER", key, False
    return "ORG", key, False
