"""Story labels from hand-built frames: the period rules, the actor ranking, and a random check."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import polars as pl

from dashboard.steps import news_prior
from dashboard.steps.story_labels import LABEL_ACTORS, PERIOD_TAILS, label_stories

EPOCH = date(1970, 1, 1)


def frames(
    articles: dict[str, tuple[str | None, date | None]],
    mentions: Sequence[tuple[str, str, str]] = (),
    dates: Sequence[tuple[str, str]] = (),
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """articles (article_id -> story_id, published), mentions (article, entity, type), dates."""
    arts = pl.DataFrame(
        {
            "article_id": list(articles),
            "story_id": [s for s, _ in articles.values()],
            "published": [p for _, p in articles.values()],
        },
        schema={"article_id": pl.String, "story_id": pl.String, "published": pl.Date},
    )
    ments = pl.DataFrame(
        [(a, e, t, e.split(":")[-1].title()) for a, e, t in mentions],
        schema={
            "article_id": pl.String,
            "entity_id": pl.String,
            "type": pl.String,
            "text": pl.String,
        },
        orient="row",
    )
    dts = pl.DataFrame(
        list(dates), schema={"article_id": pl.String, "value": pl.String}, orient="row"
    )
    return arts, ments, dts


def labels(
    articles: dict[str, tuple[str | None, date | None]],
    mentions: Sequence[tuple[str, str, str]] = (),
    dates: Sequence[tuple[str, str]] = (),
    entities: pl.DataFrame | None = None,
) -> dict[str, str]:
    arts, ments, dts = frames(articles, mentions, dates)
    return label_stories(arts, ments, dts, entities)


def test_a_published_story_is_dated_by_its_publication_only() -> None:
    articles = {"a1": ("s", date(2018, 9, 28)), "a2": ("s", date(2018, 10, 2))}
    # a year one article mentions does not stretch an autumn-2018 story back to 2005
    dates = [("a1", "2005-05-01"), ("a2", "--12-24"), ("a2", "2018-10")]
    assert labels(articles, dates=dates) == {"s": "Untitled · Sep–Oct 2018"}


def test_a_story_names_what_it_is_about_before_celebrities() -> None:
    articles = {f"a{k}": ("s", date(2018, 10, 1)) for k in range(4)}
    mentions = [(f"a{k}", "PER:trump", "PER") for k in range(4)]
    mentions += [(f"a{k}", "LOC:united-states", "LOC") for k in range(4)]
    mentions += [(f"a{k}", "LOC:palu", "LOC") for k in range(3)]
    mentions += [("a0", "PER:nobody", "PER")]
    # Palu in 3 of 4 outranks Trump in 4 of 4; the United States (a share of 0.2) comes last
    assert labels(articles, mentions) == {"s": "Palu, Trump, United-States · Oct 2018"}


def test_yearless_months_without_a_publication_date_name_the_most_frequent() -> None:
    articles = {"a1": ("s", None), "a2": ("s", EPOCH)}  # the epoch is a placeholder, not a date
    dates = [("a1", "--03-02"), ("a2", "--07-01"), ("a2", "--03")]
    got = labels(articles, [("a1", "PER:alpha", "PER")], dates)
    assert got == {"s": "Alpha · March, year unknown"}


def test_tied_yearless_months_keep_the_first_seen() -> None:
    articles = {"a1": ("s", None), "b1": ("t", None)}
    dates = [
        *[("a1", v) for v in ("--07-01", "--03-02", "--03-09", "--07")],
        *[("b1", v) for v in ("--03", "--07-01", "--07-01", "--03")],
    ]
    got = labels(articles, dates=dates)
    assert got == {"s": "Untitled · July, year unknown", "t": "Untitled · March, year unknown"}


def test_a_dated_month_wins_over_yearless_ones_without_publication_dates() -> None:
    articles = {"a1": ("s", None), "b1": ("t", None)}
    dates = [("a1", "--03"), ("a1", "--03"), ("a1", "2025-05-02")]
    dates += [("b1", "2023-01"), ("b1", "2025-05")]  # no publication date: no window either
    got = labels(articles, dates=dates)
    assert got == {"s": "Untitled · May 2025", "t": "Untitled · Jan 2023–May 2025"}


def test_stories_without_any_date() -> None:
    articles = {"a1": ("s", None), "a2": ("s", EPOCH), "b1": ("t", None), "c1": (None, None)}
    mentions = [("a1", "PER:alpha", "PER"), ("a2", "ORG:beta", "ORG"), ("c1", "PER:gamma", "PER")]
    dates = [("c1", "2025-01-02")]  # an article outside every story labels nothing
    expected = {"s": "Alpha, Beta", "t": "Untitled"}
    assert labels(articles, mentions, dates) == expected
    arts, ments, _ = frames(articles, mentions)
    assert label_stories(arts, ments, None) == expected


def test_a_story_with_only_publication_dates() -> None:
    articles = {
        "a1": ("s", date(2025, 2, 3)),
        "a2": ("s", date(2024, 11, 28)),
        "b1": ("t", date(2025, 3, 14)),
        "c1": ("u", date(2025, 1, 31)),
        "c2": ("u", date(2025, 3, 1)),
        "c3": ("u", EPOCH),
    }
    got = labels(articles)
    assert got == {
        "s": "Untitled · Nov 2024–Feb 2025",
        "t": "Untitled · Mar 2025",
        "u": "Untitled · Jan–Mar 2025",
    }


def test_publication_times_count_in_their_own_zone_and_null_columns_are_no_dates() -> None:
    _, ments, dts = frames({}, dates=[("a1", "--03")])
    zoned = pl.DataFrame(
        {
            "article_id": ["a1", "a2"],
            "story_id": ["s", "s"],
            # 00:30 in Belgrade on 1 March is still February in UTC
            "published": [datetime(2025, 3, 1, 0, 30), datetime(2025, 4, 30, 23)],
        }
    ).with_columns(pl.col("published").dt.replace_time_zone("Europe/Belgrade"))
    assert label_stories(zoned, ments, dts) == {"s": "Untitled · Mar–Apr 2025"}
    untyped = pl.DataFrame({"article_id": ["a1"], "story_id": ["s"], "published": [None]})
    assert label_stories(untyped, ments, dts) == {"s": "Untitled · March, year unknown"}


def test_actor_ranking_and_its_ties() -> None:
    articles = {a: ("s", date(2025, 3, 1)) for a in ("b1", "b2", "b3")}
    mentions = [(a, "LOC:xland", "LOC") for a in ("b1", "b2", "b3")]  # 3 articles, not a person
    mentions += [(a, "PER:young", "PER") for a in ("b1", "b2", "b3")]  # 3 articles, 3 mentions
    mentions += [(a, "PER:able", "PER") for a in ("b3", "b2", "b1")]  # same: the id decides
    mentions += [(a, "PER:wolf", "PER") for a in ("b1", "b1", "b2", "b3")]  # 3 articles, 4 mentions
    mentions += [(a, "PER:zed", "PER") for a in ("b1", "b2") * 5]  # 10 mentions, 2 articles
    assert LABEL_ACTORS == 3
    assert labels(articles, mentions) == {"s": "Wolf, Able, Young · Mar 2025"}
    # one person mention is enough to count as a person; equal names are said once
    mentions += [("b1", "LOC:xland", "PER"), ("b1", "LOC:xland", "LOC")]
    ents = pl.DataFrame(
        {"entity_id": ["LOC:xland", "PER:wolf", "PER:able"], "label": ["Xland", "Wolf", "Wolf"]}
    )
    assert labels(articles, mentions, entities=ents) == {"s": "Xland, Wolf · Mar 2025"}


def test_an_article_listed_twice_counts_once_but_its_mentions_twice() -> None:
    arts = pl.DataFrame(
        {"article_id": ["b1", "b1", "b2"], "story_id": ["s", "s", "s"], "published": [None] * 3},
        schema={"article_id": pl.String, "story_id": pl.String, "published": pl.Date},
    )
    _, ments, dts = frames(
        {},
        [("b1", "PER:dup", "PER"), ("b1", "PER:pair", "PER"), ("b2", "PER:pair", "PER")]
        + [("b2", "PER:solo", "PER")] * 3,
    )
    # pair: 2 articles; solo: 1 article, 3 mentions; dup: 1 article, 1 mention seen twice
    assert label_stories(arts, ments, dts) == {"s": "Pair, Solo, Dup"}


def test_names_without_an_entities_table_prefer_latin_forms() -> None:
    arts, _, _ = frames({"a1": ("s", None)})
    ments = pl.DataFrame(
        {
            "article_id": ["a1"] * 5,
            "entity_id": ["PER:maduro"] * 5,
            "type": ["PER"] * 5,
            "text": ["Мадуро", "Мадуро", "Мадуро", "Maduro", "Nicolás Maduro"],
        }
    )
    assert label_stories(arts, ments) == {"s": "Maduro"}


def _about(entity_id: str) -> float:
    """The label weight of an actor: 0.5 to 1 by how specific it is in news in general."""
    share = news_prior.share(entity_id)
    specific = 1.0 if share <= 0 else min(1.0, math.log(1 / share) / math.log(10_000))
    return 0.5 + 0.5 * specific


def reference(articles, mentions, dates) -> dict[str, str]:
    """The rules written as plain loops over the hand-built dicts (entity labels = titled ids)."""
    story = {a: s for a, (s, _) in articles.items() if s}
    counts = defaultdict(Counter)
    arts, person = defaultdict(set), defaultdict(bool)
    for a, e, t in mentions:
        if a in story:
            key = (story[a], e)
            counts[story[a]][e] += 1
            arts[key].add(a)
            person[key] |= t == "PER"
    pubs = defaultdict(list)
    for s, p in articles.values():
        if s and p and p != EPOCH:
            pubs[s].append(p)
    said = defaultdict(list)
    for a, v in dates:
        yearless = v.startswith("--")
        month = v[2:4] if yearless else v[5:7]
        if a in story and month.isdigit():
            said[story[a]].append((None if yearless else int(v[:4]), int(month)))
    out = {}
    for s in set(story.values()):
        ranked = sorted(
            counts[s],
            key=lambda e: (-len(arts[s, e]) * _about(e), not person[s, e], -counts[s][e], e),
        )
        names = dict.fromkeys(e.split(":")[-1].title() for e in ranked[:LABEL_ACTORS])
        days, ps = [], sorted(pubs[s])
        if not ps:
            # mentioned months, without those holding at most a tenth of the mentions at an end
            months = Counter(date(y, m, 1) for y, m in said[s] if y)
            total, seen = sum(months.values()), 0
            for day in sorted(months):
                if (
                    PERIOD_TAILS * (seen + months[day]) > total
                    and PERIOD_TAILS * seen < (PERIOD_TAILS - 1) * total
                ):
                    days.append(day)
                seen += months[day]
        days += [p.replace(day=1) for p in ps]
        if not days and said[s]:
            days = [date(1, Counter(m for _, m in said[s]).most_common(1)[0][0], 1)]
        period = ""
        if days:
            lo, hi = min(days), max(days)
            month = {m: date(2000, m, 1).strftime("%b") for m in range(1, 13)}
            if lo.year == 1:
                period = date(2000, lo.month, 1).strftime("%B") + ", year unknown"
            elif lo == hi:
                period = f"{month[lo.month]} {lo.year}"
            elif lo.year == hi.year:
                period = f"{month[lo.month]}–{month[hi.month]} {hi.year}"
            else:
                period = f"{month[lo.month]} {lo.year}–{month[hi.month]} {hi.year}"
        out[s] = " · ".join(p for p in (", ".join(names) or "Untitled", period) if p)
    return out


def test_random_frames_follow_the_rules() -> None:
    rng = random.Random(7)
    days = [date(2024, 3, 1) + timedelta(days=rng.randrange(0, 500)) for _ in range(20)]
    for _ in range(30):
        articles = {
            f"a{i}": (
                rng.choice(["s1", "s2", "s3", "s4", None]),
                rng.choice([*days, None, None, EPOCH]),
            )
            for i in range(rng.randrange(1, 25))
        }
        ids = list(articles)
        entities = ["PER:ana", "PER:bo", "LOC:cy", "ORG:dee", "LOC:eve"]
        mentions = [
            (rng.choice(ids), rng.choice(entities), rng.choice(["PER", "LOC", "ORG"]))
            for _ in range(rng.randrange(0, 60))
        ]
        values = [f"--{m:02d}-03" for m in range(1, 13)] + [f"--{m:02d}" for m in (1, 6, 12)]
        values += ["2024-09-14", "2024-12", "2025-02-28", "2025-04", "2025", "2025-W03", "2023-12"]
        # each article's dates in one block, so "first seen" cannot depend on join order
        dates = [(a, rng.choice(values)) for a in ids for _ in range(rng.randrange(0, 4))]
        assert labels(articles, mentions, dates) == reference(articles, mentions, dates)


def test_an_undated_story_is_dated_by_the_bulk_of_what_it_mentions() -> None:
    # reports on a pipeline of 2017-2019 recall its first plan (1994) and a deadline (2023)
    arts, _, _ = frames({f"a{k}": ("s", None) for k in range(4)})
    said = [("a0", "1994-12-01"), ("a3", "2023-01")]
    said += [(f"a{k}", f"201{7 + k % 3}-0{1 + k}-15") for k in range(4) for _ in range(5)]
    _, ments, dts = frames({}, [("a0", "ORG:pipe", "ORG")], said)
    # 22 dated mentions: 1994 and 2023 hold one each, under a tenth at either end
    assert label_stories(arts, ments, dts) == {"s": "Pipe · Jan 2017–Mar 2019"}
    # a month mentioned as often as the rest is part of the period, however far
    _, _, few = frames({}, [], [("a0", "1994-12-01"), ("a1", "2018-03-02"), ("a2", "2018-04")])
    assert label_stories(arts, ments, few) == {"s": "Pipe · Dec 1994–Apr 2018"}


def test_random_undated_stories_follow_the_period_rule() -> None:
    # many dated mentions a story and no publication dates: the tails are cut in most of them
    rng = random.Random(11)
    values = ["1994-12-01", "2017-01", "2017-01-20", "2018-02", "2018-06-30", "2019-03", "2023-01"]
    cut = 0
    for _ in range(40):
        articles = {f"a{i}": (rng.choice(["s1", "s2", "s3"]), None) for i in range(12)}
        mentions = [(a, "ORG:pipe", "ORG") for a in articles]
        weights = [rng.randrange(0, 12) for _ in values]
        dates = [
            (a, v) for a in articles for v in rng.choices(values, weights, k=rng.randrange(0, 8))
        ]
        got = labels(articles, mentions, dates)
        assert got == reference(articles, mentions, dates)
        ends = {s: {v[:4] for a, v in dates if articles[a][0] == s} for s in got}
        cut += sum(
            min(ends[s]) not in p or max(ends[s]) not in p for s, p in got.items() if ends[s]
        )
    assert cut > 10  # the rule was at work, not only the full range
