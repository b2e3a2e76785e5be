"""Cross-article, cross-language linking of mentions into entities.

Mentions meet by their linking key (transliterated, folded, endings cut); a person's
surname-only key joins the full name that ends with it; keys that differ only by vowels or a
short ending (Tramp/Trump, Madurov/Madur) merge by rapidfuzz similarity within one type. The
entity id is derived from type and key (`PER:putin`), so it is stable across re-runs and the
analyst's alias file keeps pointing at the same actor.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from dashboard import schema
from dashboard.lang import lexicon, name_words
from dashboard.lang.translit import (
    cut_endings,
    script_of,
    skeleton,
    to_latin,
)
from dashboard.schema import HIDDEN_TYPES
from dashboard.steps.link_article import countries
from dashboard.steps.link_heard import Heard, surname

# a cue-typed mention outweighs this many bare ones in the type vote of its key
CUE_WEIGHT = 5
# languages whose names are not inflected: their surface forms make the best labels
_PLAIN_LANGS = {"en", "de", "fr", "es", "it", "pt", "nl", "ro", "tr", "sv", "da", "no", "hu"}


class _Union:
    """Union-find over keys; the root is the lexicographically smallest key (stable ids)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb), key=lambda k: (len(k), k))
            self.parent[hi] = lo


# The blocking and similarity of single-word keys, public: link_incremental finds the stored keys
# a new key could join with the very rules a full run joins them by (one core, two paths).


