"""simplemma's dictionaries, each loaded once per process whatever the order of the languages.

simplemma's module functions keep 8 decoded dictionaries in an LRU cache: with more languages
interleaved in a corpus, every article evicted and decoded a dictionary again (0.7 s each, 1 GiB
for all of them). Here one lemmatizer holds every language it is asked for as a front-coded
stream (simplemma's memory-frugal backend: ~10 MiB a language, the same lemmas), never evicted.
Building a stream's index takes ~0.4 s, so the built stream is kept on disk (marshal: plain
bytes, lists and tuples, no code) under the user cache, one file per language and simplemma
version, written atomically: a fresh process reads it in milliseconds. `loads()` counts how often
each language was read, for the regression test and the bench.

Most lookups are of words a dictionary lacks (names, and the pieces simplemma's affix rules try):
each stream carries a Bloom filter of its keys (12 bits a key, built with the index and kept on
disk with it), which answers most of those without decoding a block; a key it lets through is
looked up as before, so the answers are simplemma's.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries import StreamDictionaryFactory
from simplemma.strategies.dictionaries.frontcode import (
    _CORRUPT_STREAM_MSG,
    _iter_records,
    _read_varint,
)
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap
from simplemma.utils import normalize_token

from dashboard import atomic

MAX_LANGUAGES = 64  # more than simplemma ships: nothing is ever evicted
_LOADS: Counter[str] = Counter()
_HELD: dict[str, _Stream] = {}
_FIELDS = ("_data", "_pos", "_rev", "_count", "_firsts", "_blocks", "_filter")
_LAYOUT = 2  # of the file on disk: 2 added the key filter
FILTER_BITS = 12
"""Bits of the key filter a key: about 1% of absent keys get past it to a block scan."""


def cache_folder() -> Path:
    """$NEWSPRISM_DATA_CACHE, else the user cache; one sub-folder per simplemma version."""
    root = os.environ.get("NEWSPRISM_DATA_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "newsprism"
    return base / f"simplemma-{_simplemma()}"


@lru_cache(maxsize=1)
def _simplemma() -> str:
    """simplemma's version: read from its metadata once (~4 ms a reading, and every value kept
    on disk asks for the folder)."""
    return version("simplemma")


def cache_file(lang: str) -> Path:
    """Where the built stream of `lang` is kept (named by the file's layout too)."""
    return cache_folder() / f"{lang}-{_LAYOUT}.marshal"


# the trim byte of a record whose value is the previous record's, and of a literal value
_SAME_AS_PREV = 254
_LITERAL_VALUE = 255


class _Stream(StreamMap):
    """StreamMap with its block scan written out in one loop (no generator, a record's value
    built only for the key asked for): the same answers, a third less time a lookup, which
    is most of the lemmatizer's time on a news corpus (almost every word is asked once)."""

    __slots__ = ("_filter",)
    _filter: bytes

    @classmethod
    def built(cls, lang: str) -> _Stream:
        """simplemma's stream of `lang` with its block index and key filter built."""
        stream = cls(lang)
        stream._filter = _key_filter(stream)
        return stream

    def _lookup(self, key: str) -> str | None:
        target = key.encode()
        if self._rev:
            target = target[::-1]
        # a key the filter has no bit of is absent (most lookups): no block to decode; the
        # first bit turns most of them away, before the second hash is taken
        keys = self._filter
        size = len(keys) << 3
        h1 = zlib.crc32(target)
        bit = h1 % size
        if not keys[bit >> 3] >> (bit & 7) & 1:
            return None
        h2 = zlib.adler32(target) | 1
        bit = (h1 + h2) % size
        if not keys[bit >> 3] >> (bit & 7) & 1:
            return None
        bit = (h1 + 2 * h2) % size
        if not keys[bit >> 3] >> (bit & 7) & 1:
            return None
        block = bisect_right(self._firsts, target) - 1
        if block < 0:
            return None
        data = self._data
        n = len(data)
        pos, prev_key, value = self._blocks[block]
        # where the last written value is: (its record's key, trim byte, start, end)
        owner: bytes | None = None
        trim = start = end = 0
        try:
            while pos < n:
                byte = data[pos]
                if byte < 0x80:
                    shared, pos = byte, pos + 1
                else:
                    shared, pos = _read_varint(data, pos)
                byte = data[pos]
                if byte < 0x80:
                    suffix_len, pos = byte, pos + 1
                else:
                    suffix_len, pos = _read_varint(data, pos)
                if pos + suffix_len > n:
                    raise ValueError(_CORRUPT_STREAM_MSG)
                stored = prev_key[:shared] + data[pos : pos + suffix_len]
                pos += suffix_len
                record_trim = data[pos]
                pos += 1
                if record_trim != _SAME_AS_PREV:
                    byte = data[pos]
                    if byte < 0x80:
                        value_len, pos = byte, pos + 1
                    else:
                        value_len, pos = _read_varint(data, pos)
                    if pos + value_len > n:
                        raise ValueError(_CORRUPT_STREAM_MSG)
                    owner, trim, start, end = stored, record_trim, pos, pos + value_len
                    pos = end
                if stored >= target:
                    # sorted keys: the first key not below the target is it, or it is absent
                    if stored != target:
                        return None
                    if owner is not None:
                        value = data[start:end]
                        if trim != _LITERAL_VALUE:
                            value = owner[: len(owner) - trim] + value
                    return (value[::-1] if self._rev else value).decode()
                prev_key = stored
        except IndexError:
            raise ValueError(_CORRUPT_STREAM_MSG) from None
        return None


def _filter_bytes(count: int) -> int:
    return max(1, (count * FILTER_BITS + 7) // 8)


def _key_filter(stream: StreamMap) -> bytes:
    """A Bloom filter of the stream's keys as stored: three bits a key from crc32 and adler32
    (deterministic across processes, unlike hash()), bit i in byte i // 8 at place i % 8."""
    keys = [key for _, key, _ in _iter_records(stream._data, stream._pos)]
    size = _filter_bytes(stream._count) << 3
    h1 = np.fromiter(map(zlib.crc32, keys), dtype=np.uint64, count=len(keys))
    h2 = np.fromiter(map(zlib.adler32, keys), dtype=np.uint64, count=len(keys)) | np.uint64(1)
    bits = np.zeros(size, dtype=bool)
    for k in range(3):
        bits[(h1 + np.uint64(k) * h2) % np.uint64(size)] = True
    return np.packbits(bits, bitorder="little").tobytes()


def _from_disk(path: Path) -> _Stream | None:
    try:
        fields = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(fields, tuple) or len(fields) != len(_FIELDS):
        return None
    count, keys = fields[_FIELDS.index("_count")], fields[_FIELDS.index("_filter")]
    # a filter of another size would turn present keys away
    if (
        not isinstance(keys, bytes)
        or not isinstance(count, int)
        or len(keys) != _filter_bytes(count)
    ):
        return None
    stream = _Stream.__new__(_Stream)
    for name, value in zip(_FIELDS, fields, strict=True):
        setattr(stream, name, value)
    return stream


class _CachedFactory(StreamDictionaryFactory):
    """simplemma's stream dictionaries, held for every language and kept built on disk,
    counting the reads."""

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        _LOADS[lang] += 1
        path = cache_file(lang)
        stream = _from_disk(path)
        if stream is None:
            stream = _Stream.built(lang)
            # a read-only home still lemmatizes, only more slowly next time
            with contextlib.suppress(OSError):
                atomic.write_bytes(path, marshal.dumps(tuple(getattr(stream, n) for n in _FIELDS)))
        _HELD[lang] = stream
        return stream


WORDS = 200_000
"""(word, language) answers remembered per process: a news corpus repeats its words, and a
lookup in a front-coded stream decodes a block each time."""


@lru_cache(maxsize=1)
def _tools() -> tuple[Callable[[str, str], str], Callable[[str, str], bool]]:
    factory = _CachedFactory(cache_max_size=MAX_LANGUAGES)
    lemmatizer = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))
    lookup = DictionaryLookupStrategy(factory)

    def known(word: str, code: str) -> bool:
        return lookup.get_lemma(normalize_token(word), code) is not None

    # a ValueError (a language simplemma does not know) is not remembered: raised each time
    return lru_cache(maxsize=WORDS)(lemmatizer.lemmatize), lru_cache(maxsize=WORDS)(known)


def lemmatize(word: str, code: str) -> str:
    """simplemma.lemmatize(word, lang=code) (ValueError for a language it does not know)."""
    return _tools()[0](word, code)


def is_known(word: str, code: str) -> bool:
    """simplemma.is_known(word, lang=code)."""
    return _tools()[1](word, code)


def sizes() -> dict[str, float]:
    """MiB of each dictionary held in this process (the stream, its block index and filter)."""
    out = {}
    for lang, stream in _HELD.items():
        # the stream, and its index: each block's first key and the key and value it resumes from
        blocks = zip(stream._firsts, stream._blocks, strict=True)
        index = sum(len(k) + len(p) + len(v) + 64 for k, (_, p, v) in blocks)
        out[lang] = (len(stream._data) + index + len(stream._filter)) / 2**20
    return out


def loads() -> dict[str, int]:
    """How many times each language's dictionary was read in this process."""
    return dict(_LOADS)
