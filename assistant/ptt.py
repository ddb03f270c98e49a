"""Push-to-talk: SPACE held in the window, for halls too loud for the VAD.

While the key is held every block is speech; releasing it closes the turn. The key's state
arrives as `ptt` events from the window's thread and is read on the audio loop's.
"""

from __future__ import annotations

import threading
from typing import Callable

import numpy as np

from assistant.audio.sources import Block
from assistant.audio.vad import Segment
from assistant.events import EventBus
from dialog import events as ev


class PushToTalk:
    def __init__(self, bus: EventBus, rate: int, min_speech_s: float, on_press: Callable[[], None]):
        self._bus = bus
        self._rate = rate
        self._min_speech_s = min_speech_s
        self._on_press = on_press  # what the VAD held so far is not part of the held turn
        self._down = threading.Event()
        self._blocks: list[Block] | None = None

    def on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.Ptt):
            (self._down.set if event.down else self._down.clear)()

    def hold(self, block: Block) -> bool:
        """Collect `block` while the key is held; True when it was taken."""
        if not self._down.is_set():
            return False
        if self._blocks is None:
            self._blocks = []
            self._on_press()
            self._bus.emit(ev.Listening(speaking=True, ptt=True))
        self._blocks.append(block)
        return True

    def release(self) -> Segment | None:
        """The held audio as one segment once the key is up (None if nothing, or too short, was held)."""
        if self._blocks is None or self._down.is_set():
            return None
        blocks, self._blocks = self._blocks, None
        self._bus.emit(ev.Listening(speaking=False, ptt=True))
        audio = np.concatenate([b.samples for b in blocks])
        start = blocks[0].start
        seconds = len(audio) / self._rate
        segment = Segment(audio=audio, start=start, end=start + seconds, voiced_s=seconds)
        return segment if segment.voiced_s >= self._min_speech_s else None
