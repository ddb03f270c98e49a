"""What a person sees: the pygame window (or the same frames as PNG files), fed only by events.

`create_display(config, bus, mode)` returns a Display whose `.run(stop)` must be called on the
main thread; `fonts.find_cjk_font()` is the cheap check `doctor` uses. pygame is imported only
when something is drawn.
"""

from __future__ import annotations

import os
import sys

from assistant.config import DISPLAY_MODES as MODES
from assistant.errors import UserError


def create_display(config, bus, mode: str | None = None, frames_dir=None):
    """A Display for mode window|headless|none (None: config.window.display)."""
    from assistant.window.display import Display

    mode = mode or config.window.display
    if mode not in MODES:
        raise UserError(f"unknown display mode {mode!r}", "use one of: window, headless, none")
    if mode == "window" and sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("SDL_VIDEODRIVER")):
        raise UserError("no screen to open the window on (DISPLAY is not set)",
                        "run it from the desktop session, or use --display headless or --display none")
    return Display(config, bus, mode, frames_dir=frames_dir, recent=_recent_pictures(config))


def _recent_pictures(config) -> list:
    """Pictures from the gallery for the attract slideshow; an unreadable gallery just means none."""
    if not config.gallery.enabled:
        return []
    try:
        from assistant.gallery import Gallery, database_path
        from assistant.window.view_state import Recent, caption_for

        if not database_path(config).exists():
            return []
        gallery = Gallery(config)
        try:
            out = []
            for rec in gallery.list(30):
                if not os.path.exists(rec.path):
                    continue
                out.append(Recent(path=rec.path, caption=caption_for(rec.attributes, rec.language),
                                  style=rec.style, backend=rec.backend, lang=rec.language,
                                  seconds=rec.seconds, picture_id=rec.id, attributes=rec.attributes))
            return out
        finally:
            gallery.close()
    except Exception:  # noqa: BLE001 - the slideshow is decoration; the window must still open
        return []
