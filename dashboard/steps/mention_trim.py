"""Trimming and splitting candidate runs (see mention_runs) into names.

`_trim` drops what heads or ends a run without being part of a name (stop words, months,
sentence-initial common words, clitics, German nouns and genitives); `_Seen` holds the
article-wide evidence it asks for (words written in lower case, mid-sentence capitals,
surnames after given names). `_split` parts a run where two names stand side by side (a place
or an acronym before a full name, a body's name before a person's).
"""

from __future__ import annotations

import re
from functools import cached_property

from dashboard.lang import datewords, lexicon
from dashboard.lang.translit import name_key, token_key
from dashboard.steps import mention_types
from dashboard.steps.mention_cues import CUE_BITS, cue_masks, cue_of
from dashboard.steps.mention_words import (
    _WORD,
    _calendar,
    _Cand,
    _clitic,
    _german_common,
    _german_noun_piece,
    _given_only,
    _known_whole,
    _known_word,
    _not_a_name,
    _Word,
    _word_not_place,
)

_ORG = CUE_BITS["org"]
_MID_CAP = re.compile(r"(?<=[\w,] )[^\W\d_][\w-]*", re.UNICODE)
_LETTER = re.compile(r"[^\W\d_]")  # a letter as _WORD reads one
# two words in a row, overlapping (a given name and what follows it)
_NAME_PAIR = re.compile(r"\b([^\W\d_]+)\s+(?=([^\W\d_][\w-]*))")


# A find reads the article once in C (0.3 ms at 700,000 characters); a set of its words is one
# pass of a regex in Python's engine, ~80 times as long. A question's finds may read this many
# times the article (a place each tried counting _HIT_CHARS more) before its set answers: a long
# article (a transcript, a report) asks of thousands of words, and finds alone would make its
# time grow with its length squared.
_FIND_PASSES = 32
_HIT_CHARS = 64


