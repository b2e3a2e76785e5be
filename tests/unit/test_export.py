"""Export: charts as HTML/PNG/SVG, tables as CSV/Parquet, the CLI, and evidence behind points."""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import cli
from dashboard.errors import NewsprismError
from dashboard.ingest import ingest
from dashboard.steps import language, normalise
from dashboard.store import store
from dashboard.views import compare, export, sentences, views
from dashboard.views.filters import Filters

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# outlets and dates the seeds do not carry, so every filter and chart has something to show
OUTLETS = ["Danas", "Digi24", "Kathimerini", "russland.NEWS", "Hurriyet"]
DAYS = [date(2025, 12, 10), date(2025, 12, 11), date(2025, 12, 11), date(2019, 1, 24), None]
ACTORS = {
    "maduro": ("Maduro", r"\bMadur\w*|Μαδούρ\w*"),
    "putin": ("Putin", r"\bPutin\w*|Πούτιν\w*"),
    "lukashenko": ("Lukashenko", r"Lukaš\w*|Λουκασ\w*"),
}


def build_analysis(out: Path) -> Path:
    """The seeds through the finished steps (ingest, normalise, language), with hand-made
    outlets, dates, mentions of three actors and one story (until the pipeline is complete)."""
    arts = ingest.load([SEEDS]).articles.sort("article_id")
    paras = normalise.paragraphs(arts)
    arts = normalise.infer_titles(arts, paras)
    arts, paras = language.detect(arts, paras)
    arts = arts.with_columns(
        source=pl.Series(OUTLETS),
        published=pl.Series(DAYS[:4] + [arts["published"][4]], dtype=pl.Date),
        story_id=pl.lit("s1"),
    )
    rows = []
    for art in arts.iter_rows(named=True):
        spans = paras.filter(pl.col("article_id") == art["article_id"])
        for entity_id, (_, pattern) in ACTORS.items():
            for m in re.finditer(pattern, art["text"]):
                para = spans.filter((pl.col("start") <= m.start()) & (pl.col("end") >= m.end()))
                rows.append(
                    {
                        "article_id": art["article_id"],
                        "para_no": para["para_no"][0],
                        "start": m.start(),
                        "end": m.end(),
                        "text": m.group(),
                        "entity_id": entity_id,
                        "type": "PER",
                    }
                )
    mentions = pl.DataFrame(rows)
    n = mentions.group_by("entity_id").agg(
        n_mentions=pl.len(), n_articles=pl.col("article_id").n_unique()
    )
    entities = pl.DataFrame(
        {
            "entity_id": list(ACTORS),
            "label": [label for label, _ in ACTORS.values()],
            "type": ["PER"] * 3,
            "aliases": [["Madura", "Μαδούρο"], ["Πούτιν"], ["Lukašenko"]],
        }
    ).join(n, on="entity_id")
    first = arts.row(0, named=True)
    dates = pl.DataFrame(
        {
            "article_id": [first["article_id"]],
            "para_no": [0],
            "start": [0],
            "end": [6],
            "text": [first["text"][:6]],
            "value": ["2025-12-10"],
            "anchored": [False],
            "granularity": ["day"],
        }
    )
    stories = pl.DataFrame(
        {"story_id": ["s1"], "label": ["Russia and Belarus court Maduro"]}
    ).with_columns(article_ids=pl.lit(arts["article_id"].to_list()))
    store.write_analysis(
        out,
        {
            "articles": arts,
            "paragraphs": paras,
            "mentions": mentions,
            "entities": entities,
            "dates": dates,
            "stories": stories,
        },
        {"inputs": [str(SEEDS)]},
    )
    return out


@pytest.fixture(scope="module")
def analysis_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_analysis(tmp_path_factory.mktemp("export") / "analysis")


@pytest.fixture(scope="module")
def an(analysis_dir: Path) -> store.Analysis:
    return store.Analysis.open(analysis_dir)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


CHARTS = [name for name, v in views.VIEWS.items() if v.chart is not None]
TABLES_ONLY = [name for name, v in views.VIEWS.items() if v.chart is None]


def test_caption_names_filters_and_corpus(an):
    text = export.caption(an, Filters(languages=("sr",), actors=("maduro",)))
    assert "Serbian articles" in text
    assert "actor: Maduro" in text
    assert "corpus: 5 articles from seeds" in text


