"""A readable timeline of the event stream, for people watching a terminal (chat, listen, demo)."""

from __future__ import annotations

import functools
import sys
import threading
from typing import TextIO

from dialog import events as ev


@functools.singledispatch
def _fmt(event: ev.Event) -> str | None:
    return None  # types the timeline does not show (level, listening, ...)


@_fmt.register
def _(e: ev.State) -> str:
    return f"state      {e.source} -> {e.to} ({e.trigger})"


@_fmt.register
def _(e: ev.Speech) -> str:
    return f"speech     {e.start:.2f}s - {e.end:.2f}s"


@_fmt.register
def _(e: ev.Transcript) -> str:
    return (f"heard      [{e.lang}] {e.text!s}  "
            f"(confidence {e.confidence or 0:.2f}, {e.asr_seconds or 0:.2f}s)")


@_fmt.register
def _(e: ev.Understood) -> str:
    changed = ", ".join(e.changed or []) or "-"
    attrs = ", ".join(f"{k}={v}" for k, v in (e.attributes or {}).items())
    return f"understood {e.intent}: {attrs or '(nothing)'}  [changed: {changed}]"


@_fmt.register
def _(e: ev.Say) -> str:
    where = f"  -> {e.audio_path}" if e.audio_path else ""
    return f"say        [{e.lang}] {e.text}{where}"


@_fmt.register
def _(e: ev.Generate) -> str:
    return f"generate   {e.backend} / {e.style} / seed {e.seed}"


@_fmt.register
def _(e: ev.Progress) -> str | None:
    total = e.total or 1
    if e.step != total:
        return None  # only the end of each drawing, to keep the timeline short
    return f"progress   {e.step}/{total}"


@_fmt.register
def _(e: ev.Image) -> str:
    return f"image      {e.path}  ({e.backend}, {e.seconds:.2f}s)"


@_fmt.register
def _(e: ev.Error) -> str:
    return f"error      {e.stage}: {e.message}"


@_fmt.register
def _(e: ev.Ignored) -> str:
    heard = f" ({e.text!r})" if e.text else ""
    return f"ignored    {e.start or 0:.2f}s - {e.end or 0:.2f}s: {e.reason}{heard}"


@_fmt.register
def _(e: ev.BargeIn) -> str:
    return "barge-in   the person spoke over the reply; reply stopped"


@_fmt.register
def _(e: ev.Watchdog) -> str:
    return f"watchdog   restarted {e.worker} (stalled {e.stalled_s} s)"


@_fmt.register
def _(e: ev.Summary) -> str:
    return f"summary    {e.day}: {e.turns} turns, {e.pictures} pictures, {e.errors} errors"


class Timeline:
    """Event subscriber printing one aligned line per interesting event."""

    def __init__(self, stream: TextIO | None = None):
        self._stream = stream or sys.stdout
        self._lock = threading.Lock()

    def __call__(self, event: ev.Event) -> None:
        line = _fmt(event)
        if line is None:
            return
        with self._lock:
            self._stream.write(f"{event.t:8.2f}  {line}\n")
            self._stream.flush()
