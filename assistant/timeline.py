"""A readable timeline of the event stream, for people watching a terminal (chat, listen, demo)."""

from __future__ import annotations

import sys
import threading
from typing import TextIO


def _fmt(event: dict) -> str | None:
    kind = event["type"]
    if kind == "state":
        return f"state      {event['from']} -> {event['to']} ({event['trigger']})"
    if kind == "speech":
        return f"speech     {event['start']:.2f}s - {event['end']:.2f}s"
    if kind == "transcript":
        return (f"heard      [{event.get('lang')}] {event.get('text')!s}  "
                f"(confidence {event.get('confidence', 0):.2f}, {event.get('asr_seconds', 0):.2f}s)")
    if kind == "understood":
        changed = ", ".join(event.get("changed") or []) or "-"
        attrs = ", ".join(f"{k}={v}" for k, v in (event.get("attributes") or {}).items())
        return f"understood {event['intent']}: {attrs or '(nothing)'}  [changed: {changed}]"
    if kind == "say":
        where = f"  -> {event['audio_path']}" if event.get("audio_path") else ""
        return f"say        [{event.get('lang')}] {event.get('text')}{where}"
    if kind == "generate":
        return f"generate   {event['backend']} / {event['style']} / seed {event['seed']}"
    if kind == "progress":
        total = event.get("total") or 1
        if event.get("step") not in (total,):
            return None  # only the end of each drawing, to keep the timeline short
        return f"progress   {event['step']}/{total}"
    if kind == "image":
        return f"image      {event['path']}  ({event['backend']}, {event['seconds']:.2f}s)"
    if kind == "error":
        return f"error      {event.get('stage')}: {event.get('message')}"
    if kind == "ignored":
        heard = f" ({event['text']!r})" if event.get("text") else ""
        return f"ignored    {event.get('start', 0):.2f}s - {event.get('end', 0):.2f}s: {event.get('reason')}{heard}"
    if kind == "barge_in":
        return "barge-in   the person spoke over the reply; reply stopped"
    if kind == "watchdog":
        return f"watchdog   restarted {event.get('worker')} (stalled {event.get('stalled_s')} s)"
    if kind == "summary":
        return (f"summary    {event.get('day')}: {event.get('turns')} turns, {event.get('pictures')} pictures, "
                f"{event.get('errors')} errors")
    return None


class Timeline:
    """Event subscriber printing one aligned line per interesting event."""

    def __init__(self, stream: TextIO | None = None):
        self._stream = stream or sys.stdout
        self._lock = threading.Lock()

    def __call__(self, event: dict) -> None:
        line = _fmt(event)
        if line is None:
            return
        with self._lock:
            self._stream.write(f"{event['t']:8.2f}  {line}\n")
            self._stream.flush()