def test_html_is_self_contained_and_titled(an):
    fig, _, cap = export.view_figure(an, "languages", Filters())
    page = export.figure_html(fig, name="languages").decode("utf-8")
    assert "<title>Articles by language</title>" in page
    assert "corpus: 5 articles" in page
    # plotly.js is inlined: no script is fetched from anywhere
    assert not re.search(r"<script[^>]+src=", page)
    assert "cdn.plot.ly/plotly" not in page
    assert '"filename": "newsprism-languages"' in page


def test_png_has_signature_size_and_print_resolution(an):
    fig, _, _ = export.view_figure(an, "languages", Filters())
    data = export.figure_image(fig, "png")
    assert len(data) > 10_000
    assert png_size(data) == (export.WIDTH * 2, export.HEIGHT * 2)


def test_second_image_reuses_the_running_browser(an):
    fig, _, _ = export.view_figure(an, "outlets", Filters())
    export.figure_image(fig, "png")
    browser = export.RENDERER._kaleido
    assert browser is not None
    export.figure_image(fig, "svg")
    assert export.RENDERER._kaleido is browser


def test_svg_parses_and_carries_title_and_caption(an):
    fig, _, _ = export.view_figure(an, "published", Filters(languages=("sr", "ro")))
    text = svg_text(export.figure_image(fig, "svg"))
    assert "Articles by publication date" in text
    assert "Serbian and Romanian articles" in text


def test_missing_browser_is_an_analyst_error(an):
    fig, _, _ = export.view_figure(an, "languages", Filters())
    with pytest.raises(NewsprismError, match="needs Chromium.*HTML export works without it"):
        export.figure_image(fig, "png", renderer=export.Renderer(browser="/nonexistent/chrome"))


def test_csv_bom_caption_and_round_trip():
    frame = pl.DataFrame({"title": ["Ćao Μαδούρο", "=HYPERLINK(1)"], "n": [1, 2]})
    plain = export.table_csv(frame, "Serbian articles")
    assert plain.startswith(b"# Serbian articles\n")
    assert_frame_equal(pl.read_csv(io.BytesIO(plain), comment_prefix="#"), frame)
    sheet = export.table_csv(frame, "Serbian articles", bom=True)
    assert sheet.startswith("\ufeff# Serbian".encode())
    assert "'=HYPERLINK(1)" in sheet.decode("utf-8-sig")


def test_csv_flattens_lists_and_structs():
    frame = pl.DataFrame({"aliases": [["a", "b"]], "p": [{"title": "header"}]})
    text = export.table_csv(frame).decode()
    assert "a; b" in text
    assert '""title"":""header""' in text


def test_parquet_round_trip_keeps_caption(an):
    frame = views.VIEWS["articles"].frame(an, Filters())
    data = export.table_parquet(frame, "all languages")
    assert_frame_equal(pl.read_parquet(io.BytesIO(data)), frame)
    assert pl.read_parquet_metadata(io.BytesIO(data))["newsprism.caption"] == "all languages"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_view(capsys):
    code, out, _ = run(["export", "--list"], capsys)
    assert code == 0
    for name in views.VIEWS:
        assert re.search(rf"^{re.escape(name)}\s", out, re.M)


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("fmt", ["png", "svg", "html", "csv", "parquet"])
def test_cli_exports_every_chart(name, fmt, analysis_dir, tmp_path, capsys):
    out = tmp_path / f"{name}.{fmt}"
    code, _, err = run(
        ["export", str(analysis_dir), "--chart", name, "--format", fmt, "--out", str(out)], capsys
    )
    assert code == 0, err
    data = out.read_bytes()
    if fmt == "png":
        assert png_size(data) == (export.WIDTH * 2, export.HEIGHT * 2)
    elif fmt == "svg":
        assert views.VIEWS[name].title.split(":")[0] in svg_text(data)
    elif fmt == "html":
        assert b"<title>" in data and len(data) > 1_000_000
    elif fmt == "csv":
        # a plain table; its caption beside it
        assert not data.startswith(b"#") and pl.read_csv(io.BytesIO(data)).height > 0
        assert out.with_name(out.name + ".txt").read_text().startswith("all languages")
    else:
        assert_frame_equal(
            pl.read_parquet(io.BytesIO(data)),
            views.VIEWS[name].frame(store.Analysis.open(analysis_dir), Filters()),
        )


