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
