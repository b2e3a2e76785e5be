"""Stories: articles about the same events, grouped across languages.

Each article becomes a sparse vector of what survives translation: linked actors, mentioned
dates, numbers, quote speakers and (when present) words of its translation, weighted by rarity
(idf over articles). Candidate pairs come from an inverted index over the rarer features (no
all-pairs pass), their cosine is damped by the distance between publication dates, and pairs are
merged greedily while the clusters' centroids stay similar; an article left alone then joins the
story it is most like if that is nearly close enough. The analyst's moves, merges and splits live
in `stories.json` and are replayed on every re-analysis.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from babel.dates import get_month_names

from dashboard import quotes as quotes_mod
from dashboard.align import paragraph_features, weighted
from dashboard.atomic import write_json
from dashboard.errors import NewsprismError
from dashboard.schema import conform, empty

THRESHOLD = 0.2  # centroid cosine above which two clusters are one story
TIME_SCALE_DAYS = 365.0  # publication dates a year apart divide similarity by e
ATTACH = 0.6  # a lone article joins a story at this share of the threshold
MIN_PAIR = 0.05  # pair similarities below this are treated as zero
BLOCK_DF = 100  # features in more articles than this are scored but not used to find pairs
BLOCK_KEYS = 3  # every article also proposes pairs through its rarest features
BLOCK_MAX = 2000  # features in more articles than this never propose pairs
BROAD = r"^(?:m|mo|y):"  # months and years are scored but too broad to find pairs
LABEL_ACTORS = 3
CONTEXT_DAYS = 62  # mentioned dates this long before the first publication still label a story
OVERRIDES_VERSION = 1


def story_id_for(article_ids: list[str] | tuple[str, ...] | set[str]) -> str:
    """Stable id of a story: a hash of its earliest (smallest) article id."""
    return "s-" + hashlib.sha1(min(article_ids).encode("utf-8")).hexdigest()[:12]


def pair_similarity(vectors: pl.DataFrame, block_df: int = BLOCK_DF) -> pl.DataFrame:
    """Cosine (i, i_b, sim) of candidate pairs found through an inverted index (no all-pairs pass).

    An article proposes pairs through its features rarer than block_df and through its
    BLOCK_KEYS rarest ones (so an article naming only a story's main actors still finds its
    story); features in more than BLOCK_MAX articles never propose pairs.
    """
    usable = vectors.filter(
        pl.col("df").is_between(2, BLOCK_MAX) & ~pl.col("feature").str.contains(BROAD)
    )
    rarest = pl.col("df").rank("ordinal").over("i") <= BLOCK_KEYS
    keys = usable.filter((pl.col("df") <= block_df) | rarest).select("i", "feature")
    postings = usable.select(i_b="i", feature="feature")
    candidates = (
        keys.join(postings, on="feature")
        .filter(pl.col("i") != pl.col("i_b"))
        .select(
            pl.min_horizontal("i", "i_b").alias("i"), pl.max_horizontal("i", "i_b").alias("i_b")
        )
        .unique()
    )
    shared = vectors.filter(pl.col("df") > 1).select("i", "feature", "w")
    return (
        candidates.join(shared, on="i")
        .join(shared.rename({"i": "i_b", "w": "w_b"}), on=["i_b", "feature"])
        .group_by("i", "i_b")
        .agg(sim=(pl.col("w") * pl.col("w_b")).sum())
    )


def _linkage(n: int, pairs: list[tuple[int, int, float]], threshold: float) -> list[int]:
    """Greedy merging while the centroid cosine of two clusters is >= threshold; cluster per item."""
    between: list[dict[int, float]] = [defaultdict(float) for _ in range(n)]
    for a, b, s in pairs:
        between[a][b] += s
        between[b][a] += s
    within = [1.0] * n
    parent = list(range(n))
    alive = [True] * n

    def score(a: int, b: int) -> float:
        return between[a][b] / math.sqrt(within[a] * within[b])

    heap = [(-score(a, b), a, b) for a in range(n) for b in between[a] if a < b]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if -neg < threshold:
            break
        if not (alive[a] and alive[b]) or abs(score(a, b) + neg) > 1e-12:
            continue
        within[a] += within[b] + 2 * between[a].pop(b)
        alive[b] = False
        parent[b] = a
        for c, s in between[b].items():
            if c != a:
                between[a][c] += s
                between[c][a] = between[c].get(a, 0.0) + between[c].pop(b)
        between[b].clear()
        for c in between[a]:
            heapq.heappush(heap, (-score(a, c), min(a, c), max(a, c)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    size = Counter(root(i) for i in range(n))
    for s in [i for i in range(n) if size[i] == 1]:
        # an article left alone joins the story it is most like when that is close enough
        near = [(score(s, c), c) for c in between[s] if size[c] > 1]
        if near and max(near)[0] >= threshold * ATTACH:
            parent[s] = max(near)[1]
    return [root(i) for i in range(n)]


def cluster(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    *,
    entities: pl.DataFrame | None = None,
    threshold: float = THRESHOLD,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Articles with story_id set, and the stories table (story_id, label, article_ids)."""
    if articles.height == 0:
        return articles.with_columns(story_id=pl.lit(None, pl.String)), empty("stories")
    ids = sorted(articles["article_id"].to_list())
    index = pl.DataFrame(
        {"article_id": ids, "i": range(len(ids))}, schema={"article_id": pl.String, "i": pl.Int64}
    )
    quote_table = quotes_mod.quotes(articles, paragraphs, mentions)
    feats = paragraph_features(articles, paragraphs, mentions, dates, quote_table).select(
        "article_id", "feature"
    )
    published = articles.filter(pl.col("published").is_not_null()).select(
        "article_id", feature=pl.format("m:{}", pl.col("published").dt.strftime("%Y-%m"))
    )
    vectors = weighted(pl.concat([feats, published]).unique(), ["article_id"]).join(
        index, on="article_id"
    )
    pairs = pair_similarity(vectors)
    days = index.join(articles.select("article_id", "published"), on="article_id").select(
        "i", day=pl.col("published").cast(pl.Int32)
    )
    pairs = (
        pairs.join(days, on="i")
        .join(days.rename({"i": "i_b", "day": "day_b"}), on="i_b")
        .with_columns(
            sim=pl.col("sim")
            * (-(pl.col("day") - pl.col("day_b")).abs() / TIME_SCALE_DAYS).exp().fill_null(1.0)
        )
        .filter(pl.col("sim") >= MIN_PAIR)
    )
    roots = _linkage(len(ids), list(pairs.select("i", "i_b", "sim").iter_rows()), threshold)
    groups: dict[int, list[str]] = defaultdict(list)
    for article_id, r in zip(ids, roots, strict=True):
        groups[r].append(article_id)
    membership = {story_id_for(members): members for members in groups.values()}
    return _tables(articles, membership, mentions, dates, entities)


