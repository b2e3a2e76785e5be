"""The synthetic corpus and analysis builders, and the bench's arithmetic and report."""

from __future__ import annotations

import json
import multiprocessing
import re
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dashboard.bench import bench, bench_latency, bench_mixed, corpus_synth
from dashboard.ingest import ingest
from dashboard.lang import lemmas
from dashboard.pipeline import pipeline
from dashboard.steps import entities, mentions
from dashboard.store import store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def seeds_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "analysis"
    pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1))
    return out


def test_corpus_is_varied_and_loads_every_article(tmp_path: Path) -> None:
    texts = {
        "seed-a": ["Erster Absatz.\n\nZweiter Absatz.\n\nDritter.\n\nVierter."],
        "b-x": ["Un."],
    }
    frame = corpus_synth.corpus(300, seed=1, texts=texts)
    assert frame["id"].n_unique() == 300
    assert frame["text"].n_unique() == 300  # identical texts would be loaded once
    assert frame["source"].drop_nulls().n_unique() > 20
    days = frame["published"].drop_nulls()
    assert days.min() >= corpus_synth.YEAR_START
    assert (days.max() - days.min()).days > 300
    assert 0 < frame["published"].null_count() < 60
    assert 0 < frame["title"].null_count() < 150
    first_lines = frame.select(pl.col("text").str.split("\n").list.first(), "source")
    wire = (
        first_lines.group_by("text").agg(pl.col("source").n_unique()).filter(pl.col("source") > 1)
    )
    assert wire.height >= 1  # the same story in several outlets
    loaded = ingest.load(corpus_synth.write_corpus(frame, tmp_path / "c", shards=3))
    assert loaded.articles.height == 300
    assert loaded.articles["published"].null_count() == 0  # the URL gives the missing dates


def test_real_texts_without_bench_data_are_the_seeds(tmp_path: Path) -> None:
    groups = corpus_synth.real_texts(SEEDS, tmp_path / "absent")
    assert sorted(groups) == sorted(corpus_synth.seed_texts(SEEDS))
    assert len(groups) == len(list(SEEDS.glob("*.txt")))


def test_corpus_without_texts_is_refused() -> None:
    with pytest.raises(ValueError, match="no real texts"):
        corpus_synth.corpus(5, texts={})


@pytest.mark.parametrize("shards", [1, 3])
def test_replicate_analysis_keeps_every_row_with_its_article(
    seeds_analysis: Path, tmp_path: Path, shards: int
) -> None:
    source = store.Analysis.open(seeds_analysis)
    per_copy = source.frame("articles").height
    counts = corpus_synth.replicate_analysis(seeds_analysis, tmp_path, 12 * per_copy, shards=shards)
    big = store.Analysis.open(tmp_path)
    articles = big.frame("articles")
    assert articles.height == counts["articles"] == 12 * per_copy
    assert articles["article_id"].n_unique() == articles.height
    assert big.manifest["counts"] == counts
    for table in ("paragraphs", "mentions", "dates"):
        frame = big.frame(table)
        assert frame.height == 12 * source.frame(table).height
        assert frame.join(articles, on="article_id", how="anti").height == 0
    members = big.frame("stories").explode("article_ids")["article_ids"]
    assert sorted(members) == sorted(articles["article_id"])
    assert (tmp_path / "articles").is_dir() == (shards > 1)


def test_floors_compare_per_core_rate_with_the_reference() -> None:
    steps = {s: {"seconds": 1.0} for s in ("ingest", *bench.WARM)}
    report = {
        "articles": 1000,
        "steps": steps,
        "enrich_workers": {"1": {"seconds": 9.0}},
        "references": {
            "language": {"langdetect_articles_per_s": 50.0},
            "dates": {"dateparser_articles_per_s": 50.0},
        },
        "increment": {"into_analysis": {"seconds": 3.0}, "alone": {"seconds": 1.5}},
    }
    floors = bench.floors(report)
    assert floors["enrichment_articles_per_s_per_core"] == pytest.approx(200.0)
    assert floors["enrichment_with_warmup_articles_per_s"] == pytest.approx(100.0)
    assert floors["reference_articles_per_s"] == pytest.approx(25.0)
    assert floors["vs_reference"] == pytest.approx(8.0)
    assert floors["increment_ratio"] == pytest.approx(2.0)


