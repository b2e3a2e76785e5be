"""Story clustering, labels, overrides and inferred publication dates (hand-built frames, seeds)."""

from __future__ import annotations

import json
import math
import random
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard import schema
from dashboard.errors import NewsprismError
from dashboard.steps import features, stories

from ..conftest import DE, EL, RO, SR, TR

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def hand_frames(
    texts: dict[str, str],
    actors: dict[str, str],
    published: dict[str, date] | None = None,
    date_values: dict[str, str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """articles, paragraphs (blank-line blocks), mentions (regex -> entity id) and dates frames."""
    published = published or {}
    articles = schema.conform(
        pl.DataFrame(
            {
                "article_id": list(texts),
                "text": list(texts.values()),
                "published": [published.get(a) for a in texts],
                "language": ["en"] * len(texts),
                "source": [f"outlet-{a}" for a in texts],
            }
        ),
        "articles",
    )
    paras, mentions, dates = [], [], []
    for article_id, text in texts.items():
        for no, block in enumerate(re.finditer(r"[^\n]+", text)):
            paras.append((article_id, no, block.start(), block.end(), False))
            for pattern, entity in actors.items():
                for m in re.finditer(pattern, block.group()):
                    s, e = block.start() + m.start(), block.start() + m.end()
                    mentions.append((article_id, no, s, e, text[s:e], entity, "PER"))
            for pattern, value in (date_values or {}).items():
                for m in re.finditer(pattern, block.group()):
                    s, e = block.start() + m.start(), block.start() + m.end()
                    dates.append((article_id, no, s, e, text[s:e], value, True))
    p_cols = ["article_id", "para_no", "start", "end", "boilerplate"]
    m_cols = ["article_id", "para_no", "start", "end", "text", "entity_id", "type"]
    d_cols = ["article_id", "para_no", "start", "end", "text", "value", "anchored"]
    return (
        articles,
        schema.conform(pl.DataFrame(paras, schema=p_cols, orient="row"), "paragraphs"),
        schema.conform(pl.DataFrame(mentions, schema=m_cols, orient="row"), "mentions"),
        schema.conform(pl.DataFrame(dates, schema=d_cols, orient="row"), "dates"),
    )


TEXTS = {
    "a1": "Alpha met Beta in Gamma on 12 March, the 17th meeting.\nDelta said 250 people came.",
    "a2": "Beta and Alpha held talks in Gamma: 17 rounds so far.\nDelta counted 250 protesters.",
    "a3": "Omega visited Sigma to sign deal number 9081.\nKappa welcomed Omega in Sigma.",
    "a4": "Sigma hosts Omega and Kappa; deal 9081 signed.\nOmega thanked Kappa.",
}
ACTORS = {
    "Alpha": "e-alpha",
    "Beta": "e-beta",
    "Gamma": "e-gamma",
    "Delta": "e-delta",
    "Omega": "e-omega",
    "Sigma": "e-sigma",
    "Kappa": "e-kappa",
}
PUBLISHED = {"a1": date(2025, 3, 12), "a2": date(2025, 3, 14), "a3": date(2025, 3, 13)}


@pytest.fixture()
def clustered() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    frames = hand_frames(TEXTS, ACTORS, PUBLISHED, {"12 March": "2025-03-12"})
    articles, story_table = stories.cluster(*frames)
    return articles, story_table, frames[2], frames[3]


def members(story_table: pl.DataFrame) -> set[frozenset[str]]:
    return {frozenset(ids) for ids in story_table["article_ids"].to_list()}


def test_cluster_groups_articles_sharing_actors_and_numbers(clustered) -> None:
    articles, story_table, _, _ = clustered
    assert members(story_table) == {frozenset({"a1", "a2"}), frozenset({"a3", "a4"})}
    assert story_table.schema == pl.Schema(schema.SCHEMAS["stories"])
    story_of = dict(articles.select("article_id", "story_id").iter_rows())
    assert story_of["a1"] == story_of["a2"] == stories.story_id_for(["a1", "a2"])


def test_story_ids_and_labels_are_stable_across_runs(clustered) -> None:
    _, first, _, _ = clustered
    _, again = stories.cluster(*hand_frames(TEXTS, ACTORS, PUBLISHED, {"12 March": "2025-03-12"}))
    assert first.sort("story_id").equals(again.sort("story_id"))
    labels = dict(first.select("story_id", "label").iter_rows())
    label = labels[stories.story_id_for(["a1"])]
    assert label.startswith(("Alpha", "Beta", "Gamma", "Delta")) and label.endswith("Mar 2025")
    assert "Omega" in labels[stories.story_id_for(["a3"])]


def test_publication_dates_far_apart_keep_alike_articles_apart() -> None:
    far = {"a1": date(2019, 1, 24), "a2": date(2025, 12, 12)}
    texts = {k: TEXTS[k] for k in ("a1", "a2")}
    _, near_table = stories.cluster(*hand_frames(texts, ACTORS))
    _, far_table = stories.cluster(*hand_frames(texts, ACTORS, far))
    assert near_table.height == 1
    assert far_table.height == 2


RUN = {
    "b1": "Alpha met Beta in Gamma on 12 March, the 17th meeting.\nBeta said 250 people came.",
    "b2": "Beta and Alpha held talks in Gamma: 17 rounds so far.\nBeta counted 250 protesters.",
    "b3": "Alpha opened the Zeta plant with 9081 jobs.\nZeta thanked Alpha for 44 million.",
    "b4": "At Zeta, Alpha promised 9081 jobs.\nAlpha and Zeta spent 44 million.",
    "b5": "Omega visited Sigma to sign deal number 731.\nKappa welcomed Omega in Sigma.",
    "b6": "Sigma hosts Omega and Kappa; deal 731 signed.\nOmega thanked Kappa.",
    "b7": "Lambda won the Theta race by 3 seconds.\nTheta fans cheered Lambda.",
    "b8": "Theta race: Lambda first, 3 seconds ahead.\nLambda thanked Theta.",
}
RUN_ACTORS = {**ACTORS, "Zeta": "e-zeta", "Lambda": "e-lambda", "Theta": "e-theta"}


def test_two_events_sharing_one_name_stay_two_stories() -> None:
    # b1-b2 and b3-b4 share only Alpha: two reports of two articles each are not one story on
    # one name (story_merge.SETTLED_THRESHOLD); the merge itself is tested in test_story_merge
    days = {a: date(2025, 3, 1 + 2 * k) for k, a in enumerate(RUN)}
    frames = hand_frames(RUN, RUN_ACTORS, days)
    _, events = stories.cluster(*frames, merge_threshold=None)
    _, merged = stories.cluster(*frames)
    pairs = {frozenset({a, b}) for a, b in (("b1", "b2"), ("b3", "b4"), ("b5", "b6"), ("b7", "b8"))}
    assert members(events) == pairs
    assert members(merged) == pairs


def test_epoch_publication_dates_do_not_stretch_a_story_label() -> None:
    days = {"a1": date(1970, 1, 1), "a2": date(2025, 3, 14)}
    texts = {k: TEXTS[k] for k in ("a1", "a2")}
    _, story_table = stories.cluster(*hand_frames(texts, ACTORS, days))
    assert story_table.height == 1
    assert story_table["label"][0].endswith("Mar 2025")


def test_cluster_of_nothing_is_empty() -> None:
    articles, story_table = stories.cluster(*hand_frames({}, ACTORS))
    assert articles.height == 0 and story_table.height == 0


def test_overrides_round_trip_through_an_atomic_file(tmp_path: Path, clustered) -> None:
    _, story_table, _, _ = clustered
    path = tmp_path / "stories.json"
    assert stories.read_overrides(path) == stories.Overrides()
    o = stories.add_op(
        stories.Overrides(), stories.move("a3", stories.story_id_for(["a1"])), story_table
    )
    stories.write_overrides(path, o)
    assert stories.read_overrides(path) == o
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["stories.json"]


def test_unreadable_overrides_say_so(tmp_path: Path) -> None:
    path = tmp_path / "stories.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(NewsprismError, match="story edits file is not valid JSON"):
        stories.read_overrides(path)


def test_move_merge_split(clustered) -> None:
    articles, story_table, mentions, dates = clustered
    ab, cd = stories.story_id_for(["a1"]), stories.story_id_for(["a3"])
    moved = stories.add_op(stories.Overrides(), stories.move("a3", ab), story_table)
    _, after = stories.apply_overrides(articles, story_table, moved)
    assert members(after) == {frozenset({"a1", "a2", "a3"}), frozenset({"a4"})}
    merged = stories.add_op(stories.Overrides(), stories.merge([ab, cd]), story_table)
    arts, after = stories.apply_overrides(
        articles, story_table, merged, mentions=mentions, dates=dates
    )
    assert members(after) == {frozenset(TEXTS)}
    assert arts["story_id"].unique().to_list() == [stories.story_id_for(list(TEXTS))]
    split = stories.add_op(stories.Overrides(), stories.split(cd, ["a4"]), story_table)
    _, after = stories.apply_overrides(articles, story_table, split)
    assert members(after) == {frozenset({"a1", "a2"}), frozenset({"a3"}), frozenset({"a4"})}
    assert dict(after.select("story_id", "label").iter_rows())[stories.story_id_for(["a4"])]


def test_overrides_survive_a_rerun_that_renames_the_story(tmp_path: Path, clustered) -> None:
    articles, story_table, _, _ = clustered
    path = tmp_path / "stories.json"
    ab, cd = stories.story_id_for(["a1"]), stories.story_id_for(["a3"])
    stories.write_overrides(
        path, stories.add_op(stories.Overrides(), stories.move("a4", ab), story_table)
    )
    # re-analysis with a new earliest article "a0" in the first story: its id changes
    texts = {"a0": TEXTS["a1"].replace("17th", "third"), **TEXTS}
    frames = hand_frames(texts, ACTORS, PUBLISHED)
    fresh_articles, fresh = stories.cluster(*frames)
    assert ab not in fresh["story_id"].to_list()
    _, replayed = stories.apply_overrides(fresh_articles, fresh, stories.read_overrides(path))
    assert members(replayed) == {frozenset({"a0", "a1", "a2", "a4"}), frozenset({"a3"})}
    assert cd in replayed["story_id"].to_list()


def test_edit_naming_an_unknown_story_is_refused(clustered) -> None:
    _, story_table, _, _ = clustered
    with pytest.raises(NewsprismError, match="no story"):
        stories.add_op(stories.Overrides(), stories.merge(["s-nope", "s-gone"]), story_table)


def test_infer_published_gives_undated_articles_their_story_median(clustered) -> None:
    articles, story_table, _, _ = clustered
    filled = stories.infer_published(articles, story_table).sort("article_id")
    row = filled.filter(pl.col("article_id") == "a4").row(0, named=True)
    assert row["published"] == date(2025, 3, 13)
    assert row["published_inferred"] is True
    assert row["provenance"]["published"] == "story"
    kept = filled.filter(pl.col("article_id") == "a1").row(0, named=True)
    assert kept["published"] == date(2025, 3, 12) and kept["published_inferred"] is False
    assert filled.schema == articles.schema


@pytest.fixture(scope="module")
def seed_stories() -> tuple[pl.DataFrame, pl.DataFrame]:
    from dashboard.ingest import ingest
    from dashboard.pipeline import pipeline
    from dashboard.steps import entities

    tables = pipeline.enrich(ingest.load([SEEDS]).articles)
    mentions, ents = entities.link(tables["mentions"])
    return stories.cluster(
        tables["articles"], tables["paragraphs"], mentions, tables["dates"], entities=ents
    )


def test_seeds_form_two_stories(seed_stories) -> None:
    _, story_table = seed_stories
    assert members(story_table) == {frozenset({SR, RO, EL, TR}), frozenset({DE})}
    labels = dict(story_table.select("story_id", "label").iter_rows())
    big = labels[stories.story_id_for([SR])]
    assert "Maduro" in big and big.endswith("2025")
    # the German article has no date and names 23 January without a year
    assert labels[stories.story_id_for([DE])].endswith("· January, year unknown")


def _numbered_vectors(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, mentions: pl.DataFrame, dates: pl.DataFrame
) -> pl.DataFrame:
    """The articles' weighted feature vectors, each article numbered i in id order (what
    stories.pair_similarity takes)."""
    ids = sorted(articles["article_id"].to_list())
    index = pl.DataFrame({"article_id": ids, "i": range(len(ids))})
    return features.weighted(
        features.paragraph_features(articles, paragraphs, mentions, dates)
        .select("article_id", "feature")
        .unique(),
        ["article_id"],
    ).join(index, on="article_id")


def test_wire_copies_make_a_sparse_graph_and_still_one_story() -> None:
    # more copies of one text than an article keeps partners: the pairs stay linear in articles
    n = 3 * stories.TOP_K
    texts = {
        f"c{k:03d}": "Varga met Okonkwo in Tallinn on 12 May.\nThey signed 4471 deals."
        for k in range(n)
    }
    texts["other"] = "Nakamura opened the Lisbon port.\nIt cost 93 million."
    actors = {"Varga": "e1", "Okonkwo": "e2", "Tallinn": "e3", "Nakamura": "e4", "Lisbon": "e5"}
    frames = hand_frames(texts, actors, {a: date(2025, 5, 12) for a in texts})
    articles, paragraphs, mentions, dates = frames
    pairs = stories.pair_similarity(_numbered_vectors(*frames))
    degree = pl.concat([pairs["i"], pairs["i_b"]]).value_counts()["count"]
    assert pairs.height <= n * stories.TOP_K < n * (n - 1) // 2
    assert degree.min() >= stories.TOP_K
    clustered, table = stories.cluster(articles, paragraphs, mentions, dates)
    copies = clustered.filter(pl.col("article_id") != "other")["story_id"].unique()
    assert copies.len() == 1
    assert clustered.filter(pl.col("article_id") == "other")["story_id"].item() not in copies


def test_pairs_scored_in_blocks_are_the_pairs_scored_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 40 articles over 8 actors: every block size gives the same graph
    names = ["Varga", "Okonkwo", "Tallinn", "Nakamura", "Lisbon", "Reyes", "Oslo", "Haddad"]
    texts = {
        f"a{k:02d}": f"{names[k % 8]} met {names[(k * 3 + 1) % 8]} in {names[(k + 2) % 8]}.\n"
        f"They signed {k % 5} deals."
        for k in range(40)
    }
    actors = {name: f"e{n}" for n, name in enumerate(names)}
    vectors = _numbered_vectors(
        *hand_frames(texts, actors, {a: date(2025, 5, 1 + int(a[1:]) % 20) for a in texts})
    )
    whole = stories.pair_similarity(vectors)
    assert whole.height > 40
    shared = vectors.filter(pl.col("df") > 1).height
    for rows in (1, 7 * stories.CANDIDATES * shared // 40):
        monkeypatch.setattr(stories, "SCORE_ROWS", rows)
        assert stories.pair_block(shared, 40) < 40  # more than one block
        assert stories.pair_similarity(vectors).equals(whole)


@pytest.mark.parametrize("spread", [0, 3, 10_000])
def test_pairs_score_the_dot_product_whichever_way_each_feature_is_joined(
    monkeypatch: pytest.MonkeyPatch, spread: int
) -> None:
    # features in 1 to 12 of 12 articles, scored by pairing their articles (rare), pair by pair
    # (common) or both: the sums are the dot products written out, damped by the days between
    monkeypatch.setattr(stories, "PAIR_SPREAD", spread)
    rng = random.Random(spread)
    rows = [
        (i, f, rng.uniform(0.1, 1.0)) for i in range(12) for f in range(20) if rng.random() < 0.4
    ]
    shared = pl.DataFrame(
        rows, schema={"i": pl.Int64, "f": pl.UInt64, "w": pl.Float64}, orient="row"
    )
    days = pl.DataFrame({"i": range(12), "day": [i * 30 for i in range(12)]}).cast(
        {"day": pl.Int32}
    )
    candidates = pl.DataFrame(
        [(i, j) for i in range(12) for j in range(12) if i != j and (i + j) % 3],
        schema={"i": pl.Int64, "i_b": pl.Int64},
        orient="row",
    )
    got = {(a, b): sim for a, b, sim in stories.score_pairs(candidates, shared, days).iter_rows()}
    weights = {(i, f): w for i, f, w in rows}
    expected = {}
    for a, b in candidates.iter_rows():
        dot = sum(w * weights.get((b, f), 0.0) for (i, f), w in weights.items() if i == a)
        sim = dot * math.exp(-abs(a - b) * 30 / stories.TIME_SCALE_DAYS)
        if sim >= stories.MIN_PAIR:
            expected[(a, b)] = sim
    assert got.keys() == expected.keys()
    assert all(got[k] == pytest.approx(v, rel=1e-12) for k, v in expected.items())


def test_a_block_of_proposers_is_bounded_by_the_rows_it_joins() -> None:
    # a feature paired directly makes at most PAIR_SPREAD rows a proposer's feature, fewer than
    # the CANDIDATES the pair-by-pair join makes: the block's bound holds for both
    assert stories.PAIR_SPREAD < stories.CANDIDATES
    # CANDIDATES x 30 features an article: SCORE_ROWS / 6,000 articles a block
    assert stories.pair_block(30 * 10_000, 10_000) == stories.SCORE_ROWS // (
        stories.CANDIDATES * 30
    )
    # twice the features an article, half the articles a block
    assert stories.pair_block(60 * 10_000, 10_000) == stories.SCORE_ROWS // (
        stories.CANDIDATES * 60
    )
    assert stories.pair_block(10**12, 1) == 1  # never an empty block
    assert stories.pair_block(0, 0) == stories.SCORE_ROWS // stories.CANDIDATES


def _merged_by_definition(
    n: int, pairs: list[tuple[int, int, float]], threshold: float
) -> list[int]:
    """_linkage by its definition, slowly: merge the two clusters of the highest centroid cosine
    (ties: the lowest pair of ids; the lower id stays) while it is at least the threshold; then
    a lone article joins its most alike cluster at ATTACH x the threshold."""
    between: dict[tuple[int, int], float] = defaultdict(float)
    for a, b, s in pairs:
        between[(min(a, b), max(a, b))] += s
    within, parent, alive = [1.0] * n, list(range(n)), set(range(n))

    def score(a: int, b: int) -> float:
        return between.get((min(a, b), max(a, b)), 0.0) / math.sqrt(within[a] * within[b])

    while True:
        live = [(-score(a, b), a, b) for a, b in between if a in alive and b in alive]
        best = min(live, default=None)
        if best is None or -best[0] < threshold:
            break
        _, a, b = best
        within[a] += within[b] + 2 * between.pop((a, b))
        alive.discard(b)
        parent[b] = a
        for x, y in [k for k in between if b in k]:
            c = y if x == b else x
            between[(min(a, c), max(a, c))] += between.pop((x, y))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    size = [0] * n
    for i in range(n):
        size[root(i)] += 1
    for s in [i for i in range(n) if size[i] == 1]:
        near = [(score(s, c), c) for c in alive if c != s and size[c] > 1 and score(s, c) > 0]
        if near and max(near)[0] >= threshold * stories.ATTACH:
            parent[s] = max(near)[1]
    return [root(i) for i in range(n)]


@pytest.mark.parametrize("seed", range(12))
def test_greedy_merging_is_merging_by_the_definition(seed: int) -> None:
    # groups of near copies (merged into big clusters), loose links between them, strays
    rng = random.Random(seed)
    n = 80
    group = [rng.randrange(10) for _ in range(n)]
    pairs = []
    for a in range(n):
        for b in range(a + 1, n):
            same = group[a] == group[b]
            if rng.random() < (0.6 if same else 0.04):
                pairs.append((a, b, rng.uniform(0.3, 0.9) if same else rng.uniform(0.05, 0.4)))
    rng.shuffle(pairs)
    got = stories._linkage(n, pairs, stories.THRESHOLD)
    assert got == _merged_by_definition(n, pairs, stories.THRESHOLD)
    assert 1 < len(set(got)) < n  # some merged, not all


def test_undated_articles_naming_other_months_are_kept_apart() -> None:
    # 0 and 1 undated: November against January; 0 and 2: both name November; 3 and 4 dated
    vectors = pl.DataFrame(
        {
            "i": [0, 0, 1, 2, 3, 4],
            "feature": ["md:11-21", "e:PER:madur", "md:01-23", "mo:11", "d:2025-11-02", "md:01-23"],
        }
    )
    days = pl.DataFrame(
        {"i": [0, 1, 2, 3, 4], "day": [None, None, None, 20_000, 20_100]},
        schema={"i": pl.Int64, "day": pl.Int32},
    )
    pairs = pl.DataFrame({"i": [0, 0, 3], "i_b": [1, 2, 4], "sim": [0.5, 0.5, 0.5]})
    got = dict(
        zip(
            zip(*stories.month_conflicts(pairs, vectors, days).select("i", "i_b"), strict=True),
            stories.month_conflicts(pairs, vectors, days)["sim"],
            strict=True,
        )
    )
    assert got[(0, 1)] == pytest.approx(0.5 * stories.MONTH_CONFLICT)
    assert got[(0, 1)] < 0.5
    assert got[(0, 2)] == 0.5  # a month in common
    assert got[(3, 4)] == 0.5  # both dated: their publication dates keep them apart in time
