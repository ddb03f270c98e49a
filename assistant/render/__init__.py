"""Where pictures are drawn: in this process, or on an exhibition's shared render pool (Celery + Redis).

`make_artist(config, bus)` is the one place that chooses: [render] backend = "local" (the
default) gives today's in-process Artist, untouched; "celery" gives a RemoteArtist with the same
plan/render/release interface. Celery and redis are imported only in the second case.
"""

from __future__ import annotations


def make_artist(config, bus=None):
    if config.render.backend != "celery":
        from assistant.image.artist import Artist

        return Artist(config)
    from assistant.render.client import RemoteArtist

    return RemoteArtist(config, notify=_notifier(config, bus))


def _notifier(config, bus):
    """Tells the person (window, timeline, kiosk summary) that this picture is drawn here instead."""
    if bus is None:
        return None
    from dialog import phrasing
    from dialog import events as ev

    lang = "zh" if config.general.language == "zh" else "en"

    def notify(reason: str) -> None:
        bus.emit(ev.Error(stage="render", message=f"{phrasing.phrase('drawing_here', lang)} ({reason})"))

    return notify
