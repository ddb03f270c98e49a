"""A speaker that speaks in text only: the `say` event, no audio (for `chat` and tests)."""

from __future__ import annotations

from assistant.events import EventBus
from dialog.events import Say


class TextSpeaker:
    def __init__(self, bus: EventBus):
        self._bus = bus

    def say(self, text: str, lang: str) -> None:
        self._bus.emit(Say(text=text, lang=lang, audio_path=None))
        return None