class _Seen:
    """Words of one article that tell a sentence-initial word's nature, made when first asked
    (most runs never need them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._surnames: frozenset[str] | None = None
        # characters the finds of each question may still read before its set answers instead
        self._finds_left = {"mid": _FIND_PASSES * len(text), "lower": _FIND_PASSES * len(text)}
        self._after: dict[str, list[str | None]] = {}  # named_apart's words after a stem

    @cached_property
    def lower(self) -> frozenset[str]:
        """Words written in lower case somewhere in the article (lower-cased)."""
        return frozenset(w.lower() for w in self.written if w[:1].islower())

    @cached_property
    def written(self) -> frozenset[str]:
        """Every word of the article as written."""
        return frozenset(_WORD.findall(self.text))

    @cached_property
    def mid_sentence(self) -> frozenset[str]:
        """Words seen after another word inside a sentence: a capital there marks a name."""
        return frozenset(_MID_CAP.findall(self.text))

    def has_mid_sentence(self, word: str) -> bool:
        """`word in self.mid_sentence`, found where the article writes " word" (a few finds in
        C) rather than by reading every word of it: most articles ask of a word or two.

        A match of _MID_CAP follows a space, which no match holds, so no earlier match can
        cover where one starts: its matches are exactly the places it matches on its own."""
        if self._finds_left["mid"] < 0:
            return word in self.mid_sentence
        text, target = self.text, " " + word
        at, hits = text.find(target, 1), 0
        while at >= 0:
            hits += 1
            m = _MID_CAP.match(text, at + 1)  # the look-behind sees the text before `at`
            if m is not None and m.group() == word:
                self._spend("mid", at, hits)
                return True
            at = text.find(target, at + 1)
        self._spend("mid", len(text), hits)
        return False

    def _spend(self, question: str, read: int, hits: int) -> None:
        """Count what a find of `question` read: `read` characters, `hits` places tried."""
        self._finds_left[question] -= read + hits * _HIT_CHARS

    @cached_property
    def _lowered(self) -> str | None:
        """The article lower-cased where every letter stays one letter in its place (no
        İ -> i̇, no Σ, whose lower case hangs on its neighbours), else None."""
        lowered = self.text.lower()
        if len(lowered) != len(self.text) or "Σ" in self.text:
            return None
        return lowered

    def has_lower(self, low: str) -> bool:
        """`low in self.lower`, found where the lower-cased article writes `low` (a few finds
        in C) rather than by reading every word of it; the set where letters shift (_lowered)."""
        lowered = self._lowered
        if lowered is None or not low or self._finds_left["lower"] < 0:
            return low in self.lower
        text, size = self.text, len(low)
        at, hits = lowered.find(low), 0
        while at >= 0:
            hits += 1
            if text[at].islower() and _starts_word(text, at):
                m = _WORD.match(text, at)
                if m is not None and m.end() == at + size and m.group().lower() == low:
                    self._spend("lower", at, hits)
                    return True
            at = lowered.find(low, at + 1)
        self._spend("lower", len(text), hits)
        return False

    def named_apart(self, head: str, given: str) -> bool:
        """Whether the article writes `head` (or another case of it) somewhere other than
        before this given name (Naftogaz ... Naftogazu Andrij Kobolew): a name of its own, not
        a given name the lists lack (Асиф Али Зардари, Хосе Луис Сапатеро)."""
        stem = head[: max(_NAME_STEM, len(head) - _NAME_ENDING)]
        after = self._after.get(stem)
        if after is None:
            after = self._after[stem] = _words_after(self.text, stem)
        return any(word != given for word in after)

    def surnames(self, lang: str | None) -> frozenset[str]:
        """Capitalised words the article writes right after a given name or, in German, after
        a word that reads as a name (Wolfgang Richter, Raheem Sterling, Chris Rock): a surname
        there, even where the dictionary knows it as a noun (Richter, Sterling: Sterlinge)."""
        if self._surnames is None:
            given = lexicon.given_name_keys()
            stop = lexicon.cues(lang).stop

            def reads_as_name(first: str) -> bool:
                # German only: not a stop word, a genitive (Palins Sohn owns a noun), a known
                # noun or a place
                return (
                    lang == "de"
                    and first.lower() not in stop
                    and not (first.endswith("s") and first[:-1] in self.written)
                    and not _known_word(first, lang)[1]
                    and not mention_types.has_plural(first)
                )

            self._surnames = frozenset(
                second
                for first, second in _NAME_PAIR.findall(self.text)
                if first[0].isupper()
                and second[0].isupper()
                and (
                    token_key(first, lang) in given
                    # after a word read as a name, an inflected word is no surname (Google
                    # Probleme: a plural)
                    or (reads_as_name(first) and not mention_types.german_inflected(second))
                )
            )
        return self._surnames


def _starts_word(text: str, at: int) -> bool:
    """Whether _WORD.findall(text) starts a word at `at` (a letter there): no letter before
    it, nor a hyphen after a letter (the word before would go on through it)."""
    if at == 0:
        return True
    before = text[at - 1]
    if _LETTER.match(before):
        return False
    return not (before == "-" and at >= 2 and _LETTER.match(text[at - 2]))


def _opens_country(first: str, second: str, lang: str | None) -> bool:
    """Whether two words are a place's name or its people's (North Korea, South African)."""
    pair = f"{first} {second}"
    return (
        lexicon.place(name_key([first, second], lang), lang, strict=True, surface=pair) is not None
        or lexicon.demonym(pair, lang) is not None
    )


def _trim(cand: _Cand, lang: str | None, seen: _Seen) -> list[_Word]:
    """Drop leading stop words, months and sentence-initial common words from a run."""
    cue = lexicon.cues(lang)
    masks = cue_masks(lang)
    words = list(cand.words)
    if _shouted(words, lang):
        return []
    # the word lists asked of every head word, looked up once a run
    any_stop, compass, zones = (
        lexicon.cues(None).stop,
        lexicon.compass_words(),
        lexicon.time_zones(),
    )
    while words:
        if len(words) > 1 and _known_whole(tuple(x.text for x in words), lang):
            return words  # a well-known name of common words (Komisja Europejska)
        w = words[0]
        low = w.text.lower()
        fixed, known_name = _known_word(w.text, lang)
        extended = len(words) > 1 and not words[-1].capital
        # where names capitalise every word, an organisation word heads its name even at a
        # sentence start (Ministerul Agriculturii); Slavic news lower-cases the descriptor
        # mid-sentence (przewoźnik Ryanair), so a capital there is only the sentence's
        head = not cue.extend_lowercase and len(words) > 1 and bool(masks[low] & _ORG)
        extended = extended or head
        if (
            low in cue.stop
            or low in any_stop
            or _calendar(w.text, lang)
            or (len(words) == 1 and low in compass)
            # a direction before a place is part of the place's area (South London, Νότιο
            # Λονδίνο): the place
            or (low in compass and len(words) == 2 and _known_whole((words[1].text,), lang))
            or w.text in zones
            or _clitic(w.text, lang)
            or _not_a_name(w, seen.text)
        ):
            words.pop(0)
        elif (
            w.sentence_start
            and not extended
            and not seen.has_mid_sentence(w.text)
            and (
                seen.has_lower(low)
                or mention_types.is_common(w.text, lang)
                or mention_types.plain_known(w.text, lang)
                or (len(words) == 1 and mention_types.lower_known(w.text, lang))
            )
            # a common word opening a country's or its people's name stays (North Korea said,
            # North Korean officials)
            and not (len(words) > 1 and _opens_country(w.text, words[1].text, lang))
            # a given name's key can be a common word's (Your, Yuri), a place's a word's
            # (Νομίζω, "I think", for Νόμε): alone, it is the word
            and (
                not fixed
                or (
                    len(words) == 1 and (_given_only(w.text, lang) or _word_not_place(w.text, lang))
                )
            )
        ):
            words.pop(0)
            if words:
                words[0] = _Word(words[0].start, words[0].end, words[0].text, True, True, False)
        elif (
            lang == "de"
            and not known_name
            and w.text not in seen.surnames(lang)
            and mention_types.german_noun(w.text, lang, _determines(words, seen, lang))
        ):
            words.pop(0)
        else:
            break
    if lang == "de":
        _cut_genitive(words, seen, lang)
    while words and (
        (words[-1].text.lower() in cue.stop and not _surname_month(words, lang))
        or _not_a_name(words[-1], seen.text)
        or (
            lang == "de"
            and words[-1].text not in seen.surnames(lang)
            and _german_common(
                words[-1].text,
                lang,
                len(words) == 1 and _determines(words, seen, lang),
            )
        )
    ):
        words.pop()
    return words


_SHOUTED_WORDS = 3


def _shouted(words: list[_Word], lang: str | None) -> bool:
    """A sentence in capitals (a placard, a shouted headline: STANDING UP TO THE MOB, NISI
    USTUKNUO PRED ZLOSTAVLJAČIMA): words of the dictionary, not a name."""
    if len(words) < _SHOUTED_WORDS or not all(w.text.isupper() for w in words):
        return False
    known = sum(mention_types.ordinary(w.text, lang) for w in words)
    return known * 3 >= len(words) * 2


def _cut_genitive(words: list[_Word], seen: _Seen, lang: str | None) -> None:
    """A German name in the genitive owns what follows it (Trumps Wahlkampfteam, Theresa Mays
    Partei): the words it owns leave the run, up to a name of its own (Indonesiens Hauptstadt
    Jakarta: Jakarta stays, for the split to part), and the name loses its -s where the article
    also writes it so or a noun follows (Mays: May). A word that says what kind of body or
    paper a name is keeps its -s: Fox News, Financial Times (an article that also writes New
    York or Time has no genitive there)."""
    cue = lexicon.cues(lang)

    def heads(word: str) -> bool:  # asked of each set, not of their union built every call
        low = word.lower()
        return low in cue.org_words or low in cue.misc_words

    i = 0
    while i < len(words) - 1:
        w = words[i]
        noun = w.text.endswith("s") and mention_types.has_plural(words[i + 1].text)
        if not heads(w.text) and (noun or _genitive(w.text, seen)):
            j = i + 1
            while j < len(words) and not _known_word(words[j].text, lang)[1]:
                j += 1
            del words[i + 1 : j]
            words[i] = _without_s(w)
        i += 1
    if words and not heads(words[-1].text) and _genitive(words[-1].text, seen):
        words[-1] = _without_s(words[-1])


def _without_s(w: _Word) -> _Word:
    """The word without its genitive -s."""
    if len(w.text) <= 3 or not w.text.endswith("s"):
        return w
    return _Word(w.start, w.end - 1, w.text[:-1], w.capital, w.sentence_start, w.gap_break)


def _determines(words: list[_Word], seen: _Seen, lang: str | None) -> bool:
    """Whether an article before the run's first word makes that word a noun (das Haus): not
    where the article belongs to a compound the word heads (der Facebook-Seite) or to a name
    the next word goes on with (der Labour Party)."""
    w = words[0]
    if seen.text[w.end : w.end + 1] == "-":
        return False
    if len(words) > 1 and not _german_noun_piece(words[1].text):
        return False
    return _after_determiner(seen.text, w.start, lang)


def _genitive(word: str, seen: _Seen) -> bool:
    """A word ending in -s whose base the article writes as a word of its own."""
    return len(word) > 3 and word.endswith("s") and word[:-1] in seen.written


# the last word before a place and the word before it, read backwards from the place in the
# reversed text (one anchored match, where a search for the pair ending there tried every start)
_PREVIOUS_WORDS_BACKWARDS = re.compile(r"[^\w]*([^\W\d_]+)(?:\s+([^\W\d_]+))?")
_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")


def _after_determiner(text: str, start: int, lang: str | None) -> bool:
    """Whether an article or possessive comes right before `start`, or before one declined
    adjective there (der, im, seine; das Weiße), within the 60 characters before it."""
    m = _PREVIOUS_WORDS_BACKWARDS.match(text[max(0, start - 60) : start][::-1])
    if m is None:
        return False
    determiners = lexicon.cues(lang).determiners
    before, last = (m.group(2) or "")[::-1].lower(), m.group(1)[::-1].lower()
    return last in determiners or (last.endswith(_ADJECTIVE_ENDINGS) and before in determiners)


def _surname_month(words: list[_Word], lang: str | None) -> bool:
    """A month that is also a name ends a longer name as a surname (Theresa May)."""
    if len(words) < 2 or not words[-2].capital:
        return False
    table = datewords.lexicon(lang)
    return datewords.fold(words[-1].text) in table.ambiguous


# an inflected form of a name: its stem is this long at least, its ending this long at most
_NAME_STEM = 4
_NAME_ENDING = 3


def _words_after(text: str, stem: str) -> list[str | None]:
    r"""The word after each word of `text` that opens with `stem` (None: none after it), as
    re.finditer(rf"(?<!\w){stem}\w*(?:[ -](\w+))?") reads them: tried only where str.find
    sees the stem (a match starts with it), each search going on after the last match, so a
    word taken as the one after is not read again as a head (Naftogaz Naftogazu)."""
    pattern = re.compile(rf"(?<!\w){re.escape(stem)}\w*(?:[ -](\w+))?")
    after: list[str | None] = []
    at = text.find(stem)
    while at >= 0:
        m = pattern.match(text, at)  # the look-behind sees the text before `at`
        if m is None:
            at = text.find(stem, at + 1)
        else:
            after.append(m.group(1))
            at = text.find(stem, m.end())
    return after


# a head word shorter than this before a given name is a title or a particle (Sir, Ser, Don)
_OWNER_HEAD = 4


def _split(
    words: list[_Word], cand: _Cand, lang: str | None, seen: _Seen
) -> list[tuple[list[_Word], _Cand]]:
    """Split a run where a place or acronym precedes a given name or another place
    (Λευκορωσίας Αλεξάντερ Λουκασένκο, AP Ilya Pitalev)."""
    if len(words) < 2:
        return [(words, cand)] if words else []
    whole = name_key([w.text for w in words], lang)
    if lexicon.place(whole, lang) or whole in lexicon.fixed_names():
        return [(words, cand)]
    first, second = words[0], words[1]
    head_known = mention_types.known(first.text, lang) or (
        first.text.isupper() and len(first.text) > 1
    )
    second_key = token_key(second.text, lang)
    # an agency before a name (Beltu Lukašenko) or a place before a full name (Rusiji Ana Novak)
    head_org = token_key(first.text, lang) in lexicon.org_acronym_keys()
    head_key = token_key(first.text, lang)
    # a place or a well-known name (ΗΠΑ, USA) before a full name
    head_place = lexicon.place(head_key, lang) is not None or head_key in lexicon.fixed_names()
    given = lexicon.given_name_keys()
    # a name in the genitive before a full name (Ryanairu Kenny Jacobs, Gazproma Aleksej
    # Miller: Ryanair's Kenny Jacobs): two names, unless the head is a given name too
    owner = (
        len(words) >= 3
        and second_key in given
        and head_key not in given
        and len(first.text) >= _OWNER_HEAD
        and not any(cue_of(first.text.lower(), code, "title") for code in (lang, "en"))
        and not mention_types.ordinary(second.text, lang)
        and seen.named_apart(first.text, second.text)
    )
    if owner and not head_known:
        # a title before the run names the person (Portparol Ryanaira Michael Jacobs)
        head = _Cand([first], after_org=cand.after_org, after_in=cand.after_in)
        rest = _Cand(words[1:], after_title=cand.after_title)
        return [([first], head), *_split(words[1:], rest, lang, seen)]
    if owner or (
        head_known
        and (
            second_key in given
            or mention_types.known(second.text, lang)
            or head_org
            or (head_place and len(words) >= 3)
        )
    ):
        rest = _Cand(words[1:], after_title=False, after_org=False)
        return [([first], cand), *_split(words[1:], rest, lang, seen)]
    # a body's name ending in a place, then a full name (Parlamenta Škotske Jeane Freeman)
    for i in range(2, len(words) - 1):
        before = words[i - 1].text
        if (
            token_key(words[i].text, lang) in given
            and token_key(before, lang) not in given
            and mention_types.known(before, lang)
        ):
            rest = _Cand(words[i:], after_title=False, after_org=False)
            return [*_split(words[:i], cand, lang, seen), *_split(words[i:], rest, lang, seen)]
    return [(words, cand)]
