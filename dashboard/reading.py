"""HTML for reading views: paragraphs with boilerplate dimmed, entity highlights, metadata.

Every piece of article text goes through `escape`: it is untrusted, and `$` must not become math.
"""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from dashboard.filters import language_name

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


def escape(text: str | None) -> str:
    """Untrusted text made safe for HTML; `$` kept from turning into Markdown math."""
    return html.escape(text or "").replace("$", "&#36;")


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


def article_html(
    text: str, paragraphs: pl.DataFrame, spans: list[tuple[int, int, str, str]] | None = None
) -> str:
    """The article paragraph by paragraph; boilerplate dimmed and labelled, not hidden."""
    parts = [STYLE]
    for p in paragraphs.iter_rows(named=True):
        local = [
            (s - p["start"], e - p["start"], c, t)
            for s, e, c, t in (spans or [])
            if s >= p["start"] and e <= p["end"]
        ]
        body = highlight(text[p["start"] : p["end"]], local)
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
            escape(f"{language_name(lang)} ({lang}, {article.get('language_score') or 0:.2f})"
                   if lang else "unknown") + how("language"),
        ),
        ("Title", escape(article.get("title") or "") + how("title")),
        ("From", escape(article.get("origin") or "")),
    ]
    if article.get("url"):
        url = escape(article["url"])
        rows.append(("URL", f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>'))
    cells = "".join(f"<div><b>{k}</b>: {v}</div>" for k, v in rows)
    return STYLE + f'<div class="np-meta">{cells}</div>'
