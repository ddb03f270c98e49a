"""Spoken phrases and voice settings per language, kept as data (`en.toml`, `zh.toml`).

Adding a language means adding a TOML file with the same tables; nothing in code changes.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "zh")


@lru_cache(maxsize=None)
def load(lang: str) -> dict:
    """The whole voice file for `lang` ("en" or "zh")."""
    if lang not in LANGUAGES:
        raise ValueError(f"no voice file for language {lang!r}")
    with open(HERE / f"{lang}.toml", "rb") as f:
        return tomllib.load(f)


def voice_settings(lang: str) -> dict:
    return dict(load(lang).get("voice", {}))


def phrase(key: str, lang: str, variant: int = 0, **fields) -> str:
    """The phrase `key` in `lang` with {fields} filled in; lists hold variants to avoid sounding canned."""
    value = load(lang)["phrases"][key]
    if isinstance(value, list):
        value = value[variant % len(value)]
    return value.format(**fields)


def stage_name(stage: str, lang: str) -> str:
    return load(lang).get("stages", {}).get(stage, stage)
