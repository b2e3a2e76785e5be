"""Score the entity pipeline against annotated news the BSNLP way (SlavicNER) and on RONEC.

SlavicNER (document level, case-insensitive): relaxed exact and relaxed partial recognition,
type accuracy (EVT/PRO count as MISC) and cross-lingual linking (B-cubed over system mentions
matched to gold ones), per language and overall. RONEC: Romanian mention F1 (PERSON, GPE, LOC,
ORG) over token spans. Nothing here feeds the extractor; the data is read by path.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import polars as pl

from dashboard.evaluation.benchdata import SlavicNER, load_ronec, load_slavicner
from dashboard.lang.translit import fold, to_latin
from dashboard.steps.linking import link
from dashboard.steps.mentions import extract_mentions

_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "EVT": "MISC", "PRO": "MISC"}
_RONEC = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}


def paragraphs_of(articles: pl.DataFrame) -> pl.DataFrame:
    """Paragraph spans split at blank lines (for corpora that come without them)."""
    rows = []
    for aid, text in articles.select("article_id", "text").iter_rows():
        for no, m in enumerate(re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text or "")):
            rows.append({"article_id": aid, "para_no": no, "start": m.start(), "end": m.end()})
    return pl.DataFrame(
        rows,
        schema={"article_id": pl.String, "para_no": pl.Int32, "start": pl.Int32, "end": pl.Int32},
    ).with_columns(boilerplate=pl.lit(False))


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _bcubed(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of (gold cluster, system cluster) per item."""
    if not pairs:
        return 0.0, 0.0, 0.0
    by_gold: dict[str, list[int]] = defaultdict(list)
    by_sys: dict[str, list[int]] = defaultdict(list)
    for i, (g, s) in enumerate(pairs):
        by_gold[g].append(i)
        by_sys[s].append(i)
    cell: dict[tuple[str, str], int] = defaultdict(int)
    for g, s in pairs:
        cell[(g, s)] += 1
    p = sum(cell[(g, s)] / len(by_sys[s]) for g, s in pairs) / len(pairs)
    r = sum(cell[(g, s)] / len(by_gold[g]) for g, s in pairs) / len(pairs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _score_slavicner(gold: pl.DataFrame, mentions: pl.DataFrame) -> dict:
    """Counts per language for recognition, typing and linking."""
    stats: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    link_pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    confusion: dict[tuple[str, str], int] = defaultdict(int)  # (gold type, system type)
    sys_by_doc: dict[str, list[tuple[int, int, str, str, str]]] = defaultdict(list)
    for doc, s, e, text, typ, eid in mentions.select(
        "article_id", "start", "end", "text", "type", "entity_id"
    ).iter_rows():
        sys_by_doc[doc].append((s, e, text.lower(), typ, eid))
    for (doc, lang), g in gold.group_by(["doc", "lang"]):
        st = stats[lang]
        sysm = sys_by_doc.get(doc, [])
        gold_rows = g.select("start", "end", "mention", "type", "cross_id").rows()
        gold_forms = {m.lower() for _, _, m, _, _ in gold_rows}
        entities: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for s, e, m, _, cid in gold_rows:
            entities[cid].append((s, e, m.lower()))
        sys_forms = {t for _, _, t, _, _ in sysm}
        st["gold"] += len(entities)
        st["sys"] += len(sys_forms)
        st["exact_found"] += sum(any(m in sys_forms for _, _, m in ms) for ms in entities.values())
        st["exact_correct"] += len(sys_forms & gold_forms)
        overl = {
            t for s, e, t, _, _ in sysm if any(s < ge and gs < e for gs, ge, _, _, _ in gold_rows)
        }
        st["partial_correct"] += len(overl)
        st["partial_found"] += sum(
            any(s < ge and gs < e for gs, ge, _ in ms for s, e, _, _, _ in sysm)
            for ms in entities.values()
        )
        # typing and linking over system mentions matched (overlap) to a gold mention
        for s, e, _, typ, eid in sysm:
            hit = next((r for r in gold_rows if s < r[1] and r[0] < e), None)
            if hit is None:
                continue
            st["typed"] += 1
            st["type_ok"] += int(_TYPES.get(hit[3], "MISC") == typ)
            confusion[(_TYPES.get(hit[3], "MISC"), typ)] += 1
            link_pairs[lang].append((hit[4], eid))
    return {"stats": stats, "pairs": link_pairs, "confusion": confusion}


def _confusion(scored: dict) -> pl.DataFrame:
    """Gold type (rows) by system type (columns) over the system mentions matched to gold,
    with each gold type's share typed right: where type accuracy is lost."""
    confusion: dict[tuple[str, str], int] = scored["confusion"]
    system = sorted({s for _, s in confusion} | set(_TYPES.values()))
    rows = []
    for gold in sorted(set(_TYPES.values())):
        counts = {s: confusion.get((gold, s), 0) for s in system}
        total = sum(counts.values())
        rows.append({"gold": gold, **counts, "right": counts[gold] / total if total else 0.0})
    return pl.DataFrame(rows)


def _most(counts: Counter[str]) -> str:
    """The most frequent value, ties to the smallest: the same answer every run."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _multilingual(scored: dict) -> pl.DataFrame:
    """One actor in every language: of the gold actors written in two or more languages, the
    share whose mentions take one system id in all of them (each language's most frequent id),
    and the share of language pairs that agree; per gold type and for all."""
    per: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for lang, pairs in scored["pairs"].items():
        for gold, system in pairs:
            per[gold][lang][system] += 1
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # actors, merged, pairs, agree
    for gold, langs in per.items():
        if len(langs) < 2:
            continue
        tops = [_most(c) for c in langs.values()]
        pairs = [(a, b) for i, a in enumerate(tops) for b in tops[i + 1 :]]
        for key in (_TYPES.get(gold.split("-", 1)[0], gold.split("-", 1)[0]), "all"):
            row = counts[key]
            row[0] += 1
            row[1] += len(set(tops)) == 1
            row[2] += len(pairs)
            row[3] += sum(a == b for a, b in pairs)
    return pl.DataFrame(
        [
            {
                "gold_type": key,
                "multilingual_actors": n,
                "merged_share": merged / n,
                "language_pairs_agreeing": agree / pairs if pairs else 0.0,
            }
            for key, (n, merged, pairs, agree) in sorted(
                counts.items(), key=lambda kv: kv[0] == "all"
            )
        ],
        schema={
            "gold_type": pl.String,
            "multilingual_actors": pl.Int64,
            "merged_share": pl.Float64,
            "language_pairs_agreeing": pl.Float64,
        },
    )


def _labels(scored: dict, gold: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """The names the app shows: of the system actors matched to gold (each to the gold actor most
    of its matched mentions are), the share whose label is one of that actor's base forms (the
    nominative the annotators wrote, in any language, romanised or not; compared folded), per
    gold type and for all. An inflected label (Mohameda, Putina) or a part of the name is not."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for pairs in scored["pairs"].values():
        for cid, eid in pairs:
            votes[eid][cid] += 1
    bases: dict[str, set[str]] = defaultdict(set)
    for cid, base, lang in gold.select("cross_id", "base", "lang").unique().iter_rows():
        bases[cid] |= {base.lower(), fold(base, lang), fold(to_latin(base, lang), lang)}
    labels = dict(entities.select("entity_id", "label").iter_rows())
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for eid, cids in votes.items():
        cid = _most(cids)
        label = labels.get(eid)
        if label is None:
            continue
        ok = label.lower() in bases[cid] or fold(label) in bases[cid]
        for key in (_TYPES.get(cid.split("-", 1)[0], cid.split("-", 1)[0]), "all"):
            counts[key][0] += 1
            counts[key][1] += ok
    return pl.DataFrame(
        [
            {"gold_type": key, "actors": n, "label_is_base_form": ok / n}
            for key, (n, ok) in sorted(counts.items(), key=lambda kv: (kv[0] == "all", kv[0]))
        ],
        schema={"gold_type": pl.String, "actors": pl.Int64, "label_is_base_form": pl.Float64},
    )


LOSSES_FILE = "eval_entities_losses.tsv"


def _losses(scored: dict, linked: pl.DataFrame) -> pl.DataFrame:
    """Where cross-lingual B-cubed is lost, one row per gold actor or system id that loses any:
    `side` "split" (a gold actor's mentions under several ids: recall) or "mixed" (an id holding
    several gold actors: precision), the share of all scored mentions lost there, and each id's
    or actor's count with the forms written (the file a developer reads to find the next class
    of errors)."""
    pairs = [p for lang in sorted(scored["pairs"]) for p in scored["pairs"][lang]]
    if not pairs:
        return pl.DataFrame(
            schema={"side": pl.String, "name": pl.String, "lost": pl.Float64, "mentions": pl.Int64,
                    "parts": pl.String}
        )  # fmt: skip
    cell = Counter(pairs)
    by_gold = Counter(g for g, _ in pairs)
    by_sys = Counter(s for _, s in pairs)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for eid, text, lang in linked.select("entity_id", "text", "language").iter_rows():
        forms[eid][f"{text} ({lang})"] += 1
    rows = []
    for side, sizes, key in (("split", by_gold, 0), ("mixed", by_sys, 1)):
        lost: dict[str, float] = defaultdict(float)
        parts: dict[str, Counter[str]] = defaultdict(Counter)
        for pair, n in cell.items():
            lost[pair[key]] += n * (1 - n / sizes[pair[key]])
            parts[pair[key]][pair[1 - key]] += n
        for name, amount in lost.items():
            if amount <= 0:
                continue
            described = []
            for part, n in parts[name].most_common(6):
                seen = (
                    ", ".join(f for f, _ in forms[part].most_common(3)) if side == "split" else ""
                )
                described.append(f"{part} {n}" + (f" [{seen}]" if seen else ""))
            rows.append((side, name, amount / len(pairs), sizes[name], "; ".join(described)))
    table = pl.DataFrame(rows, schema=["side", "name", "lost", "mentions", "parts"], orient="row")
    return table.sort("lost", descending=True)


def _table(scored: dict) -> pl.DataFrame:
    rows = []
    langs = sorted(scored["stats"])
    all_pairs = [p for lang in langs for p in scored["pairs"][lang]]
    total: dict[str, int] = defaultdict(int)
    for lang in langs:
        for k, v in scored["stats"][lang].items():
            total[k] += v
    for name, st, pairs in [
        *((lang, scored["stats"][lang], scored["pairs"][lang]) for lang in langs),
        ("all", total, all_pairs),
    ]:
        ep, er, ef = _prf(st["exact_correct"], st["sys"], st["exact_found"], st["gold"])
        pp, pr, pf = _prf(st["partial_correct"], st["sys"], st["partial_found"], st["gold"])
        bp, br, bf = _bcubed(pairs)
        rows.append(
            {
                "language": name,
                "exact_p": ep, "exact_r": er, "exact_f1": ef,
                "partial_p": pp, "partial_r": pr, "partial_f1": pf,
                "link_p": bp, "link_r": br, "link_f1": bf,
                "type_acc": st["type_ok"] / st["typed"] if st["typed"] else 0.0,
                "gold_entities": st["gold"], "system_forms": st["sys"],
            }
        )  # fmt: skip
    return pl.DataFrame(rows)


def _topics(data: SlavicNER, linked: pl.DataFrame) -> pl.DataFrame:
    """The overall row per topic (each topic scored on its own documents and links)."""
    rows = []
    for topic in data.docs["topic"].unique(maintain_order=True).to_list():
        prefix = f"{topic}/"
        table = _table(
            _score_slavicner(
                data.gold.filter(pl.col("topic") == topic),
                linked.filter(pl.col("article_id").str.starts_with(prefix)),
            )
        )
        rows.append(table.filter(pl.col("language") == "all").with_columns(language=pl.lit(topic)))
    return pl.concat(rows).rename({"language": "topic"})


def _ronec(root: Path | None) -> pl.DataFrame:
    """Romanian mention F1 over token spans: span only and span + type."""
    sentences = load_ronec(root)
    arts: list[dict[str, str]] = []
    gold_spans: dict[str, set[tuple[int, int, str]]] = {}
    other_spans: dict[str, set[tuple[int, int]]] = {}  # entities of kinds RONEC scores apart
    for i, sent in enumerate(sentences):
        text, offsets = "", []
        for tok, space in zip(
            sent["tokens"], sent.get("space_after") or [True] * len(sent["tokens"]), strict=False
        ):
            offsets.append((len(text), len(text) + len(tok)))
            text += tok + (" " if space else "")
        spans: set[tuple[int, int, str]] = set()
        cur: tuple[int, int, str] | None = None
        for (s, e), tag in zip(offsets, [*sent["ner_tags"]], strict=True):
            tag = str(tag)
            kind = tag[2:] if "-" in tag else ""
            if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != kind)):
                if cur:
                    spans.add(cur)
                cur = (s, e, kind)
            elif tag.startswith("I-") and cur:
                cur = (cur[0], e, kind)
            else:
                if cur:
                    spans.add(cur)
                cur = None
        if cur:
            spans.add(cur)
        gold_spans[str(i)] = {(s, e, _RONEC[k]) for s, e, k in spans if k in _RONEC}
        other_spans[str(i)] = {(s, e) for s, e, k in spans if k not in _RONEC}
        arts.append({"article_id": str(i), "text": text, "language": "ro"})
    articles = pl.DataFrame(arts)
    found = extract_mentions(articles, paragraphs_of(articles))
    sys_spans: dict[str, set] = defaultdict(set)
    for aid, s, e, typ in found.select("article_id", "start", "end", "type").iter_rows():
        if (s, e) not in other_spans[aid]:
            sys_spans[aid].add((s, e, typ))
    n_gold = sum(len(gold_spans[a["article_id"]]) for a in arts)
    n_sys = sum(len(v) for v in sys_spans.values())
    typed = sum(len(sys_spans[a] & gold_spans[a]) for a in sys_spans)
    untyped = sum(
        len({x[:2] for x in sys_spans[a]} & {x[:2] for x in gold_spans[a]}) for a in sys_spans
    )
    rows = []
    for name, tp in (("span", untyped), ("span+type", typed)):
        p, r, f = _prf(tp, n_sys, tp, n_gold)
        rows.append(
            {"measure": name, "precision": p, "recall": r, "f1": f, "gold": n_gold, "system": n_sys}
        )
    return pl.DataFrame(rows)


