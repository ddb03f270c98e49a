"""The event stream: everything the assistant does is an event, and every component listens here.

Events are plain dicts with at least "t" (seconds since the session started) and "type", exactly
the JSON objects of the interface spec. Subscribers run synchronously in the emitting thread, in
the order they subscribed; a subscriber that needs its own thread (the window) hands events to a
queue. A failing subscriber is reported once on stderr and never breaks the emitter.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Callable, TextIO

Event = dict
Subscriber = Callable[[Event], None]


class EventBus:
    def __init__(self, clock: Callable[[], float] = time.monotonic, origin: float | None = None):
        self._clock = clock
        self._origin = clock() if origin is None else origin
        self._subscribers: list[Subscriber] = []
        self._lock = threading.RLock()
        self._broken: set[int] = set()

    @property
    def origin(self) -> float:
        """The clock reading at t=0, so audio clocks can share the session's origin."""
        return self._origin

    def now(self) -> float:
        return self._clock() - self._origin

    def subscribe(self, fn: Subscriber) -> Subscriber:
        with self._lock:
            self._subscribers.append(fn)
        return fn

    def unsubscribe(self, fn: Subscriber) -> None:
        with self._lock:
            if fn in self._subscribers:
                self._subscribers.remove(fn)

    def emit(self, type: str, **fields) -> Event:
        event = {"t": round(self.now(), 3), "type": type, **fields}
        with self._lock:
            subscribers = list(self._subscribers)
            for fn in subscribers:
                try:
                    fn(event)
                except Exception as exc:  # noqa: BLE001 - one bad consumer must not stop the stream
                    if id(fn) not in self._broken:
                        self._broken.add(id(fn))
                        print(f"warning: event consumer {getattr(fn, '__qualname__', fn)} failed: {exc}",
                              file=sys.stderr)
        return event


class JsonLinesSink:
    """Writes each event as one JSON line and flushes, so a crash loses nothing already emitted."""

    def __init__(self, stream: TextIO, close: bool = False):
        self._stream = stream
        self._close = close
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        line = json.dumps(event, ensure_ascii=False)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def close(self) -> None:
        if self._close:
            self._stream.close()


class Recorder:
    """Keeps every event in memory: for tests and for commands that summarise a session."""

    def __init__(self):
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def of_type(self, type: str) -> list[Event]:
        with self._lock:
            return [e for e in self.events if e["type"] == type]