def test_percentiles() -> None:
    samples = [float(x) for x in range(1, 101)]
    assert bench_latency._pct(samples, 0.5) == 51.0
    assert bench_latency._pct(samples, 0.95) == 95.0
    assert bench_latency._pct([7.0], 0.95) == 7.0


def test_every_bench_step_runs_on_a_small_corpus(tmp_path: Path) -> None:
    """A smoke test: the steps `newsprism bench` times, in this process, on 30 articles (the
    real run, in fresh processes on 10,000 articles and the real corpus, is `make bench`)."""
    frame = corpus_synth.corpus(30, seed=3, texts=corpus_synth.seed_texts(SEEDS))
    corpus_synth.write_corpus(frame, tmp_path / "corpus")
    (tmp_path / "state").mkdir()
    report = {name: bench.run_step(name, str(tmp_path)) for name in bench.STEPS}
    assert report["ingest"]["rows"]["articles"] == 30
    assert report["mentions"]["rows"]["mentions"] > 0
    assert report["write"]["bytes"] > 0
    assert (tmp_path / "analysis" / "manifest.json").is_file()
    assert all(r["peak_mib"] > 0 for r in report.values())


def _run(seconds: float) -> dict[str, object]:
    steps = {"language": seconds / 4, "mentions": seconds / 2, "entities": seconds / 4}
    return {
        "analyze_seconds": seconds,
        "cpu_seconds": seconds * 1.1,
        "peak_mib": 500.0,
        "steps": steps,
        "runs_seconds": [seconds, seconds + 1],
    }


def _mixed_report(reference: dict[str, Any], dictionaries: dict[str, float]) -> dict[str, Any]:
    """A bench_mixed report of 1,000 articles: 10 s and 5 s interleaved, 8 s and 4 s grouped."""
    return {
        "articles": 1000,
        "groups": 20,
        "languages": 13,
        "repeats": 3,
        "interleaved_1_worker": _run(10.0),
        "interleaved_2_workers": _run(5.0),
        "grouped_1_worker": _run(8.0),
        "grouped_2_workers": _run(4.0),
        "reference": reference,
        "dictionaries_mib": dictionaries,
    }


def test_mixed_report_gives_the_floors_ratios() -> None:
    report = _mixed_report(
        {"articles": 200, "articles_per_s": 10.0, "articles_per_cpu_s": 5.0}, {"de": 9.5}
    )
    printed = "\n".join(bench_mixed.render(report))
    assert "ours vs reference, interleaved, 1 worker: 10.0x" in printed
    assert "2 workers vs 1: 2.00x" in printed
    # run by run: 10/5 and 11/6 (the second run of each took a second more)
    assert "median 1.92x (2.00, 1.83)" in printed and "run by run 1.92x (floor 1.6x)" in printed
    assert "mentions 5.0/2.5" in printed and "median of 3 runs" in printed
    assert "de 9.5" in printed
    assert "reference 5.0: 18.2x" in printed  # 1000 articles in 11 CPU seconds
    # 11 CPU seconds in 10 s: two processes could at best take 5.5 s
    assert "keeps 1.10 cores busy" in printed and "at best be 1.82x one worker" in printed
    # two workers: 5.5 CPU seconds in 5 s on two cores
    assert "two workers use 5.5 CPU s (one worker 11.0) and leave 4.5 core-seconds of 10.0" in (
        printed
    )


def test_mixed_report_gives_the_time_left_with_the_mentions_given() -> None:
    report = _mixed_report({"articles": 200, "articles_per_s": 10.0}, {})
    printed = "\n".join(bench_mixed.render(report))
    assert "the mentions given" not in printed  # a report from before the case
    report[bench_mixed.MENTIONS_FREE] = _run(4.0)
    printed = "\n".join(bench_mixed.render(report))
    assert "the mentions given (a finder that costs nothing; every other step as run): 4.0 s" in (
        printed
    )
    assert "(250 articles/s, 25.0x the reference); the finder takes 6.0 s of 10.0 s" in printed


