"""Shared fixtures: the seeds folder, and one analysis of it built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds analysed once (no translation) into a session-wide folder; tests copy it to write."""
    from dashboard import pipeline

    out = tmp_path_factory.mktemp("seed-analysis")
    pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1))
    return out
