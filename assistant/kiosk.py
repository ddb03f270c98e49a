"""Unattended exhibition mode: a watchdog for stuck workers and a daily summary line.

The window's own kiosk behaviour (fullscreen, no cursor, back to the attract screen, burn-in
shift, long-press Esc) lives in assistant/window/display.py; the dialog's state timeouts are
the dialog's. This module holds what runs beside them for days on end.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from dialog import events as ev

log = logging.getLogger(__name__)


class Watchdog:
    """Workers call `beat(name)` while alive; one silent for `timeout_s` is restarted via `restart(name)`
    and reported as a `watchdog` event {worker, stalled_s}.

    A worker that finishes on purpose calls `done(name)` so its silence is not mistaken for a hang.
    A worker with its own limit passes it with each beat (drawing: `[image] stall_s`, because a
    picture's steps on a CPU come slower than the recognizer's jobs).
    """

    def __init__(self, bus, timeout_s: float, restart: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic, interval_s: float | None = None):
        self.bus = bus
        self.timeout_s = float(timeout_s)
        self.restart = restart
        self._clock = clock
        self._interval_s = interval_s
        self._beats: dict[str, float] = {}
        self._timeouts: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._retune = threading.Event()  # a shorter limit arrived: the sleeping loop wakes to re-time
        self._thread: threading.Thread | None = None
        self.restarts: dict[str, int] = {}

    def beat(self, name: str, timeout_s: float | None = None) -> None:
        with self._lock:
            self._beats[name] = self._clock()
            if timeout_s is not None and self._timeouts.get(name) != float(timeout_s):
                self._timeouts[name] = float(timeout_s)
                self._retune.set()

    def _interval(self) -> float:
        if self._interval_s is not None:
            return self._interval_s
        with self._lock:
            shortest = min([self.timeout_s, *self._timeouts.values()])
        return max(0.05, min(5.0, shortest / 4))

    def done(self, name: str) -> None:
        with self._lock:
            self._beats.pop(name, None)

    def check(self) -> list[str]:
        """Restart every worker silent for longer than the timeout; returns their names."""
        now = self._clock()
        with self._lock:
            stalled = [(n, now - t) for n, t in self._beats.items()
                       if now - t > self._timeouts.get(n, self.timeout_s)]
            for name, _ in stalled:
                # Counted as alive again from now: one restart per stall, not one per check.
                self._beats[name] = now
        for name, silent in stalled:
            self.restarts[name] = self.restarts.get(name, 0) + 1
            log.warning("watchdog: %s silent for %.1f s, restarting it", name, silent)
            self.bus.emit(ev.Watchdog(worker=name, stalled_s=round(silent, 1)))
            try:
                self.restart(name)
            except Exception as exc:  # noqa: BLE001 - a failed restart is reported, the watchdog lives on
                self.bus.emit(ev.Error(stage="watchdog", message=f"could not restart {name}: {exc}"))
        return [n for n, _ in stalled]

    def start(self) -> "Watchdog":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            self._retune.wait(self._interval())
            self._retune.clear()
            if self._stop.is_set():
                return
            self.check()

    def close(self) -> None:
        self._stop.set()
        self._retune.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None


@dataclass
class DayCounts:
    day: str
    turns: int = 0
    pictures: int = 0
    errors: int = 0
    restarts: int = 0
    error_stages: dict = field(default_factory=dict)

    def line(self, partial: bool = False) -> str:
        stages = ", ".join(f"{k} {v}" for k, v in sorted(self.error_stages.items()))
        text = (f"daily summary {self.day}{' (so far)' if partial else ''}: {self.turns} turns, "
                f"{self.pictures} pictures, {self.errors} errors")
        if stages:
            text += f" ({stages})"
        if self.restarts:
            text += f", {self.restarts} watchdog restarts"
        return text


class DailySummary:
    """Counts turns (transcripts), pictures and errors; writes one line when the day changes and on close.

    The line goes to `sink` (default: stderr, which systemd puts in the journal) and to the log,
    and a `summary` event carries the same numbers for --events files.
    """

    def __init__(self, bus, clock: Callable[[], float] = time.time, sink: Callable[[str], None] | None = None):
        self.bus = bus
        self._clock = clock
        self._sink = sink or (lambda line: print(line, file=sys.stderr, flush=True))
        self._lock = threading.RLock()
        self.counts = DayCounts(self._day())
        self.lines: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        bus.subscribe(self._on_event)

    def start(self, interval_s: float = 60.0) -> "DailySummary":
        """Check for a new day every interval_s, so a quiet night still gets its line at midnight."""
        if self._thread is None:
            def loop():
                while not self._stop.wait(interval_s):
                    self.roll()

            self._thread = threading.Thread(target=loop, name="daily-summary", daemon=True)
            self._thread.start()
        return self

    def _day(self) -> str:
        return time.strftime("%Y-%m-%d", time.localtime(self._clock()))

    def _on_event(self, e: ev.Event) -> None:
        if isinstance(e, ev.Summary):
            return
        self.roll()
        with self._lock:
            c = self.counts
            if isinstance(e, ev.Transcript):
                c.turns += 1
            elif isinstance(e, ev.Image):
                c.pictures += 1
            elif isinstance(e, ev.Error):
                c.errors += 1
                stage = str(e.stage or "other")
                c.error_stages[stage] = c.error_stages.get(stage, 0) + 1
            elif isinstance(e, ev.Watchdog):
                c.restarts += 1

    def roll(self) -> str | None:
        """Write yesterday's line if the day has changed (also called by a timer in a quiet hall)."""
        today = self._day()
        with self._lock:
            if today == self.counts.day:
                return None
            done, self.counts = self.counts, DayCounts(today)
        return self._write(done, partial=False)

    def _write(self, counts: DayCounts, partial: bool) -> str:
        line = counts.line(partial)
        self.lines.append(line)
        log.info("%s", line)
        self._sink(line)
        self.bus.emit(ev.Summary(day=counts.day, turns=counts.turns, pictures=counts.pictures,
                                 errors=counts.errors, partial=partial))
        return line

    def close(self) -> str:
        """Write the current day's line (marked "so far") and stop counting."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self.roll()
        self.bus.unsubscribe(self._on_event)
        with self._lock:
            return self._write(self.counts, partial=True)


def apply_kiosk(config) -> None:
    """Turn a configuration into its kiosk form (the daemon calls this for --kiosk)."""
    config.kiosk.enabled = True
    config.window.fullscreen = True


class KioskServices:
    """The watchdog and the daily summary together, as the daemon starts them for --kiosk.

    `restart(worker_name)` is the daemon's own: it knows how to rebuild each of its workers.
    """

    def __init__(self, config, bus, restart: Callable[[str], None], clock: Callable[[], float] = time.time):
        self.watchdog = Watchdog(bus, config.kiosk.watchdog_s, restart).start()
        self.summary = DailySummary(bus, clock=clock).start()

    def beat(self, name: str) -> None:
        self.watchdog.beat(name)

    def close(self) -> None:
        self.watchdog.close()
        self.summary.close()