@pytest.mark.parametrize("name", TABLES_ONLY)
def test_cli_exports_tables_and_refuses_them_as_images(name, analysis_dir, tmp_path, capsys):
    out = tmp_path / f"{name}.csv"
    code, _, _ = run(["export", str(analysis_dir), "--chart", name, "--out", str(out)], capsys)
    assert code == 0 and not out.read_bytes().startswith(b"#")
    assert out.with_name(out.name + ".txt").read_text().startswith("all languages")
    code, _, err = run(
        ["export", str(analysis_dir), "--chart", name, "--format", "png", "--out", str(out)],
        capsys,
    )
    assert code == 2 and "is a table, not a chart" in err and err.count("\n") == 1


def test_cli_filters_by_language_and_actor_label(analysis_dir, tmp_path, capsys):
    out = tmp_path / "t.csv"
    argv = ["export", str(analysis_dir), "--chart", "articles", "--out", str(out)]
    code, _, err = run([*argv, "--lang", "sr", "--lang", "el", "--entity", "lukashenko"], capsys)
    assert code == 0, err
    frame = pl.read_csv(out)
    assert sorted(frame["language"].to_list()) == ["el", "sr"]
    # the file is plain; what it shows is written beside it
    assert not out.read_text().startswith("#")
    assert "actor: Lukashenko" in (tmp_path / "t.csv.txt").read_text()
    code, _, err = run(
        [*argv, "--entity", "LUKAŠENKO", "--from", "2025-12-11", "--caption"], capsys
    )
    assert code == 0, err
    assert out.read_text().startswith("# ")
    assert pl.read_csv(out, comment_prefix="#")["language"].to_list() == ["el"]


def test_a_default_csv_export_opens_with_any_reader_default_options(analysis_dir, tmp_path, capsys):
    import csv

    out = tmp_path / "plain.csv"
    argv = ["export", str(analysis_dir), "--chart", "articles", "--out", str(out)]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    frame = pl.read_csv(out)
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == frame.columns and len(rows) == frame.height + 1
    assert "article_id" in frame.columns and frame.height > 0
    # pandas comes with the ray extra that `make install` installs
    import pandas

    assert list(pandas.read_csv(out).columns) == frame.columns


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--chart", "nope", "--format", "png"], "nope: no such chart or table"),
        (["--chart", "languages", "--format", "gif"], "invalid choice"),
        (["--chart", "languages", "--format", "png", "--lang", "xx"], "--lang xx: not in"),
        (["--chart", "languages", "--format", "png", "--entity", "Nobody"], "no actor"),
        (["--chart", "languages", "--format", "png", "--from", "2025-13-01"], "not a date"),
        (["--chart", "languages", "--format", "png", "--outlet", "CNN"], "--outlet CNN"),
        (["--chart", "languages"], "--format: give one of"),
        (
            [
                "--chart",
                "languages",
                "--format",
                "png",
                "--from",
                "2025-12-12",
                "--to",
                "2025-01-01",
            ],
            "is after",
        ),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(extra, says, analysis_dir, tmp_path, capsys):
    out = tmp_path / "x.out"
    try:
        code, _, err = run(["export", str(analysis_dir), "--out", str(out), *extra], capsys)
    except SystemExit as exc:  # argparse rejects a bad choice itself, also with status 2
        code, err = int(exc.code or 0), capsys.readouterr().err
    assert code == 2
    assert says in err
    assert not out.exists()
    if "invalid choice" not in says:
        assert err.count("\n") == 1


def test_cli_not_an_analysis_is_exit_2(tmp_path, capsys):
    code, _, err = run(
        ["export", str(tmp_path), "--chart", "languages", "--format", "html"], capsys
    )
    assert code == 2 and "not an analysis folder" in err


def test_every_chart_view_traces_points_to_evidence():
    assert [n for n in CHARTS if not views.has_evidence(n)] == []


