"""Writing pictures: PNG with the description in its text metadata, written atomically.

A kiosk can lose power at any moment; writing to a temporary file in the same folder and
renaming it over the target means a reader sees either no picture or a whole one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PIL import Image, PngImagePlugin

from assistant.atomic import atomic_write


def save_atomically(image: Image.Image, path: str | os.PathLike, format: str, **options) -> Path:  # noqa: A002
    """Save `image` in `format` at `path`, whole or not at all (assistant.atomic)."""
    with atomic_write(path) as f:
        image.save(f, format=format, **options)
    return Path(path)


def save_png(image: Image.Image, path: str | os.PathLike, metadata: dict | None = None) -> Path:
    """Save `image` as PNG at `path`; each metadata value is stored as a tEXt/iTXt chunk (JSON if not str)."""
    info = PngImagePlugin.PngInfo()
    for key, value in (metadata or {}).items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        info.add_itxt(key, text)
    return save_atomically(image, path, "PNG", pnginfo=info)


def read_metadata(path: str | os.PathLike) -> dict:
    """The text metadata of a PNG, JSON values decoded."""
    with Image.open(path) as im:
        raw = dict(getattr(im, "text", {}) or {})
    out = {}
    for key, value in raw.items():
        try:
            out[key] = json.loads(value)
        except (ValueError, TypeError):
            out[key] = value
    return out
