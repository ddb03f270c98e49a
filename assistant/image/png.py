"""Writing pictures: PNG with the description in its text metadata, written atomically.

A kiosk can lose power at any moment; writing to a temporary file in the same folder and
renaming it over the target means a reader sees either no picture or a whole one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PIL import Image, PngImagePlugin

from assistant.outputs import create_temp


def save_atomically(image: Image.Image, path: str | os.PathLike, format: str, **options) -> Path:  # noqa: A002
    """Save `image` in `format` at `path` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its 0600 would differ from every other file here; this one follows the umask.
    fd, tmp = create_temp(path.parent, path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            image.save(f, format=format, **options)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


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
