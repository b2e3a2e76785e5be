"""HTML for reading views: paragraphs with boilerplate dimmed, entity highlights, metadata;
and the one rule for showing untrusted text (titles, outlets, URLs, article text, URL query
values) anywhere: `escape` for HTML, `md_text` for Streamlit Markdown (st.markdown, st.caption,
st.warning...), `safe_url` and `link_html` for links, `plot_text` for plotly labels and hover.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import polars as pl

from dashboard.spans import ByStart
from dashboard.views.filters import language_name

STYLE = """
<style>
.np-para{margin:0 0 .8em 0;line-height:1.55;font-size:1rem}
.np-boiler{opacity:.45;font-size:.85rem;font-style:italic}
.np-tag{display:inline-block;font-size:.72rem;color:#555;background:#f1f3f5;border-radius:4px;
 padding:0 .35em;margin-right:.4em;font-style:normal}
.np-meta{font-size:.9rem;color:#333}.np-meta b{color:#000}
.np-inf{color:#a61e4d;font-size:.8rem}
mark.np-ent{padding:0 .15em;border-radius:3px}
</style>
"""

# actors (charts and highlighted text): a wider, still readable palette so few actors share a colour (stable by id)
ACTOR_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
    "#a55194",
)


def escape(text: str | None) -> str:
    """Untrusted text made safe for HTML; `$` kept from turning into Markdown math."""
    return html.escape(text or "").replace("$", "&#36;")


# An invisible word joiner where Streamlit's Markdown (remark-gfm, emoji, icons) would start
# an auto-link: "http:", "www.", an e-mail's "@", ":name:" shortcodes. Backslashes cannot do it:
# remark-gfm links the text after escapes are resolved, and keeps them inside the link.
_AUTOLINK = re.compile(
    r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=@)|(?<=:)(?=[\w/+-])"
)
_JOINER = "\u2060"
# Markdown that acts anywhere in a line: emphasis, code, links and images, HTML and
# entities, math, strikethrough, tables, Streamlit's :colour[...] directives
_INLINE = re.compile(r"([\\`*_\[\]<>&$~|!#])")
# ...and at the start of a line: headings, quotes, lists, setext underlines, ordered lists
_LINE_START = re.compile(r"(?m)^([ \t]*)(?:([-+=])|(\d+)([.)]))")


def md_text(text: object) -> str:
    """Untrusted text made inert for Streamlit Markdown: shown as written, never an image,
    link, auto-link, math, HTML, emoji shortcode or formatting."""
    out = _AUTOLINK.sub(_JOINER, "" if text is None else str(text))
    out = _INLINE.sub(r"\\\1", out)
    return _LINE_START.sub(lambda m: m[1] + (f"\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}"), out)


def safe_url(url: str | None) -> str | None:
    """The URL when it is an http(s) address (percent-encoded where it must be), else None:
    `javascript:`, `data:` and relative addresses never become links."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(urlunsplit(parts), safe=":/?#[]@!$&'()*+,;=%~")


def link_html(label: str | None, url: str | None) -> str:
    """An HTML link opening an http(s) URL in a new tab; any other address is shown as text."""
    href = safe_url(url)
    text = escape(label if label is not None else url)
    if href is None:
        return text
    return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">{text}</a>'


# plotly decodes these entities (and numeric ones) back to the character it shows
_PLOT_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("$", "&#36;"))


def plot_text(text: object) -> str:
    """Untrusted text made inert for plotly labels, legends and hover text (plotly draws a
    subset of HTML, `<a href>` included, and typesets `$...$` when MathJax is around)."""
    out = "" if text is None else str(text)
    for char, entity in _PLOT_ENTITIES:
        out = out.replace(char, entity)
    return out


def plot_text_expr(column: pl.Expr) -> pl.Expr:
    """`plot_text` as a polars expression, for hover text of many points."""
    for char, entity in _PLOT_ENTITIES:
        column = column.str.replace_all(char, entity, literal=True)
    return column


def highlight(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Escape `text` and wrap spans (start, end, colour, title) in <mark>; overlaps are skipped."""
    out: list[str] = []
    pos = 0
    for start, end, colour, title in sorted(spans):
        if start < pos or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        out.append(
            f'<mark class="np-ent" style="background:{colour}33;border-bottom:2px solid {colour}" '
            f'title="{escape(title)}">{escape(text[start:end])}</mark>'
        )
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _spans_in(
    spans: ByStart[tuple[int, int, str, str]], start: int, end: int
) -> list[tuple[int, int, str, str]]:
    """The highlights inside text[start:end], their offsets from `start`."""
    return [(s - start, e - start, c, t) for s, e, c, t in spans.within(start, end)]


def article_html(
    text: str,
    paragraphs: pl.DataFrame,
    spans: list[tuple[int, int, str, str]] | None = None,
    *,
    focus: int | None = None,
    translated: bool = False,
) -> str:
    """The article paragraph by paragraph; boilerplate dimmed and labelled, not hidden; the
    focused paragraph marked; translations instead of originals where asked and available."""
    parts = [STYLE]
    by_start = ByStart(spans or [])
    for p in paragraphs.iter_rows(named=True):
        body = highlight(text[p["start"] : p["end"]], _spans_in(by_start, p["start"], p["end"]))
        if translated and p.get("translation"):
            body = f'<span class="np-tag">translated</span>{escape(p["translation"])}'
        if focus is not None and p["para_no"] == focus:
            body = f'<span style="background:#fff3bf;display:block">{body}</span>'
        if p["boilerplate"]:
            reason = escape(p.get("boilerplate_reason") or "boilerplate")
            parts.append(
                f'<p class="np-para np-boiler" id="p{p["para_no"]}">'
                f'<span class="np-tag">{reason}</span>{body}</p>'
            )
        else:
            parts.append(f'<p class="np-para" id="p{p["para_no"]}">{body}</p>')
    return "".join(parts)


def metadata_html(article: dict[str, Any]) -> str:
    """Outlet, date, language, URL with how each inferred value was obtained."""
    prov = article.get("provenance") or {}

    def how(field: str) -> str:
        value = prov.get(field)
        if value in (None, "column", "header", "sidecar", "html-meta", "feed"):
            return ""
        return f' <span class="np-inf">({escape(value)})</span>'

    lang = article.get("language")
    rows = [
        ("Outlet", escape(article.get("source") or "unknown") + how("source")),
        ("Published", escape(str(article.get("published") or "unknown")) + how("published")),
        (
            "Language",
            escape(
                f"{language_name(lang)} ({lang}, {article.get('language_score') or 0:.2f})"
                if lang
                else "unknown"
            )
            + how("language"),
        ),
        ("Title", escape(article.get("title") or "") + how("title")),
        ("From", escape(article.get("origin") or "")),
    ]
    if article.get("url"):
        rows.append(("URL", link_html(article["url"], article["url"])))
    cells = "".join(f"<div><b>{k}</b>: {v}</div>" for k, v in rows)
    return STYLE + f'<div class="np-meta">{cells}</div>'


def entity_colour(entity_id: str | None) -> str:
    """One colour per actor, the same in every view and session."""
    import hashlib

    if not entity_id:
        return "#868e96"
    digest = hashlib.blake2b(entity_id.encode(), digest_size=4).digest()
    return ACTOR_PALETTE[int.from_bytes(digest, "big") % len(ACTOR_PALETTE)]


# what a mention's type means, for the tooltip over a highlighted name
_TYPE_WORDS = {"PER": "person", "ORG": "organisation", "LOC": "place", "GPE": "place"}


def mention_title(entity_type: str | None, entity_id: str | None, names: dict[str, str]) -> str:
    """The tooltip over a highlighted name: "person: Brett Kavanaugh", never an internal id
    such as PER:kavanauh (the id's own words when the actor has no label)."""
    kind = _TYPE_WORDS.get(entity_type or "", (entity_type or "name").lower())
    label = names.get(entity_id or "") or (entity_id or "").split(":", 1)[-1] or "unlinked"
    return f"{kind}: {label}"


def mention_spans(
    mentions: pl.DataFrame, names: dict[str, str] | None = None
) -> list[tuple[int, int, str, str]]:
    """Highlight spans for an article's mentions: (start, end, colour, tooltip); `names`:
    actor labels by entity id, for the tooltips."""
    if mentions.height == 0:
        return []
    return [
        (
            m["start"],
            m["end"],
            entity_colour(m["entity_id"]),
            mention_title(m["type"], m["entity_id"], names or {}),
        )
        for m in mentions.iter_rows(named=True)
    ]


def translated_spans(translation: str, names: dict[str, str]) -> list[tuple[int, int, str, str]]:
    """Spans in a translation where an actor's display label (or its last word) appears."""
    return _LabelFinder(names).spans(translation)


_TOKEN = re.compile(r"\w+")


class _LabelFinder:
    """translated_spans for many paragraphs of one article: each label (or its last word) is
    looked for only in a paragraph holding its first word as a whole word, which every match of
    rf"\b{word}\b" needs (a long article names thousands of actors)."""

    def __init__(self, names: dict[str, str]) -> None:
        self.by_first: dict[str | None, list[tuple[re.Pattern[str], str, str]]] = {}
        for entity_id, label in names.items():
            words = [label, label.split()[-1]] if " " in label else [label]
            for word in words:
                if len(word) < 3:
                    continue
                first = _TOKEN.match(word)  # None: a word not opening with a letter, always tried
                self.by_first.setdefault(first.group() if first else None, []).append(
                    (re.compile(rf"\b{re.escape(word)}\b"), entity_colour(entity_id), label)
                )

    def spans(self, translation: str) -> list[tuple[int, int, str, str]]:
        tokens = set(_TOKEN.findall(translation))
        found: list[tuple[int, int, str, str]] = []
        for token in (*tokens, None):
            for pattern, colour, label in self.by_first.get(token, ()):
                found += [
                    (m.start(), m.end(), colour, label) for m in pattern.finditer(translation)
                ]
        return sorted(found)


def translation_note(manifest: dict[str, Any], paragraphs: pl.DataFrame) -> str:
    """One plain sentence when this article has no translation, saying why."""
    if paragraphs["translation"].is_not_null().any():
        return ""
    info = manifest.get("translation") or {}
    why = info.get("unavailable_reason")
    if why:
        return f"Translation unavailable: {why} The original is shown."
    if not info:
        return "Not translated yet (no provider used): the original is shown. Open Translation to translate."
    return "This article has no translated paragraph; the original is shown."


def side_by_side_html(
    text: str,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    labels: dict[str, str] | None = None,
) -> str:
    """Original | translation rows, aligned paragraph by paragraph, with flags and highlights.
    Without any translation only the original is drawn (the page says once why): no column of
    repeated placeholders; a paragraph left untranslated in a translated article shows a dash
    whose tooltip says why."""
    names = labels or {}
    spans = mention_spans(mentions, names)
    any_translation = paragraphs["translation"].is_not_null().any()
    columns = "1fr 1fr" if any_translation else "1fr"
    rows = [
        STYLE,
        f"<style>.np-sbs{{display:grid;grid-template-columns:{columns};gap:.4em 1.6em}}"
        ".np-sbs .np-h{font-weight:600;border-bottom:1px solid #dee2e6;padding-bottom:.2em}"
        ".np-missing{color:#868e96;font-style:italic}</style>",
        '<div class="np-sbs"><div class="np-h">Original</div>'
        + ('<div class="np-h">Translation</div>' if any_translation else ""),
    ]
    by_start = ByStart(spans)
    labels_in = _LabelFinder(names)
    for p in paragraphs.iter_rows(named=True):
        local = _spans_in(by_start, p["start"], p["end"])
        cls = "np-para np-boiler" if p["boilerplate"] else "np-para"
        tags = [p.get("language") or "?"]
        if p.get("translator"):
            tags.append(p["translator"])
        tags += list(p.get("quality") or [])
        tag_html = "".join(f'<span class="np-tag">{escape(t)}</span>' for t in tags)
        original = highlight(text[p["start"] : p["end"]], local)
        rows.append(f'<div class="{cls}" id="o{p["para_no"]}">{tag_html}{original}</div>')
        if not any_translation:
            continue
        if p.get("translation"):
            right = highlight(p["translation"], labels_in.spans(p["translation"]))
        else:
            reason = p.get("translation_status") or "not translated"
            right = f'<span class="np-missing" title="{escape(reason)}">—</span>'
        rows.append(f'<div class="{cls}" id="t{p["para_no"]}">{right}</div>')
    rows.append("</div>")
    return "".join(rows)


def versus_html(
    rows: pl.DataFrame,
    picked: list[str],
    paragraphs: pl.DataFrame,
    texts: dict[str, str],
    mentions: pl.DataFrame,
    headings: dict[str, str],
    translated: bool,
    names: dict[str, str] | None = None,
) -> str:
    """A grid with one column per article; aligned paragraphs share a row, the rest are marked
    as unique to their article. The same actor has the same colour in every column; `names`:
    actor labels for the tooltips."""
    by_para = {(p["article_id"], p["para_no"]): p for p in paragraphs.iter_rows(named=True)}
    spans: dict[str, list[tuple[int, int, str, str]]] = {}
    for m in mentions.iter_rows(named=True):
        spans.setdefault(m["article_id"], []).append(
            (
                m["start"],
                m["end"],
                entity_colour(m["entity_id"]),
                mention_title(m["type"], m["entity_id"], names or {}),
            )
        )
    n = len(picked)
    out = [
        STYLE,
        f"<style>.np-vs{{display:grid;grid-template-columns:repeat({n},1fr);gap:.5em 1.4em}}"
        ".np-vs .np-h{font-weight:600;border-bottom:1px solid #dee2e6}"
        ".np-unique{border-left:3px solid #f08c00;padding-left:.5em}"
        ".np-score{font-size:.72rem;color:#2f9e44}</style>",
        '<div class="np-vs">',
    ]
    out += [f'<div class="np-h">{escape(headings.get(a, a))}</div>' for a in picked]
    for _, group in rows.group_by("row", maintain_order=True):
        cells = {r["article_id"]: r for r in group.iter_rows(named=True)}
        unique = len(cells) == 1
        for a in picked:
            r = cells.get(a)
            if r is None:
                out.append("<div></div>")
                continue
            p = by_para[(a, r["para_no"])]
            if translated and p.get("translation"):
                body = escape(p["translation"])
            else:
                local = [
                    (s - p["start"], e - p["start"], c, t)
                    for s, e, c, t in spans.get(a, [])
                    if s >= p["start"] and e <= p["end"]
                ]
                body = highlight(texts[a][p["start"] : p["end"]], local)
            if unique:
                out.append(
                    '<div class="np-para np-unique"><span class="np-tag" title="no other chosen '
                    f'article has this paragraph">only here</span>{body}</div>'
                )
            else:
                score = (
                    f'<span class="np-score" title="how closely it matches the first '
                    f"article's paragraph, 0 to 1\">aligned {r['score']:.2f}</span> "
                    if r["score"] is not None
                    else ""
                )
                out.append(f'<div class="np-para">{score}{body}</div>')
    out.append("</div>")
    return "".join(out)