def test_the_mentions_given_make_the_tables_the_finder_makes(
    seeds_analysis: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def finder(*args: object) -> None:
        raise AssertionError("the mention finder ran")

    stored = seeds_analysis / "mentions.parquet"
    monkeypatch.setattr(entities, "extract_mentions", bench_mixed.given_mentions(stored))
    monkeypatch.setattr(mentions, "_cued_mentions", finder)
    out = tmp_path / "given"
    pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1))
    # a batch of articles gets their rows alone, in the stored order
    every = pl.read_parquet(stored)
    some = pl.read_parquet(seeds_analysis / "articles.parquet").slice(1, 2)
    rows = bench_mixed.given_mentions(stored)(some, pl.DataFrame())
    assert rows.height > 0 and set(rows["article_id"]) == set(some["article_id"])
    assert rows.equals(every.filter(pl.col("article_id").is_in(some["article_id"].implode())))
    tables = ("articles", "paragraphs", "mentions", "entities", "dates", "stories", "alignments")
    for table in tables:
        made, found = (pl.read_parquet(d / f"{table}.parquet") for d in (out, seeds_analysis))
        assert found.height > 0
        assert made.equals(found), table


def test_mixed_report_gives_one_long_texts_time_per_mib() -> None:
    report = _mixed_report({"articles": 200, "articles_per_s": 10.0}, {})
    report |= {"one_text_bytes": 4 * 2**20, bench_mixed.ONE_TEXT: _run(12.0)}
    printed = "\n".join(bench_mixed.render(report))
    assert "every text as one article (4.0 MiB), 1 worker: 12.0 s (3.00 s/MiB" in printed
    assert "2.50 s/MiB as 1,000 files" in printed


def test_mixed_report_gives_the_legacy_pages_time_beside_the_utf8_files() -> None:
    report = _mixed_report({"articles": 200, "articles_per_s": 10.0}, {})
    report |= {
        "legacy_pages": {"cp1251": 120, "cp1250": 80},
        "legacy_1_worker": _run(15.0),
        "legacy_2_workers": _run(6.0),
    }
    printed = "\n".join(bench_mixed.render(report))
    assert "200 of the 1,000 files in legacy pages (cp1250 80, cp1251 120)" in printed
    assert "1 worker 15.0 s (1.50x the UTF-8 files), 2 workers 6.0 s (1.20x)" in printed


def test_legacy_files_load_as_the_same_texts(tmp_path: Path) -> None:
    samples = json.loads((Path(__file__).parent / "data" / "legacy_texts.json").read_text("utf-8"))
    groups = {f"x-{lang}": [texts["long"], texts["short"]] for lang, texts in samples.items()}
    groups["x-en"] = ["Plain ASCII text stays as it is."]
    pages = bench_mixed.write_legacy(groups, tmp_path / "legacy", share=1.0)
    bench_mixed.write(groups, tmp_path / "utf8", interleaved=True)
    legacy_files = []
    for file in sorted((tmp_path / "legacy").iterdir()):
        try:
            file.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            legacy_files.append(file.name)
    # every text a Windows page of its script writes whole is in one (ASCII alone is not)
    assert len(legacy_files) == sum(pages.values()) >= len(groups) - 2
    family = {twin: page for page, twin in bench_mixed.LEGACY_TWINS.items()}
    assert {"cp1250", "cp1251", "cp1253"} <= {family.get(page, page) for page in pages}
    # and each loads back as the text written in UTF-8
    legacy = ingest.load([tmp_path / "legacy"]).articles
    utf8 = ingest.load([tmp_path / "utf8"]).articles
    assert sorted(legacy["text"].to_list()) == sorted(utf8["text"].to_list())
    assert legacy.height == utf8.height == sum(len(t) for t in groups.values())