def _tables(
    articles: pl.DataFrame,
    membership: dict[str, list[str]],
    mentions: pl.DataFrame | None,
    dates: pl.DataFrame | None,
    entities: pl.DataFrame | None,
    old_labels: dict[str, str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Articles with story_id and the stories table for a membership map."""
    article_story = pl.DataFrame(
        [(a, s) for s, members in membership.items() for a in members],
        schema={"article_id": pl.String, "story_id": pl.String},
        orient="row",
    )
    articles = articles.drop("story_id", strict=False).join(
        article_story, on="article_id", how="left"
    )
    labels = old_labels or {}
    if mentions is not None:
        labels = {**labels, **label_stories(articles, mentions, dates, entities)}
    stories = pl.DataFrame(
        {
            "story_id": list(membership),
            "label": [labels.get(s, "") for s in membership],
            "article_ids": [sorted(m) for m in membership.values()],
        },
        schema={"story_id": pl.String, "label": pl.String, "article_ids": pl.List(pl.String)},
    ).sort(pl.col("article_ids").list.len(), "story_id", descending=[True, False])
    return articles, conform(stories, "stories")


def label_stories(
    articles: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame | None = None,
    entities: pl.DataFrame | None = None,
) -> dict[str, str]:
    """story_id -> readable label: the main actors and the period ("Maduro, Putin · Nov–Dec 2025")."""
    story_of = articles.select("article_id", "story_id").filter(pl.col("story_id").is_not_null())
    names = _entity_names(mentions, entities)
    ranked = (
        mentions.filter(pl.col("entity_id").is_not_null())
        .join(story_of, on="article_id")
        .group_by("story_id", "entity_id")
        .agg(
            n_articles=pl.col("article_id").n_unique(),
            n=pl.len(),
            person=(pl.col("type") == "PER").any(),
        )
        .sort(["n_articles", "person", "n", "entity_id"], descending=[True, True, True, False])
        .group_by("story_id", maintain_order=True)
        .agg(pl.col("entity_id").head(LABEL_ACTORS))
    )
    actors = {s: [names.get(e, e) for e in es] for s, es in ranked.iter_rows()}
    periods = _periods(articles, dates)
    out = {}
    for story_id in story_of["story_id"].unique().to_list():
        parts = [
            ", ".join(dict.fromkeys(actors.get(story_id, []))) or "Untitled",
            periods.get(story_id, ""),
        ]
        out[story_id] = " · ".join(p for p in parts if p)
    return out


def _entity_names(mentions: pl.DataFrame, entities: pl.DataFrame | None) -> dict[str, str]:
    """entity_id -> display name: the entities label, else its most frequent Latin-script form."""
    if entities is not None and entities.height:
        return dict(entities.select("entity_id", "label").drop_nulls().iter_rows())
    forms = (
        mentions.filter(pl.col("entity_id").is_not_null())
        .with_columns(latin=pl.col("text").str.contains(r"^[\p{Latin}\s'’.-]+$"))
        .group_by("entity_id", "text", "latin")
        .agg(n=pl.len())
        .sort(
            ["latin", "n", pl.col("text").str.len_chars(), "text"],
            descending=[True, True, False, False],
        )
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("text").first())
    )
    return dict(forms.iter_rows())


def _periods(articles: pl.DataFrame, dates: pl.DataFrame | None) -> dict[str, str]:
    """story_id -> month range from publication dates and the dates the story mentions."""
    months: dict[str, list[date]] = defaultdict(list)
    published: dict[str, list[date]] = defaultdict(list)
    for story_id, day in articles.select("story_id", "published").drop_nulls().iter_rows():
        published[story_id].append(day)
    mentioned: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    if dates is not None and dates.height:
        parsed = (
            dates.join(articles.select("article_id", "story_id"), on="article_id")
            .select(
                "story_id",
                year=pl.col("value").str.extract(r"^(\d{4})").cast(pl.Int32),
                month=pl.col("value").str.extract(r"^(?:\d{4}|-)-(\d{2})(?:-|$)").cast(pl.Int32),
            )
            .filter(pl.col("month").is_not_null() & pl.col("story_id").is_not_null())
        )
        for story_id, year, month in parsed.iter_rows():
            mentioned[story_id].append((year, month))
    for story_id in set(published) | set(mentioned):
        pubs = sorted(published.get(story_id, []))
        ref = pubs[len(pubs) // 2] if pubs else None
        for year, month in mentioned.get(story_id, []):
            if year is None and ref is not None:
                # a day and month without a year: the latest such month not after the story
                year = ref.year if month <= ref.month else ref.year - 1
            if year is not None:
                day = date(year, month, 1)
                if not pubs or pubs[0] - timedelta(days=CONTEXT_DAYS) <= day <= pubs[-1]:
                    months[story_id].append(day)
        months[story_id] += [d.replace(day=1) for d in pubs]
        if not months[story_id] and mentioned.get(story_id):
            # only yearless months: name the most frequent one
            month = Counter(m for _, m in mentioned[story_id]).most_common(1)[0][0]
            months[story_id] = [date(1, month, 1)]
    return {s: _month_range(min(ms), max(ms)) for s, ms in months.items() if ms}


def _month_range(first: date, last: date) -> str:
    names = get_month_names("abbreviated", locale="en")
    if first.year == 1:
        return names[first.month]
    if first == last:
        return f"{names[first.month]} {first.year}"
    if first.year == last.year:
        return f"{names[first.month]}–{names[last.month]} {last.year}"
    return f"{names[first.month]} {first.year}–{names[last.month]} {last.year}"


@dataclass(frozen=True)
class Overrides:
    """The analyst's story edits, replayed in order on every analysis (stories.json)."""

    ops: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def move(article_id: str, story_id: str) -> dict[str, Any]:
    """Op: put one article into another story."""
    return {"op": "move", "article_id": article_id, "story_id": story_id}


def merge(story_ids: list[str]) -> dict[str, Any]:
    """Op: make one story of several."""
    return {"op": "merge", "story_ids": list(story_ids)}


def split(story_id: str, article_ids: list[str]) -> dict[str, Any]:
    """Op: take some articles out of a story into a story of their own."""
    return {"op": "split", "story_id": story_id, "article_ids": list(article_ids)}


def add_op(overrides: Overrides, op: dict[str, Any], stories: pl.DataFrame) -> Overrides:
    """Append an op, remembering the members of the stories it names.

    Story ids follow their earliest article, so a re-analysis that adds an earlier article renames
    a story; the remembered members let the op find it again.
    """
    members = dict(stories.select("story_id", "article_ids").iter_rows())
    named = [op["story_id"]] if "story_id" in op else list(op.get("story_ids", []))
    unknown = [s for s in named if s not in members]
    if unknown:
        raise NewsprismError("stories.json", f"no story {', '.join(unknown)} in this analysis")
    anchored = {**op, "anchors": {s: sorted(members[s]) for s in named}}
    return Overrides((*overrides.ops, anchored))


def read_overrides(path: Path) -> Overrides:
    """The story edits saved beside an analysis; none when the file does not exist."""
    if not path.is_file():
        return Overrides()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ops = tuple(dict(op) for op in data["ops"])
    except (ValueError, KeyError, TypeError) as exc:
        raise NewsprismError(
            str(path), f"story edits unreadable ({exc}); fix or delete the file"
        ) from exc
    bad = [op for op in ops if op.get("op") not in ("move", "merge", "split")]
    if bad:
        raise NewsprismError(str(path), f"unknown story edit {bad[0].get('op')!r}")
    return Overrides(ops)


def write_overrides(path: Path, o: Overrides) -> None:
    """Save the story edits atomically (temporary file, then os.replace)."""
    write_json(path, {"version": OVERRIDES_VERSION, "ops": list(o.ops)})


def _resolve(
    story_id: str, anchors: dict[str, list[str]], membership: dict[str, set[str]]
) -> str | None:
    """The current story an op meant: same id, else the one holding most of its remembered members."""
    if story_id in membership:
        return story_id
    remembered = set(anchors.get(story_id, []))
    best = max(membership, key=lambda s: (len(membership[s] & remembered), s), default=None)
    return best if best is not None and membership[best] & remembered else None


def _replay(membership: dict[str, set[str]], op: dict[str, Any]) -> dict[str, set[str]]:
    """Membership after one op; ops naming stories or articles that no longer exist do nothing."""
    anchors = op.get("anchors", {})
    groups = {s: set(m) for s, m in membership.items()}
    if op["op"] == "move":
        target = _resolve(op["story_id"], anchors, groups)
        if target is None or not any(op["article_id"] in m for m in groups.values()):
            return membership
        for m in groups.values():
            m.discard(op["article_id"])
        groups[target].add(op["article_id"])
    elif op["op"] == "merge":
        found = {s for s in (_resolve(s, anchors, groups) for s in op["story_ids"]) if s}
        if len(found) < 2:
            return membership
        merged = set().union(*(groups.pop(s) for s in found))
        groups["merged"] = merged
    else:
        source = _resolve(op["story_id"], anchors, groups)
        if source is None:
            return membership
        leaving = groups[source] & set(op["article_ids"])
        if not leaving or leaving == groups[source]:
            return membership
        groups[source] -= leaving
        groups["split"] = leaving
    return {story_id_for(m): m for m in groups.values() if m}


def apply_overrides(
    articles: pl.DataFrame,
    stories: pl.DataFrame,
    overrides: Overrides,
    *,
    mentions: pl.DataFrame | None = None,
    dates: pl.DataFrame | None = None,
    entities: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Replay the analyst's edits on freshly clustered stories.

    Changed stories are relabelled from mentions/dates when given; otherwise they keep the label
    of the story most of their articles came from.
    """
    if not overrides.ops:
        return articles, stories
    before = {s: set(m) for s, m in stories.select("story_id", "article_ids").iter_rows()}
    labels = dict(stories.select("story_id", "label").iter_rows())
    membership = before
    for op in overrides.ops:
        membership = _replay(membership, op)
    origin = {a: s for s, m in before.items() for a in m}
    kept = {
        s: labels[s]
        if s in labels and before.get(s) == m
        else labels.get(Counter(origin[a] for a in m).most_common(1)[0][0], "")
        for s, m in membership.items()
    }
    return _tables(
        articles, {s: sorted(m) for s, m in membership.items()}, mentions, dates, entities, kept
    )


def infer_published(articles: pl.DataFrame, stories: pl.DataFrame) -> pl.DataFrame:
    """Articles without a publication date get the median date of their story's dated articles.

    Such dates are marked published_inferred and provenance.published = "story".
    """
    member = stories.select("story_id", article_id=pl.col("article_ids")).explode("article_id")
    known = pl.col("published").is_not_null() & ~pl.col("published_inferred").fill_null(False)
    medians = (
        articles.select("article_id", "published", "published_inferred")
        .join(member, on="article_id")
        .filter(known)
        .group_by("story_id")
        .agg(
            story_date=pl.col("published")
            .cast(pl.Int32)
            .median()
            .round()
            .cast(pl.Int32)
            .cast(pl.Date)
        )
    )
    filled = (
        articles.join(member.rename({"story_id": "_story"}), on="article_id", how="left")
        .join(medians.rename({"story_id": "_story"}), on="_story", how="left")
        .with_columns(_fill=pl.col("published").is_null() & pl.col("story_date").is_not_null())
    )
    provenance = articles.schema.get("provenance")
    updates = [
        pl.when("_fill").then("story_date").otherwise("published").alias("published"),
        (pl.col("_fill") | pl.col("published_inferred").fill_null(False)).alias(
            "published_inferred"
        ),
    ]
    if isinstance(provenance, pl.Struct):
        blank = pl.struct([pl.lit(None, f.dtype).alias(f.name) for f in provenance.fields])
        with_story = pl.coalesce("provenance", blank).struct.with_fields(published=pl.lit("story"))
        updates.append(
            pl.when("_fill").then(with_story).otherwise("provenance").alias("provenance")
        )
    return filled.with_columns(updates).select(articles.columns)
