"""The event stream: everything the assistant does is an event, and every component listens here.

Events are the typed classes of `dialog/events.py`, one frozen dataclass per type; `to_dict()`
gives exactly the JSON object of the interface spec. The bus stamps each with "t" (seconds since
the session started) and hands the stamped event to every subscriber, which dispatches on its
class. Subscribers run synchronously in the emitting thread, in
the order they subscribed; a subscriber that needs its own thread (the window) hands events to a
queue. A failing subscriber never breaks the emitter, but it is never silent either: every
failure is counted, stderr hears of it at once and again at most every REPEAT_S while it goes on,
and the command reads `failures` at the end to say what was lost and exit non-zero. A sink that
keeps something for later (the --events file, the gallery) raises `SinkError`; those failures
also become an `error` event, so the window, the timeline and the other logs show them.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable, TextIO

from assistant.errors import UserError
from dialog import events as ev
from dialog.events import Event

Subscriber = Callable[[Event], None]

REPEAT_S = 30.0  # a sink failing on every event is reported again this often, never once and then silent


class SinkError(UserError):
    """A sink that keeps events for later (a file, the gallery) could not keep one.

    `key` identifies the sink (failures of one sink are counted together), `stage` is the
    `error` event's stage.
    """

    def __init__(self, key: str, problem: str, fix: str = "", stage: str = "events"):
        super().__init__(problem, fix)
        self.key = key
        self.stage = stage


@dataclass
class SinkFailure:
    key: str
    problem: str          # the latest failure, e.g. "the event log X could not be written (...)"
    fix: str
    important: bool       # a SinkError: something meant to be kept was lost
    count: int = 0
    reported_at: float = -1e18
    reported_count: int = 0

    def line(self) -> str:
        lost = f"{self.count} event{'s' if self.count != 1 else ''} not kept"
        text = f"{self.problem}; {lost}"
        return text + (f" — fix: {self.fix}" if self.fix else "")


class EventBus:
    def __init__(self, clock: Callable[[], float] = time.monotonic, origin: float | None = None,
                 stderr: TextIO | None = None):
        self._clock = clock
        self._origin = clock() if origin is None else origin
        self._subscribers: list[Subscriber] = []
        self._lock = threading.RLock()
        self._failures: dict[str, SinkFailure] = {}
        self._stderr = stderr
        self._reporting = threading.local()

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

    def emit(self, event: Event) -> Event:
        """Stamp `event` with the session time, hand it to every subscriber, return it stamped."""
        event = event.stamped(round(self.now(), 3))
        with self._lock:
            subscribers = list(self._subscribers)
            for fn in subscribers:
                try:
                    fn(event)
                except Exception as exc:  # noqa: BLE001 - one bad consumer must not stop the stream
                    self.sink_failed(exc, fn)
        return event

    # -- failures ---------------------------------------------------------------------------------
    def sink_failed(self, exc: Exception, fn: Subscriber | None = None) -> None:
        """Count one failure of a subscriber; say so on stderr (rate-limited) and as an `error` event."""
        if isinstance(exc, SinkError):
            key, problem, fix, important = exc.key, exc.problem, exc.fix, True
        else:
            name = getattr(fn, "__qualname__", None) or type(fn).__qualname__
            key, problem, fix, important = f"consumer:{name}", \
                f"event consumer {name} failed ({type(exc).__name__}: {exc})", "", False
        with self._lock:
            failure = self._failures.get(key)
            if failure is None:
                failure = self._failures[key] = SinkFailure(key, problem, fix, important)
            failure.problem, failure.fix = problem, fix
            failure.count += 1
            now = time.monotonic()
            if now - failure.reported_at < REPEAT_S:
                return
            again = failure.reported_count > 0
            failure.reported_at, failure.reported_count = now, failure.count
        stream = self._stderr or sys.stderr
        what = f"{problem} (still failing: {failure.count} so far)" if again else problem
        try:
            print(f"warning: {what}" + (f" — fix: {fix}" if fix else ""), file=stream, flush=True)
        except (OSError, ValueError):
            pass
        # The other sinks (screen, timeline, a second log) hear of it. Not while already reporting:
        # the failing sink gets this event too and fails again, which is only counted.
        if important and not getattr(self._reporting, "active", False):
            self._reporting.active = True
            try:
                self.emit(ev.Error(stage=getattr(exc, "stage", "events"), message=exc.line()))
            finally:
                self._reporting.active = False

    @property
    def failures(self) -> list[SinkFailure]:
        """Every subscriber that failed during the session, in the order they first failed."""
        with self._lock:
            return list(self._failures.values())

    def lost_something(self) -> bool:
        """True when an important sink (a SinkError) lost at least one event."""
        return any(f.important for f in self.failures)


class JsonLinesSink:
    """Writes each event as one JSON line and flushes, so a crash loses nothing already emitted.

    With `name` (a file path) a write that fails raises SinkError naming the file and the fix;
    the bus counts it and the command ends by saying what was lost.
    """

    def __init__(self, stream: TextIO, close: bool = False, name: str | None = None, option: str = "--events"):
        self._stream = stream
        self._close = close
        self._lock = threading.Lock()
        self.name = name
        self._option = option
        self.failed = False

    def __call__(self, event: Event) -> None:
        line = json.dumps(event.to_dict(), ensure_ascii=False)
        with self._lock:
            try:
                self._stream.write(line + "\n")
                self._stream.flush()
            except (OSError, ValueError) as exc:  # ValueError: written after close
                if self.name is None:
                    raise
                self.failed = True
                raise self._error(exc) from None

    def _error(self, exc: Exception) -> SinkError:
        reason = getattr(exc, "strerror", None) or str(exc)
        return SinkError(f"events:{self.name}", f"the event log {self.name} could not be written ({reason})",
                         f"free space on its disk or make it writable, or give {self._option} another file")

    def close(self) -> None:
        """Close the file; a failure already counted is not raised again, a new one is."""
        if not self._close:
            return
        with self._lock:
            try:
                self._stream.close()
            except OSError as exc:
                # The text layer still holds the line that did not fit; the file is closed anyway.
                if not self.failed and self.name is not None:
                    self.failed = True
                    raise self._error(exc) from None


class Recorder:
    """Keeps every event in memory: for tests and for commands that summarise a session.

    `typed` holds the events as emitted; `events` and `of_type(name)` give the JSON objects of
    the stream (what an --events file holds), `of_type(cls)` the typed events of one class.
    """

    def __init__(self):
        self.typed: list[Event] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.typed.append(event)

    @property
    def events(self) -> list[dict]:
        with self._lock:
            return [e.to_dict() for e in self.typed]

    def of_type(self, kind: str | type) -> list:
        with self._lock:
            if isinstance(kind, str):
                return [e.to_dict() for e in self.typed if e.type == kind]
            return [e for e in self.typed if isinstance(e, kind)]