def check_rows(an: store.Analysis, rows: pl.DataFrame) -> None:
    """Every evidence row's offsets point into the article text as they claim."""
    texts = dict(an.frame("articles").select("article_id", "text").iter_rows())
    for r in rows.iter_rows(named=True):
        text = texts[r["article_id"]]
        assert text[r["sentence_start"] : r["sentence_end"]] == r["sentence"]
        if r["text"] is not None:
            assert text[r["start"] : r["end"]] == r["text"]
            assert r["sentence"][r["mark_start"] : r["mark_end"]] == r["text"]
        assert r["link"].startswith("articles?") and f"&para={r['para_no']}" in r["link"]


def test_language_bar_gives_its_articles_with_lead_sentence(an):
    point = {"x": 1, "y": "Greek", "customdata": "el", "curve_number": 0, "point_index": 0}
    rows = export.evidence(an, "languages", point, Filters())
    assert rows["language"].to_list() == ["el"]
    assert rows["text"].to_list() == [None]
    assert 10 < len(rows["sentence"][0]) <= 2 * sentences.CONTEXT
    check_rows(an, rows)


def test_with_an_actor_chosen_the_evidence_is_its_first_mention(an):
    f = Filters(actors=("maduro",))
    point = {"x": 1, "y": "(unknown outlet)"}
    assert export.evidence(an, "outlets", point, f).height == 0
    rows = export.evidence(an, "outlets", {"x": 1, "y": "Danas"}, f)
    assert rows.height == 1
    assert rows["text"][0].startswith("Madur")
    assert "actor=maduro" in rows["link"][0]
    check_rows(an, rows)


def test_publication_day_point_uses_the_trace_language(an):
    frame = views.VIEWS["published"].frame(an, Filters(), every="day")
    curve = frame["language"].unique(maintain_order=True).to_list().index("el")
    point = {"x": "2025-12-11", "y": 1, "curve_number": curve}
    rows = export.evidence(an, "published", point, Filters(), {"every": "day"})
    assert rows["language"].to_list() == ["el"]
    check_rows(an, rows)


def test_publication_dates_are_grouped_by_the_span_and_a_weeks_bar_lists_its_articles(an):
    frame = views.VIEWS["published"].frame(an, Filters(), every="week")
    assert set(frame["period"]) == {"week"}
    assert all(d.weekday() == 0 for d in frame["published"])  # a week's bar on its Monday
    # this corpus spans more than a year of dates: auto groups by month
    assert set(views.VIEWS["published"].frame(an, Filters())["period"]) == {"month"}
    first = frame.row(0, named=True)
    curve = frame["language"].unique(maintain_order=True).to_list().index(first["language"])
    point = {"x": first["published"].isoformat(), "curve_number": curve}
    rows = export.evidence(an, "published", point, Filters(), {"every": "week"})
    assert rows.height == first["articles"]
    assert all(0 <= (d - first["published"]).days < 7 for d in rows["published"])


def test_timeline_point_lists_the_mentions_with_sentences(an):
    point = {"x": "2025-12-10", "y": 3, "customdata": ["maduro", 1, "..."], "curve_number": 0}
    # a point of the timeline drawn by day (this corpus spans months: auto would group by week)
    rows = export.evidence(an, "timeline", point, Filters(), {"every": "day"})
    assert rows.height >= 2
    assert set(rows["published"].to_list()) == {date(2025, 12, 10)}
    assert all(t.startswith("Madur") for t in rows["text"])
    check_rows(an, rows)
    dated = export.evidence(an, "timeline", {"x": "2025-12-10", "customdata": ["", 1]}, Filters())
    assert dated.height == 1
    check_rows(an, dated)


def test_list_names_every_chart_and_table_a_page_shows(capsys):
    code, out, _ = run(["export", "--list"], capsys)
    assert code == 0
    for name in ("entities", "co-mentioned", "quotes", "story-uniques", "story-firsts"):
        assert re.search(rf"^{re.escape(name)}\s+table\s", out, re.M), name
    assert re.search(r"^mentioned-dates\s+table\s+timeline\s", out, re.M)
    # each view's options with their allowed values and default
    assert re.search(
        r"^timeline\s+chart\s+timeline\s.*\n\s+--every auto\|day\|week\|month \(default auto\)",
        out,
        re.M,
    )
    assert re.search(r"^coverage\s.*\n(\s+--.*\n)*\s+--by source\|language", out, re.M)


