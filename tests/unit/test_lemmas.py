"""Per-language resources are loaded once per process, whatever the order of the languages."""

from __future__ import annotations

import marshal
import random
import zlib
from pathlib import Path

import polars as pl
import pytest
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

from dashboard import schema
from dashboard.lang import datewords, lemmas, lexicon, translit
from dashboard.pipeline import pipeline
from dashboard.steps import mention_types

# One short news sentence in each of 20 languages (capitalised names, a date, a common noun at
# the start of a sentence: every per-language resource is asked for).
SENTENCES = {
    "en": "The President of Serbia met Angela Merkel in Berlin on 3 March. Talks went well.",
    "de": "Der Präsident Serbiens traf Angela Merkel am 3. März in Berlin. Die Gespräche liefen gut.",
    "sr": "Predsednik Srbije sastao se sa Angelom Merkel u Berlinu 3. marta. Razgovori su dobri.",
    "hr": "Predsjednik Srbije sastao se s Angelom Merkel u Berlinu 3. ožujka. Razgovori su dobri.",
    "bs": "Predsjednik Srbije sastao se sa Angelom Merkel u Berlinu 3. marta. Razgovori su bili dobri.",
    "sl": "Predsednik Srbije se je 3. marca v Berlinu sestal z Angelo Merkel. Pogovori so bili dobri.",
    "mk": "Претседателот на Србија се сретна со Ангела Меркел во Берлин на 3 март. Разговорите беа добри.",
    "bg": "Президентът на Сърбия се срещна с Ангела Меркел в Берлин на 3 март. Разговорите бяха добри.",
    "ru": "Президент Сербии встретился с Ангелой Меркель в Берлине 3 марта. Переговоры прошли хорошо.",
    "uk": "Президент Сербії зустрівся з Ангелою Меркель у Берліні 3 березня. Переговори пройшли добре.",
    "be": "Прэзідэнт Сербіі сустрэўся з Ангелай Меркель у Берліне 3 сакавіка. Перамовы прайшлі добра.",
    "pl": "Prezydent Serbii spotkał się z Angelą Merkel w Berlinie 3 marca. Rozmowy przebiegły dobrze.",
    "cs": "Prezident Srbska se 3. března v Berlíně setkal s Angelou Merkelovou. Rozhovory byly dobré.",
    "sk": "Prezident Srbska sa 3. marca v Berlíne stretol s Angelou Merkelovou. Rozhovory boli dobré.",
    "ro": "Președintele Serbiei s-a întâlnit cu Angela Merkel la Berlin pe 3 martie. Discuțiile au mers bine.",
    "el": "Ο πρόεδρος της Σερβίας συναντήθηκε με την Άνγκελα Μέρκελ στο Βερολίνο στις 3 Μαρτίου.",
    "tr": "Sırbistan Cumhurbaşkanı 3 Mart'ta Berlin'de Angela Merkel ile görüştü. Görüşmeler iyi geçti.",
    "fr": "Le président de la Serbie a rencontré Angela Merkel à Berlin le 3 mars. Les discussions ont été bonnes.",
    "it": "Il presidente della Serbia ha incontrato Angela Merkel a Berlino il 3 marzo. I colloqui sono andati bene.",
    "es": "El presidente de Serbia se reunió con Angela Merkel en Berlín el 3 de marzo. Las conversaciones fueron bien.",
}

# per-language loaders: each caches one entry per language (or per language and variant)
PER_LANGUAGE = [
    lexicon.cues,
    lexicon.month_words,
    datewords._lexicon,
    mention_types.caseless,
    translit._cyrillic_map,
    translit._endings,
]