def test_one_text_holds_every_text_once(tmp_path: Path) -> None:
    groups = {"a-en": ["First text.", "Second text."], "b-de": ["Dritter Text."]}
    size = bench_mixed.write_one_text(groups, tmp_path)
    (only,) = tmp_path.iterdir()
    text = only.read_text(encoding="utf-8")
    assert size == only.stat().st_size
    assert sorted(text.split("\n\n")) == ["Dritter Text.", "First text.", "Second text."]
    loaded = ingest.load([tmp_path]).articles
    assert loaded.height == 1


def _burn(spent: Any) -> None:
    """A child's work: 0.2 CPU seconds, then its CPU time, which it says before it exits."""
    started = time.process_time()
    while time.process_time() - started < 0.2:
        pass
    spent.value = time.process_time()


def test_measured_counts_the_cpu_of_child_processes_left_to_exit() -> None:
    # as analyze's helpers: started by the call, not waited for by it
    context = multiprocessing.get_context("fork")
    spent = context.Value("d", 0.0)
    _, cpu, _ = bench_mixed.measured(lambda: context.Process(target=_burn, args=(spent,)).start())
    assert spent.value >= 0.2
    assert cpu >= spent.value


def test_paired_ratios_follow_the_repeats() -> None:
    one, two = _run(10.0), _run(5.0)
    one["runs_seconds"], two["runs_seconds"] = [10.0, 12.0, 9.0], [5.0, 8.0, 6.0]
    assert bench_mixed.paired_ratios(one, two) == [2.0, 1.5, 1.5]


def test_the_reference_runs_in_a_fresh_process() -> None:
    ran = bench_mixed._fresh_reference(articles=3)
    assert ran["articles"] == 3
    assert ran["articles_per_s"] > 0 and ran["articles_per_cpu_s"] > 0


def test_the_reference_reads_every_text_analyze_reads() -> None:
    # a sample would load each language's data for fewer articles: a slower reference
    # (more texts than the 200 it once sampled)
    groups = {"a-en": ["Talks resumed on Monday."] * 100, "b-de": ["Am Montag, 3. Mai."] * 101}
    assert bench_mixed.reference(groups)["articles"] == 201
    assert bench_mixed.reference(groups, 2)["articles"] == 2
    everyone = {"articles": 1000, "articles_per_s": 10.0, "articles_per_cpu_s": 5.0}
    printed = "\n".join(bench_mixed.render(_mixed_report(everyone, {})))
    assert "10.0 articles/s (every one of the 1,000 files)" in printed
    sampled = "\n".join(bench_mixed.render(_mixed_report({**everyone, "articles": 200}, {})))
    assert "10.0 articles/s (200 of the same files)" in sampled


def test_median_reference_keeps_every_runs_rate() -> None:
    runs = [{"articles": 200, "articles_per_s": r} for r in (50.0, 40.0, 60.0)]
    middle = bench_mixed._median_reference(runs)
    assert middle["articles_per_s"] == 50.0
    assert middle["runs_articles_per_s"] == [50.0, 40.0, 60.0]
    report_line = bench_mixed.render(_mixed_report(middle, {}))
    assert "reference runs (articles/s): 50.0, 40.0, 60.0" in "\n".join(report_line)


def test_median_run_keeps_every_runs_seconds() -> None:
    runs = [_run(9.0), _run(3.0), _run(5.0)]
    middle = bench_mixed._median(runs)
    assert middle["analyze_seconds"] == 5.0
    assert middle["runs_seconds"] == [9.0, 3.0, 5.0]


def test_the_mixed_run_alone_prints_and_writes_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[int] = []

    def fake_run(repeats: int = 3) -> dict[str, object]:
        asked.append(repeats)
        return {"skipped": "no data here"}

    monkeypatch.setattr(bench_mixed, "run", fake_run)
    out = tmp_path / "mixed.json"
    assert bench_mixed.main(["--repeats", "1", "--json", str(out)]) == 0
    assert asked == [1]
    assert "real interleaved corpus: skipped (no data here)" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8")) == {"skipped": "no data here"}