def word_blocks(words: Iterable[str]) -> dict[str, list[str]]:
    """First letter -> the words starting with it, sorted: the blocks within which linking
    compares single-word keys and surnames (`similar_words` needs one first letter)."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for w in sorted(set(words)):
        blocks[w[:1]].append(w)
    return dict(blocks)


def similar_words(a: str, b: str) -> bool:
    """Two single-word keys that spell one name (Tramp/Trump, Madurov/Madur, Peskov/Peskow)."""
    if a == b:
        return True
    if min(len(a), len(b)) < _SIMILAR_MIN or a[0] != b[0]:
        return False
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and len(long_) - len(short) <= 2 and len(short) >= _PREFIX_MIN:
        return True
    if skeleton(a) == skeleton(b) and len(skeleton(a)) >= _SKELETON_MIN:
        return fuzz.ratio(a, b) >= _SKELETON_RATIO
    return len(short) >= _CLOSE_MIN and fuzz.ratio(a, b) >= _CLOSE_RATIO


def similar_pairs(words: Iterable[str]) -> list[tuple[str, str]]:
    """Every pair (a < b) of distinct words that `similar_words` joins."""
    listed = list(words)
    return sorted({(a, b) if a < b else (b, a) for a, b in similar_across(listed, listed)})


def similar_across(left: Iterable[str], right: Iterable[str]) -> list[tuple[str, str]]:
    """Every (a of left, b of right), a != b, that `similar_words` joins, found without
    comparing each pair in Python: a short ending apart, one consonant skeleton (then
    compared), or both of six letters or more and close (compared in rapidfuzz's C loop)."""
    out: set[tuple[str, str]] = set()
    same = left is right  # one list against itself (similar_pairs): its blocks are made once
    blocks = word_blocks(right)
    for first, lefts in (blocks if same else word_blocks(left)).items():
        rights = blocks.get(first)
        if not rights:
            continue
        directions = [(lefts, set(rights), False)]
        if not same:  # against itself, the longer word is found from either side alike
            directions.append((rights, set(lefts), True))
        for longer, shorter, flip in directions:
            for w in longer:
                for cut in (1, 2):  # the longer word, a short ending past the shorter
                    if len(w) - cut >= _PREFIX_MIN and w[:-cut] in shorter:
                        out.add((w[:-cut], w) if flip else (w, w[:-cut]))
        left_skeletons = _by_skeleton(lefts)
        right_skeletons = left_skeletons if same else _by_skeleton(rights)
        for key in left_skeletons.keys() & right_skeletons.keys():
            if len(key) >= _SKELETON_MIN:
                out.update(_close(left_skeletons[key], right_skeletons[key], _SKELETON_RATIO))
        out.update(
            _close(
                [w for w in lefts if len(w) >= _CLOSE_MIN],
                [w for w in rights if len(w) >= _CLOSE_MIN],
                _CLOSE_RATIO,
            )
        )
    return sorted((a, b) for a, b in out if a != b)


def _by_skeleton(words: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for w in words:
        if len(w) >= _SIMILAR_MIN:
            out[skeleton(w)].append(w)
    return out


def _close(left: list[str], right: list[str], cutoff: int) -> list[tuple[str, str]]:
    """(a, b) of the two lists whose rapidfuzz ratio reaches `cutoff`."""
    if not left or not right:
        return []
    scores = process.cdist(left, right, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8)
    rows, cols = np.nonzero(scores)
    return [(left[i], right[j]) for i, j in zip(rows.tolist(), cols.tolist(), strict=True)]


# similar_words' thresholds, shared with similar_pairs
_SIMILAR_MIN = 4
_PREFIX_MIN = 5
_SKELETON_MIN = 3
_SKELETON_RATIO = 75
_CLOSE_MIN = 6
_CLOSE_RATIO = 88


def meant(key: str) -> tuple[str, ...]:
    """A multi-word key's words by meaning, sorted (verhovn sud, sad naivis: court, supreme),
    or () when no word of it has a listed meaning (name_words.name_concepts)."""
    meaning, acronyms = name_words.name_concepts(), name_words.acronym_meanings()
    words = key.split()
    if len(words) < 2 or not any(meaning.get(w) or w in acronyms for w in words):
        return ()
    # an acronym stands for its words' meanings (МИД Германии: ministry of foreign affairs of
    # Germany); joining words (of, the, и) go: Ministry of Foreign Affairs, Ministerstwo Spraw
    # Zagranicznych
    found = [m for w in words for m in acronyms.get(w, (meaning.get(w, w),))]
    return tuple(sorted(m for m in found if m))


def numbered_base(key: str) -> str | None:
    """A numbered product's bare name (nord stream 2: nord stream), else None."""
    base, _, last = key.rpartition(" ")
    return base if base and last.isdigit() else None


def without_kind(key: str) -> str:
    """A name's key without the closing words for its kind of company or title (vuelinh
    airlines: vuelinh; frankfurter alhemain saitunh: frankfurter alhemain)."""
    kinds = name_words.kind_word_keys()
    words = key.split(" ")
    while len(words) > 1 and words[-1] in kinds:
        words.pop()
    return " ".join(words)


def _company_words_alone(types: dict[str, str]) -> None:
    """Type a one-word name read as a person as the company it names with the word for its
    kind (Adria, Adria Airways), unless a person's full name ends in it (Ryan, Paul Ryan)."""
    surnames = {surname(k) for k, t in types.items() if t == "PER" and " " in k}
    for k, typ in list(types.items()):
        if " " in k and typ in ("ORG", "MISC"):
            base = without_kind(k)
            if base != k and types.get(base) == "PER" and " " not in base and base not in surnames:
                types[base] = typ


def _same_given(a: str, b: str) -> bool:
    """Given-name keys of one person (Aleksandar/Alexander, Hesus/Jesus, an initial)."""
    return a[:1] == b[:1] or fuzz.ratio(a, b) >= 70


_surname = surname  # the private name the rest of this module uses


@lru_cache(maxsize=100_000)
def _initials(text: str) -> frozenset[str]:
    """Upper-case initials of a multi-word name: of every word, and of its capitalised words only
    (Organizacja Narodów Zjednoczonych -> ONZ; Bank for International Settlements -> BIS, BFIS)."""
    words = [w for w in re.split(r"[\s-]+", text) if w[:1].isalpha()]
    if len(words) < 2:
        return frozenset()
    out = {"".join(w[0] for w in words).upper()}
    caps = [w for w in words if w[0].isupper()]
    if len(caps) >= 2:
        out.add("".join(w[0] for w in caps).upper())
    return frozenset(out)


def _acronym_pairs(
    rows: list[tuple[str, str, str]], types: dict[str, str]
) -> list[tuple[str, str]]:
    """(acronym key, name key) where one article holds an acronym and a multi-word name whose
    initials are its letters (ONZ and Organizacja Narodów Zjednoczonych), most frequent name.

    rows: (article_id, text, key); persons and known places or names are left alone.
    """
    known = lexicon.place_labels().keys()
    by_article: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for aid, text, key in rows:
        by_article[aid].append((text, key))
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for found in by_article.values():
        names: dict[str, str] = {}
        for text, key in found:
            if " " in text and types[key] != "PER" and key not in known:
                for ini in _initials(text):
                    names.setdefault(ini, key)
        if not names:
            continue
        for text, key in found:
            acronym = 2 <= len(text) <= 6 and text.isupper() and key not in known
            if acronym and names.get(text, key) != key:
                votes[key][names[text]] += 1
    return [(acr, full.most_common(1)[0][0]) for acr, full in votes.items()]


_DEFINITION_GAP = 2  # " (" between a name and the acronym it defines


def _defined_acronyms(mentions: pl.DataFrame, types: dict[str, str]) -> list[tuple[str, str]]:
    """(acronym key, name key) where an article defines an acronym in brackets right after a
    name of two or more words that starts with its first letter (Tehríke Labajk (TLP), Техрик-и-
    Лабаик Пакистан (ТЛП)): the writer's own definition, whatever language the name is in."""
    if not {"start", "end"} <= set(mentions.columns):
        return []
    known = lexicon.place_labels().keys()
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    rows = mentions.select("article_id", "start", "end", "text", "key").sort("article_id", "start")
    previous: tuple[str, int, str, str] | None = None
    for aid, start, end, text, key in rows.iter_rows():
        if previous is not None and previous[0] == aid and start - previous[1] == _DEFINITION_GAP:
            _, _, name, name_key_ = previous
            if (
                2 <= len(text) <= 6
                and text.isupper()
                and key not in known
                and name_key_ != key
                and types.get(name_key_) != "PER"
                and len(re.split(r"[\s-]+", name)) >= 2
                and name[:1].upper() == text[:1]
            ):
                votes[key][name_key_] += 1
        previous = (aid, end, text, key)
    return [(acr, names.most_common(1)[0][0]) for acr, names in votes.items()]


# Czech and Slovak add -ová to a woman's surname, foreign ones too (Merkelová, Bibiová)
_FEMININE_SURNAME_LANGS = ("cs", "sk")


def _feminine_pairs(mentions: pl.DataFrame, types: dict[str, str]) -> list[tuple[str, str]]:
    """(key, person key) where a Czech or Slovak surname key is another person's surname plus the
    feminine -ov(á) (Bibiová, Bibiové -> Bibi), so she links to her name in other languages."""
    if "language" not in mentions.columns:
        return []
    west = (
        mentions.filter(pl.col("language").is_in(_FEMININE_SURNAME_LANGS))
        .get_column("key")
        .unique()
        .to_list()
    )
    surnames: dict[str, str] = {}
    for k, typ in types.items():
        if typ == "PER":
            surnames.setdefault(_surname(k), k)
    out = []
    for k in west:
        last = _surname(k)
        if types.get(k) != "PER" or not last.endswith("ov") or len(last) < 5:
            continue
        stem = cut_endings(last[:-2], "cs")
        base = surnames.get(stem)
        if base is not None and stem != last:
            out.append((k, base))
    return out


# letters a key must have without its spaces to join another spaced otherwise
_SPACED_MIN = 6


def _spacing_pairs(keys: Iterable[str], types: dict[str, str]) -> list[tuple[str, str]]:
    """(key, key) of one name written in one word and in several (Wizzair, Wizz Air; NordStream,
    Nord Stream; Tehreek-e-Labbaik, Tehríke Labajk): the same letters once the spaces go, of
    one type. A person only as one word against words of three letters or more, both of
    _JOINED_MIN letters (Saif-ul-Malook, Сайфул Малук): a person is linked by the surname, and
    Al Kaida read as a person's name is no Al-Qaeda."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for k in sorted(keys):
        typ, joined = types.get(k), k.replace(" ", "")
        if typ is None or len(joined) < _SPACED_MIN:
            continue
        if typ == "PER" and not (
            len(k) >= _JOINED_MIN and (" " not in k or min(map(len, k.split(" "))) > 2)
        ):
            continue
        groups[(joined, typ)].append(k)
    out: list[tuple[str, str]] = []
    for (joined, typ), group in groups.items():
        if typ != "PER":
            out.extend((group[0], k) for k in group[1:])
        elif joined in group:  # a person's keys meet only through the one-word spelling
            out.extend((joined, k) for k in group if k != joined)
    return out


# the longest case ending or possessive a listed acronym takes in a word (Natom, Natovih)
_ACRONYM_ENDING = 3


def _acronym_case_pairs(keys: Iterable[str]) -> list[tuple[str, str]]:
    """(key, canonical key) of a word that is a listed acronym of four letters or more with a
    short case ending or possessive written on it (Natom, Natovi, Natovih: NATO)."""
    listed = lexicon.listed_acronyms()
    out = []
    for k in keys:
        if " " in k or k in listed:
            continue
        for cut in range(1, _ACRONYM_ENDING + 1):
            if k[:-cut] in listed and k[-cut:].isalpha():
                out.append((k, k[:-cut]))
                break
    return out


def _bare_body_pairs(mentions: pl.DataFrame, types: dict[str, str]) -> list[tuple[str, str]]:
    """(bare key, key with country) where a body named by generic words alone (Върховният съд,
    Sąd Najwyższy) is the one body of that name the corpus names with a country (Верховный суд
    Пакистана) and most articles naming it bare name that country too: they write of one court.
    A corpus naming such bodies of two countries, or bare ones in articles about others (a
    Polish court in Polish news), keeps them apart."""
    listed = set(countries())
    with_country: dict[tuple[str, ...], dict[str, str]] = defaultdict(dict)
    bare = []
    for k, typ in types.items():
        if typ != "ORG" or lexicon.listed_type(k):
            continue
        words = k.split(" ")
        # the country may be of several words (united states)
        cut = next((i for i in range(1, len(words)) if " ".join(words[i:]) in listed), 0)
        head = " ".join(words[:cut])
        if cut and name_words.of_meanings(head) and meant(head):
            with_country[meant(head)].setdefault(" ".join(words[cut:]), k)
        elif len(words) > 1 and name_words.of_meanings(k):
            bare.append(k)
    found = [(k, with_country[meant(k)]) for k in bare if len(with_country.get(meant(k), {})) == 1]
    if not found:
        return []
    keys = [k for k, _ in found]
    arts = (
        mentions.filter(pl.col("key").is_in(keys))
        .group_by("key")
        .agg(pl.col("article_id").unique())
    )
    naming = defaultdict(set)
    wanted = {c for _, by in found for c in by}
    for aid, k in (
        mentions.filter(pl.col("key").is_in(list(wanted)))
        .select("article_id", "key")
        .unique()
        .rows()
    ):
        naming[k].add(aid)
    of = dict(arts.rows())
    out = []
    for k, by in found:
        ((country, full),) = by.items()
        seen = of.get(k, [])
        if seen and sum(a in naming[country] for a in seen) * 2 >= len(seen):
            out.append((k, full))
    return out


def _cluster(
    keys: Counter[str],
    types: dict[str, str],
    pairs: Sequence[tuple[str, str]] = (),
    heard: Heard | None = None,
) -> dict[str, str]:
    """key -> cluster root key, over keys of every type (`pairs`: acronym and name keys;
    `heard`: how the names sound, to join spellings across scripts)."""
    uf = _Union()
    for acr, full in pairs:
        uf.union(acr, full)
    per_keys = [k for k in keys if types[k] == "PER"]
    # persons: group by surname; a full name with a similar given name or a surname-only key joins
    by_surname: dict[str, list[str]] = defaultdict(list)
    for k in per_keys:
        by_surname[_surname(k)].append(k)
    for _surname_key, group in by_surname.items():
        full_names = [k for k in group if " " in k]
        firsts: dict[str, str] = {}  # a given name's key -> the first full name holding it
        for k in sorted(full_names, key=lambda k: -keys[k]):
            first = k.split(" ", 1)[0]
            match = next(
                (
                    f
                    for f, holder in firsts.items()
                    if _same_given(first, f) or (heard is not None and heard.given_alike(k, holder))
                ),
                None,
            )
            if match is None:
                firsts[first] = k
                uf.find(k)
            else:
                uf.union(firsts[match], k)
        single = [k for k in group if " " not in k]
        if full_names:
            top = max(full_names, key=lambda k: keys[k])
            for k in single:
                uf.union(top, k)
        for k in single:
            uf.find(k)
    # a one-word key typed otherwise but equal to a person's surname is that person (Trump as
    # ORG; Bolton as a city of the world, which no listed place is)
    places = lexicon.place_labels()
    for k in keys:
        typed_otherwise = types[k] in ("ORG", "MISC") or (types[k] == "LOC" and k not in places)
        # not a key of two letters (УНН, an agency, keys as un; Kim Jong Un's un is no surname)
        if typed_otherwise and " " not in k and len(k) > 2 and by_surname.get(k):
            named = [x for x in by_surname[k] if " " in x]
            if named:
                uf.union(max(named, key=lambda x: keys[x]), k)
    # multi-word names in another word order (Komisja Europejska, Evropska komisija; Morze
    # Bałtyckie, Baltijsko morje), within one type
    by_words: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for k in keys:
        if types[k] != "PER" and " " in k:
            by_words[(types[k], *sorted(k.split()))].append(k)
    for group in by_words.values():
        for k in group[1:]:
            uf.union(group[0], k)
    # multi-word names translated word by word (Верховный суд, Sąd Najwyższy; Severni tok, Nord
    # Stream), within one type: the same meanings, in any order
    by_meaning: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for k in keys:
        if types[k] != "PER" and " " in k:
            meanings = meant(k)
            if meanings:
                by_meaning[(types[k], *meanings)].append(k)
    for group in by_meaning.values():
        for k in group[1:]:
            uf.union(group[0], k)
    # a listed name whose short adjective kept its case ending (Белого дома, Črnega morja: the
    # White House, the Black Sea), whatever type its context gave it
    for k in keys:
        if " " in k:
            listed = lexicon.listed_inflected(k)
            if listed is not None and listed != k and listed in keys:
                uf.union(listed, k)
    # a product with its number and without (Nord Stream 2, Nord Stream): one actor when the
    # corpus numbers it one way only (Nord Stream 1 and 2 are two pipelines, and bare the older)
    numbered: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        base = numbered_base(k)
        if base:
            numbered[base].append(k)
    for base, variants in numbered.items():
        # a generation's number (1, 2), not a model's (Boeing 737 is no Boeing)
        if len(variants) == 1 and base in keys and len(variants[0]) - len(base) <= 3:
            uf.union(base, variants[0])
    # a company's name with the word for its kind and without (Vueling Airlines, Vueling; Cheniere
    # Energy; Frankfurter Allgemeine Zeitung): one actor of one type
    for k in keys:
        if " " in k and types[k] in ("ORG", "MISC"):
            base = without_kind(k)
            if base != k and types.get(base) == types[k]:
                uf.union(base, k)
            # a body's own name with its country after it (Tehreek-e-Labbaik Pakistan), unless
            # the name is generic words (a supreme court is one court per country)
            body, _, last = k.rpartition(" ")
            own = (
                types.get(body) in ("ORG", "MISC")
                and len(body) >= _OWN_NAME_MIN
                and not name_words.of_meanings(body)
                and without_kind(body) == body  # Air France is no Air of France
            )
            if own and (last in places or lexicon.place(last, None) is not None):
                uf.union(body, k)
            # the kind opening the name (Vereinigung Cockpit, Cockpit)
            rest = k.split(" ", 1)[1]
            if name_words.opens_body(k) and " " not in rest and types.get(rest) == types[k]:
                uf.union(rest, k)
    # a name written as one word or as several (Tehreek-e-Labbaik, Tehríke Labajk; a person's
    # Saif-ul-Malook, Сайфул Малук), within one type and spelled nearly alike once the spaces go
    # (type -> its several-word keys by their spelling without spaces)
    flattened: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for k in keys:
        # not a name and a legal form or code (Wintershall AG, Barcelona FR): a body of its own
        if " " in k and len(k) >= _JOINED_MIN and min(map(len, k.split(" "))) > 2:
            flattened[types[k]][k.replace(" ", "")].append(k)
    singles: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        if " " not in k and len(k) >= _JOINED_MIN:
            singles[types[k]].append(k)
    for typ, words in singles.items():
        flats = flattened.get(typ, {})
        for k, flat in similar_across(words, list(flats)):
            for other in flats[flat]:
                uf.union(other, k)
        # spelled the same once the spaces go: _spacing_pairs
    # similar single-word keys (and surnames) of one type merge
    for typ in set(types.values()):
        words = sorted({_surname(k) if typ == "PER" else k for k in keys if types[k] == typ})
        words = [w for w in words if " " not in w]
        for a, b in similar_pairs(words):
            uf.union(_anchor(a, typ, by_surname), _anchor(b, typ, by_surname))
        for a, b in heard.pairs(typ) if heard else ():
            uf.union(_anchor(a, typ, by_surname), _anchor(b, typ, by_surname))
    for a, b in heard.full_names(per_keys) if heard else ():
        uf.union(a, b)
    # one name typed a body in one place and a place in another (a city's club, an airport, a
    # region's government): spelled alike, and not a listed place, it is one actor
    unlisted = [k for k in keys if " " not in k and k not in places]
    bodies = [k for k in unlisted if types[k] == "ORG"]
    for a, b in similar_across(bodies, [k for k in unlisted if types[k] == "LOC"]):
        uf.union(a, b)
    # one name typed differently where it is written differently (Барселона a body in Bulgarian,
    # Barcelona a place elsewhere): alike in sound and written in no common language
    for (ta, a), (tb, b) in heard.across_types(keys, places) if heard else ():
        uf.union(_anchor(a, ta, by_surname), _anchor(b, tb, by_surname))
    # an inflected form typed otherwise by its context (w Ryanairze as a place) joins its name
    plain = {k for k in keys if types[k] != "PER" and " " not in k}
    for k in plain:
        for cut in (1, 2):
            short = k[:-cut]
            if len(short) >= 5 and short in plain and types[short] != types[k]:
                uf.union(short, k)
    return {
        k: uf.find(_anchor(k, types[k], by_surname)) if types[k] == "PER" else uf.find(k)
        for k in keys
    }


# a name written as one word is compared with names of several words from this length on
_JOINED_MIN = 8


def _anchor(word: str, typ: str, by_surname: dict[str, list[str]]) -> str:
    """The key a surname stands for: the person's key when one exists, else the word itself."""
    if typ == "PER" and by_surname.get(word):
        return by_surname[word][0]
    return word


@lru_cache(maxsize=1)
def _fixed_labels() -> dict[str, str]:
    """Canonical key of a well-known name -> its label (the first form listed)."""
    out: dict[str, str] = {}
    for _type, canon, label in lexicon.fixed_names().values():
        out.setdefault(canon, label)
    return out


_LABEL_SHARE = 0.1  # of the most written form's count
# a body's own name before its country has this many letters (Tehreek-e-Labbaik; not Air)
_OWN_NAME_MIN = 6


def _label(forms: Counter[tuple[str, str | None]], typ: str, key: str) -> str:
    """The name an English-reading analyst recognises: a place's English name, a well-known
    name's listed label, else the corpus's English form, else a Latin form (of a language that
    does not inflect names first), else a standard romanisation; every form stays an alias."""
    place = lexicon.place_labels().get(key)
    fixed = _fixed_labels().get(key)
    if typ == "LOC" and place:
        return place
    if fixed:
        return fixed

    alone = {text.lower() for text, _ in forms if " " not in text}  # the surname written alone
    # a form of a tiny share of the actor's mentions does not name it, whatever its language
    least = max(forms.values()) * _LABEL_SHARE
    # a case form counts for its base form (Barack Obama for Baracka Obamy, Mohamed for
    # Mohameda): news writes a name in its oblique cases more often than in the nominative
    if typ != "GROUP":  # a people's words are no case of one another (Rosjanie, Rus)
        forms = _to_base_forms(forms)
    # the languages writing each form: a spelling several agree on is the name's own, not one
    # language's case or feminine form (Angela Merkel, not Angela Merkelová)
    writers: dict[str, set[str | None]] = defaultdict(set)
    for text, lang in forms:
        writers[text].add(lang)

    def score(item: tuple[tuple[str, str | None], int]) -> tuple[int, bool, bool, float, int]:
        # the English form when the corpus has one (Biden, not Dzho Baydan), else a Latin form
        # of a language that does not inflect names, else any Latin form, else a romanisation
        (text, lang), n = item
        latin = script_of(text) == "Latn"
        tier = 3 if lang == "en" and latin else 2 if latin and lang in _PLAIN_LANGS else int(latin)
        if n < least or text[:1].islower():
            tier = -1  # a rare form, or a lower-case one (sada), names nothing
        words = text.split()
        # a person by their full name (Nancy Pelosi, not Pelosi): two or three words ending in
        # the name the corpus also writes alone, written more than once (a one-off join such as
        # "Trump Kim" is not a name)
        full = typ == "PER" and 1 < len(words) <= 3 and n > 1 and words[-1].lower() in alone
        s = float(n)
        if typ == "PER" and len(words) > 1:
            s *= 3
        return tier, full, len(writers[text]) > 1, s, -len(text)

    (text, lang), _ = max(forms.items(), key=score)
    return to_latin(text, lang)


_Form = tuple[str, str | None]
"""A form of a name as written, and its language."""
_CASE_ENDING_MAX = 4
"""Letters a case ending adds to a name's base form (Borisov -> Borisovovi, May -> Mayovou)."""
_VOWELS = frozenset("aeiouyáéíóúýąęěůаеиоуыэюяёєіїαεηιουω")
"""Vowels of the Latin, Cyrillic and Greek alphabets news writes names in."""
_OPEN_VOWELS = frozenset("aiouаиоу")


def _to_base_forms(forms: Counter[_Form]) -> Counter[_Form]:
    """`forms` with the count of each case form (written in a language that inflects names) moved
    to its base form, written in the same script in any language: a form whose words each are
    the base form's word, that word with an ending added, or with its final vowel changed, and at
    least one with an ending added (Mika Pencea -> Mike Pence, Baracka Obamy -> Barack Obama,
    Mohameda -> Mohamed). A change of vowel alone tells no base (Mike, Mika); of several bases,
    the most written."""
    by_shape: dict[tuple[str | None, int], list[_Form]] = defaultdict(list)
    for form in forms:
        by_shape[(script_of(form[0]), form[0].count(" "))].append(form)
    base_of: dict[_Form, _Form] = {}
    for shaped in by_shape.values():
        for text, lang in shaped if len(shaped) > 1 else ():
            if lang in _PLAIN_LANGS:
                continue
            bases = [b for b in shaped if _is_case_form(text, b[0])]
            if bases:
                base_of[(text, lang)] = max(bases, key=lambda b: (forms[b], b[0], b[1] or ""))
    moved: Counter[_Form] = Counter()
    for form, n in forms.items():
        seen = {form}
        while form in base_of and base_of[form] not in seen:  # Borisovovi -> Borisova -> ...
            form = base_of[form]
            seen.add(form)
        moved[form] += n
    return moved


def _is_case_form(text: str, base: str) -> bool:
    """Whether `text` is `base` declined (see _to_base_forms)."""
    extended = False
    for word, stem in zip(text.split(" "), base.split(" "), strict=True):
        if word == stem:
            continue
        last = stem[-1:].lower()
        if word.startswith(stem):
            ending = word[len(stem) :]
            # one letter is a vowel after a consonant (Mohameda) or any after -e, -y (Pencea,
            # Perrym): a vowel after -a, -i, -o, -u or a consonant after a consonant is a name's
            # own (Asia is no case of Asi, Wintershall none of Wintershal)
            if not _is_ending(ending) or (
                len(ending) == 1
                and (last in _OPEN_VOWELS or (last not in _VOWELS and ending not in _VOWELS))
            ):
                return False
            extended = True
        elif not (
            len(stem) > 2
            and word.startswith(stem[:-1])
            and _is_ending(ending := word[len(stem) - 1 :])
            # a base form ends in -a or -o (Obama, Bojko); in -i or -y, an adjective's longer
            # endings replace it (Zelenski, Zelenskega); -e and the rest tell no base (Mike, Mika)
            and (last in "aoао" or (last in "iyýиы" and len(ending) > 1))
        ):
            return False
    return extended


def _is_ending(ending: str) -> bool:
    return 0 < len(ending) <= _CASE_ENDING_MAX and ending.isalpha() and ending.islower()


def slug(key: str) -> str:
    """The id form of a linking key (an entity id is TYPE:slug)."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "x"


def entities_of(mentions: pl.DataFrame, labels: dict[str, str] | None = None) -> pl.DataFrame:
    """The entities table of mentions that carry entity_id (labels given win over computed)."""
    if mentions.is_empty():
        return schema.empty("entities")
    rows = mentions.select("entity_id", "text", "language", "type", "key", "article_id")
    rows = rows.with_row_index("_row")

    def ranked(col: str) -> pl.DataFrame:
        # each entity's values by count, ties to the first seen (Counter.most_common's order)
        return (
            rows.group_by("entity_id", col)
            .agg(n=pl.len(), first=pl.col("_row").min())
            .sort("entity_id", "n", "first", descending=[False, True, False])
        )

    aliases = ranked("text").group_by("entity_id", maintain_order=True).agg(aliases="text")
    typed = ranked("type").unique("entity_id", keep="first", maintain_order=True)
    keyed = ranked("key").unique("entity_id", keep="first", maintain_order=True)
    counts = rows.group_by("entity_id").agg(
        languages=pl.col("language").drop_nulls().unique().sort(),
        n_articles=pl.col("article_id").n_unique(),
        n_mentions=pl.len(),
        first=pl.col("_row").min(),
    )
    frame = (
        counts.join(typed.select("entity_id", "type"), on="entity_id")
        .join(keyed.select("entity_id", "key"), on="entity_id")
        .join(aliases, on="entity_id")
        .sort("first")
    )
    # the label needs each entity's forms with their languages (plain Python: one pass)
    forms: dict[str, Counter[tuple[str, str | None]]] = defaultdict(Counter)
    for eid, text, lang in mentions.select("entity_id", "text", "language").iter_rows():
        forms[eid][(text, lang)] += 1
    given = labels or {}
    names = [
        given.get(eid) or _label(forms[eid], typ, key)
        for eid, typ, key in frame.select("entity_id", "type", "key").iter_rows()
    ]
    frame = frame.with_columns(
        label=pl.Series(names, dtype=pl.String),
        hidden=pl.col("type").is_in(list(HIDDEN_TYPES)),
    )
    return schema.conform(frame.drop("key", "first"), "entities").sort(
        ["n_mentions", "entity_id"], descending=[True, False]
    )


def cue_flags(mentions: pl.DataFrame) -> list[bool]:
    """Whether a cue typed each mention (the extractor's "cue" column; none without it)."""
    if "cue" not in mentions.columns:
        return [False] * mentions.height
    return mentions["cue"].fill_null(False).to_list()


def found_types(mentions: pl.DataFrame) -> list[str]:
    """Each mention's type as the extractor found it (mentions.found_type; `type` is the
    entity's): the evidence every linking run votes on, so a re-run over stored mentions votes
    as the first run did."""
    if "found_type" not in mentions.columns:
        return mentions["type"].to_list()
    return mentions.select(pl.coalesce("found_type", "type"))["found_type"].to_list()


def confirmed(mentions: pl.DataFrame, known: Sequence[str] = ()) -> pl.DataFrame:
    """Mentions without the doubtful ones (a German dictionary word read as a name) that the
    corpus does not confirm: the same key as a name elsewhere (another language, a cue), or the
    surname of a full name (`known`: keys already linked, an analysis the rows join)."""
    if "doubt" not in mentions.columns or not mentions["doubt"].fill_null(False).any():
        return mentions
    sure = [*mentions.filter(~pl.col("doubt").fill_null(False))["key"].unique().to_list(), *known]
    confirmed = set(sure) | {_surname(k) for k in sure if " " in k}
    doubtful = mentions.filter(pl.col("doubt").fill_null(False)).select("key", "language").unique()
    # a possessive adjective of a confirmed name (Boltonov: Bolton's) is confirmed with it
    owned = [
        k for k, lang in doubtful.iter_rows() if k not in confirmed and _owner(k, lang) & confirmed
    ]
    confirmed.update(owned)
    return mentions.filter(~pl.col("doubt").fill_null(False) | pl.col("key").is_in(confirmed))


_OWNER_STEM = 3


def _owner(key: str, lang: str | None) -> set[str]:
    """The keys a one-word key could be the possessive adjective of, by its language's
    possessive endings (boltonov: bolton)."""
    if " " in key:
        return set()
    return {
        key[: -len(e)]
        for e in lexicon.cues(lang).possessive_endings
        if key.endswith(e) and len(key) - len(e) >= _OWNER_STEM
    }


def link(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fill entity_id across articles and languages; return (mentions, entities).

    The keys are compared as found: the extractor settled them (link_article.settled), each
    worker on its own articles, and stored ones were linked."""
    linked = linked_mentions(mentions)
    return linked, entities_of(linked)


def linked_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """`link`'s mentions alone (the entities table is `entities_of` them: a helper process may
    make it while this one goes on)."""
    mentions = confirmed(mentions)
    if mentions.is_empty():
        return schema.conform(mentions, "mentions")
    keys = Counter(mentions["key"].to_list())
    # one type per key: the majority over its mentions, a cue-typed one ("in X", a title) counting
    # CUE_WEIGHT times when the table carries the extractor's "cue" column
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    cues = cue_flags(mentions)
    found = found_types(mentions)
    for k, t, c in zip(mentions["key"].to_list(), found, cues, strict=True):
        if t == "PER" and (name_words.of_meanings(k) or name_words.opens_body(k)):
            t = "ORG"  # no person is called Supreme Court or Bílý dům: a title's genitive body
        votes[k][t] += CUE_WEIGHT if c else 1
    types = {k: v.most_common(1)[0][0] for k, v in votes.items()}
    _company_words_alone(types)
    rows = mentions.select("article_id", "text", "key").rows()
    pairs = (
        _acronym_pairs(rows, types)
        + _defined_acronyms(mentions, types)
        + _feminine_pairs(mentions, types)
        + _bare_body_pairs(mentions, types)
        + _spacing_pairs(keys, types)
        + _acronym_case_pairs(keys)
    )
    roots = _cluster(keys, types, pairs, Heard(mentions, types))
    # a cluster's type is its mentions' majority; its id is type + root key
    cluster_votes: dict[str, Counter[str]] = defaultdict(Counter)
    # a city of the world joined as the surname of a person with a known given name votes as
    # that person (Maduro alone is Nicolás Maduro, not Madurai)
    given = lexicon.given_name_keys()
    named = {(roots[k], _surname(k)) for k in keys if types[k] == "PER" and k.split()[0] in given}
    listed = lexicon.place_labels()
    for k, n in keys.items():
        city = types[k] == "LOC" and " " not in k and k not in listed
        cluster_votes[roots[k]]["PER" if city and (roots[k], k) in named else types[k]] += n
    # the id names the cluster by its most mentioned key (a person by the surname)
    best: dict[str, str] = {}
    for k in sorted(keys, key=lambda k: (-keys[k], k)):
        best.setdefault(roots[k], k)
    ids = {}
    for k in keys:
        root = roots[k]
        typ = cluster_votes[root].most_common(1)[0][0]
        name = _surname(best[root]) if typ == "PER" else best[root]
        ids[k] = (f"{typ}:{slug(name)}", typ)
    linked = mentions.with_columns(
        entity_id=pl.col("key").replace_strict({k: v[0] for k, v in ids.items()}),
        type=pl.col("key").replace_strict({k: v[1] for k, v in ids.items()}),
    )
    return schema.conform(linked, "mentions")
