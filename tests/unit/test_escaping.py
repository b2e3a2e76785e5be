"""The one escaping rule: untrusted text (titles, outlets, URLs, article text, URL query values)
shown through Streamlit Markdown, HTML links and plotly labels stays inert and reads as written."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from dashboard.views import charts, evidence, reading, timeline_chart
from dashboard.views.reading import link_html, md_text, plot_text, safe_url

BEACON = "![x](https://host.example/beacon)"
HOSTILE = [
    BEACON,
    "[click me](https://evil.example/phish)",
    "[ref]: https://evil.example",
    "price $x$ and $$y$$",
    '<a href="https://evil.example">a</a> <img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "see http://127.0.0.1:8501/x?a=1 or HTTPS://Evil.Example",
    "see www.evil.example today",
    "write to editor@evil.example",
    "`code` *bold* _it_ ~~gone~~ a|b &amp; &#x27;",
    "# heading\n- item\n+ item\n1. one\n2) two\n===\n> quote",
    ":red[alarm] :smile: :material/home:",
    "O'Brien \\*not bold\\*",
]

# the auto-link rules of remark-gfm as Streamlit ships them (StreamlitMarkdown.*.js)
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
# a Markdown backslash escape (CommonMark: any ASCII punctuation)
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """What a reader sees: escapes resolved, invisible word joiners gone."""
    return ESCAPED.sub(r"\1", markdown).replace("\u2060", "")


def bare(markdown: str, chars: str) -> list[str]:
    """Characters of `chars` left active, read as CommonMark reads backslash escapes."""
    return [c for c in ESCAPED.sub("", markdown) if c in chars]


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_reads_as_written(text: str) -> None:
    assert shown(md_text(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_leaves_no_markdown_active(text: str) -> None:
    out = md_text(text)
    assert bare(out, "![]<>&$`*_~|#\\") == []
    # remark-gfm links text after escapes are resolved: the joiner must survive in it
    visible = ESCAPED.sub(r"\1", out)
    assert not GFM_URL.search(visible)
    assert not GFM_EMAIL.search(visible)
    assert not re.search(r":[\w/+-]+:", visible), "emoji or icon shortcode"
    for line in out.splitlines():
        assert not re.match(r"\s*([-+=>#*]|\d+[.)])", line), line


def test_image_beacon_is_text() -> None:
    assert md_text(BEACON) == "\\!\\[x\\](https\u2060:\u2060//host.example/beacon)"


def test_math_dollars_are_escaped() -> None:
    assert md_text("$x$") == "\\$x\\$"


def test_escaped_urls_are_not_mangled() -> None:
    # the old escape put backslashes inside auto-links: http://127%5C.0%5C.0%5C.1
    out = md_text("http://127.0.0.1:8501/")
    assert "\\." not in out and "%5C" not in out
    assert shown(out) == "http://127.0.0.1:8501/"


def test_apostrophes_are_not_entities() -> None:
    # html.escape before Markdown escaping showed O&#x27;Brien
    assert shown(md_text("O'Brien")) == "O'Brien"
    assert "&#" not in md_text("O'Brien")


def test_none_and_numbers() -> None:
    assert md_text(None) == ""
    assert md_text(5) == "5"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(document.cookie)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        "/relative/path",
        "https://",
        "http://[broken",
        "",
        None,
    ],
)
def test_only_http_urls_are_links(url: str | None) -> None:
    assert safe_url(url) is None
    assert "<a" not in link_html("label", url)


def test_http_urls_are_links_percent_encoded() -> None:
    assert safe_url("HTTPS://ex.example/a b") == "https://ex.example/a%20b"
    out = link_html("t", 'https://ex.example/"><script>x</script>')
    assert out.startswith('<a href="https://ex.example/%22%3E%3Cscript%3Ex%3C/script%3E"')
    assert "<script>" not in out


def test_article_metadata_keeps_javascript_urls_as_text() -> None:
    out = reading.metadata_html({"url": "javascript:alert(1)", "title": BEACON})
    assert "href" not in out and "javascript:alert(1)" in out
    ok = reading.metadata_html({"url": "https://news.example/a"})
    assert 'href="https://news.example/a"' in ok


def test_plot_text_escapes_html_and_math() -> None:
    assert (
        plot_text('<a href="x">$x$</a> & co') == '&lt;a href="x"&gt;&#36;x&#36;&lt;/a&gt; &amp; co'
    )
    frame = pl.DataFrame({"t": ["<b>$1</b>", None]})
    assert frame.select(reading.plot_text_expr(pl.col("t")))["t"].to_list() == [
        "&lt;b&gt;&#36;1&lt;/b&gt;",
        None,
    ]


EVIL_OUTLET = '<a href="https://evil.example">Evil</a> $x$'
EVIL_LABEL = "<b>Maduro</b><img src=x>"


def _texts(fig) -> str:
    """Every string plotly would draw as pseudo-HTML: ticks, legend names, hover, text."""
    out = [str(fig.layout.title.text)]
    for axis in ("xaxis", "yaxis"):
        ticks = fig.layout[axis].ticktext
        out += [str(t) for t in ticks or ()]
    for trace in fig.data:
        out += [str(trace.name or ""), str(trace.hovertemplate or "")]
        for attr in ("hovertext", "text", "customdata"):
            value = getattr(trace, attr, None)
            if value is not None:
                out += [str(v) for v in pl.Series(list(value), strict=False).to_list()]
    return " ".join(out)


def _inert(fig) -> None:
    drawn = _texts(fig)
    assert "<a " not in drawn and "<img" not in drawn and "<b>Maduro" not in drawn
    assert "$x$" not in drawn


def test_outlet_chart_labels_are_inert_and_points_keep_the_outlet() -> None:
    frame = pl.DataFrame({"source": [EVIL_OUTLET, "ok.example"], "articles": [2, 1]}).with_columns(
        languages=pl.lit("sr")
    )
    fig = charts.by_outlet(frame, caption=f"outlets: {EVIL_OUTLET}")
    _inert(fig)
    # cut short for the axis, still inert; the hover keeps the whole name
    assert list(fig.layout.yaxis.ticktext) == [
        charts.short_label(plot_text(EVIL_OUTLET)),
        "ok.example",
    ]
    assert list(fig.data[0].hovertext) == [plot_text(EVIL_OUTLET), "ok.example"]
    # a selected bar still names the raw outlet, which is what the evidence rule filters on
    assert list(fig.data[0].y) == [EVIL_OUTLET, "ok.example"]
    _, expr = evidence.RULES["outlets"](None, None, {"y": fig.data[0].y[0]}, frame)  # type: ignore[arg-type]
    assert frame.filter(expr)["source"].to_list() == [EVIL_OUTLET]


def test_language_chart_hover_is_inert_and_keeps_the_code() -> None:
    frame = pl.DataFrame(
        {"language": ["<i>x</i>"], "language_name": [EVIL_OUTLET], "articles": [1]}
    )
    fig = charts.by_language(frame)
    _inert(fig)
    assert list(fig.data[0].customdata) == ["<i>x</i>"]  # what the evidence rule reads


def test_coverage_publication_timeline_and_date_labels_are_inert() -> None:
    cov = pl.DataFrame(
        {"source": [EVIL_OUTLET], "label": [EVIL_LABEL], "entity_id": ["e1"], "n_mentions": [3]}
    )
    heat = charts.coverage(cov)
    _inert(heat)
    assert list(heat.data[0].x) == [EVIL_LABEL] and list(heat.data[0].y) == [EVIL_OUTLET]

    pub = pl.DataFrame(
        {
            "article_id": ["<a href=x>id</a>"],
            "source": [EVIL_OUTLET],
            "published": [date(2025, 12, 1)],
            "published_inferred": [False],
            "language": ["<b>Maduro</b>"],
        }
    )
    _inert(charts.publication(pub))

    counts = pl.DataFrame(
        {
            "entity_id": ["e1"],
            "label": [EVIL_LABEL],
            "period": [date(2025, 12, 1)],
            "mentions": [2],
            "articles": [1],
            "example": [f"said {EVIL_OUTLET}"],
        }
    )
    dated = pl.DataFrame(
        {"day": [date(2025, 12, 2)], "mentions": [1], "articles": [1], "texts": [EVIL_OUTLET]}
    )
    tl = timeline_chart.timeline(counts, dated)
    _inert(tl)
    assert tl.data[0].customdata[0][0] == "e1"  # the entity id the evidence rule reads

    by_date = pl.DataFrame(
        {
            "published": [date(2025, 12, 1)],
            "language": [EVIL_LABEL],
            "articles": [1],
            "inferred": [0],
        }
    )
    _inert(charts.by_date(by_date))
