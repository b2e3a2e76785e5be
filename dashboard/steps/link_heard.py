"""How names sound and where they are written: the evidence linking joins a name in its own
spelling with the same name written as heard by (Kavanaugh, Kavano, Кавано; Warren, Γουόρεν),
when no language writes both; linking's `_cluster` asks it for pairs."""

from __future__ import annotations

from collections import Counter, defaultdict

import polars as pl
from rapidfuzz import fuzz

from dashboard.lang.translit import skeleton, sound_key


def surname(key: str) -> str:
    """A key's last word: persons are grouped by it (the blocking key of a person)."""
    return key.rsplit(" ", 1)[-1]


_surname = surname


# a language in which both spellings occur in this many articles each keeps them apart
_OWN_SPELLING = 2
# sound keys: shorter ones meet chance words; near ones must be long and close
_SOUND_MIN = 4
_SOUND_NEAR = 6
_SOUND_RATIO = 80


class Heard:
    """How the one-word names of each type sound, and where they are written: the evidence for
    joining a name in its own spelling with the same name written as heard (Kavanaugh and
    Kavano, Warren and Γουόρεν) when no language writes both."""

    def __init__(self, mentions: pl.DataFrame, types: dict[str, str]) -> None:
        self.sounds: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.where: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.given: dict[str, set[str]] = defaultdict(set)
        # how each spelling sounds (once per spelling), then where each name is written
        for key, text, lang in mentions.select("key", "text", "language").unique().rows():
            typ = types[key]
            if typ == "PER" and " " in key and " " in text:
                self.given[key].add(sound_key(text.split()[0], lang))
            if typ != "PER" and " " in key:
                continue
            word = _surname(key) if typ == "PER" else key
            last = text.split()[-1] if typ == "PER" and text.split() else text
            self.sounds[(typ, word)].add(sound_key(last, lang))
        for key, lang, aid in mentions.select("key", "language", "article_id").unique().rows():
            typ = types[key]
            if typ == "PER" or " " not in key:
                self.where[(typ, _surname(key) if typ == "PER" else key)][lang or ""].add(aid)

    def given_alike(self, a: str, b: str) -> bool:
        """Two full names whose given names sound alike (John, Džon, Τζον) though their keys
        differ by script."""
        return bool(self.given.get(a, set()) & self.given.get(b, set()))

    def apart(
        self, typ: str, a: str, b: str, own: int = _OWN_SPELLING, typ_b: str | None = None
    ) -> bool:
        """No language writes both names in `own` or more articles each (one language spells a
        person's name one way: two spellings there are two people); `typ_b`: b's type when it
        differs."""
        wa, wb = self.where[(typ, a)], self.where[(typ_b or typ, b)]
        return not any(
            len(wa[lang]) >= own and len(wb[lang]) >= own for lang in wa.keys() & wb.keys()
        )

    def pairs(self, typ: str) -> list[tuple[str, str]]:
        """(word, word) of this type that sound alike and are apart: one sound key of 4+
        letters, or (written in no common language) sound keys of 6+ letters with one
        consonant skeleton and a close spelling (Linkevičius, Linkiavičius)."""
        blocks: dict[tuple[str, str], set[str]] = defaultdict(set)
        for (t, word), sounds in self.sounds.items():
            if t == typ:
                for snd in sounds:
                    if len(snd) >= _SOUND_MIN:
                        blocks[(snd[:1], skeleton(snd))].add(word)
        out = []
        for words in blocks.values():
            ordered = sorted(words)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if self._alike(typ, a, b):
                        out.append((a, b))
        return out

    def full_names(self, keys: list[str]) -> list[tuple[str, str]]:
        """(key, key) of two full names with one given name (by key or sound) whose surnames
        sound alike in their consonants (Theresa May, Tereza Mej, Τερέζα Μέι; Willie Walsh,
        Уилли Уэлш) and are written apart."""
        by_given: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            if " " in k:
                # one given name by its key or by its sound (Willie, Уилли)
                for given in {k.split(" ", 1)[0], *self.given.get(k, ())}:
                    by_given[given].append(k)
        out = set()
        for group in by_given.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    sa, sb = _surname(a), _surname(b)
                    if sa == sb or not self.apart("PER", sa, sb):
                        continue
                    skeletons = {skeleton(x) for x in self.sounds[("PER", sa)]}
                    if skeletons & {skeleton(y) for y in self.sounds[("PER", sb)]}:
                        out.add((a, b) if a < b else (b, a))
        return sorted(out)

    def across_types(
        self, keys: Counter[str], places: dict[str, str]
    ) -> list[tuple[tuple[str, str], tuple[str, str]]]:
        """((type, word), (type, word)) of two types whose words sound alike (as `pairs` finds
        them) and that no language writes both (Барселона, Barcelona; Алжир, Algeria; Гардиън,
        Guardian): one name typed by different contexts in different languages. A person and
        a listed place stay apart (Prague and a Mr Prac)."""
        blocks: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        for (typ, word), sounds in self.sounds.items():
            if typ == "PER" or word in keys:  # a person by the surname; others by their key
                for snd in sounds:
                    if len(snd) >= _SOUND_MIN:
                        blocks[(snd[:1], skeleton(snd))].add((typ, word))
        out: set[tuple[tuple[str, str], tuple[str, str]]] = set()
        for group in blocks.values():
            ordered = sorted(group)
            for i, (ta, a) in enumerate(ordered):
                for tb, b in ordered[i + 1 :]:
                    person_place = "PER" in (ta, tb) and (a in places or b in places)
                    if ta != tb and a != b and not person_place and self._alike(ta, a, b, tb, 1):
                        out.add(((ta, a), (tb, b)))
        return sorted(out)

    def _alike(
        self, typ: str, a: str, b: str, typ_b: str | None = None, own: int = _OWN_SPELLING
    ) -> bool:
        """One sound key (written apart in `own` articles per language), or (written in no
        common language) sound keys of 6+ letters with one skeleton and a close spelling."""
        sa, sb = self.sounds[(typ, a)], self.sounds[(typ_b or typ, b)]
        if sa & sb:
            return self.apart(typ, a, b, own, typ_b)
        return self.apart(typ, a, b, 1, typ_b) and any(
            min(len(x), len(y)) >= _SOUND_NEAR
            and skeleton(x) == skeleton(y)
            and fuzz.ratio(x, y) >= _SOUND_RATIO
            for x in sa
            for y in sb
        )