def test_timeline_export_takes_the_pages_grouping(an, analysis_dir, tmp_path, capsys):
    out = tmp_path / "weekly.parquet"
    argv = ["export", str(analysis_dir), "--chart", "timeline", "--out", str(out)]
    code, _, err = run([*argv, "--every", "week"], capsys)
    assert code == 0, err
    weekly = pl.read_parquet(out)
    # what the page draws for the same choice, through the same registry entry
    assert_frame_equal(weekly, views.VIEWS["timeline"].table(an, Filters(), {"every": "week"}))
    assert weekly["period"].dt.weekday().unique().to_list() == [1]  # weeks start on Monday
    daily = views.VIEWS["timeline"].table(an, Filters(), {"every": "day"})
    assert set(daily["period"]) >= {date(2025, 12, 10), date(2025, 12, 11)}
    in_week = pl.col("period").is_between(date(2025, 12, 8), date(2025, 12, 14))
    assert daily.filter(in_week)["period"].n_unique() >= 2  # two days or more make one week
    assert weekly.filter(pl.col("period") == date(2025, 12, 8))["mentions"].sum() == (
        daily.filter(in_week)["mentions"].sum()
    )
    assert "group publication dates by: week" in pl.read_parquet_metadata(out)["newsprism.caption"]


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (
            ["--chart", "timeline", "--every", "year"],
            "--every year: 'year' is not one of: auto, day",
        ),
        (["--chart", "coverage", "--by", "outlet"], "--by outlet: 'outlet' is not one of"),
        (["--chart", "languages", "--every", "week"], "--every: Articles by language has no"),
        (["--chart", "co-mentioned", "--actor", "nobody"], "--actor nobody: 'nobody' is not"),
    ],
)
def test_a_bad_view_option_is_one_line_and_exit_2(extra, says, analysis_dir, tmp_path, capsys):
    out = tmp_path / "x.csv"
    code, _, err = run(["export", str(analysis_dir), "--out", str(out), *extra], capsys)
    assert code == 2
    assert says in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_story_views_export_the_story_asked_for(an, analysis_dir, tmp_path, capsys):
    out = tmp_path / "uniques.parquet"
    argv = ["export", str(analysis_dir), "--chart", "story-uniques", "--out", str(out)]
    code, _, err = run([*argv, "--story", "s1"], capsys)
    assert code == 0, err
    got = pl.read_parquet(out)
    assert got.height == 5
    assert_frame_equal(got, views.VIEWS["story-uniques"].table(an, Filters(), {"story": "s1"}))
    # actors by their names, as the page shows them
    named = {
        a for row in got["only_actors"].to_list() + got["omitted_actors"].to_list() for a in row
    }
    assert named <= {"Maduro", "Putin", "Lukashenko"}


def test_coverage_by_language_traces_a_cell_to_its_mentions(an):
    opts = {"by": "language"}
    frame = views.VIEWS["coverage"].table(an, Filters(), opts)
    cell = frame.filter(pl.col("language") == "el", pl.col("label") == "Maduro").row(0, named=True)
    rows = export.evidence(an, "coverage", {"x": "Maduro", "y": "el"}, Filters(), opts)
    assert rows.height == cell["n_mentions"] > 0
    assert set(rows["language"]) == {"el"}
    check_rows(an, rows)


def test_article_choices_name_articles_without_reading_texts(an):
    choices = compare.article_choices(an)
    assert len(choices) == 5
    first = an.frame("articles").sort("article_id").row(0, named=True)
    label = choices[first["article_id"]]
    assert label.startswith(f"{first['language']} · ") and first["article_id"] in label


def test_a_storys_quotes_are_found_once_for_its_quotes_and_its_unique_content(an, monkeypatch):
    from dashboard.steps import quotes
    from dashboard.views import compare

    calls = []
    real = quotes.quotes

    def counted(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(quotes, "quotes", counted)
    compare._QUOTES.clear()
    listed = compare.story_quotes(an, Filters())
    unique = compare.unique_content(an, Filters())
    assert len(calls) == 1
    # the same quotes as computed apart
    assert (
        listed.height
        == real(
            *compare._story_parts(an, Filters(), compare.story_for(an, Filters()) or "")[:3]
        ).height
    )
    assert "only_quotes" in unique.columns
