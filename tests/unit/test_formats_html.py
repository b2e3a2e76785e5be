"""HTML fragments (feed summaries) to text: paragraphs kept, markup never leaks (the time of
crafted pages is measured by hand, not asserted: tests never assert wall time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest.formats import html_to_text
from dashboard.ingest.ingest import load


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>First <b>para</b>.</p><p>Second para.</p>", "First para.\n\nSecond para.\n\n"),
        ("One<br>two<br/>three", "One\ntwo\nthree"),
        ("<li>a</li><li>b</li>", "a\n\nb\n\n"),
        ("Tom &amp; Jerry &eacute;t&#233;", "Tom & Jerry été"),
        ("plain words", "plain words"),
        ("", ""),
        ("<p>Kept<!-- hidden note --> text</p>", "Kept text\n\n"),
        ('<p title="a>LEAK">x</p><img alt="ALT TEXT" src="a.png">y', "x\n\ny"),
        ("<script>var s = '<p>no</p>';</script><style>p{}</style>after", "after"),
        ("<title>Head</title><p>Body</p>", "Body\n\n"),
        ("<!-- only a comment -->", ""),
        ("<?xml version='1.0' encoding='iso-8859-1'?><p>é</p>", "é\n\n"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


CRAFTED = {
    "unclosed tags": "<p>x" + "<a" * 56_000,
    "unclosed scripts": "<script>" + "a<script>" * 12_000,
    "open comments": "<!--" * 28_000,
    "long attribute": '<p title="' + "LEAK" * 28_000,
    "nested divs": "<div>" * 22_000 + "deep",
    "many comments": "<p>kept</p>" + "<!-- LEAK -->" * 9_000,
}


@pytest.mark.parametrize("markup", CRAFTED.values(), ids=CRAFTED.keys())
def test_crafted_markup_converts_without_leaking(markup: str) -> None:
    # The regex version took 1-3.5 s on each of these ~110 KB pages (quadratic backtracking).
    text = html_to_text(markup)
    assert "LEAK" not in text and "<" not in text


def test_feed_summary_has_no_comment_or_attribute_text(tmp_path: Path) -> None:
    summary = (
        "&lt;p&gt;Talks in &lt;a href=&quot;https://x.org/LEAK&quot; title=&quot;LEAK&quot;&gt;"
        "Minsk&lt;/a&gt;.&lt;!-- LEAK --&gt;&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;"
    )
    (tmp_path / "feed.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Belta</title>'
        f"<item><guid>b-1</guid><description>{summary}</description></item></channel></rss>",
        encoding="utf-8",
    )
    result = load([tmp_path / "feed.rss"])
    assert result.articles["text"].to_list() == ["Talks in Minsk.\n\nSecond."]


SHORT_REPORT = [
    "The first paragraph says who met.",
    "The second paragraph says where.",
    "The third says when they meet again.",
]


def _short_page() -> str:
    """A short report in its site's page: under trafilatura's MIN_EXTRACTED_SIZE, so its main
    text comes back through the rescue that runs the <article>'s paragraphs into one line."""
    links = "".join(f"<li><a href='/n/{i}'>Another headline here</a></li>" for i in range(30))
    body = "".join(f"<p>{p}</p>" for p in SHORT_REPORT)
    return (
        "<html><head><title>Talks | Daily</title></head><body>"
        f"<nav><ul>{links}</ul></nav><article><h1>Talks resume</h1>"
        f"<div class='byline'>Staff reporter</div>{body}</article>"
        f"<footer><ul>{links}</ul></footer></body></html>"
    )


def test_a_short_reports_paragraphs_come_back_from_its_article(tmp_path: Path) -> None:
    import trafilatura

    page = _short_page()
    flat = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False).text
    assert "\n" not in flat.strip()  # what the rescue gives: one line
    (tmp_path / "short.html").write_text(page, encoding="utf-8")
    text = load([tmp_path]).articles["text"][0]
    paragraphs = text.split("\n\n")
    assert all(p in paragraphs for p in SHORT_REPORT), text
    assert text.split() == flat.split()  # the same words, only cut at the article's blocks


def test_a_one_line_text_no_article_holds_is_left_as_it_came() -> None:
    from dashboard.ingest.formats import _in_blocks

    page = _short_page()
    assert _in_blocks(page, "Words the page does not hold") == "Words the page does not hold"
    assert _in_blocks("<p>no article here</p>", "no article here") == "no article here"
    cut = _in_blocks(page, " ".join(["Talks resume", "Staff reporter", *SHORT_REPORT]))
    assert [p for p in cut.split("\n\n") if p] == ["Talks resume", "Staff reporter", *SHORT_REPORT]
