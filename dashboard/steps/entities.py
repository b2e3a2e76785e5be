"""Entities without a downloadable model: mentions, cross-lingual linking and the alias file.

The pipeline calls `extract_mentions` per batch of articles, then `link` over all mentions,
then `apply_aliases` with the analyst's `aliases.json`. The work lives in dashboard.steps.mentions,
dashboard.steps.linking, dashboard.steps.aliases, dashboard.lang.translit and dashboard.lang.lexicon.
"""

from __future__ import annotations

from dashboard.steps.aliases import (
    TYPES,
    Aliases,
    apply_aliases,
    hide,
    merge,
    read_aliases,
    rename,
    retype,
    split,
    write_aliases,
)
from dashboard.steps.linking import entities_of, link, linked_mentions
from dashboard.steps.mentions import extract_mentions

ALIAS_FILE = "aliases.json"

__all__ = [
    "ALIAS_FILE",
    "TYPES",
    "Aliases",
    "apply_aliases",
    "entities_of",
    "extract_mentions",
    "hide",
    "link",
    "linked_mentions",
    "merge",
    "read_aliases",
    "rename",
    "retype",
    "split",
    "write_aliases",
]
