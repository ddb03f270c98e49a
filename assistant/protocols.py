"""The parts of a live session that are swapped, as `typing.Protocol`s.

The pipeline and the session are handed these, never concrete classes: the tests put fault
injection around the real recognizer, `chat` speaks in text, a kiosk runs with a watchdog and a
`listen` run without. Each protocol names exactly what the pipeline or session uses, so a
stand-in that lacks something fails at the type check, not in the middle of a turn.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from assistant.audio.sources import Block
    from assistant.image.artist import Picture, Plan, Progress
    from assistant.speech.asr import Transcript

# Where a failure happened, as the `error` event and the spoken apology name it.
Stage = Literal["listen", "understanding", "speak", "events", "gallery"]
# The workers a watchdog watches, and `Pipeline.restart` replaces.
WorkerName = Literal["asr", "turns", "generate"]


class AudioSource(Protocol):
    """Blocks of 16 kHz mono audio on the session's clock: the microphone or WAV files."""

    def __iter__(self) -> Iterator["Block"]: ...

    def close(self) -> None: ...


@runtime_checkable
class Mutable(Protocol):
    """A source that can stop hearing while the assistant talks (the microphone, not a file)."""

    def mute(self, until_monotonic: float) -> None: ...


class Recognizer(Protocol):
    # `hints` (dialog.hints.Hints) is passed only when [asr] dialog_hints applies to the turn, so
    # a recogniser that takes none still works where hints are off.
    def transcribe(self, audio: "np.ndarray", lang_hint: str | None = None, hints=None) -> "Transcript": ...


class Speaker(Protocol):
    """What the pipeline needs of the voice: say an apology, and know when a reply plays."""

    @property
    def speaking(self) -> bool: ...

    def say(self, text: str, lang: str) -> str | None: ...

    def wait(self, timeout: float | None = None) -> bool: ...

    def stop(self) -> None: ...


class ClosableSpeaker(Speaker, Protocol):
    def close(self) -> None: ...


class ArtistBackend(Protocol):
    """What the dialog draws with (the sketch renderer, Stable Diffusion, AnimeGANv2 behind one face)."""

    def backend_name(self) -> str: ...

    def plan(self, attributes: dict, seed: int | None = None) -> "Plan": ...

    def render(self, plan: "Plan", attributes: dict, out_dir: str | Path, progress: "Progress | None" = None,
               cancel: threading.Event | None = None) -> "Picture": ...


class Watchdog(Protocol):
    def beat(self, name: str, timeout_s: float | None = None) -> None: ...

    def done(self, name: str) -> None: ...


class Dialog(Protocol):
    """The dialog as the pipeline drives it: turns in, timeouts ticked, the drawing watched."""

    @property
    def state(self) -> str: ...

    lang: str

    @property
    def idle(self) -> bool: ...

    def hear(self, text: str, lang: str | None = None, confidence: float | None = None) -> None: ...

    def tick(self) -> None: ...

    def wait(self, timeout: float | None = None) -> bool: ...

    def watch(self, watchdog: Watchdog) -> None: ...

    def abandon_drawing(self) -> None: ...
