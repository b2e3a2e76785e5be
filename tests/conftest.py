"""Shared fixtures: the seeds folder, one analysis of it and one of hostile text, built once per
test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
# the seed articles by language: Serbian, Romanian, Greek, German, Turkish
SR, RO, EL, DE, TR = (
    "000_cb469a2b28302093",
    "001_25734770e2e1359a",
    "002_52a587739122be12",
    "003_6498edc4392190b0",
    "004_c88f0ea2b8ef4623",
)

# untrusted text as an attacker would write it: an image beacon, a link, math, HTML, auto-links
BEACON = "![x](https://host.example/beacon)"
TITLE = f'{BEACON} $x$ <a href="https://evil.example">see</a> http://127.0.0.1:9/x'
OUTLET = '[Evil](https://evil.example) <a href="https://evil.example">www.evil.example</a>'
TEXT = (
    "Nicolás Maduro met Vladimir Putin in Caracas on Monday, 1 December 2025. "
    "Maduro said the talks with Putin were useful. "
)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds analysed once (no translation) into a session-wide folder; tests copy it to write."""
    from dashboard.pipeline import pipeline

    out = tmp_path_factory.mktemp("seed-analysis")
    pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1))
    return out


@pytest.fixture(scope="session")
def hostile_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles whose title, outlet and URL are hostile Markdown/HTML (one a javascript:
    URL), analysed once; tests that write copy it."""
    import json

    from dashboard.pipeline import pipeline

    src = tmp_path_factory.mktemp("hostile-src")
    rows = [
        {
            "id": "evil1",
            "title": TITLE,
            "source": OUTLET,
            "url": "javascript:alert(1)",
            "language": "en",
            "published": "2025-12-01",
            "text": TEXT * 3,
        },
        {
            "id": "ok2",
            "title": "Maduro and Putin meet in Caracas",
            "source": "ok.example",
            "url": "https://ok.example/a",
            "language": "en",
            "published": "2025-12-02",
            "text": "In Caracas, Putin and Maduro signed an energy agreement on Tuesday. " * 3,
        },
    ]
    (src / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile") / "analysis"
    pipeline.analyze([src], out, pipeline.RunOptions(workers=1))
    return out
