"""How well stories.cluster groups articles: SlavicNER topics as gold, plus a 10,000-article timing.

`newsprism eval stories` prints both. SlavicNER's three topics (nord_stream, ryanair, asia_bibi)
each run for a year or more, so one topic is several news stories: purity and B-cubed precision
say whether stories mix topics, B-cubed recall how much a topic is split.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.errors import NewsprismError
from dashboard.evaluation.benchdata import load_slavicner
from dashboard.schema import conform
from dashboard.steps import stories

# Topics the story merging was tuned on; the third topic (and the full corpus) is held out.
DEV_TOPICS = ("nord_stream", "ryanair")
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_OTHER_STORY = "003_6498edc4392190b0"  # the January 2019 German article; the rest is one story


def scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Purity and B-cubed precision, recall and F1 of a clustering against gold classes."""
    n = len(gold)
    if n == 0:
        return {"purity": 0.0, "b3_precision": 0.0, "b3_recall": 0.0, "b3_f1": 0.0}
    pair = Counter(zip(predicted, gold, strict=True))
    cluster_size = Counter(predicted)
    class_size = Counter(gold)
    purity = sum(max(c for (p, _), c in pair.items() if p == k) for k in cluster_size) / n
    precision = sum(c * c / cluster_size[p] for (p, _), c in pair.items()) / n
    recall = sum(c * c / class_size[g] for (_, g), c in pair.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "purity": round(purity, 4),
        "b3_precision": round(precision, 4),
        "b3_recall": round(recall, 4),
        "b3_f1": round(f1, 4),
    }


def _pipeline_tables(articles: pl.DataFrame, gold: pl.DataFrame | None) -> tuple[Any, ...]:
    """Paragraphs, mentions (linked by entities.py, or the gold cross-lingual ids), entities
    (None with gold ids) and dates."""
    from dashboard.steps import dates, normalise

    paragraphs = normalise.paragraphs(articles)
    if gold is None:
        from dashboard.steps import entities

        mentions, ents = entities.link(entities.extract_mentions(articles, paragraphs))
    else:
        mentions, ents = _gold_mentions(gold, paragraphs), None
    return paragraphs, mentions, ents, dates.extract_dates(articles, paragraphs)


