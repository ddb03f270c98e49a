"""What the dialog needs from the rest of the assistant, as protocols it defines.

The dialog is handed an event sink (`dialog.events.Sink`, the bus's `emit`), an artist and a
speaker; it never imports them. An artist tells of a stopped or refused picture by raising the
exceptions defined here (or subclasses of them), so the dependency points from the assistant
to the dialog.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Protocol


class Cancelled(Exception):
    """Drawing was stopped between steps (a cancel or a correction arrived)."""


class Refused(Exception):
    """The picture will not be drawn or shown: the request or the result is not allowed.

    Told to the person plainly ("I can't draw that"), not as a fault.
    """


class Plan(Protocol):
    prompt: str
    negative_prompt: str
    backend: str
    style: str
    seed: int


class Picture(Protocol):
    path: Path
    backend: str
    style: str
    seconds: float
    note: str | None  # a phrase key said before the picture is presented, or None


class Artist(Protocol):
    def plan(self, record: dict) -> Plan: ...

    def render(self, plan: Any, record: dict, out_dir: str | Path, progress: Callable[[int, int], None],
               cancel: threading.Event) -> Picture:
        """Draw the plan; raise Cancelled when `cancel` is set part-way, Refused when not allowed."""
        ...

    def release(self) -> None:
        """Free what drawing holds (loaded models) until the next picture."""
        ...


class Speaker(Protocol):
    def say(self, text: str, lang: str) -> Any: ...


class Watchdog(Protocol):
    """The kiosk's watchdog, as the drawing reports to it (worker "generate")."""

    def beat(self, name: str, timeout_s: float | None = None) -> None: ...

    def done(self, name: str) -> None: ...
