"""The Translation page: browser users pick among the operator's servers; a typed address only
with the operator's opt-in, and never with the operator's key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sk-operator-0123456789abcdef"
OURS = "http://127.0.0.1:5055"


@pytest.fixture
def page_env(seed_analysis, tmp_path, monkeypatch):
    out = tmp_path / "analysis"
    shutil.copytree(seed_analysis, out)
    monkeypatch.setenv("NEWSPRISM_ANALYSIS", str(out))
    monkeypatch.setenv("NEWSPRISM_DATA_DIRS", str(ROOT / "seeds"))
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("NEWSPRISM_TRANSLATOR", "libretranslate")
    monkeypatch.setenv("NEWSPRISM_TRANSLATOR_URL", OURS)
    monkeypatch.setenv("NEWSPRISM_LIBRETRANSLATE_KEY", SECRET)
    monkeypatch.delenv("NEWSPRISM_ALLOW_USER_ENDPOINTS", raising=False)
    return monkeypatch


def _open() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "app" / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(str(ROOT / "dashboard" / "app" / "screens" / "translate.py"))
    at.run()
    assert not at.exception
    return at


def _key_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "NEWSPRISM_LIBRETRANSLATE_KEY" in m.value)


def test_without_the_opt_in_only_the_operators_servers_are_offered(page_env):
    at = _open()
    assert at.selectbox(key="tr_endpoint").options == [OURS]
    assert not [t for t in at.text_input if t.key == "tr_url"]
    assert "**set**" in _key_line(at)


def test_with_the_opt_in_a_typed_address_is_offered_without_the_key(page_env):
    page_env.setenv("NEWSPRISM_ALLOW_USER_ENDPOINTS", "1")
    at = _open()
    choice = at.selectbox(key="tr_endpoint")
    assert choice.options == [OURS, "Another address…"]
    choice.select("Another address…").run()
    at.text_input(key="tr_url").input("http://127.0.0.1:9").run()
    assert not at.exception
    assert "**not set**" in _key_line(at)
    assert any("No key is sent" in c.value for c in at.caption)
