"""AppTest runs the real app script against a copy of the seed analysis."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app" / "app.py"


@pytest.fixture
def analysis(seed_analysis: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "analysis"
    shutil.copytree(seed_analysis, out)
    monkeypatch.setenv("NEWSPRISM_ANALYSIS", str(out))
    monkeypatch.setenv("NEWSPRISM_DATA_DIRS", str(ROOT / "seeds"))
    return out


def open_page(page: str | None = None, **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(str(ROOT / "dashboard" / "app" / "screens" / page))
        at.run()
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)