@pytest.fixture()
def cold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every per-language cache empty, the dictionaries read from a fresh disk cache."""
    monkeypatch.setenv("NEWSPRISM_DATA_CACHE", str(tmp_path / "cache"))
    lemmas._tools.cache_clear()
    lemmas._LOADS.clear()
    for loader in PER_LANGUAGE:
        loader.cache_clear()


def _interleaved(seed: int, rounds: int = 3) -> pl.DataFrame:
    rng = random.Random(seed)
    order = [lang for _ in range(rounds) for lang in SENTENCES]
    rng.shuffle(order)
    return schema.conform(
        pl.DataFrame(
            {
                "article_id": [f"a{k:03d}" for k in range(len(order))],
                "text": [SENTENCES[lang] for lang in order],
                "language": order,
            }
        ),
        "articles",
    )


def test_every_language_resource_is_loaded_once_in_any_order(cold: None) -> None:
    tables = pipeline.enrich(_interleaved(seed=1))
    assert tables["mentions"].height > 0
    loads = lemmas.loads()
    # every simplemma language the articles need, read once (sr, hr and bs share one)
    assert set(loads) >= {"de", "en", "hbs", "ru", "pl", "el", "tr"}
    assert max(loads.values()) == 1, loads
    for loader in PER_LANGUAGE:
        info = loader.cache_info()
        # an entry loaded twice was evicted in between: misses would outnumber the entries
        assert info.misses == info.currsize, (loader.__name__, info)


def test_a_second_process_reads_the_dictionaries_from_disk(cold: None, tmp_path: Path) -> None:
    assert lemmas.lemmatize("Njemačkoj", "hbs") == "Njemačka"
    cached = lemmas.cache_file("hbs")
    assert cached.is_file()
    # a new process (the lemmatizer built again) finds the file and the same lemmas
    lemmas._tools.cache_clear()
    cached.chmod(0o444)
    assert lemmas.lemmatize("Njemačkoj", "hbs") == "Njemačka"
    assert lemmas.is_known("Hause", "de") and not lemmas.is_known("Qwertyxz", "de")


def test_a_damaged_cache_file_is_rebuilt(cold: None) -> None:
    lemmas.cache_folder().mkdir(parents=True)
    lemmas.cache_file("hbs").write_bytes(b"not a dictionary")
    assert lemmas.lemmatize("Njemačkoj", "hbs") == "Njemačka"
    assert lemmas.cache_file("hbs").stat().st_size > 1000


@pytest.mark.parametrize("code", ["de", "en", "hbs", "ru", "el", "tr", "pl"])
def test_the_written_out_block_scan_answers_as_simplemma_does(code: str) -> None:
    # every 41st key of the dictionary, a key just past it, one just before it and odd ones:
    # found, absent inside a block and absent between blocks all answer as simplemma's scan
    lemmas.lemmatize("Haus", code)
    stream = lemmas._HELD[code]
    assert isinstance(stream, lemmas._Stream)
    keys = list(stream)[::41]
    probes = [*keys, *(k + "x" for k in keys), *(k[:-1] for k in keys), "", "zzzz", "Ωμέγα"]
    for key in probes:
        assert stream._lookup(key) == StreamMap._lookup(stream, key), key
    assert any(stream._lookup(k) is not None for k in keys)


def test_the_key_filter_turns_most_absent_keys_away_and_no_present_one() -> None:
    lemmas.is_known("Haus", "de")
    stream = lemmas._HELD["de"]
    keys = [k.encode() for k in list(stream)[::101]]
    absent = [k + b"qx" for k in keys]

    def passes(key: bytes) -> bool:
        size = len(stream._filter) << 3
        h1, h2 = zlib.crc32(key), zlib.adler32(key) | 1
        bits = (h1 % size, (h1 + h2) % size, (h1 + 2 * h2) % size)
        return all(stream._filter[b >> 3] >> (b & 7) & 1 for b in bits)

    assert all(map(passes, keys))
    assert sum(map(passes, absent)) < 0.05 * len(absent)


def test_a_cache_file_with_a_filter_of_another_size_is_rebuilt(cold: None) -> None:
    assert lemmas.lemmatize("Njemačkoj", "hbs") == "Njemačka"
    path = lemmas.cache_file("hbs")
    fields = list(marshal.loads(path.read_bytes()))
    fields[-1] = fields[-1][:-1]  # a filter one byte short would turn present keys away
    path.write_bytes(marshal.dumps(tuple(fields)))
    lemmas._tools.cache_clear()
    assert lemmas.lemmatize("Njemačkoj", "hbs") == "Njemačka"
    assert lemmas.is_known("Njemačka", "hbs")
    assert len(marshal.loads(path.read_bytes())[-1]) == len(fields[-1]) + 1