def _gold_mentions(gold: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Gold mentions as a mentions table (entity_id = cross-lingual id): an upper bound for linking."""
    located = gold.select(
        article_id="doc",
        start="start",
        end="end",
        text="mention",
        entity_id="cross_id",
        type="type",
    ).sort("article_id", "start")
    starts = paragraphs.select("article_id", "para_no", para_start="start").sort(
        "article_id", "para_start"
    )
    joined = located.join_asof(
        starts,
        left_on="start",
        right_on="para_start",
        by="article_id",
        strategy="backward",
        check_sortedness=False,
    )
    return conform(joined.filter(pl.col("para_no").is_not_null()), "mentions")


def _only(frame: pl.DataFrame, keep: pl.DataFrame) -> pl.DataFrame:
    return frame.join(keep, on="article_id", how="semi")


def evaluate(
    root: Path | None = None,
    *,
    gold_entities: bool = False,
    threshold: float = stories.THRESHOLD,
    merge_threshold: float | None = stories.MERGE_THRESHOLD,
) -> dict[str, Any]:
    """Cluster all of slavicner_dev and score the stories against its three topics.

    With gold_entities the annotated cross-lingual ids stand in for entities.py (what clustering
    would do with perfect linking). Returns {"available": False, "message": ...} when the data
    is absent.
    """
    try:
        corpus = load_slavicner(root)
    except NewsprismError as exc:
        return {"available": False, "message": str(exc)}
    docs = corpus.docs
    articles = conform(
        docs.select(
            article_id="doc",
            origin="doc",
            source=pl.lit(None, pl.String),
            text="text",
            language="lang",
            published="published",
            published_inferred=pl.lit(False),
        ),
        "articles",
    )
    started = time.perf_counter()
    paragraphs, mentions, ents, date_table = _pipeline_tables(
        articles, corpus.gold if gold_entities else None
    )
    prepared = time.perf_counter()
    clustered, story_table = stories.cluster(
        articles,
        paragraphs,
        mentions,
        date_table,
        entities=ents,
        threshold=threshold,
        merge_threshold=merge_threshold,
    )
    done = time.perf_counter()
    topics = docs.select(article_id="doc", topic="topic")
    subsets = {"dev " + "+".join(DEV_TOPICS): list(DEV_TOPICS)}
    subsets |= {f"alone {t}": [t] for t in sorted(docs["topic"].unique().to_list())}
    parts = {}
    for name, chosen in subsets.items():
        keep = topics.filter(pl.col("topic").is_in(chosen)).select("article_id")
        part_articles, part_stories = stories.cluster(
            _only(articles, keep),
            _only(paragraphs, keep),
            _only(mentions, keep),
            _only(date_table, keep),
            threshold=threshold,
            merge_threshold=merge_threshold,
        )
        gold_topics = part_articles.join(topics, on="article_id")
        parts[name] = {
            "stories": part_stories.height,
            "largest_story": max(part_stories["article_ids"].list.len().to_list(), default=0),
            **scores(gold_topics["topic"].to_list(), gold_topics["story_id"].to_list()),
        }
    joined = clustered.select("article_id", "story_id").join(
        docs.select(article_id="doc", topic="topic"), on="article_id"
    )
    sizes = story_table.select(pl.col("article_ids").list.len()).to_series()
    languages_per_story = (
        clustered.group_by("story_id").agg(pl.col("language").n_unique()).get_column("language")
    )
    return {
        "available": True,
        "entities": "gold cross-lingual ids" if gold_entities else "entities.py",
        "articles": articles.height,
        "topics": docs["topic"].n_unique(),
        "languages": docs["lang"].n_unique(),
        "stories": story_table.height,
        "singleton_stories": int((sizes == 1).sum()),
        "largest_story": max(sizes.to_list(), default=0),
        "stories_in_several_languages": int((languages_per_story > 1).sum()),
        **scores(joined["topic"].to_list(), joined["story_id"].to_list()),
        "seconds_extraction": round(prepared - started, 2),
        "seconds_cluster": round(done - prepared, 2),
        "top_labels": story_table.head(6)["label"].to_list(),
        **parts,
    }


def synthetic(n_articles: int = 10_000, seed: int = 0) -> tuple[pl.DataFrame, ...]:
    """Articles, paragraphs, mentions, dates and the gold story of a synthetic corpus.

    Stories of 1-40 articles share a few specific actors, numbers and dates around their own
    publication week; every article also names common actors and some noise.
    """
    rng = random.Random(seed)
    rows: list[tuple[str, str, date | None, str]] = []
    mention_rows: list[tuple[str, int, int, int, str, str, str]] = []
    date_rows: list[tuple[str, int, int, int, str, str, bool]] = []
    gold: list[str] = []
    start = date(2024, 1, 1)
    story = 0
    while len(rows) < n_articles:
        size = min(rng.choice([1, 2, 3, 5, 8, 13, 21, 40]), n_articles - len(rows))
        actors = [f"s{story}-e{k}" for k in range(8)]
        numbers = [str(rng.randint(2, 5000)) for _ in range(4)]
        day = start + timedelta(days=rng.randint(0, 700))
        for _ in range(size):
            article_id = f"a{len(rows):06d}"
            text = " ".join(rng.sample(numbers, 2) + [str(rng.randint(1, 99))]) + " words" * 200
            published = None if rng.random() < 0.1 else day + timedelta(days=rng.randint(0, 5))
            rows.append((article_id, text, published, f"l{rng.randint(0, 5)}"))
            picks = rng.sample(actors, 5) + [
                f"c{int(rng.paretovariate(1.2)) % 50}" for _ in range(3)
            ]
            picks += [f"noise{rng.randint(0, 50_000)}" for _ in range(2)]
            mention_rows += [(article_id, 0, 0, 1, e, e, "PER") for e in picks]
            if rng.random() < 0.5:
                mentioned = day - timedelta(days=rng.randint(1, 3))
                date_rows.append((article_id, 0, 0, 1, "d", mentioned.isoformat(), True))
            gold.append(f"story{story}")
        story += 1
    articles = conform(
        pl.DataFrame(rows, schema=["article_id", "text", "published", "language"], orient="row"),
        "articles",
    )
    paragraphs = conform(
        articles.select("article_id", para_no=0, start=0, end=pl.col("text").str.len_chars()),
        "paragraphs",
    )
    mention_cols = ["article_id", "para_no", "start", "end", "text", "entity_id", "type"]
    mentions = conform(pl.DataFrame(mention_rows, schema=mention_cols, orient="row"), "mentions")
    date_cols = ["article_id", "para_no", "start", "end", "text", "value", "anchored"]
    dates = conform(pl.DataFrame(date_rows, schema=date_cols, orient="row"), "dates")
    gold_frame = pl.DataFrame({"article_id": articles["article_id"], "gold": gold})
    return articles, paragraphs, mentions, dates, gold_frame


def benchmark(n_articles: int = 10_000, seed: int = 0) -> dict[str, Any]:
    """Seconds to cluster a synthetic corpus of n_articles on this machine, and its B-cubed."""
    articles, paragraphs, mentions, dates, gold = synthetic(n_articles, seed)
    started = time.perf_counter()
    clustered, story_table = stories.cluster(articles, paragraphs, mentions, dates)
    seconds = time.perf_counter() - started
    joined = clustered.join(gold, on="article_id")
    return {
        "articles": n_articles,
        "mentions": mentions.height,
        "stories": story_table.height,
        "gold_stories": gold["gold"].n_unique(),
        "seconds": round(seconds, 2),
        **scores(joined["gold"].to_list(), joined["story_id"].to_list()),
    }


def evaluate_seeds(seeds: Path = SEEDS) -> dict[str, Any]:
    """Cluster the seed articles (the real pipeline steps) and score against their two stories."""
    from dashboard.ingest import ingest
    from dashboard.pipeline import pipeline
    from dashboard.steps import entities

    if not seeds.is_dir():
        return {"available": False, "message": f"no seeds at {seeds}"}
    tables = pipeline.enrich(ingest.load([seeds]).articles)
    mentions, ents = entities.link(tables["mentions"])
    clustered, story_table = stories.cluster(
        tables["articles"], tables["paragraphs"], mentions, tables["dates"], entities=ents
    )
    gold = ["other" if a == SEED_OTHER_STORY else "main" for a in clustered["article_id"].to_list()]
    return {
        "available": True,
        "stories": story_table.height,
        **scores(gold, clustered["story_id"].to_list()),
        "labels": story_table["label"].to_list(),
    }


def main(root: Path | None = None) -> None:
    """Print the SlavicNER story evaluation and the 10,000-article timing."""
    for gold_entities in (False, True):
        result = evaluate(root, gold_entities=gold_entities)
        if not result["available"]:
            print(f"stories: skipped, {result['message']}")
            break
        print("stories on slavicner_dev (gold: 3 topics x 6 languages)")
        for key, value in result.items():
            if key != "available":
                print(f"  {key}: {value}")
    print("stories on the seeds (gold: 2 stories)")
    for key, value in evaluate_seeds().items():
        print(f"  {key}: {value}")
    print("stories on 10,000 synthetic articles")
    for key, value in benchmark().items():
        print(f"  {key}: {value}")
