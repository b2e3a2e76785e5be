"""Translation through a loopback provider: dedupe, skips, splitting, batching, keys, providers."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dashboard.translate import providers
from dashboard.translate.translate import (  # noqa: E402
    PROVIDERS,
    TranslationProgress,
    TranslatorConfig,
    check_provider,
    split_text,
    translate_paragraphs,
)
from tests.libretranslate_server import fake_translation, make_frames, run_server  # noqa: E402

SR = [
    "Maduro je u telefonskom razgovoru rekao Trampu da je spreman da napusti Venecuelu.",
    "Beloruski predsednik Aleksandar Lukašenko danas je održao drugi sastanak.",
    "Foto: Ariana Cubillos/AP",
]
RO = [
    "Rusia și Belarus și-au intensificat joi contactele cu președintele Venezuelei.",
    "Casa Albă a amplificat prezența militară în regiunea Caraibelor.",
]
EN = ["The Kremlin said Putin spoke with Maduro by telephone on Thursday."]
SECRET = "sk-live-0123456789abcdef"


@pytest.fixture
def server():
    with run_server() as s:
        yield s


def _config(server, tmp_path: Path, **kw) -> TranslatorConfig:
    kw.setdefault("url", server.url)
    return TranslatorConfig(
        provider=kw.pop("provider", "libretranslate"),
        cache_path=tmp_path / "c.sqlite",
        backoff=0.01,
        **kw,
    )


def _corpus():
    # b is a wire copy of a; c is Romanian; d is already English; "Foto" lines are boilerplate
    return make_frames(
        {
            "a": ("sr", SR),
            "b": ("sr", SR),
            "c": ("ro", RO),
            "d": ("en", EN),
            "e": ("sr", ["12:30", ""]),
        },
        boilerplate={("a", 2), ("b", 2)},
    )


def test_translates_each_unique_text_once_and_skips_what_needs_no_request(server, tmp_path):
    articles, paragraphs = _corpus()
    run = translate_paragraphs(articles, paragraphs, _config(server, tmp_path))
    out = run.paragraphs
    assert out.columns == paragraphs.columns
    got = dict(
        zip(
            zip(out["article_id"], out["para_no"], strict=False),
            out["translation_status"],
            strict=False,
        )
    )
    assert got[("a", 0)] == got[("b", 1)] == got[("c", 1)] == "translated"
    assert got[("a", 2)] == "boilerplate"
    assert got[("d", 0)] == "same language"
    assert got[("e", 0)] == got[("e", 1)] == "empty"
    translated = out.filter(pl.col("translation_status") == "translated")
    expected = [fake_translation(t) for t in SR[:2] + SR[:2] + RO]
    assert translated["translation"].to_list() == expected
    assert set(translated["translator"]) == {"libretranslate"}
    assert translated["quality"].to_list() == [[]] * 6
    served = server.served()
    assert sorted(served) == sorted(SR[:2] + RO) and set(served.values()) == {1}
    assert server.requests == run.requests_sent == 2  # one batch per source language
    assert {c.source for c in server.calls} == {"sr", "ro"}
    assert run.cache_hits == 0 and run.failures == [] and run.unavailable_reason is None
    assert run.counts["status"] == {
        "boilerplate": 2,
        "empty": 2,
        "same language": 1,
        "translated": 6,
    }
    assert (
        run.counts["identical"] == run.counts["wrong-language"] == run.counts["length-ratio"] == 0
    )


def test_rerun_sends_zero_requests_and_reads_the_cache(server, tmp_path):
    articles, paragraphs = _corpus()
    first = translate_paragraphs(articles, paragraphs, _config(server, tmp_path))
    sent = server.requests
    second = translate_paragraphs(articles, paragraphs, _config(server, tmp_path))
    assert server.requests == sent and second.requests_sent == 0
    assert second.cache_hits == 4 and second.texts_sent == 0
    assert second.paragraphs["translation"].to_list() == first.paragraphs["translation"].to_list()
    assert second.counts["status"]["cached"] == 6
    # another target language is another cache key
    translate_paragraphs(articles, paragraphs, _config(server, tmp_path, target="fr"))
    assert server.requests > sent


def test_paragraph_language_wins_over_the_article_language(server, tmp_path):
    articles, paragraphs = make_frames(
        {"a": ("sr", RO[:1] + SR[:1])}, paragraph_language={("a", 0): "ro"}
    )
    translate_paragraphs(articles, paragraphs, _config(server, tmp_path))
    assert sorted((c.source, c.texts[0]) for c in server.calls) == [("ro", RO[0]), ("sr", SR[0])]


def test_long_paragraph_is_split_at_sentences_under_the_limit_and_joined(server, tmp_path):
    sentences = [f"Rečenica broj {i} govori o sastanku u Minsku i Karakasu." for i in range(30)]
    long = " ".join(sentences)
    articles, paragraphs = make_frames({"a": ("sr", [long])})
    config = _config(server, tmp_path, provider="mymemory", url=server.url + "get")
    run = translate_paragraphs(articles, paragraphs, config)
    pieces = [c.texts[0] for c in server.calls]
    assert len(pieces) == run.requests_sent > 1
    assert all(len(p) < 500 for p in pieces) and all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == long
    assert run.paragraphs["translation"][0] == " ".join(fake_translation(p) for p in pieces)


@pytest.mark.parametrize("limit", [20, 57, 480])
def test_split_text_restores_the_text_and_respects_the_limit(limit):
    text = "Prva rečenica. Druga, duža rečenica? „Treća“ rečenica!\nČetvrta " + "x" * 70
    pieces, seps = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join(p + s for p, s in zip(pieces, [*seps, ""], strict=True)) == text
    if limit == 57:
        assert pieces[0] == "Prva rečenica. Druga, duža rečenica? „Treća“ rečenica!"


@pytest.mark.parametrize(
    ("provider", "path"),
    [
        ("google", "m"),
        ("mymemory", "get"),
        ("deepl", "v2/"),
        ("microsoft", "translate?api-version=3.0"),
    ],
)
def test_deep_translator_providers_work_through_the_timed_wrapper(server, tmp_path, provider, path):
    articles, paragraphs = make_frames({"a": ("ro", RO), "b": ("ro", RO[:1])})
    config = _config(
        server, tmp_path, provider=provider, url=server.url + path, keys={provider: "key"}
    )
    run = translate_paragraphs(articles, paragraphs, config)
    assert run.paragraphs["translation"].to_list() == [fake_translation(t) for t in RO + RO[:1]]
    assert run.requests_sent == server.requests == 2
    assert set(run.paragraphs["translator"]) == {provider}


def test_unsupported_language_is_marked_and_not_sent(server, tmp_path):
    articles, paragraphs = make_frames({"a": ("sr", SR[:1]), "b": ("ro", RO[:1])})
    config = _config(
        server, tmp_path, provider="deepl", url=server.url + "v2/", keys={"deepl": "k"}
    )
    run = translate_paragraphs(articles, paragraphs, config)
    assert run.paragraphs["translation_status"].to_list() == [
        "provider error: DeepL does not translate 'sr'",
        "translated",
    ]
    assert server.texts_requested() == {RO[0]: 1}


def test_missing_key_marks_paragraphs_and_sends_nothing(server, tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSPRISM_DEEPL_KEY", raising=False)
    articles, paragraphs = make_frames({"a": ("ro", RO)})
    config = _config(server, tmp_path, provider="deepl", url=server.url + "v2/")
    run = translate_paragraphs(articles, paragraphs, config)
    assert "NEWSPRISM_DEEPL_KEY" in (run.unavailable_reason or "")
    assert run.paragraphs["translation"].null_count() == 2 and server.requests == 0
    assert run.paragraphs["translation_status"][0].startswith(
        "provider error: DeepL needs an API key"
    )


def test_key_from_environment_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_LIBRETRANSLATE_KEY", SECRET)
    articles, paragraphs = make_frames({"a": ("ro", RO)})
    with run_server(api_key=SECRET) as server:
        run = translate_paragraphs(articles, paragraphs, _config(server, tmp_path))
    assert run.paragraphs["translation_status"].to_list() == ["translated"] * 2


@pytest.mark.parametrize(
    ("provider", "path"),
    [
        ("libretranslate", ""),
        ("deepl", "v2/"),
        ("mymemory", "get"),
        ("microsoft", "translate?api-version=3.0"),
    ],
)
def test_a_key_never_appears_in_outputs_logs_or_repr(tmp_path, caplog, provider, path):
    caplog.set_level(logging.DEBUG)
    articles, paragraphs = make_frames({"a": ("ro", RO)})
    with run_server(api_key="the-right-key") as server:
        keys = {PROVIDERS[provider].key_env or provider: SECRET}
        config = _config(
            server, tmp_path, provider=provider, url=server.url + path, keys=keys, retries=1
        )
        run = translate_paragraphs(articles, paragraphs, config)
        ok, why = check_provider(config)
    assert server.requests >= 1  # the wrong key was sent and refused (403)
    assert run.unavailable_reason and "rejected" in run.unavailable_reason
    shown = [repr(config), str(config), repr(run), why, caplog.text, *run.failures, *run.retries]
    shown += [str(v) for v in run.paragraphs.to_dicts()]
    assert not any(SECRET in text for text in shown)
    assert "***" in providers.redact(f"url?auth_key={SECRET}", providers.secrets_of(config.keys))


def test_config_keys_are_out_of_repr_and_hash(tmp_path):
    config = TranslatorConfig(keys={"deepl": SECRET})
    assert SECRET not in repr(config)
    assert hash(config) == hash(replace(config, keys={"deepl": "other"}))


def test_check_provider_says_why_in_one_sentence(server, tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSPRISM_DEEPL_KEY", raising=False)
    assert check_provider(_config(server, tmp_path))[0] is True
    with run_server() as gone:
        closed = gone.url
    ok, why = check_provider(_config(server, tmp_path, url=closed, timeout=1.0))
    assert (
        not ok and why.startswith("Translation is unavailable:") and "could not be reached" in why
    )
    ok, why = check_provider(TranslatorConfig(provider="deepl"))
    assert not ok and "NEWSPRISM_DEEPL_KEY" in why
    ok, why = check_provider(TranslatorConfig(provider="libretranslate"))
    assert not ok and "URL" in why
    ok, why = check_provider(TranslatorConfig(provider="babelfish"))
    assert not ok and "libretranslate" in why
    ok, why = check_provider(
        TranslatorConfig(provider="google", url="http://no-such-host.invalid/m", timeout=1)
    )
    assert not ok and why.count(".") >= 1 and "\n" not in why


def test_progress_reports_and_cancel_keeps_what_is_done(server, tmp_path, monkeypatch):
    monkeypatch.setitem(
        PROVIDERS, "libretranslate", replace(PROVIDERS["libretranslate"], batch_items=1)
    )
    texts = [f"Paragraf broj {i} o razgovorima u Minsku." for i in range(12)]
    articles, paragraphs = make_frames({"a": ("sr", texts)})
    seen: list[TranslationProgress] = []

    def stop_after_three(p: TranslationProgress) -> bool:
        seen.append(p)
        return p.done < 3

    config = _config(server, tmp_path, concurrency=1)
    run = translate_paragraphs(articles, paragraphs, config, progress=stop_after_three)
    status = run.paragraphs["translation_status"].to_list()
    assert seen[0].done == 0 and seen[0].total == 12 and seen[-1].done == 3
    assert status[:3] == ["translated"] * 3 and set(status[3:]) <= {"translated", "cancelled"}
    assert "cancelled" in status
    kept = status.count("translated")
    assert run.requests_sent == server.requests == kept
    # the next run sends only what the cancelled one left
    again = translate_paragraphs(articles, paragraphs, config)
    assert again.requests_sent == 12 - kept and again.cache_hits == kept
    assert set(server.served().values()) == {1}


def test_quality_flags_identical_and_wrong_language(server, tmp_path, monkeypatch):
    monkeypatch.setitem(
        PROVIDERS, "libretranslate", replace(PROVIDERS["libretranslate"], batch_items=1)
    )
    articles, paragraphs = make_frames({"a": ("ro", RO)})
    server.inject("echo")
    server.inject("wrong-language")
    run = translate_paragraphs(articles, paragraphs, _config(server, tmp_path, concurrency=1))
    assert run.paragraphs["quality"].to_list() == [["identical"], ["wrong-language"]]
    assert run.counts["identical"] == 1 and run.counts["wrong-language"] == 1


def test_quality_flags_length_ratio_outliers_and_german_output():
    from dashboard.translate.quality import judge

    original = "Rusia și Belarus și-au intensificat joi contactele cu președintele Venezuelei."
    fine = "Russia and Belarus stepped up their contacts with Venezuela's president on Thursday."
    german = "Russland und Belarus haben am Donnerstag ihre Kontakte mit dem Präsidenten verstärkt."
    pairs = [
        ("ro", original, "Russia."),
        ("ro", original, fine),
        ("ro", original, german),
        ("ro", original, original),
    ]
    assert judge(pairs, "en") == {
        pairs[0]: ["length-ratio"],
        pairs[1]: [],
        pairs[2]: ["wrong-language"],
        pairs[3]: ["identical"],
    }


def test_length_ratio_is_judged_against_the_pairs_norm():
    """German takes more room than English: a German translation 1.9 times as long as its English
    original is within the pair's norm, an English one 1.9 times as long as its German is not."""
    from dashboard.translate.quality import expected_ratio, judge

    de = "Die Regierung hat am Donnerstag ein neues Gesetz vorgelegt, das vieles ändert."
    en = "The government presented a new law on Thursday, which changes a lot of things."
    long_de = (de + " ") * 2
    long_en = (en + " ") * 2
    assert expected_ratio("en", "de") > 1 > expected_ratio("de", "en")
    assert expected_ratio("xx", "yy") == 1.0
    assert judge([("en", en[:41], long_de[:79])], "de")[("en", en[:41], long_de[:79])] == []
    item = ("de", de[:41], long_en[:79])
    assert judge([item], "en")[item] == ["length-ratio"]