def evaluate(root: Path | None = None, *, limit: int | None = None) -> dict[str, pl.DataFrame]:
    """Run extraction and linking on the evaluation corpora and score them.

    Returns {"slavicner": per-language table, "slavicner_types": gold type by system type,
    "slavicner_multilingual": the share of actors written in several languages kept as one,
    "slavicner_labels": the share of actors named by a base form,
    "slavicner_topics": per-topic table, "ronec": table,
    "speed": articles per second of CPU time (after a warm-up on two articles per language)}.
    Raises NewsprismError when the data is absent.
    """
    data = load_slavicner(root, limit=limit)
    articles = data.docs.select(article_id="doc", text="text", language="lang")
    paragraphs = paragraphs_of(articles)
    # warm the gazetteer and every language's dictionary first: speed is the steady per-article
    # rate, as CPU time (the machine may be shared) of extraction plus linking
    warm = articles.group_by("language", maintain_order=True).head(2)
    link(
        extract_mentions(
            warm, paragraphs.filter(pl.col("article_id").is_in(warm["article_id"].to_list()))
        )
    )
    t0 = time.process_time()
    linked, entities = link(extract_mentions(articles, paragraphs))
    elapsed = time.process_time() - t0
    scored = _score_slavicner(data.gold, linked)
    out = {
        "slavicner": _table(scored),
        "slavicner_types": _confusion(scored),
        "slavicner_multilingual": _multilingual(scored),
        "slavicner_labels": _labels(scored, data.gold, entities),
        "slavicner_topics": _topics(data, linked),
        "slavicner_losses": _losses(scored, linked),
        "speed": pl.DataFrame({"articles": [articles.height], "seconds": [elapsed], "articles_per_s": [articles.height / elapsed if elapsed else 0.0]}),
    }  # fmt: skip
    out["ronec"] = _ronec(root)
    return out


def main() -> None:
    """Print the evaluation tables (exit 2 with a sentence when the data is absent)."""
    from dashboard.errors import NewsprismError

    try:
        result = evaluate()
    except NewsprismError as err:
        raise SystemExit(f"newsprism eval: {err}") from None
    losses = result.pop("slavicner_losses")
    losses.write_csv(LOSSES_FILE, separator="\t")
    with pl.Config(tbl_rows=50, tbl_cols=20, float_precision=3, tbl_width_chars=200):
        for name, table in result.items():
            print(f"\n{name}")
            print(table)
        print(
            f"\nwhere cross-lingual B-cubed is lost ({losses.height} rows written to "
            f"{LOSSES_FILE}; split: an actor under several ids, mixed: an id over several actors)"
        )
        with pl.Config(fmt_str_lengths=100):
            print(losses.head(15))


if __name__ == "__main__":
    main()
