"""Paragraph alignment between anchors: the sentences with no name or number in them.

The feature pass (dashboard.steps.align) aligns paragraphs that share rare actors, dates, numbers or
translated words. Between two versions of one report (translations, wire copies, an edited
rewrite) most paragraphs carry none of those, yet they follow each other in the same order.
Within each pair of articles of about the same number of paragraphs whose anchors mostly keep
the order (the longest chain of anchors increasing on both sides holds ORDERED_SHARE of them: a
version, not a different report of the event), between two consecutive anchors of that chain
enclosing the same number of paragraphs on both sides, the paragraphs are paired in order when
their lengths agree as the anchors' lengths do (languages differ in length, a translation keeps
its ratio). Nothing is filled across a gap of unequal size, in a pair with too few anchors to
show the order, for a paragraph that has a partner in the other article already, or for two
paragraphs whose names, numbers and dates do not meet (one names someone the other does not).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import groupby

import polars as pl

from dashboard.lang import boilerplate
from dashboard.schema import conform

MIN_ANCHORS = 2  # a pair of articles needs this many anchors to show an order to fill
ORDERED_SHARE = 0.6  # anchors keeping the order: at least this share makes the pair a version
LENGTH_TOLERANCE = 0.5  # |ln(length ratio) - the anchors' median| for a filled pair
SAME_LENGTH = 0.25  # two versions' paragraph counts differ by at most this share
MAX_DEGREE = 20  # partners of a paragraph (align.TOP_K): filling never exceeds it


def _chain(ys: list[int]) -> list[int]:
    """Indices of a longest increasing run of ys (patience sorting): the anchors of a pair of
    articles, sorted by their paragraph in the first, that keep the order in the second (one
    partner per paragraph and article, so no two anchors share a paragraph)."""
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(ys)
    for k, y in enumerate(ys):
        pos = bisect_left(tails, y)
        if pos == len(tails):
            tails.append(y)
            tail_at.append(k)
        else:
            tails[pos] = y
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos > 0 else -1
    out = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(k)
        k = back[k]
    return out[::-1]


def fill(
    alignments: pl.DataFrame, paragraphs: pl.DataFrame, features: pl.DataFrame
) -> pl.DataFrame:
    """The alignments plus the paragraphs between anchors of versions paired in order (their
    score: the lower neighbouring anchor's, times how well their lengths agree). features:
    the paragraph features (features.paragraph_features): two paragraphs whose features do not
    meet at all (a name, a number on one side only) are not paired."""
    if alignments.is_empty():
        return alignments
    body = boilerplate.body(paragraphs)
    arts = pl.concat([alignments["article_a"], alignments["article_b"]]).unique().implode()
    body = body.filter(pl.col("article_id").is_in(arts)).sort("article_id", "para_no")
    order: dict[str, list[int]] = {}
    length: dict[tuple[str, int], int] = {}
    # a paragraph's place among its article's body paragraphs
    index: dict[tuple[str, int], int] = {}
    for aid, para, start, end in body.select("article_id", "para_no", "start", "end").iter_rows():
        index[(aid, para)] = len(order.setdefault(aid, []))
        order[aid].append(para)
        length[(aid, para)] = max(end - start, 1)
    said: dict[tuple[str, int], set[str]] = {}
    near = features.filter(pl.col("article_id").is_in(arts) & pl.col("feature").is_not_null())
    for aid, para, feature in near.select("article_id", "para_no", "feature").iter_rows():
        said.setdefault((aid, para), set()).add(feature)
    degree: dict[tuple[str, int], int] = {}
    for a, pa, b, pb in alignments.select("article_a", "para_a", "article_b", "para_b").iter_rows():
        degree[(a, pa)] = degree.get((a, pa), 0) + 1
        degree[(b, pb)] = degree.get((b, pb), 0) + 1
    rows = []
    cols = ["story_id", "article_a", "article_b", "para_a", "para_b", "score"]
    ordered = alignments.select(cols).sort("story_id", "article_a", "article_b", "para_a", "para_b")
    for (story, a, b), group in groupby(ordered.iter_rows(), key=lambda r: r[:3]):
        anchors = [(r[3], r[4], r[5]) for r in group]
        filled: list[tuple[int, int, float]] = []
        if len(anchors) >= MIN_ANCHORS and _versions(order.get(a, []), order.get(b, [])):
            chain = [anchors[k] for k in _chain([y for _, y, _ in anchors])]
            if len(chain) >= ORDERED_SHARE * len(anchors):
                taken = {x for x, _, _ in anchors}, {y for _, y, _ in anchors}
                filled = _between(a, b, chain, order, index, length, degree, taken, said)
        rows += [(story, a, x, b, y, round(s, 4)) for x, y, s in anchors + filled]
    frame = pl.DataFrame(
        rows,
        schema=["story_id", "article_a", "para_a", "article_b", "para_b", "score"],
        orient="row",
    )
    return conform(frame, "alignments").sort("story_id", "article_a", "para_a", "article_b")


def _versions(paras_a: list[int], paras_b: list[int]) -> bool:
    """Whether two articles are as long as two versions of one report (paragraph counts within
    SAME_LENGTH of each other): a short brief and a long feature are not filled in order."""
    short, long = sorted((len(paras_a), len(paras_b)))
    return long > 0 and short >= (1.0 - SAME_LENGTH) * long


def _between(
    a: str,
    b: str,
    chain: list[tuple[int, int, float]],
    order: dict[str, list[int]],
    index: dict[tuple[str, int], int],
    length: dict[tuple[str, int], int],
    degree: dict[tuple[str, int], int],
    taken: tuple[set[int], set[int]],
    said: dict[tuple[str, int], set[str]],
) -> list[tuple[int, int, float]]:
    """Pairs filled in order between consecutive anchors of a chain (and before the first and
    after the last), where both gaps hold as many paragraphs and the lengths agree."""
    paras_a, paras_b = order.get(a, []), order.get(b, [])
    points = [
        (index[(a, x)], index[(b, y)], s)
        for x, y, s in chain
        if (a, x) in index and (b, y) in index
    ]
    if len(points) < MIN_ANCHORS:
        return []
    ratios = sorted(
        math.log(length[(a, paras_a[i])] / length[(b, paras_b[j])]) for i, j, _ in points
    )
    typical = ratios[len(ratios) // 2]
    bounds = [(-1, -1, points[0][2]), *points, (len(paras_a), len(paras_b), points[-1][2])]
    out = []
    for (i1, j1, s1), (i2, j2, s2) in zip(bounds, bounds[1:], strict=False):
        if i2 - i1 != j2 - j1:
            continue
        for k in range(1, i2 - i1):
            x, y = paras_a[i1 + k], paras_b[j1 + k]
            if x in taken[0] or y in taken[1]:
                continue
            fa, fb = said.get((a, x), set()), said.get((b, y), set())
            if (fa or fb) and not fa & fb:
                continue
            if degree.get((a, x), 0) >= MAX_DEGREE or degree.get((b, y), 0) >= MAX_DEGREE:
                continue
            off = abs(math.log(length[(a, x)] / length[(b, y)]) - typical)
            if off > LENGTH_TOLERANCE:
                continue
            degree[(a, x)] = degree.get((a, x), 0) + 1
            degree[(b, y)] = degree.get((b, y), 0) + 1
            out.append((x, y, min(s1, s2) * (1.0 - off / (2 * LENGTH_TOLERANCE))))
    return out