def test_mixed_report_gives_the_web_pages_time_beside_the_text_files() -> None:
    report = _mixed_report({"articles": 200, "articles_per_s": 10.0}, {})
    report |= {"web_pages": 300, "pages_1_worker": _run(30.0), "pages_2_workers": _run(12.0)}
    printed = "\n".join(bench_mixed.render(report))
    assert "300 of the 1,000 files as web pages: 1 worker 30.0 s (3.00x the text files)" in printed
    assert "2 workers 12.0 s (2.40x; 2.50x one worker)" in printed


def test_web_pages_load_as_their_texts_with_their_metadata(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {k} of the report says something about the talks." for k in range(6)]
    groups = {
        "x-en": ["Talks resume in Geneva\n\n" + "\n\n".join(paragraphs)],
        "x-de": ["Gespräche in Genf\n\nErster Absatz über das Treffen.\n\nZweiter Absatz."],
    }
    assert bench_mixed.write_pages(groups, tmp_path / "all", share=1.0) == 2
    assert bench_mixed.write_pages(groups, tmp_path / "none", share=0.0) == 0
    assert sorted(p.suffix for p in (tmp_path / "all").iterdir()) == [".html", ".html"]
    assert sorted(p.suffix for p in (tmp_path / "none").iterdir()) == [".txt", ".txt"]
    loaded = ingest.load([tmp_path / "all"])
    assert not loaded.problems
    pages = loaded.articles.sort("title")
    assert pages["title"].to_list() == ["Gespräche in Genf", "Talks resume in Geneva"]
    assert pages["source"].str.starts_with("Outlet").all()
    assert pages["published"].is_not_null().all()
    # the page's main text: the article's paragraphs, not its menus, links or footer
    text = pages["text"][1]
    assert all(p in text for p in paragraphs) and "Most read" not in text


def test_language_speed_gives_each_languages_time_per_thousand_words() -> None:
    # the five seeds, each language's articles through the per-article steps in a fresh process
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    speed = bench_mixed.language_speed(texts)
    assert {"de", "tr", "ro"} <= set(speed) and list(speed) == sorted(speed)
    assert sum(v["articles"] for v in speed.values()) == len(texts)
    german = speed["de"]
    (seed,) = SEEDS.glob("003*")  # the German seed
    assert german["words"] == len(re.findall(r"\w+", seed.read_text(encoding="utf-8")))
    for figures in speed.values():
        assert figures["first_ms"] > 0 and figures["again_ms"] > 0
        assert 0 < figures["mentions_first_ms"] < figures["first_ms"]  # a part of the steps
    report = _mixed_report({"articles": 200, "articles_per_s": 10.0}, {}) | {"speed": speed}
    printed = "\n".join(bench_mixed.render(report))
    line = next(x for x in printed.splitlines() if "per-article steps by language" in x)
    assert f"de {german['first_ms']:.1f}/{german['again_ms']:.1f} (" in line
    # with the language's articles: one German seed
    alone = f"{german['mentions_first_ms']:.1f}/{german['mentions_again_ms']:.1f}"
    assert f"({alone}; 1)" in line


def test_language_memory_gives_what_each_language_adds_and_what_they_share() -> None:
    # the German, Turkish and Romanian seeds, each analysed whole in fresh processes
    seeds = {path.name[:3]: path for path in SEEDS.glob("*.txt")}
    texts = [seeds[n].read_text(encoding="utf-8") for n in ("003", "004", "001")]
    held = bench_mixed.language_memory(texts)
    assert list(held["languages_mib"]) == ["de", "tr", "ro"]
    # what Turkish adds holds its dictionary, whose size the lemmatizer reports
    lemmas.lemmatize("Test", "tr")
    assert held["languages_mib"]["tr"] >= lemmas.sizes()["tr"] > 1
    # the gazetteer, the names and the other shared data come with the first article only
    assert held["shared_mib"] > max(held["languages_mib"].values())
    report = _mixed_report({"articles": 200, "articles_per_s": 10.0}, {}) | {"held": held}
    printed = "\n".join(bench_mixed.render(report))
    assert "(MiB, in this order): de " in printed and "; shared by every language: " in printed
